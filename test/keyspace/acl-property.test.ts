// A property of `cachewise keyspace` under ACL users: whatever rules a user has (key patterns,
// read-only or write-only patterns, commands and categories added or removed), a run either
// fails with exit 2 and a message naming the server, or exits 0 with figures that cover only
// the keys the user may read, the refused ones counted and adding up to the keyspace. What the
// user may run or read comes from the server itself (ACL DRYRUN), not from a model of ACLs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { Redis } from "ioredis";
import { runKeyspaceCli } from "../../analyzer/src/cli/keyspace";
import { REPO_ROOT } from "../helpers";
import { startRedisServer } from "./redis-harness";
import type { RedisProcess } from "./redis-harness";

const DB = 2;
const USER = "prop";

/** What the seeded database holds: namespaces of several types, TTLs, and keys without a namespace. */
function seedKeys(): Map<string, (p: ReturnType<Redis["pipeline"]>) => void> {
  const keys = new Map<string, (p: ReturnType<Redis["pipeline"]>) => void>();
  for (let i = 0; i < 20; i++) keys.set(`sess:${i}`, (p) => p.set(`sess:${i}`, "s", "EX", 3600));
  for (let i = 0; i < 25; i++) keys.set(`user:${i}`, (p) => p.hset(`user:${i}`, "name", `n${i}`));
  for (let i = 0; i < 15; i++) keys.set(`cache:${i}:v`, (p) => p.set(`cache:${i}:v`, "c".repeat(i * 10)));
  for (let i = 0; i < 5; i++) keys.set(`orphan${i}`, (p) => p.rpush(`orphan${i}`, "a", "b"));
  return keys;
}

const KEY_PATTERNS = ["*", "sess:*", "user:*", "cache:*", "orphan*", "nothing:*"];
const COMMANDS = [
  "ping",
  "dbsize",
  "info",
  "scan",
  "type",
  "pttl",
  "memory",
  "object",
  "select",
  "eval_ro",
  "evalsha_ro",
  "config",
  "client",
  "@read",
  "@keyspace",
  "@connection",
  "@scripting",
  "@dangerous",
  "@slow",
  "@fast",
];

const aclRules = fc.record({
  // Each pattern readable and writable (~), read-only (%R~) or write-only (%W~).
  patterns: fc.uniqueArray(fc.tuple(fc.constantFrom("~", "%R~", "%W~"), fc.constantFrom(...KEY_PATTERNS)), {
    maxLength: 3,
    selector: ([, pattern]) => pattern,
  }),
  base: fc.constantFrom("+@all", "-@all +@read", "-@all +@read +@connection", "-@all +@keyspace +@connection"),
  changes: fc.array(fc.tuple(fc.constantFrom("+", "-"), fc.constantFrom(...COMMANDS)), { maxLength: 5 }),
  // Read-only: every pattern becomes %R~ (a user that may read but never write a key).
  readOnly: fc.boolean(),
});

type Rules = typeof aclRules extends fc.Arbitrary<infer T> ? T : never;

function toAclArgs(rules: Rules): string[] {
  return [
    ...rules.patterns.map(([kind, pattern]) => `${rules.readOnly && kind === "~" ? "%R~" : kind}${pattern}`),
    ...rules.base.split(" "),
    ...rules.changes.map(([sign, command]) => `${sign}${command}`),
  ];
}

interface GroupJson {
  sampleKeys: string[];
  largestKeys?: { key: string }[];
}

/** Every display key a run's JSON shows, and every namespace path. */
function collectShown(json: { total: GroupJson | { stats: GroupJson }; namespaces: unknown }): {
  keys: string[];
  paths: string[];
} {
  const keys: string[] = [];
  const paths: string[] = [];
  const addGroup = (group: GroupJson) => {
    keys.push(...group.sampleKeys, ...(group.largestKeys ?? []).map((k) => k.key));
  };
  const total = json.total as { stats?: GroupJson } & GroupJson;
  addGroup(total.stats ?? total);
  const walk = (node: { path: string; stats?: GroupJson; estimate?: GroupJson; children: unknown[] }) => {
    if (node.path !== "") paths.push(node.path);
    addGroup((node.stats ?? node.estimate)!);
    for (const child of node.children) walk(child as typeof node);
  };
  walk(json.namespaces as Parameters<typeof walk>[0]);
  return { keys, paths };
}

