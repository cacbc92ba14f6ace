// no-cached-rejection on hand-rolled promise holders in both hosts: the promise-holders fixture (a settings key and a
// field, each with a twin that clears the holder before every rejection, and holders that are never cleared or never
// handed back) gives the same (rule, file, line, column) set through `cachewise check` and through ESLint.
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, expectBothHosts } from "../helpers";

const PROJECT = path.join(FIXTURES, "promise-holders");

describe("promise holders that keep a rejection: parity between the CLI and ESLint", () => {
  it("reports the two exits that reject without clearing the holder, in both hosts", async () => {
    await expectBothHosts(PROJECT, [
      "no-cached-rejection src/catalog.ts:23:11",
      "no-cached-rejection src/sign-in.ts:17:5",
    ]);
  });
});
