// The same fixture projects through `cachewise check --format json` and through ESLint
// with the plugin must give identical (rule, file, line, column) sets.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, REPO_ROOT, runCliCaptured, toTuples, lintWithPlugin } from "../helpers";

const PROJECTS = [
  path.join(FIXTURES, "basic"),
  path.join(FIXTURES, "memoization"),
  path.join(FIXTURES, "families"),
  path.join(FIXTURES, "recall"),
  path.join(FIXTURES, "recall-ts"),
  path.join(FIXTURES, "recall-e"),
  path.join(FIXTURES, "recall-f"),
  path.join(FIXTURES, "cache-fallback"),
  path.join(REPO_ROOT, "examples", "cache-demo"),
  path.join(FIXTURES, "client-timeouts"),
];

describe("parity between the CLI and ESLint", () => {
  for (const projectDir of PROJECTS) {
    it(`gives identical findings on ${path.relative(REPO_ROOT, projectDir)}`, async () => {
      const cli = runCliCaptured(["check", ".", "--format", "json"], projectDir);
      assert.notEqual(cli.code, 2, cli.stderr);
      const fromCli = toTuples(JSON.parse(cli.stdout), projectDir);
      const fromEslint = toTuples((await lintWithPlugin(projectDir)) as never, projectDir);
      assert.ok(fromCli.length > 0, "the fixture has findings");
      assert.deepEqual(fromEslint, fromCli);
    });
  }
});
