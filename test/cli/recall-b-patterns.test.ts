// Issue 13, recall pass 4 (B), through the CLI: a delete whose key is built from the rows as they are after an update
// (the rows the update returned, or rows read again after it with the same filter) leaves the entry under the old key
// when the update may change a field of the key (its data names one, or is opaque). The rows reach the evicting
// helper by reference (`rows.forEach(evict.team)`), in TypeScript and in CommonJS. And a call of an invalidation
// method that the project's own cache object does not have (`memo.del` where it has `delete`). The fixture
// test/fixtures/recall-b is also in the parity test, so the ESLint host reports the same findings.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { FIXTURES, runCliCaptured } from "../helpers";

interface Message {
  ruleId: string | null;
  line: number;
  message: string;
}

describe("recall: invalidations keyed by the rows after an update", () => {
  const dir = path.join(FIXTURES, "recall-b");
  let messages: Array<{ at: string; message: string }> = [];
  before(() => {
    // The unguarded cache reads' fallback findings are not what this suite is about.
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-fallback:off"], dir);
    messages = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId)
        .map((m) => ({ at: `${m.ruleId} ${path.relative(dir, result.filePath)}:${m.line}`, message: m.message })),
    );
  });

  it("reports the deletes of the new keys only and the missing cache method, and nothing on the twins", () => {
    assert.deepEqual(messages.map((m) => m.at).sort(), [
      "no-unmatched-invalidation src/banners.js:7",
      "require-invalidation-on-write src/devices.js:18",
      "require-invalidation-on-write src/teams.ts:17",
      "require-invalidation-on-write src/teams.ts:24",
    ]);
  });

  it("follows the returned rows into the helper handed to forEach and names the key's fields", () => {
    assert.equal(
      messages.find((m) => m.at.endsWith("src/teams.ts:17"))?.message,
      "This call of `team` deletes `team:{slug}` under the key built from `slug` of the rows the write returned, but `teams.update` at src/teams.ts:16 may change it: the entry stored under the old value is not deleted, and readers that look the row up by its old value get the old row for up to 15 min. Read the rows before the write and delete their keys as well.",
    );
  });

  it("ties rows read again after the write in CommonJS to the write", () => {
    assert.equal(
      messages.find((m) => m.at.endsWith("src/devices.js:18"))?.message,
      "This call of `device` deletes `device:{serial}:{siteId}` under the key built from `serial`, `site_id` of the rows read again after the write (at src/devices.js:17), but `devices.update` at src/devices.js:16 may change them: the entry stored under the old value is not deleted, and readers that look the row up by its old value get the old row for up to 10 min. Read the rows before the write and delete their keys as well.",
    );
  });

  it("names the method a project cache object lacks, its methods and the one to call", () => {
    assert.equal(
      messages.find((m) => m.at.endsWith("src/banners.js:7"))?.message,
      "`memo.del` is not a method of the cache object `memo` (declared at src/store/memo.js:4), which has `clear`, `delete`, `get`, `set`: the call throws (`del` is not a function) instead of invalidating, and readers keep the cached entry. Call `delete`.",
    );
  });
});
