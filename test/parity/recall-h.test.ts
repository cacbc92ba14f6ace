// A counter cache whose TTL is computed from its own limit, in both hosts (issue 13, recall pass 5 H): the recall-h
// fixture has TypeScript and CommonJS files, so ESLint lints both (`.js` through the fixture's `allowJs` tsconfig).
// `cachewise check` and ESLint must give the same (rule, file, line, column) set, and exactly this one:
// - an lru-cache built with `ttl: settings.exportLimit * 1000` whose counter is compared with `settings.exportLimit`
//   (reported), beside a twin whose TTL is the window setting (silent);
// - a write passing `{ ttl: MAX_DOWNLOADS * 1000 }` for a count compared with `MAX_DOWNLOADS` (reported), beside a
//   time stamp compared with the window its TTL also uses (silent).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, lintJavaScriptProject, runCliCaptured, toTuples } from "../helpers";

const PROJECT = path.join(FIXTURES, "recall-h");

describe("a counter cache whose TTL is its own limit: parity between the CLI and ESLint", () => {
  it("reports the two TTLs taken from the limit, and nothing on their twins, in both hosts", async () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    assert.notEqual(cli.code, 2, cli.stderr);
    const fromCli = toTuples(JSON.parse(cli.stdout), PROJECT);
    assert.deepEqual(fromCli, [
      "no-ambiguous-ttl-unit src/downloads.ts:13:39",
      "no-ambiguous-ttl-unit src/export-throttle.js:9:7",
    ]);
    const fromEslint = toTuples((await lintJavaScriptProject(PROJECT, { withTypeScript: true })) as never, PROJECT);
    assert.deepEqual(fromEslint, fromCli);
  });
});
