// The same fixture projects through `cachewise check --format json` and through ESLint
// with the plugin must give identical (rule, file, line, column) sets.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { FIXTURES, REPO_ROOT, runCliCaptured, toTuples } from "../helpers";

const PROJECTS = [
  path.join(FIXTURES, "basic"),
  path.join(FIXTURES, "memoization"),
  path.join(FIXTURES, "families"),
  path.join(FIXTURES, "recall"),
  path.join(REPO_ROOT, "examples", "cache-demo"),
];

async function lintWithEslint(projectDir: string): Promise<ESLint.LintResult[]> {
  // The built plugin, as users load it.
  const plugin = (await import(pathToFileURL(path.join(REPO_ROOT, "dist", "eslint-plugin.js")).href)).default;
  const eslint = new ESLint({
    cwd: projectDir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: {
          parser: tseslint.parser as never,
          parserOptions: { projectService: true, tsconfigRootDir: projectDir },
        },
      },
      plugin.configs.recommended,
    ],
  });
  return eslint.lintFiles(["src/**/*.ts"]);
}

describe("parity between the CLI and ESLint", () => {
  for (const projectDir of PROJECTS) {
    it(`gives identical findings on ${path.relative(REPO_ROOT, projectDir)}`, async () => {
      const cli = runCliCaptured(["check", ".", "--format", "json"], projectDir);
      assert.notEqual(cli.code, 2, cli.stderr);
      const fromCli = toTuples(JSON.parse(cli.stdout), projectDir);
      const fromEslint = toTuples((await lintWithEslint(projectDir)) as never, projectDir);
      assert.ok(fromCli.length > 0, "the fixture has findings");
      assert.deepEqual(fromEslint, fromCli);
    });
  }
});
