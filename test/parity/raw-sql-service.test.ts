// A service whose database is its own object looked up at run time, and whose cache is a kv.js store published on the
// global object (issue 13, recall on JavaScript services): the raw-sql-service fixture. `cachewise check` and ESLint
// (linting the `.js` files through the fixture's `allowJs` tsconfig) must give the same (rule, file, line, column) set,
// and exactly this one:
// - `db.read('SELECT * FROM accounts …')` and `db.write('UPDATE accounts SET …')` on a service no known driver backs are
//   read and written by the statement's text: a rename that leaves the cached account stale is reported, an email change
//   whose path deletes the entry is not, and a sentence that starts like an UPDATE writes nothing;
// - `memory` is the kv.js store that `global.memory = new Kv()` publishes: a write with no expiry is reported, one with
//   `{ PX }` is not.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, lintJavaScriptProject, runCliCaptured, toTuples } from "../helpers";

const PROJECT = path.join(FIXTURES, "raw-sql-service");

interface FamilyJson {
  pattern: string;
  library: string;
  entities: unknown[];
}

describe("raw SQL on a project's own database service, and a kv.js store on the global object, in both hosts", () => {
  it("reports the stale rename and the write kept forever, and nothing else", async () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    assert.notEqual(cli.code, 2, cli.stderr);
    const fromCli = toTuples(JSON.parse(cli.stdout), PROJECT);
    assert.deepEqual(fromCli, [
      "require-cache-ttl src/locales.js:5:9",
      "require-invalidation-on-write src/settings.js:16:8",
    ]);
    const fromEslint = toTuples((await lintJavaScriptProject(PROJECT)) as never, PROJECT);
    assert.deepEqual(fromEslint, fromCli);
  });

  it("names the table the statement writes and the kv.js option that would expire the entry", () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    const messages = (
      JSON.parse(cli.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; message: string }> }>
    ).flatMap((result) => result.messages.map((message) => `${message.ruleId}: ${message.message}`));
    assert.deepEqual(messages.sort(), [
      "require-cache-ttl: `memory.set` stores `locale:{userId}` forever: `memory` (built at src/boot.js:6) has neither a bound nor a default TTL and this call passes no TTL. Pass `{ EX: seconds }` (or `{ PX: milliseconds }`) as the third argument of `set`.",
      "require-invalidation-on-write: `UPDATE accounts` writes `accounts`, which the cache family `memory account:{id}` holds (filled from `accounts` at src/accounts.js:9), but nothing on this path invalidates it: readers see the old value for up to 10 min. Delete or update `memory account:{id}` after the write, here or in a function this path calls.",
    ]);
  });

  it("says that the family's table was read through a driver it did not identify", () => {
    const families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], PROJECT).stdout) as FamilyJson[];
    const account = families.find((family) => family.pattern === "account:{id}");
    assert.equal(account?.library, "kv-js");
    assert.deepEqual(account?.entities, [
      {
        entity: "account",
        name: "accounts",
        orm: "sql",
        driverIdentified: false,
        columns: null,
        readByKey: true,
        location: "src/accounts.js:9",
      },
    ]);
  });
});
