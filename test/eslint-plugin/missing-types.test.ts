// Without type information the rules cannot run: each file gets one clear message (from whichever cachewise rule
// runs first), the ESLint run goes on, and `configs.disableTypeChecked` turns the rules off for such files.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ESLint, type Linter } from "eslint";
import tseslint from "typescript-eslint";
import { plugin } from "../../eslint-plugin/src/index";
import { FIXTURES } from "../helpers";

const REDIS_WITHOUT_EXPIRY = 'import { Redis } from "ioredis";\nconst r = new Redis();\nawait r.set("k", "v");\n';
const NO_TYPES =
  /^cachewise cannot analyse this file: it has no type information\. .*projectService.*disableTypeChecked/;

function lint(config: Linter.Config[], filePath: string, text = REDIS_WITHOUT_EXPIRY) {
  const eslint = new ESLint({ cwd: FIXTURES, overrideConfigFile: true, overrideConfig: config });
  return eslint.lintText(text, { filePath: `${FIXTURES}/${filePath}` });
}

describe("files without type information", () => {
  it("gives one message per TypeScript file parsed without a project, not a crash", async () => {
    const [result] = await lint(
      [
        { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser as never } },
        plugin.configs.recommended as never,
      ],
      "untyped.ts",
    );
    assert.equal(result!.messages.length, 1, JSON.stringify(result!.messages));
    const [message] = result!.messages;
    assert.match(message!.ruleId ?? "", /^cachewise\//);
    assert.equal(message!.messageId, "cachewiseNoTypeInformation");
    assert.equal(message!.line, 1);
    assert.match(message!.message, NO_TYPES);
  });

  it("gives one message per plain JavaScript file (ESLint's own parser), and each file gets its own", async () => {
    const eslint = new ESLint({
      cwd: FIXTURES,
      overrideConfigFile: true,
      overrideConfig: [plugin.configs.recommended as never],
    });
    const first = await eslint.lintText(REDIS_WITHOUT_EXPIRY, { filePath: `${FIXTURES}/a.mjs` });
    const second = await eslint.lintText("export const x = 1;\n", { filePath: `${FIXTURES}/b.js` });
    for (const [result] of [first, second]) {
      assert.equal(result!.messages.length, 1, JSON.stringify(result!.messages));
      assert.match(result!.messages[0]!.message, NO_TYPES);
    }
  });

  it("reports nothing once disableTypeChecked covers the JavaScript files", async () => {
    const [result] = await lint(
      [plugin.configs.recommended as never, { files: ["**/*.js"], ...(plugin.configs.disableTypeChecked as object) }],
      "plain.js",
    );
    assert.deepEqual(result!.messages, []);
  });

  it("scopes recommended to script files and disableTypeChecked to every cachewise rule", () => {
    assert.ok(plugin.configs.recommended.files?.includes("**/*.ts"));
    assert.ok(plugin.configs.recommended.files?.includes("**/*.mjs"));
    const recommended = Object.keys(plugin.configs.recommended.rules ?? {});
    const disabled = plugin.configs.disableTypeChecked.rules ?? {};
    assert.deepEqual(
      Object.keys(disabled).sort(),
      Object.keys(plugin.rules)
        .map((id) => `cachewise/${id}`)
        .sort(),
    );
    assert.ok(recommended.every((id) => disabled[id] === "off"));
  });
});
