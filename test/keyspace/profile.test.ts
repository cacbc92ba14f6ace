// Real-server tests of the profiler, the sampled estimate, key inspection and the read-only
// guard. One redis-server for the file; each test works in its own database index.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { ReadOnlyError } from "../../analyzer/src/keyspace/command-policy";
import { openKeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import type {
  KeyspaceConnection,
  KeyspaceConnectionConfig,
  OpenConnectionOptions,
} from "../../analyzer/src/keyspace/connection";
import { estimateKeyspace } from "../../analyzer/src/keyspace/estimate-keyspace";
import { createInspectionState, inspectKeys } from "../../analyzer/src/keyspace/inspect-keys";
import { inspectKey, readValuePreview, scanNamespace } from "../../analyzer/src/keyspace/key-inspector";
import { profileKeyspace } from "../../analyzer/src/keyspace/profile-keyspace";
import { readServerStats } from "../../analyzer/src/keyspace/server-stats";
import { findFreePort } from "../free-port";
import { profileWhileKeysVanish, startRedisServer } from "./redis-harness";
import type { RedisProcess } from "./redis-harness";

/** Commands that change data or server state; none may appear in MONITOR during a read-only session. */
const WRITE_COMMANDS = new Set(
  (
    "set setex psetex setnx setrange append getset getdel getex incr incrby incrbyfloat decr decrby mset msetnx del unlink expire pexpire expireat pexpireat persist rename renamenx move copy restore " +
    "hset hsetnx hmset hdel hincrby hincrbyfloat lpush rpush lpushx rpushx lpop rpop lset lrem ltrim linsert lmove blmove rpoplpush sadd srem spop smove sinterstore sunionstore sdiffstore " +
    "zadd zrem zincrby zpopmin zpopmax zremrangebyrank zremrangebyscore zremrangebylex zrangestore zunionstore zinterstore zdiffstore xadd xdel xtrim xgroup xack xclaim xautoclaim xsetid " +
    "pfadd pfmerge setbit bitop bitfield geoadd georadius flushdb flushall swapdb config debug shutdown save bgsave bgrewriteaof replicaof slaveof acl module function keys sort migrate"
  ).split(" "),
);

let server: RedisProcess;
let admin: Redis;
const open: KeyspaceConnection[] = [];

async function connect(
  db: number,
  extra: Partial<KeyspaceConnectionConfig> = {},
  options: OpenConnectionOptions = {},
): Promise<KeyspaceConnection> {
  const connection = await openKeyspaceConnection(
    { name: `test-db${db}`, nodes: [{ host: "127.0.0.1", port: server.port }], db, commandTimeoutMs: 5000, ...extra },
    options,
  );
  open.push(connection);
  return connection;
}

const helpers: Redis[] = [];

function adminDb(db: number): Redis {
  const client = new Redis({ port: server.port, db });
  helpers.push(client);
  return client;
}

/** Seeds a small mixed keyspace under `prefix` and returns what was written, by kind. */
async function seedMixed(
  client: Redis,
  prefix: string,
): Promise<Record<string, { count: number; type: string; noTtl: number }>> {
  const p = client.pipeline();
  for (let i = 0; i < 100; i++) {
    p.set(`${prefix}:str:${i}`, "v".repeat(20 + i * 10));
    if (i % 2 === 0) p.expire(`${prefix}:str:${i}`, 60 + i * 60);
  }
  for (let i = 0; i < 50; i++) {
    p.hset(`${prefix}:hash:${i}`, "a", "1", "b", "x".repeat(i));
    p.expire(`${prefix}:hash:${i}`, 3600);
  }
  for (let i = 0; i < 50; i++) p.rpush(`${prefix}:list:${i}`, "a", "b", "c");
  for (let i = 0; i < 40; i++) p.sadd(`${prefix}:set:${i}`, "a", "b", String(i));
  for (let i = 0; i < 40; i++) {
    p.zadd(`${prefix}:zset:${i}`, 1, "a", 2, "b");
    p.pexpire(`${prefix}:zset:${i}`, 86_400_000 * 3);
  }
  for (let i = 0; i < 20; i++) p.xadd(`${prefix}:stream:${i}`, "*", "f", "v");
  await p.exec();
  return {
    str: { count: 100, type: "string", noTtl: 50 },
    hash: { count: 50, type: "hash", noTtl: 0 },
    list: { count: 50, type: "list", noTtl: 50 },
    set: { count: 40, type: "set", noTtl: 40 },
    zset: { count: 40, type: "zset", noTtl: 0 },
    stream: { count: 20, type: "stream", noTtl: 20 },
  };
}

const classifyByKind = (key: string) => key.split(":")[1];

before(async () => {
  server = await startRedisServer("keyspace-profile");
  admin = new Redis({ port: server.port });
});

after(async () => {
  for (const connection of open) await connection.close();
  admin?.disconnect();
  for (const helper of helpers) helper.disconnect();
  await server?.stop();
});

describe("full profile (standalone)", () => {
  it("counts keys, types, TTLs and memory exactly, through the script and through pipelines", async () => {
    const seeder = adminDb(1);
    const expected = await seedMixed(seeder, "t1");
    seeder.disconnect();
    const connection = await connect(1);
    const progress: number[] = [];
    for (const useScript of [true, false]) {
      // The ioredis paths (the raw socket's equivalence is checked in raw-inspection.test.ts).
      const profile = await profileKeyspace(connection, {
        classify: classifyByKind,
        useScript,
        rawSocket: false,
        onProgress: (p) => progress.push(p.scannedKeys),
        speed: useScript ? "gentle" : "fast",
      });
      assert.equal(profile.complete, true);
      assert.equal(profile.total.keys, 300);
      assert.equal(profile.keysAtStart, 300);
      assert.equal(profile.vanished, 0);
      assert.equal(profile.nodes.length, 1);
      assert.equal(profile.nodes[0].path, useScript ? "script" : "pipeline");
      assert.deepEqual(profile.permissions, {
        memory: "granted",
        idle: "granted",
        info: "granted",
        script: useScript ? "granted" : "unavailable",
      });
      assert.equal(profile.accessMetric, "idle");
      for (const [kind, want] of Object.entries(expected)) {
        const family = profile.families.find((f) => f.family === kind);
        assert.ok(family, kind);
        assert.equal(family.stats.keys, want.count, kind);
        assert.deepEqual(family.stats.types, { [want.type]: want.count }, kind);
        assert.equal(family.stats.keysWithoutTtl, want.noTtl, kind);
        assert.equal(family.stats.ttlHistogram.at(-1), want.noTtl, kind);
        assert.ok(
          family.stats.memory && family.stats.memory.totalBytes > 0 && family.stats.memory.keysMeasured === want.count,
          kind,
        );
        assert.ok(family.stats.idle && family.stats.idle.maxSeconds >= 0, kind);
      }
      const strings = profile.families.find((f) => f.family === "str")!.stats;
      // Values of 900–1010 bytes share jemalloc's 1024-byte size class (equal MEMORY USAGE), so
      // which of t1:str:88…99 comes first depends on SCAN order, which depends on rehashing.
      assert.match(strings.largestKeys[0].displayKey, /^t1:str:(8[89]|9\d)$/);
      assert.ok(strings.largestKeys.every((k, i) => i === 0 || k.bytes <= strings.largestKeys[i - 1].bytes));
      assert.ok(strings.ttlP50Ms! > 2_000_000 && strings.ttlP50Ms! < 4_000_000, String(strings.ttlP50Ms));
      const zsets = profile.families.find((f) => f.family === "zset")!.stats;
      assert.equal(zsets.ttlHistogram[5], 40, "3 days falls in 1–7d");
      const root = profile.namespaces.children[0];
      assert.equal(root.segment, "t1");
      assert.equal(root.stats.keys, 300);
      assert.equal(root.children.length, 6);
    }
    assert.ok(progress.length >= 2 && progress.at(-1) === 300);
  });

  it("counts keys that vanish between SCAN and inspection, on both paths", async () => {
    const client = adminDb(3);
    await client.set("v:present", "1");
    const connection = await connect(3);
    for (const useScript of [true, false]) {
      const state = createInspectionState({ useScript });
      const chunk = await inspectKeys(
        connection.listScanTargets()[0].client,
        [Buffer.from("v:present"), Buffer.from("v:gone")],
        state,
      );
      assert.equal(chunk.vanished, 1);
      assert.deepEqual(
        chunk.records.map((r) => r.displayKey),
        ["v:present"],
      );
    }
    // Deleting everything once the first chunk is in: the rest of the scanned batch vanishes.
    const profile = await profileWhileKeysVanish(connection, client);
    client.disconnect();
    assert.ok(profile.vanished > 0, "some keys vanished");
    assert.ok(profile.total.keys + profile.vanished <= 401);
    assert.equal(profile.complete, true);
  });

  it("keeps binary keys as bytes and shows them escaped", async () => {
    const client = adminDb(4);
    const binary = Buffer.from([0x62, 0x69, 0x6e, 0x3a, 0xff, 0xfe, 0x00, 0x41]);
    await client.set(binary, Buffer.from([0x00, 0xff, 0x10]));
    await client.set("bin:caf\u00e9", "x");
    client.disconnect();
    const connection = await connect(4);
    const profile = await profileKeyspace(connection);
    const keys = profile.total.largestKeys.map((k) => k.displayKey).sort();
    assert.deepEqual(keys, ["bin:\\xff\\xfe\\x00A", "bin:caf\u00e9"]);
    const raw = profile.total.largestKeys.find((k) => k.displayKey.includes("\\xff"))!.key;
    assert.ok(raw.equals(binary));
    const details = await inspectKey(connection, raw);
    assert.equal(details.type, "string");
    assert.equal(details.length, 3);
    const preview = await readValuePreview(connection, raw);
    assert.ok(preview.type === "string" && preview.value.equals(Buffer.from([0x00, 0xff, 0x10])));
  });

  it("reports OBJECT FREQ under an LFU policy instead of failing, with or without INFO", async () => {
    const client = adminDb(5);
    for (let i = 0; i < 30; i++) await client.set(`lfu:${i}`, "x");
    await admin.call(
      "ACL",
      "SETUSER",
      "blind",
      "on",
      ">pw",
      "~*",
      "&*",
      "-@all",
      "+@read",
      "+@connection",
      "-info",
      "+evalsha_ro",
      "+eval_ro",
    );
    await admin.config("SET", "maxmemory-policy", "allkeys-lfu");
    try {
      const connection = await connect(5);
      const profile = await profileKeyspace(connection);
      assert.equal(profile.accessMetric, "frequency");
      assert.equal(profile.total.keys, 30);
      assert.ok(profile.total.frequency && profile.total.frequency.max >= 0);
      assert.equal(profile.total.idle, undefined);
      // Without INFO and CONFIG the policy is detected from the first IDLETIME error.
      const blind = await connect(5, { username: "blind" }, { password: "pw" });
      for (const useScript of [true, false]) {
        const detected = await profileKeyspace(blind, { useScript });
        assert.equal(detected.accessMetric, "frequency");
        assert.equal(detected.total.keys, 30);
        assert.ok(detected.total.frequency, "frequency collected");
        assert.equal(detected.permissions.info, "denied");
        assert.ok(detected.notices.some((n) => /LFU/.test(n)));
      }
      const details = await inspectKey(connection, "lfu:1");
      assert.equal(details.idleSeconds, undefined);
      assert.ok(details.frequency !== undefined);
    } finally {
      await admin.config("SET", "maxmemory-policy", "noeviction");
      client.disconnect();
    }
  });

  it("stops early when cancelled and reports an incomplete profile", async () => {
    const client = adminDb(7);
    const p = client.pipeline();
    for (let i = 0; i < 5000; i++) p.set(`c:${i}`, "x");
    await p.exec();
    client.disconnect();
    const connection = await connect(7);
    const controller = new AbortController();
    const profile = await profileKeyspace(connection, {
      chunkSize: 10,
      maxInFlight: 1,
      onProgress: () => controller.abort(),
      signal: controller.signal,
    });
    assert.equal(profile.complete, false);
    assert.ok(profile.total.keys > 0 && profile.total.keys < 5000, String(profile.total.keys));
    const already = new AbortController();
    already.abort();
    const none = await profileKeyspace(connection, { signal: already.signal });
    assert.equal(none.total.keys, 0);
    assert.equal(none.complete, false);
  });
});

describe("sampled estimate", () => {
  it("estimates namespace shares of 20k keys within tolerance, with intervals and no memory", async () => {
    const client = adminDb(2);
    const shares: Record<string, number> = { user: 0.5, session: 0.25, rate: 0.15, feed: 0.1 };
    const p = client.pipeline();
    let n = 0;
    for (const [ns, share] of Object.entries(shares)) {
      for (let i = 0; i < 20_000 * share; i++, n++) {
        if (ns === "session") p.set(`${ns}:${i}`, "x", "EX", 600);
        else p.set(`${ns}:${i}:v`, "x");
      }
    }
    await p.exec();
    client.disconnect();
    const connection = await connect(2);
    const estimate = await estimateKeyspace(connection, { sampleSize: 5000, classify: (k) => k.split(":")[0] });
    assert.equal(estimate.exhaustive, false);
    assert.equal(estimate.totalKeys, n);
    // 5,000 keys inspected; the shares count every name the random SCANs returned (up to 3 per inspected key).
    assert.ok(estimate.inspectedKeys >= 4900 && estimate.inspectedKeys <= 5000, String(estimate.inspectedKeys));
    assert.ok(
      estimate.sampledKeys >= 2.5 * estimate.inspectedKeys && estimate.sampledKeys <= n,
      String(estimate.sampledKeys),
    );
    assert.equal(
      estimate.families.reduce((sum, f) => sum + f.estimate.inspectedKeys, 0),
      estimate.inspectedKeys,
    );
    assert.equal(
      estimate.families.reduce((sum, f) => sum + f.estimate.sampledKeys, 0),
      estimate.sampledKeys,
    );
    assert.equal(estimate.memory, "sample-only");
    for (const [ns, share] of Object.entries(shares)) {
      const group = estimate.families.find((f) => f.family === ns)!.estimate;
      assert.ok(Math.abs(group.share - share) < 0.03, `${ns}: ${group.share} vs ${share}`);
      assert.ok(group.shareLow < group.share && group.shareHigh > group.share);
      assert.ok(Math.abs(group.estimatedKeys - share * n) < 0.03 * n);
      assert.equal(group.noTtlShare, ns === "session" ? 0 : 1);
      assert.equal(Object.keys(group.types).join(), "string");
      const node = estimate.namespaces.children.find((c) => c.segment === ns)!;
      assert.equal(node.estimate.sampledKeys, group.sampledKeys);
    }
    // TTLs come from the inspected keys only.
    assert.equal(
      estimate.families.find((f) => f.family === "session")!.estimate.ttlHistogram[1],
      estimate.families.find((f) => f.family === "session")!.estimate.inspectedKeys,
    );

    // One name per inspected key: the shares' sample is the inspected one.
    const namesOnly = await estimateKeyspace(connection, {
      sampleSize: 2000,
      namesPerSample: 1,
      classify: (k) => k.split(":")[0],
    });
    assert.equal(namesOnly.sampledKeys, namesOnly.inspectedKeys);
    for (const f of namesOnly.families) assert.equal(f.estimate.sampledKeys, f.estimate.inspectedKeys);
    assert.equal("memory" in estimate.total, false);

    // A keyspace smaller than the sample is scanned whole: exact shares.
    const small = await estimateKeyspace(await connect(1), { sampleSize: 10_000, classify: classifyByKind });
    assert.equal(small.exhaustive, true);
    assert.equal(small.totalKeys, 300);
    assert.deepEqual(small.families.find((f) => f.family === "str")!.estimate.estimatedKeys, 100);
  });
});

describe("read-only by design", () => {
  it("sends no write command during a whole session (MONITOR), and refuses writes before sending", async () => {
    const client = adminDb(6);
    await seedMixed(client, "ro");
    await client.set("ro:big", "z".repeat(100_000));
    client.disconnect();
    const monitor = await adminDb(0).monitor();
    const seen: string[][] = [];
    monitor.on("monitor", (_time: string, args: string[]) => seen.push(args));
    try {
      const connection = await connect(6);
      await readServerStats(connection);
      await profileKeyspace(connection, { speed: "fast" });
      await profileKeyspace(connection, { useScript: false });
      await estimateKeyspace(connection, { sampleSize: 100 });
      for (const key of [
        "ro:str:1",
        "ro:hash:1",
        "ro:list:1",
        "ro:set:1",
        "ro:zset:1",
        "ro:stream:1",
        "ro:big",
        "ro:missing",
      ]) {
        await inspectKey(connection, key);
        await readValuePreview(connection, key, { maxBytes: 64, maxItems: 2 });
      }
      await scanNamespace(connection, "ro:str:", "0", 50);

      await assert.rejects(connection.deleteKey("ro:str:1"), ReadOnlyError);
      await assert.rejects(connection.setTtl("ro:str:1", 10), ReadOnlyError);
      await assert.rejects(connection.client.set("ro:str:1", "changed"), ReadOnlyError);
      await assert.rejects(connection.client.call("FLUSHDB"), ReadOnlyError);
      await assert.rejects(connection.client.eval("return 1", 0), ReadOnlyError);
      await assert.rejects(connection.client.call("EVAL_RO", "#!lua flags=no-writes\nreturn 1", 0), ReadOnlyError);
      await assert.rejects(connection.client.keys("*"), ReadOnlyError);
      assert.throws(() => connection.client.pipeline().get("a").del("ro:str:1"), ReadOnlyError);
      assert.throws(() => connection.client.multi().hset("ro:hash:1", "a", "2"), ReadOnlyError);
      assert.throws(() => connection.client.pipeline([["set", "a", "b"]]), ReadOnlyError);
      await connection.client.multi({ pipeline: false });
      await assert.rejects(connection.client.del("x"), ReadOnlyError);
      await connection.client.discard();
      const duplicate = connection.client.duplicate();
      helpers.push(duplicate as Redis);
      await assert.rejects(duplicate.set("ro:str:1", "changed"), ReadOnlyError);
      await connection.client.ping();
    } finally {
      await new Promise((r) => setTimeout(r, 200));
      monitor.disconnect();
    }
    const names = seen.map((args) => args[0].toLowerCase());
    assert.ok(names.includes("scan") && names.includes("type"), "MONITOR saw the session");
    const writes = seen.filter((args) => WRITE_COMMANDS.has(args[0].toLowerCase()));
    assert.deepEqual(writes, []);
    assert.ok(
      !seen.some((args) => args[0].toLowerCase() === "memory" && args.some((a) => a.toLowerCase() === "samples")),
      "MEMORY USAGE keeps its default SAMPLES",
    );
    const check = adminDb(6);
    assert.equal(await check.get("ro:str:1"), "v".repeat(30));
    check.disconnect();
  });

  it("deletes and re-times single keys only when opened with allowWrites", async () => {
    const client = adminDb(8);
    await client.set("w:1", "x");
    await client.set("w:2", "x", "EX", 100);
    const connection = await connect(8, {}, { allowWrites: true });
    assert.equal(await connection.setTtl("w:1", 30), true);
    assert.ok((await client.ttl("w:1")) > 20);
    assert.equal(await connection.setTtl("w:2", null), true);
    assert.equal(await client.ttl("w:2"), -1);
    assert.equal(await connection.deleteKey("w:1"), true);
    assert.equal(await client.exists("w:1"), 0);
    await assert.rejects(connection.client.set("w:3", "x"), ReadOnlyError);
    await assert.rejects(connection.client.del("w:2", "w:4"), ReadOnlyError);
    await assert.rejects(connection.setTtl("w:2", -5), RangeError);
    client.disconnect();
  });

  it("names rejected credentials", async () => {
    await assert.rejects(
      connect(1, { username: "reader" }, { password: "wrong" }),
      /test-db1: Redis at 127\.0\.0\.1:\d+ rejected the credentials \(WRONGPASS/,
    );
  });

  it("profiles as an ACL user with read permissions only", async () => {
    await admin.call(
      "ACL",
      "SETUSER",
      "reader",
      "reset",
      "on",
      ">pw",
      "~*",
      "&*",
      "-@all",
      "+@read",
      "+@connection",
      "+info",
      "+dbsize",
      "+scan",
      "+type",
      "+pttl",
      "+memory|usage",
      "+object|idletime",
      "+object|freq",
      "+object|encoding",
      "+evalsha_ro",
      "+eval_ro",
      "+client|setname",
    );
    const connection = await connect(1, { username: "reader" }, { password: "pw" });
    for (const rawSocket of [true, false]) {
      const profile = await profileKeyspace(connection, { classify: classifyByKind, rawSocket });
      assert.equal(profile.total.keys, 300);
      assert.equal(profile.nodes[0].path, rawSocket ? "raw" : "script");
      // The raw socket never needs the script, so its permission stays untried.
      assert.deepEqual(profile.permissions, {
        memory: "granted",
        idle: "granted",
        info: "granted",
        script: rawSocket ? "unknown" : "granted",
      });
      assert.deepEqual(profile.notices, []);
      assert.ok(profile.total.memory!.totalBytes > 0);
    }
    const stats = await readServerStats(connection);
    assert.equal(stats.keys, 300);
    assert.equal(stats.info, "granted");
  });

  it("reports NOPERM for MEMORY, EVAL and INFO once, and profiles the rest through pipelines", async () => {
    await admin.call(
      "ACL",
      "SETUSER",
      "least",
      "reset",
      "on",
      ">pw",
      "~*",
      "&*",
      "-@all",
      "+@read",
      "+@connection",
      "-memory",
      "-info",
      "-@scripting",
    );
    const connection = await connect(1, { username: "least" }, { password: "pw" });
    // The ioredis fallback chain (script denied → pipelines); the raw socket's case is in raw-inspection.test.ts.
    const profile = await profileKeyspace(connection, { classify: classifyByKind, rawSocket: false });
    assert.equal(profile.total.keys, 300);
    assert.deepEqual(profile.permissions, { memory: "denied", idle: "granted", info: "denied", script: "denied" });
    assert.equal(profile.total.memory, undefined);
    assert.equal(profile.families[0].stats.memory, undefined);
    assert.ok(profile.total.idle);
    assert.equal(profile.nodes[0].path, "pipeline");
    assert.equal(profile.notices.length, 3, profile.notices.join("\n"));
    assert.equal(profile.notices.filter((n) => /MEMORY USAGE/.test(n)).length, 1);
    assert.equal(profile.notices.filter((n) => /script/.test(n)).length, 1);
    assert.equal(profile.families.find((f) => f.family === "str")!.stats.keysWithoutTtl, 50);
    const stats = await readServerStats(connection);
    assert.equal(stats.info, "denied");
    assert.equal(stats.keys, 300, "DBSIZE still counts");
    assert.equal(stats.usedMemoryBytes, undefined);
    const details = await inspectKey(connection, "t1:hash:3");
    assert.equal(details.type, "hash");
    assert.equal(details.memoryBytes, undefined);
    assert.deepEqual(details.denied, ["memory"]);
    assert.equal(details.length, 2);
  });
});

describe("ACL key patterns", () => {
  it("counts the keys a user may not read as not permitted on every path, with no other figure and exact lookups", async () => {
    const seeder = adminDb(13);
    await seedMixed(seeder, "kp");
    // 100 strings readable and writable, 50 hashes read-only; the other 150 keys are out of reach.
    await admin.call("ACL", "SETUSER", "patterned", "reset", "on", ">pw", "~kp:str:*", "%R~kp:hash:*", "&*", "+@all");
    const connection = await connect(13, { username: "patterned" }, { password: "pw" });
    const readServerLookups = async () => {
      const info = await admin.info("stats");
      return Number(/keyspace_hits:(\d+)/.exec(info)![1]) + Number(/keyspace_misses:(\d+)/.exec(info)![1]);
    };
    for (const [rawSocket, useScript, path] of [
      [true, true, "raw"],
      [false, true, "script"],
      [false, false, "pipeline"],
    ] as const) {
      const lookupsBefore = await readServerLookups();
      const ownBefore = connection.keyLookups;
      const profile = await profileKeyspace(connection, { classify: classifyByKind, rawSocket, useScript });
      assert.deepEqual([profile.total.keys, profile.notPermitted, profile.vanished], [150, 150, 0], path);
      assert.equal(profile.nodes[0].path, path);
      assert.deepEqual(profile.nodes[0].notPermitted, 150);
      assert.deepEqual(
        profile.families.map((f) => [f.family, f.stats.keys, f.stats.memory?.keysMeasured]).sort(),
        [
          ["hash", 50, 50],
          ["str", 100, 100],
        ],
        path,
      );
      // A refused key is not a refused figure: memory and idle times stay on for the others.
      assert.deepEqual(profile.notices, [], path);
      assert.deepEqual([profile.permissions.memory, profile.permissions.idle], ["granted", "granted"], path);
      assert.equal(connection.keyLookups - ownBefore, (await readServerLookups()) - lookupsBefore, `${path} lookups`);
    }
    for (const useScript of [true, false]) {
      const whole = await estimateKeyspace(connection, { classify: classifyByKind, useScript });
      assert.deepEqual(
        [whole.exhaustive, whole.totalKeys, whole.keysNotPermitted, whole.keyspaceKeys, whole.inspectedKeys],
        [true, 150, 150, 300, 150],
      );
      const sample = await estimateKeyspace(connection, { classify: classifyByKind, useScript, sampleSize: 100 });
      assert.equal(sample.exhaustive, false);
      assert.equal(sample.inspectedKeys + sample.inspectedNotPermitted, 100);
      assert.equal(sample.totalKeys + sample.keysNotPermitted, 300);
      assert.equal(sample.sampledKeys, sample.inspectedKeys, "no name of a refused key counts");
      assert.deepEqual(sample.families.map((f) => f.family).sort(), ["hash", "str"]);
      assert.equal(
        sample.families.reduce((sum, f) => sum + f.estimate.estimatedKeys, 0),
        sample.totalKeys,
        "the families' estimates add up to the permitted keys",
      );
    }
  });
});

describe("server stats and key inspection", () => {
  it("reads O(1) totals and hit/miss counters", async () => {
    const connection = await connect(1);
    const first = await readServerStats(connection);
    assert.equal(first.keys, 300);
    assert.equal(first.expires, 140);
    assert.ok(first.usedMemoryBytes! > 0);
    assert.equal(first.maxmemoryPolicy, "noeviction");
    const reader = adminDb(1);
    await reader.get("t1:str:1");
    await reader.get("t1:nothing");
    reader.disconnect();
    const second = await readServerStats(connection);
    assert.ok(second.keyspaceHits! >= first.keyspaceHits! + 1);
    assert.ok(second.keyspaceMisses! >= first.keyspaceMisses! + 1);
  });

  it("counts its own keyspace lookups exactly as Redis does, on every path", async () => {
    const seeder = adminDb(12);
    await seedMixed(seeder, "lk");
    const connection = await connect(12);
    // INFO looks no key up, and no other client works meanwhile: the server's delta is ours alone.
    const readServerLookups = async () => {
      const info = await admin.info("stats");
      return Number(/keyspace_hits:(\d+)/.exec(info)![1]) + Number(/keyspace_misses:(\d+)/.exec(info)![1]);
    };
    const check = async (what: string, expected: "some" | "none", run: () => Promise<unknown>) => {
      const server = await readServerLookups();
      const own = connection.keyLookups;
      await run();
      const counted = connection.keyLookups - own;
      assert.equal(counted > 0, expected === "some", `${what}: ${counted} lookups counted`);
      assert.equal(counted, (await readServerLookups()) - server, what);
    };
    await check("a full profile over the raw socket", "some", () => profileKeyspace(connection));
    await check("a full profile through the script", "some", () => profileKeyspace(connection, { rawSocket: false }));
    await check("a full profile through pipelines", "some", () =>
      profileKeyspace(connection, { rawSocket: false, useScript: false }),
    );
    await check("a sampled estimate", "some", () => estimateKeyspace(connection, { sampleSize: 100 }));
    await check("key inspection (a missing key too) and a value preview", "some", async () => {
      await inspectKey(connection, "lk:hash:1");
      await inspectKey(connection, "lk:none");
      await readValuePreview(connection, "lk:list:1", { maxItems: 2 });
    });
    await check("a namespace page (SCAN only)", "none", () => scanNamespace(connection, "lk:", "0", 50));
    await check("MEMORY USAGE and SCAN", "none", async () => {
      await connection.client.call("MEMORY", "USAGE", "lk:str:1");
      await connection.client.scan("0");
    });
    await check("EXISTS of two keys, one missing", "some", () => connection.client.exists("lk:str:1", "lk:nope"));
  });

  it("inspects keys and previews values without loading them whole", async () => {
    const client = adminDb(9);
    await client.set("p:big", Buffer.alloc(200_000, 0x61));
    const fields: string[] = [];
    for (let i = 0; i < 500; i++) fields.push(`f${i}`, `v${i}`);
    await client.hset("p:hash", ...fields);
    await client.rpush("p:list", ...Array.from({ length: 300 }, (_, i) => `i${i}`));
    await client.sadd("p:set", ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    await client.zadd("p:zset", ...Array.from({ length: 300 }, (_, i) => [i, `z${i}`]).flat());
    for (let i = 0; i < 30; i++) await client.xadd("p:stream", "*", "n", String(i));
    await client.set("weird*[ns]:a", "1");
    await client.set("weird*[ns]:b:c", "1");
    await client.set("weirdXns:a", "1");
    client.disconnect();
    const connection = await connect(9);

    const details = await inspectKey(connection, "p:hash");
    assert.equal(details.type, "hash");
    assert.equal(details.length, 500);
    assert.ok(details.encoding === "hashtable" || details.encoding === "listpack", details.encoding);
    assert.ok(details.memoryBytes! > 1000);
    assert.equal(details.pttlMs, -1);
    const missing = await inspectKey(connection, "p:none");
    assert.equal(missing.exists, false);

    const big = await readValuePreview(connection, "p:big", { maxBytes: 1000 });
    assert.ok(big.type === "string" && big.value.length === 1000 && big.truncated && big.length === 200_000);
    const hash = await readValuePreview(connection, "p:hash", { maxItems: 50 });
    assert.ok(hash.type === "hash" && hash.fields.length === 50 && hash.truncated && hash.length === 500);
    const list = await readValuePreview(connection, "p:list", { maxItems: 10 });
    assert.ok(list.type === "list" && list.items.length === 10 && list.items[0].toString() === "i0" && list.truncated);
    const set = await readValuePreview(connection, "p:set", { maxItems: 10 });
    assert.ok(set.type === "set" && set.members.length === 10 && set.truncated);
    const zset = await readValuePreview(connection, "p:zset", { maxItems: 3 });
    assert.ok(
      zset.type === "zset" &&
        zset.members[2].score === 2 &&
        zset.members[2].member.toString() === "z2" &&
        zset.truncated,
    );
    const stream = await readValuePreview(connection, "p:stream", { maxItems: 5 });
    assert.ok(
      stream.type === "stream" &&
        stream.entries.length === 5 &&
        stream.entries[0].fields[0][1].toString() === "0" &&
        stream.truncated,
    );
    const whole = await readValuePreview(connection, "p:stream", { maxItems: 100 });
    assert.equal(whole.truncated, false);

    const page = await scanNamespace(connection, "weird*[ns]:", "0", 100);
    assert.equal(page.done, true);
    assert.deepEqual(page.keys.map((k) => k.displayKey).sort(), ["weird*[ns]:a", "weird*[ns]:b:c"]);
    assert.deepEqual(page.childSegments.map((s) => [s.segment, s.isLeaf]).sort(), [
      ["a", true],
      ["b", false],
    ]);
    const keys: string[] = [];
    let cursor = "0";
    do {
      const next = await scanNamespace(connection, "p:", cursor, 2);
      keys.push(...next.keys.map((k) => k.displayKey));
      cursor = next.cursor;
    } while (cursor !== "0");
    assert.equal(new Set(keys).size, 6);
  });
});

describe("database selection across reconnects", () => {
  it("ends the connection instead of reading database 0 when a reconnect cannot select the database again", async () => {
    const port = await findFreePort();
    let redis = await startRedisServer("keyspace-reselect", [], port);
    try {
      const seeder = new Redis({ port, db: 5 });
      for (let i = 0; i < 10; i++) await seeder.set(`five:${i}`, "x");
      seeder.disconnect();
      const connection = await openKeyspaceConnection(
        { name: "", nodes: [{ host: "127.0.0.1", port }], db: 5, commandTimeoutMs: 1000, connectTimeoutMs: 1000 },
        { maxReconnectAttempts: 50 },
      );
      open.push(connection);
      assert.equal((await profileKeyspace(connection)).total.keys, 10);
      // The same address comes back with two databases only, and with keys in database 0.
      await redis.stop();
      redis = await startRedisServer("keyspace-reselect", ["--databases", "2"], port);
      const zero = new Redis({ port });
      await zero.set("zero:1", "x");
      zero.disconnect();
      const deadline = Date.now() + 10_000;
      while (!connection.failure && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(
        connection.failure?.message,
        `127.0.0.1:${port} db 5: the connection was lost and database 5 could not be selected again (ERR DB index is out of range)`,
      );
      await assert.rejects(profileKeyspace(connection), (error: Error) => error === connection.failure);
      await assert.rejects(estimateKeyspace(connection), (error: Error) => error === connection.failure);
    } finally {
      await redis.stop();
    }
  });
});
