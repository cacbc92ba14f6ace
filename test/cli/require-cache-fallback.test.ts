// require-cache-fallback (issue 16) through the CLI and ESLint on one fixture service (test/fixtures/cache-fallback):
// a helper that lets a cache error through to a caller that then reads the database (reported at the helper's call,
// naming the caller), a write after the load (reported), and what guards: a helper that turns errors into misses, a
// caller that catches and reads the database itself, a cockatiel circuit breaker.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, expectBothHosts, runCliCaptured } from "../helpers";

const FIXTURE = path.join(FIXTURES, "cache-fallback");

const EXPECTED = [
  // readTeam's `redis.get`: getTeam calls it, then reads `team` from the database.
  "require-cache-fallback src/cache-helpers.ts:5:16",
  // getProject's `redis.set` after `prisma.project.findUnique`.
  "require-cache-fallback src/projects.ts:10:15",
  // The fixture's ioredis client, built with the library's defaults.
  "require-client-timeouts src/clients.ts:5:26",
].sort();

describe("require-cache-fallback in the CLI and ESLint", () => {
  it("reports the same findings in both hosts, at the unguarded calls only", async () => {
    await expectBothHosts(FIXTURE, EXPECTED);
  });

  it("names the function whose call fails and what the user loses", () => {
    const cli = runCliCaptured(["check", "."], FIXTURE);
    assert.match(
      cli.stdout,
      /`getTeam` throws instead of reading from the database \(`team`\) when the cache read fails: `redis\.get` \(in `readTeam`, which it calls\) rejects when ioredis cannot reach its server/,
    );
    assert.match(
      cli.stdout,
      /`getProject` loses the `project` data it loaded from the database \(`project`\) when the cache write fails: `redis\.set` rejects/,
    );
  });
});
