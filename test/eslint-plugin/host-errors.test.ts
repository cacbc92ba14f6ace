// The ESLint host: a file cachewise cannot extract is that file's problem (one message), never a crash of the run.
import assert from "node:assert/strict";
import * as path from "node:path";
import { it } from "node:test";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import type * as ts from "typescript";
import { plugin } from "../../eslint-plugin/src/index";
import { STRICT_TSCONFIG, writeProject } from "../helpers";

const REDIS_NO_TTL = `import { Redis } from "ioredis";\nconst redis = new Redis();\nconst seen = new Map<string, number>();\nexport async function save(id: string) {\n  seen.set(id, Date.now());\n  await redis.set(\`item:\${id}\`, "v");\n}\n`;

interface TypedParser {
  parseForESLint(
    code: string,
    options: Record<string, unknown>,
  ): Record<string, unknown> & { services: Record<string, unknown> & { program: ts.Program } };
}

/**
 * typescript-eslint's parser, with a type checker that throws on the nodes of one file, as TypeScript's checker
 * does on a construct it does not expect ("Debug Failure"). Extraction of that file fails; the others are unaffected.
 */
function createParserFailingOn(failingFile: string) {
  const isFailingNode = (value: unknown) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as ts.Node).getSourceFile === "function" &&
    path.resolve((value as ts.Node).getSourceFile().fileName) === failingFile;
  const wrap = <T extends object>(target: T, intercept: (name: PropertyKey, value: unknown) => unknown): T =>
    new Proxy(target, {
      get(object, name) {
        const value = Reflect.get(object, name, object);
        return intercept(name, typeof value === "function" ? value.bind(object) : value);
      },
    });
  const failingChecker = (checker: ts.TypeChecker) =>
    wrap(checker, (_name, value) =>
      typeof value === "function"
        ? (...args: unknown[]) => {
            if (args.some(isFailingNode)) throw new Error("Debug Failure. False expression: injected for this test");
            return value(...args);
          }
        : value,
    );
  return {
    meta: { name: "parser-with-failing-checker" },
    parseForESLint(code: string, options: Record<string, unknown>) {
      const result = (tseslint.parser as unknown as TypedParser).parseForESLint(code, options);
      const program = result.services.program;
      const checker = failingChecker(program.getTypeChecker());
      const wrapped = wrap(program, (name, value) => (name === "getTypeChecker" ? () => checker : value));
      return { ...result, services: { ...result.services, program: wrapped } };
    },
  };
}

it("reports one message on a file whose extraction fails and lints the other files", async () => {
  const dir = writeProject("eslint-host-error", {
    "tsconfig.json": STRICT_TSCONFIG,
    "src/good.ts": REDIS_NO_TTL,
    "src/broken.ts": REDIS_NO_TTL.replace("item:", "other:"),
  });
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: {
          parser: createParserFailingOn(path.join(dir, "src", "broken.ts")) as never,
          parserOptions: { projectService: true, tsconfigRootDir: dir },
        },
      },
      plugin.configs.recommended as never,
    ],
  });
  const results = await eslint.lintFiles(["src/**/*.ts"]);
  const messagesOf = (file: string) => results.find((result) => result.filePath === path.join(dir, file))!.messages;
  // One message for the file, from whichever cachewise rule ran first, not one per rule.
  const broken = messagesOf("src/broken.ts");
  assert.equal(broken.length, 1, JSON.stringify(broken));
  assert.match(broken[0]!.ruleId ?? "", /^cachewise\//);
  assert.deepEqual(
    [broken[0]!.messageId, broken[0]!.line, broken[0]!.column, broken[0]!.message],
    [
      "cachewiseAnalysisError",
      1,
      1,
      "Analysis error (extracting): Debug Failure. False expression: injected for this test",
    ],
  );
  assert.deepEqual(
    messagesOf("src/good.ts").map((m) => [m.ruleId, m.line, m.column]),
    [["cachewise/require-cache-ttl", 6, 15]],
  );
});
