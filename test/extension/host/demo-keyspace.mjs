// The keyspace the extension tests run against: keys of the cache-demo families (some with a TTL,
// some without) plus a few keys no family in the demo writes. Plain JavaScript so that both the
// UI tests (tsx) and scripts/run-extension-tests-electron.mjs (plain node) seed the same data.
import { spawnSync } from "node:child_process";

/** What the seeded keyspace holds, for assertions. */
export const DEMO_KEYSPACE = {
  users: 30,
  usersWithoutTtl: 6,
  sessions: 10,
  rateLimits: 8,
  userSessionSets: 5,
  unmatchedKeys: ["legacy:report:2024", "tmp:upload:abc", "plainkey"],
};

/** Redis commands (argument arrays) that create the demo keyspace. */
export function demoKeyspaceCommands() {
  const commands = [];
  for (let i = 1; i <= DEMO_KEYSPACE.users; i++) {
    const value = JSON.stringify({ id: String(i), name: `User ${i}`, email: `user${i}@example.com` });
    // Every fifth key was written by renameUser's plain SET and lost its TTL.
    commands.push(i % 5 === 0 ? ["SET", `demo:user:${i}`, value] : ["SET", `demo:user:${i}`, value, "EX", "3600"]);
  }
  for (let i = 1; i <= DEMO_KEYSPACE.sessions; i++) {
    commands.push(
      ["HSET", `demo:session:tok${i}`, "userId", String(i), "openedAt", "1764170000000"],
      ["EXPIRE", `demo:session:tok${i}`, "1800"],
    );
  }
  for (let i = 1; i <= DEMO_KEYSPACE.rateLimits; i++) commands.push(["SET", `demo:rate:10.0.0.${i}`, "3", "EX", "60"]);
  for (let i = 1; i <= DEMO_KEYSPACE.userSessionSets; i++)
    commands.push(["SADD", `demo:user-sessions:${i}`, `tok${i}`, `tok${i + 100}`]);
  commands.push(
    ["SET", "legacy:report:2024", "stale"],
    ["SET", "tmp:upload:abc", "x", "EX", "600"],
    ["SET", "plainkey", "1"],
  );
  return commands;
}

/** Seeds the demo keyspace into database 0 of the Redis on `port` with redis-cli (after a FLUSHDB). */
export function seedDemoKeyspace(port, host = "127.0.0.1") {
  const commands = [["FLUSHDB"], ...demoKeyspaceCommands()];
  // redis-cli reads one command per line; no argument here contains a quote or whitespace except the JSON, which is quoted.
  const input = commands.map((args) => args.map((arg) => `"${arg.replace(/["\\]/g, "\\$&")}"`).join(" ")).join("\n");
  const result = spawnSync("redis-cli", ["-h", host, "-p", String(port)], { input, encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0 || /ERR/.test(result.stdout))
    throw new Error(`seeding Redis on ${port} failed: ${result.stdout}${result.stderr}${result.error?.message ?? ""}`);
}
