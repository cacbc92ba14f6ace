// Issue 13, recall pass 5 H: a counter kept in an in-process cache (`const count = (hits.get(key) || 0) + n;
// if (count > limit) …; hits.set(key, count)`) whose TTL is computed from the same limit (`ttl: limit * 1000`): the
// limit is a number of events, read as a number of seconds, so the count is kept for a time that follows the limit
// instead of the window it applies to. no-ambiguous-ttl-unit reports the TTL; the twins (a TTL from the window
// setting, a time stamp compared with its own window) are silent. The fixture test/fixtures/recall-h is also in the
// parity test.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { checkFindings, FIXTURES } from "../helpers";

describe("recall: a counter cache whose TTL is its own limit", () => {
  const dir = path.join(FIXTURES, "recall-h");
  let messages: Array<{ at: string; message: string }> = [];
  before(() => {
    messages = checkFindings(dir, "no-ambiguous-ttl-unit");
  });

  it("reports the TTL taken from the limit, at the construction and at a write, and not the twins", () => {
    assert.deepEqual(
      messages.map((m) => m.at),
      ["src/downloads.ts:13", "src/export-throttle.js:9"],
    );
  });

  it("names the limit, the counter and where they are compared", () => {
    assert.equal(
      messages[1]?.message,
      "The TTL `settings.exportLimit * 1000` is computed from `settings.exportLimit`, but `settings.exportLimit` is the limit the cached count `count` is compared with (src/export-throttle.js:14): a number of events, not a duration. The counts expire after a time that follows the limit instead of the window the limit applies to; take the TTL from the value that says how long that window lasts.",
    );
  });
});
