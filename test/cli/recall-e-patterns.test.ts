// Issue 13, recall: a database collection used as a cache. A function reads a document by key, returns it in place of
// a value it otherwise computes, and writes the computed value back under the same key: the collection is a cache by
// what the code does with it, whatever its library. Its key is then checked against the computed value's inputs, and
// its other calls in the file (a delete) are the family's; a key that is a field of the params the function is handed
// is checked where those params are built. A find-or-create and a default row stored on first use
// have the same read-then-write shape but nothing computed beside the write, or nothing that says it caches: no
// family. The fixture test/fixtures/recall-e is also in the parity test.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { FIXTURES, checkFindings, runCliCaptured } from "../helpers";

interface Family {
  pattern: string;
  reads: Array<{ location: string }>;
  writes: Array<{ location: string }>;
  invalidations: Array<{ location: string }>;
}

describe("recall: a database collection used as a cache", () => {
  const dir = path.join(FIXTURES, "recall-e");
  let messages: Array<{ at: string; message: string }> = [];
  let families: Family[] = [];
  before(() => {
    messages = checkFindings(dir);
    families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], dir).stdout) as Family[];
  });

  it("reports the key that leaves out an input of the stored value, and nothing else", () => {
    assert.deepEqual(
      messages.map((m) => m.at),
      ["require-complete-cache-key src/feeds/feeds.ts:45", "require-complete-cache-key src/reports/reports.ts:11"],
    );
    assert.equal(
      messages[1]?.message,
      "The value cached under `models.reportSnapshots:{teamId}` is computed from `period`, which the key does not contain: callers that differ only in it get the first caller's value. Add it to the key.",
    );
  });

  it("reports the key field of a params builder whose other fields come from an input the key does not", () => {
    // Keyed by `params.key`, rendered from `params.tags`: the partner branch sets the key to the bare token while the
    // tags come from the request; the subscription branch (fields of one row found by the token) and the builder
    // that puts the request's tag into the key are silent.
    assert.equal(
      messages[0]?.message,
      "The value cached under `models.feedSnapshots:{key}` is computed from `tags`, which the key does not contain: callers that differ only in it get the first caller's value. Add it to the key.",
    );
  });

  it("makes a family of each collection used as a cache, with its reads, writes and deletes in the file", () => {
    assert.deepEqual(families.map((family) => family.pattern).sort(), [
      "models.feedSnapshots:{key}",
      "models.reportSnapshots:{teamId}",
      "models.usageDigests:{teamId}:{period}",
    ]);
    const snapshots = families.find((family) => family.pattern === "models.reportSnapshots:{teamId}")!;
    assert.deepEqual(
      [snapshots.reads, snapshots.writes, snapshots.invalidations].map((sites) => sites.map((site) => site.location)),
      [["src/reports/reports.ts:8"], ["src/reports/reports.ts:11"], ["src/reports/reports.ts:29"]],
    );
  });
});
