// Issue 13, recall: an object of helpers hung on a Redis client (`client.encoded = { get(key) {…}, … }`) whose methods
// forward their key to the client's own commands is the client: calls through it are the client's commands, so their
// keys make families and their writes are checked for an expiry. An MSET through a helper that is handed `{ EX }`
// writes keys that never expire (MSET takes no expiry; the helper drops the option); the same write followed by an
// EXPIRE of each key, a SET through the helper that forwards its options, and an object on the client whose methods
// use another store are silent. A SET through the helpers that keeps the key's expiry and zeroes the entry's stored time
// marks it stale (an invalidation); marking the bare prefix of keys stored per region is an invalidation of nothing.
// The fixture test/fixtures/recall-f is also in the parity test.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { checkFindings, FIXTURES, runCliCaptured } from "../helpers";

interface Family {
  pattern: string;
  reads: Array<{ location: string }>;
  writes: Array<{ location: string }>;
  invalidations: Array<{ location: string }>;
}

describe("recall: helpers hung on a Redis client over its commands", () => {
  const dir = path.join(FIXTURES, "recall-f");
  let messages: Array<{ at: string; message: string }> = [];
  let families: Family[] = [];
  before(() => {
    messages = checkFindings(dir);
    families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], dir).stdout) as Family[];
  });

  it("reports the MSET through the helper handed an expiry, and the SET without one, nothing else", () => {
    assert.deepEqual(
      messages.map((m) => m.at),
      [
        "require-cache-ttl src/flags/flags.ts:10",
        "require-cache-ttl src/flags/flags.ts:26",
        "no-unmatched-invalidation src/stats/stats.ts:21",
        // The helper's own MSET (reported before this pass too).
        "require-cache-ttl src/store/client.ts:45",
      ],
    );
    assert.equal(
      messages[0]?.message,
      "This `MSET` is handed an expiry (`{ EX: 300 }`), but `store.encoded.mSet` (at src/store/client.ts:44) does not take it: the helper never passes it on, and the keys are written with no expiry. MSET cannot take an expiry: expire each key afterwards, or write them with SET and EX in a pipeline.",
    );
    assert.match(messages[1]?.message ?? "", /^`SET` writes `profile:\{id\}` with no expiry/);
  });

  it("reads a SET that keeps the expiry and zeroes the stored time as an invalidation, and reports the bare prefix", () => {
    // `markStale(STATS_KEYS.totals)` marks `stats:totals`, but the totals are stored per region; the ranking's
    // `markStale(\`${STATS_KEYS.ranking}:${region}\`)` marks its family's key and is silent.
    assert.equal(
      messages[2]?.message,
      "`set` deletes `stats:totals`, but no cache family in the program writes such a key: this invalidation does nothing. The closest family is `stats:totals:{region}` (written at src/stats/stats.ts:12), which goes on after `stats:totals` with `:{region}`. Delete the key the cache writes.",
    );
    const ranking = families.find((family) => family.pattern === "stats:ranking:{region}");
    assert.equal(ranking?.invalidations.length, 1, "the region's stale marker is the ranking family's invalidation");
  });

  it("makes families of the keys read, written and deleted through the helpers", () => {
    const byPattern = new Map(families.map((family) => [family.pattern, family]));
    assert.deepEqual([...byPattern.keys()].sort(), [
      "card:{id}",
      "profile:{id}",
      "stats:ranking:{region}",
      "stats:totals",
      "stats:totals:{region}",
    ]);
    const profile = byPattern.get("profile:{id}")!;
    assert.deepEqual(
      [profile.reads.length, profile.writes.length, profile.invalidations.length],
      [1, 1, 1],
      "the helper's get, set and del are the family's read, write and invalidation",
    );
  });
});