describe("cachewise keyspace under any ACL user (property)", () => {
  let server: RedisProcess;
  let admin: Redis;
  const seeded = seedKeys();
  const allKeys = [...seeded.keys()];

  before(async () => {
    server = await startRedisServer("keyspace-acl-property");
    admin = new Redis({ port: server.port, db: DB });
    const pipeline = admin.pipeline();
    for (const write of seeded.values()) write(pipeline);
    await pipeline.exec();
    assert.equal(await admin.dbsize(), allKeys.length);
  });

  after(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await runKeyspaceCli(["--redis", `redis://${USER}@127.0.0.1:${server.port}/${DB}`, ...argv], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      cwd: REPO_ROOT,
      env: { REDISCLI_AUTH: "pw" },
    });
    return { code, stdout, stderr };
  }

  /** The server's own answer: may the user run `command` (on `key`)? */
  async function dryRun(...args: string[]): Promise<"ok" | "command" | "key"> {
    const reply = String(await admin.call("ACL", "DRYRUN", USER, ...args).catch((error: Error) => error.message));
    if (reply === "OK") return "ok";
    return /permissions to run/.test(reply) ? "command" : "key";
  }

  it("never shows figures of keys the user may not read, never crashes, and adds up its counts", async () => {
    const address = `127.0.0.1:${server.port}`;
    let succeeded = 0;
    let refusedSome = 0;
    await fc.assert(
      fc.asyncProperty(aclRules, async (rules) => {
        // Some combinations are refused by Redis itself (a pattern after `*`): not a user anyone can have.
        const accepted = await admin.call("ACL", "SETUSER", USER, "reset", "on", ">pw", ...toAclArgs(rules)).then(
          () => true,
          (error: Error) => !/Error in ACL SETUSER/.test(error.message) && Promise.reject(error),
        );
        fc.pre(accepted);
        const readable = new Set<string>();
        for (const key of allKeys)
          if ((await dryRun("TYPE", key)) === "ok" && (await dryRun("PTTL", key)) === "ok") readable.add(key);
        const needed = await Promise.all(
          [
            ["SELECT", String(DB)],
            ["SCAN", "0"],
            ["TYPE", "x"],
            ["PTTL", "x"],
          ].map((c) => dryRun(...c)),
        );
        const canProfile = needed.every((answer) => answer !== "command");
        const readableSegments = new Set([...readable].map((key) => key.split(":")[0]));

        for (const mode of [["--full"], [], ["--sample", "10"]]) {
          const what = `${toAclArgs(rules).join(" ")} | ${mode.join(" ") || "default sample"}`;
          const result = await run([...mode, "--format", "json"]);
          if (!canProfile) {
            // SELECT, SCAN, TYPE or PTTL denied: a clear error that names the server.
            assert.equal(result.code, 2, `${what}: ${result.stdout.slice(0, 200)}`);
            assert.equal(result.stdout, "");
            assert.match(result.stderr, /^cachewise: [^\n]+\n$/, what);
            assert.ok(result.stderr.includes(address), `${what}: ${result.stderr}`);
            continue;
          }
          assert.equal(result.code, 0, `${what}: ${result.stderr}`);
          const json = JSON.parse(result.stdout);
          const shown = collectShown(json);
          for (const key of shown.keys) assert.ok(readable.has(key), `${what}: shows the unreadable key ${key}`);
          for (const path of shown.paths) {
            const top = path.split(":")[0];
            assert.ok(
              readableSegments.has(top) || (top === "(no namespace)" && [...readable].some((k) => !k.includes(":"))),
              `${what}: shows the namespace ${path} of no readable key`,
            );
          }
          const refused = allKeys.length - readable.size;
          if (mode[0] === "--full") {
            assert.deepEqual(
              [json.total.keys, json.notPermitted, json.vanished],
              [readable.size, refused, 0],
              `${what}: full profile counts`,
            );
            if (json.keysAtStart !== null) assert.equal(json.total.keys + json.notPermitted, json.keysAtStart, what);
          } else if (mode.length === 0) {
            assert.equal(json.exhaustive, true, what);
            assert.deepEqual(
              [json.totalKeys, json.keysNotPermitted, json.keyspaceKeys],
              [readable.size, refused, allKeys.length],
              `${what}: exhaustive sample counts`,
            );
          } else {
            assert.equal(json.exhaustive, false, what);
            assert.equal(json.keyspaceKeys, allKeys.length, what);
            assert.equal(json.totalKeys + json.keysNotPermitted, json.keyspaceKeys, what);
            if (refused === 0) assert.equal(json.keysNotPermitted, 0, what);
            if (readable.size === 0) assert.equal(json.totalKeys, 0, what);
          }
        }
        if (canProfile) succeeded += 1;
        if (canProfile && readable.size < allKeys.length) refusedSome += 1;
      }),
      { numRuns: 30 },
    );
    // The generator reaches both kinds of runs, and users that may read only some keys.
    assert.ok(
      succeeded > 0 && succeeded < 30 && refusedSome > 0,
      `${succeeded} profiled, ${refusedSome} partly refused`,
    );
  });
});
