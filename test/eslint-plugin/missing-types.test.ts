// Without type information the user gets typescript-eslint's own message about enabling it.
import assert from "node:assert/strict";
import { it } from "node:test";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { plugin } from "../../eslint-plugin/src/index";
import { FIXTURES } from "../helpers";

it("asks for projectService when the rules run without type information", async () => {
  const eslint = new ESLint({
    cwd: FIXTURES,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser as never } },
      plugin.configs.recommended as never,
    ],
  });
  await assert.rejects(
    eslint.lintText('import { Redis } from "ioredis";\nexport const r = new Redis();\n', {
      filePath: `${FIXTURES}/untyped.ts`,
    }),
    /requires type information|parserOptions\.project|projectService/,
  );
});
