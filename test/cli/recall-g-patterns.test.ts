// Issue 13, recall pass 5 (G): cache keys checked against inputs a function takes from its parameters' fields, and
// against a pair of project functions a handler uses cache-aside.
// - A local bound from a parameter's field (`const { userId, theme } = request`) is an input like a parameter, when
//   its type identifies a value; route and query parameters (`req.params.x`) are strings even when the request's type
//   is unknown.
// - `getCachedPreview(variant)` … `putCachedPreview(variant, entry)`: a read and a write named for one cache, the read's
//   result answering the request in place of the value the handler renders, the write storing that value under the
//   same key arguments. The key arguments are checked against the value's inputs; the finding is on the lookup.
// Each has a twin with the missing input in its key, which stays silent. The fixture is also in the parity test
// (test/parity/recall-g.test.ts).
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { FIXTURES, runCliCaptured } from "../helpers";

interface Message {
  ruleId: string | null;
  line: number;
  message: string;
}

describe("recall: key inputs from parameters' fields, and a cache-aside pair of project functions", () => {
  const dir = path.join(FIXTURES, "recall-g");
  let messages: Array<{ at: string; message: string }> = [];
  before(() => {
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.notEqual(run.code, 2, run.stderr);
    messages = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId)
        .map((m) => ({ at: `${m.ruleId} ${path.relative(dir, result.filePath)}:${m.line}`, message: m.message })),
    );
  });

  it("reports the two keys that leave out an input, and nothing on their twins", () => {
    assert.deepEqual(
      messages.map((m) => m.at),
      ["require-complete-cache-key src/cards/cards.ts:19", "require-complete-cache-key src/previews/previews.ts:42"],
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
      messages[1]?.message,
      "The value cached under `getCachedPreview(variant)` is computed from `documentId`, `folder`, which the key does not contain: callers that differ only in them get the first caller's value. Add them to the key.",
    );
  });
});
