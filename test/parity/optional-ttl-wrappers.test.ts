// require-cache-ttl on wrappers whose write without expiry runs when a TTL option is left out, in both hosts: the
// optional-ttl-wrappers fixture gives the same (rule, file, line, column) set through `cachewise check` and ESLint.
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, expectBothHosts } from "../helpers";

const PROJECT = path.join(FIXTURES, "optional-ttl-wrappers");

describe("TTL options left out at a wrapper's calls: parity between the CLI and ESLint", () => {
  it("reports the two calls that leave the option out, in both hosts", async () => {
    // The fixture's cache calls are unguarded on purpose: require-cache-fallback's findings are its own test's business.
    const notFallback = (tuple: string) => !tuple.startsWith("require-cache-fallback ");
    await expectBothHosts(
      PROJECT,
      ["require-cache-ttl src/caches.ts:51:9", "require-cache-ttl src/caches.ts:9:9"],
      notFallback,
    );
  });
});
