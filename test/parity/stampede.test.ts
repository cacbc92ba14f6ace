// require-stampede-protection in both hosts: the stampede fixture (a refill guarded by a lock helper of another
// module, a read-through that coalesces, a loop warming keys with one TTL) through `cachewise check --format json`
// and through ESLint gives the same (rule, file, line, column) set, and exactly the expected one.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, expectBothHosts } from "../helpers";

const PROJECT = path.join(FIXTURES, "stampede");

describe("require-stampede-protection: parity between the CLI and ESLint", () => {
  it("reports the fixed key, the per-region keys and the loop with one TTL, in both hosts", async () => {
    // The fixture's cache calls are unguarded on purpose: require-cache-fallback's findings there are its own
    // test's business (test/cli/require-cache-fallback.test.ts), not this one's.
    const notFallback = (tuple: string) => !tuple.startsWith("require-cache-fallback ");
    const cli = await expectBothHosts(
      PROJECT,
      [
        // The fixture's ioredis client is built with the library's defaults.
        "require-client-timeouts src/clients.ts:7:26",
        "require-stampede-protection src/config.ts:11:15",
        "require-stampede-protection src/config.ts:20:15",
        "require-stampede-protection src/products.ts:16:17",
      ],
      notFallback,
    );
    // The sentence names the family and what happens when it expires.
    const config = (
      JSON.parse(cli.stdout) as Array<{
        filePath: string;
        messages: Array<{ line: number; ruleId: string; message: string }>;
      }>
    )
      .find((result) => result.filePath.endsWith("config.ts"))!
      .messages.find((message) => message.line === 11 && message.ruleId === "require-stampede-protection")!;
    assert.equal(
      config.message,
      "When `config:global` expires, every request at that moment queries the database (`setting`) until one refill lands: nothing in `getGlobalConfig` lets one caller refill while the others wait. Take a lock around the refill (`SET … NX` with an expiry), put a single-flight in front (the library's `wrap`/`getOrSet`/`fetch`, p-memoize), or serve the stale value while one caller refreshes it.",
    );
  });
});
