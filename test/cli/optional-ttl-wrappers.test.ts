// Issue 13, recall: a wrapper that writes with an expiry only when its caller gives a TTL option
// (`put(key, value, { ttl } = {})`: `if (ttl) { SET … EX ttl; return } SET …`). The write without expiry is kept at
// the calls that leave the option out (directly, or by passing on their own option that has no default while their
// callers leave it out) and dropped at those that give it (a value, or an option with a default). The fixture
// test/fixtures/optional-ttl-wrappers is also in the parity test.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { FIXTURES, checkFindings, runCliCaptured } from "../helpers";

interface Family {
  pattern: string;
  ttls: Array<{ text: string }>;
}

describe("recall: a write without expiry that runs when a TTL option is left out", () => {
  const dir = path.join(FIXTURES, "optional-ttl-wrappers");
  let messages: Array<{ at: string; message: string }> = [];
  let families: Family[] = [];
  before(() => {
    messages = checkFindings(dir, "require-cache-ttl");
    families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], dir).stdout) as Family[];
  });

  it("reports the calls that leave the option out, and none that give it", () => {
    assert.deepEqual(
      messages.map((m) => m.at),
      ["src/caches.ts:9", "src/caches.ts:51"],
    );
  });

  it("says which option is missing and who leaves it out", () => {
    assert.equal(
      messages[0]?.message,
      '`SET` writes `profile:{id}` with no expiry, so the key lives until something deletes it; `put` writes without one when `ttl` is missing, and `storeProfile` passes on its own `ttl`, which has no default, and 1 of the 1 calls to it leave it out; it holds `profile` data, so a write that misses its invalidation leaves the old value there for good. Pass `"EX", seconds` (or `"KEEPTTL"` to keep an existing expiry).',
    );
    assert.match(messages[1]!.message, /`put` writes without one when `ttl` is missing, and this call leaves it out;/);
  });

  it("keeps the write without expiry out of the families whose calls all give the option", () => {
    const ttls = Object.fromEntries(families.map((f) => [f.pattern, f.ttls.map((t) => t.text).sort()]));
    assert.deepEqual(ttls, {
      "badge:{id}": ["none", "ttl"],
      "plan:{id}": ["ttl"],
      "profile:{id}": ["none", "ttl"],
      "quota:{id}": ["ttl"],
      "team:{id}": ["ttl"],
    });
  });
});
