// Key inputs taken from parameters' fields and a cache-aside pair of project functions, in both hosts (issue 13,
// recall pass 5 G): `cachewise check` and ESLint must give the same (rule, file, line, column) set on the recall-g
// fixture, and exactly this one:
// - a card keyed by the user, drawn in the theme destructured from the same request (reported), beside a twin keyed
//   by both (silent);
// - a preview looked up by `getCachedPreview(variant)` and stored by `putCachedPreview(variant, entry)`, rendered
//   from the document the route parameters name (reported, on the lookup), beside a twin whose pair takes the
//   document as key arguments (silent);
// - a module table of in-flight fetches and a class's table of shared tickets whose entries are removed after the
//   await, outside any `try` (reported, on the await), beside twins that remove them in `finally` or on the promise.
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, expectBothHosts } from "../helpers";

const PROJECT = path.join(FIXTURES, "recall-g");

describe("key inputs from parameters' fields, cache-aside pairs and in-flight tables: parity between the CLI and ESLint", () => {
  it("reports the two incomplete keys, the two tables that keep a rejection, and nothing on their twins, in both hosts", async () => {
    await expectBothHosts(PROJECT, [
      "no-cached-rejection src/inflight/coalescer.ts:18:21",
      "no-cached-rejection src/inflight/profiles.ts:17:19",
      "require-complete-cache-key src/cards/cards.ts:19:9",
      "require-complete-cache-key src/previews/previews.ts:42:18",
    ]);
  });
});
