// A project key-value store as the source of truth of a cache that mirrors its keys, in both hosts: the store-mirrors
// fixture caches the member lists a store module (its engine chosen at run time, so its methods are unknown) holds
// under `team:<name>:members`, under the same key. `cachewise check` and ESLint (linting the `.js` files through the
// fixture's `allowJs` tsconfig) must give the same (rule, file, line, column) set, and exactly this one:
// - a delete of the store keys collected by `keys.push(…)` that leaves the cached lists (reported), beside a removal
//   followed by a helper that deletes the cached lists given as `names.map(…)` (silent);
// - a write followed by the helper of another mixin of the same object (`Teams.forgetMembers`, silent), and a write in
//   a helper whose caller deleted the cached list before calling it (reported);
// - a count derived from the list under a key of its own: not a mirror, so no write of the list is reported for it;
// - every team below one, gathered from the store level by level and cached under the key whose other fill (through a
//   helper called with a constant key) is the store's own list (reported), beside the same walk cached under a key of
//   its own and a write-through of the list (silent).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, lintJavaScriptProject, runCliCaptured, toTuples } from "../helpers";

const PROJECT = path.join(FIXTURES, "store-mirrors");

describe("a key-value store whose keys a cache mirrors, in both hosts", () => {
  it("reports the two writes that leave the cached copy, the fill that shares a mirror's key, and nothing else", async () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    assert.notEqual(cli.code, 2, cli.stderr);
    const fromCli = toTuples(JSON.parse(cli.stdout), PROJECT);
    assert.deepEqual(fromCli, [
      "require-complete-cache-key src/teams/tree.js:40:8",
      "require-invalidation-on-write src/teams/mixins/admin.js:23:9",
      "require-invalidation-on-write src/teams/mixins/join.js:20:9",
    ]);
    const fromEslint = toTuples((await lintJavaScriptProject(PROJECT)) as never, PROJECT);
    assert.deepEqual(fromEslint, fromCli);
  });
});
