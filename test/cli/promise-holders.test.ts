// Issue 13, recall: a hand-rolled promise holder that keeps a rejection. A promise stored in a settings key
// (`settings.set("session", promise)`) or a field, handed back to later callers while it is set, ends in a rejection
// handler that clears the holder on some paths and rejects without clearing it on another: that exit is reported.
// The twins clear the holder before every rejection, never clear it at all (not this pattern), or never hand it back.
// The fixture test/fixtures/promise-holders is also in the parity test.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { checkFindings, FIXTURES } from "../helpers";

describe("recall: a promise holder whose rejection handler clears it on some paths only", () => {
  const dir = path.join(FIXTURES, "promise-holders");
  let messages: Array<{ at: string; message: string }> = [];
  before(() => {
    messages = checkFindings(dir);
  });

  it("reports the exits that reject without clearing, and nothing on the twins", () => {
    assert.deepEqual(
      messages.map((m) => m.at),
      ["no-cached-rejection src/catalog.ts:23", "no-cached-rejection src/sign-in.ts:17"],
    );
  });

  it("names the holder, where it is stored, who hands it back and where it is cleared", () => {
    assert.equal(
      messages[1]?.message,
      "This rejection leaves the promise stored in the `session` key of `this.settings` (at src/sign-in.ts:28) in place, and `SignIn.current` returns the stored promise to later callers: one transient failure is served to all of them until something replaces it. The holder is cleared by `SignIn.forget` at src/sign-in.ts:9, but not on this path: clear it before rejecting here too.",
    );
    assert.equal(
      messages[0]?.message,
      "This rejection leaves the promise stored in `this.loading` (at src/catalog.ts:17) in place, and `CatalogLoader.load` returns the stored promise to later callers: one transient failure is served to all of them until something replaces it. The holder is cleared at src/catalog.ts:21, but not on this path: clear it before rejecting here too.",
    );
  });
});
