// Issue 13, recall pass 5 (G): cache keys checked against inputs a function takes from its parameters' fields, and
// against a pair of project functions a handler uses cache-aside.
// - A local bound from a parameter's field (`const { userId, theme } = request`) is an input like a parameter, when
//   its type identifies a value; route and query parameters (`req.params.x`) are strings even when the request's type
//   is unknown.
// - `getCachedPreview(variant)` … `putCachedPreview(variant, entry)`: a read and a write named for one cache, the read's
//   result answering the request in place of the value the handler renders, the write storing that value under the
//   same key arguments. The key arguments are checked against the value's inputs; the finding is on the lookup.
// - An async function that keeps the promise it starts in a long-lived table (`pending.set(id, p)`, or a field of a
//   ticket a helper registered in `this.open`) and removes it after the await, outside any `try`: a rejection skips
//   the removal and the table serves the failure to later callers (no-cached-rejection).
// Each has a twin (the missing input in its key; the removal in `finally` or on the promise itself), which stays silent. The fixture is also in the parity test
// (test/parity/recall-g.test.ts).
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { checkFindings, FIXTURES } from "../helpers";

describe("recall: key inputs from parameters' fields, cache-aside pairs of project functions, in-flight tables", () => {
  const dir = path.join(FIXTURES, "recall-g");
  let messages: Array<{ at: string; message: string }> = [];
  before(() => {
    messages = checkFindings(dir);
  });

  it("reports the two keys that leave out an input and the two tables that keep a rejection, and nothing on their twins", () => {
    assert.deepEqual(
      messages.map((m) => m.at),
      [
        "require-complete-cache-key src/cards/cards.ts:19",
        "no-cached-rejection src/inflight/coalescer.ts:18",
        "no-cached-rejection src/inflight/profiles.ts:17",
        "require-complete-cache-key src/previews/previews.ts:42",
      ],
    );
  });

  it("names a field destructured from the parameter as the missing input", () => {
    assert.equal(
      messages[0]?.message,
      "The value cached under `{userId}` is computed from `theme`, which the key does not contain: callers that differ only in it get the first caller's value. Add it to the key.",
    );
  });

  it("names the route parameters the stored value is loaded by, on the lookup of the pair", () => {
    assert.equal(
      messages[3]?.message,
      "The value cached under `getCachedPreview(variant)` is computed from `documentId`, `folder`, which the key does not contain: callers that differ only in them get the first caller's value. Add them to the key.",
    );
  });

  it("names the table and the removal a rejection skips", () => {
    assert.equal(
      messages[2]?.message,
      "The promise awaited here is kept in `pending` until `pending.delete(id)` after the await, which does not run when it rejects: the rejected promise stays in `pending` and every later caller that finds it gets the failure, until the process restarts. Remove the entry in a `finally` (or in a `.catch` that rethrows).",
    );
    assert.match(messages[1]?.message ?? "", /kept in `this\.open` until `this\.leave\(ticket\)`/);
  });
});
