// Invalidations keyed by the rows after an update, in both hosts (issue 13, recall pass 4 B): the recall-b fixture has
// TypeScript and CommonJS files, so ESLint lints both (`.js` through the fixture's `allowJs` tsconfig). `cachewise
// check` and ESLint must give the same (rule, file, line, column) set, and exactly this one:
// - rows an update returned, handed by reference to the helper that evicts them (`teams.forEach(evict.team)`), when
//   the update's data is opaque (reported), beside a twin that reads the rows first and evicts both (silent);
// - a delete of the key built from the returned row when the update names the key's field (reported), beside one
//   whose update names another field (silent);
// - rows read again with the same filter after the update, in CommonJS (reported), beside a twin that also read them
//   before (silent);
// - a call of `del` on the project's cache object, which has `delete` (reported), beside a call of its `delete` (silent).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, lintJavaScriptProject, runCliCaptured, toTuples } from "../helpers";

const PROJECT = path.join(FIXTURES, "recall-b");

describe("invalidations keyed by the rows after an update: parity between the CLI and ESLint", () => {
  it("reports the three deletes of new keys only and the missing method, and nothing on their twins, in both hosts", async () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    assert.notEqual(cli.code, 2, cli.stderr);
    // The unguarded cache calls' fallback findings are require-cache-fallback's business, not this test's.
    const notFallback = (tuple: string) => !tuple.startsWith("require-cache-fallback ");
    const fromCli = toTuples(JSON.parse(cli.stdout), PROJECT).filter(notFallback);
    assert.deepEqual(fromCli, [
      "no-unmatched-invalidation src/banners.js:7:3",
      "require-invalidation-on-write src/devices.js:18:3",
      "require-invalidation-on-write src/teams.ts:17:3",
      "require-invalidation-on-write src/teams.ts:24:19",
    ]);
    const fromEslint = toTuples(
      (await lintJavaScriptProject(PROJECT, { withTypeScript: true })) as never,
      PROJECT,
    ).filter(notFallback);
    assert.deepEqual(fromEslint, fromCli);
  });
});
