// The raw RESP inspection path against a real redis-server: the same figures as the ioredis
// paths, the same permission and policy outcomes, the allow-list applied before anything is
// written, and a socket that closes when the profile ends or is cancelled.
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
import { createInspectionState, inspectKeysRaw } from "../../analyzer/src/keyspace/inspect-keys";
import type { GroupStats, KeyspaceProfile } from "../../analyzer/src/keyspace/keyspace-model";
import { profileKeyspace } from "../../analyzer/src/keyspace/profile-keyspace";
import { RespError, RespSocket, encodeCommands, encodePerKey } from "../../analyzer/src/keyspace/resp-socket";
import { profileWhileKeysVanish, startRedisServer } from "./redis-harness";
import type { RedisProcess } from "./redis-harness";

let server: RedisProcess;
let admin: Redis;
const open: KeyspaceConnection[] = [];
const sockets: RespSocket[] = [];

async function connect(
  db: number,
  extra: Partial<KeyspaceConnectionConfig> = {},
  options: OpenConnectionOptions = {},
): Promise<KeyspaceConnection> {
  const connection = await openKeyspaceConnection(
    { name: `raw-db${db}`, nodes: [{ host: "127.0.0.1", port: server.port }], db, ...extra },
    options,
  );
  open.push(connection);
  return connection;
}

async function openSocket(connection: KeyspaceConnection): Promise<RespSocket> {
  const socket = await connection.listScanTargets()[0].openInspectionSocket!();
  sockets.push(socket);
  return socket;
}

/** A mixed keyspace of 600 keys: every type, TTLs, binary keys, one big key. */
async function seed(db: number): Promise<void> {
  const client = new Redis({ port: server.port, db });
  const p = client.pipeline();
  for (let i = 0; i < 200; i++) {
    p.set(`s:str:${i}`, "v".repeat(10 + i * 7));
    if (i % 3 === 0) p.expire(`s:str:${i}`, 600 + i * 100);
  }
  for (let i = 0; i < 100; i++)
    p.hset(`s:hash:${i}`, ...Array.from({ length: 1 + (i % 20) }, (_, j) => [`f${j}`, "x".repeat(j)]).flat());
  for (let i = 0; i < 100; i++) p.rpush(`s:list:${i}`, ...Array.from({ length: 1 + (i % 9) }, (_, j) => `i${j}`));
  for (let i = 0; i < 80; i++) p.sadd(`s:set:${i}`, "a", "b", String(i));
  for (let i = 0; i < 80; i++) {
    p.zadd(`s:zset:${i}`, 1, "a", 2, `b${i}`);
    p.pexpire(`s:zset:${i}`, 86_400_000 * (1 + (i % 5)));
  }
  for (let i = 0; i < 38; i++) p.xadd(`s:stream:${i}`, "*", "f", "v");
  p.set(Buffer.from([0x73, 0x3a, 0x62, 0x69, 0x6e, 0x3a, 0xff, 0x00, 0x0d, 0x0a]), "binary key with CRLF inside");
  p.set("s:big:1", "B".repeat(300_000));
  await p.exec();
  client.disconnect();
}

/**
 * The figures that must not depend on the inspection path. Idle time does (it ticks), and so
 * does which of several equally large keys (same allocator size class) is listed first.
 */
function comparable(stats: GroupStats) {
  return {
    keys: stats.keys,
    types: stats.types,
    ttlHistogram: stats.ttlHistogram,
    keysWithoutTtl: stats.keysWithoutTtl,
    memory: stats.memory,
    largestKeys: stats.largestKeys.map((k) => [k.bytes, k.type]),
    hasIdle: stats.idle !== undefined,
  };
}

function summarize(profile: KeyspaceProfile) {
  return {
    total: comparable(profile.total),
    families: profile.families
      .map((f) => [f.family, comparable(f.stats)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  };
}

const byKind = (key: string) => key.split(":")[1];

before(async () => {
  server = await startRedisServer("keyspace-raw");
  admin = new Redis({ port: server.port });
  await seed(1);
});

after(async () => {
  for (const socket of sockets) socket.close();
  for (const connection of open) await connection.close();
  admin?.disconnect();
  await server?.stop();
});

describe("raw RESP inspection", () => {
  it("counts exactly what the script and pipeline paths count, at every chunk size", async () => {
    const connection = await connect(1);
    const raw = await profileKeyspace(connection, { classify: byKind });
    assert.equal(raw.nodes[0].path, "raw");
    assert.equal(raw.total.keys, 600);
    assert.equal(raw.vanished, 0);
    assert.equal(raw.accessMetric, "idle");
    assert.deepEqual(raw.notices, []);
    assert.deepEqual(raw.permissions, { memory: "granted", idle: "granted", info: "granted", script: "unknown" });
    const script = await profileKeyspace(connection, { classify: byKind, rawSocket: false });
    const pipeline = await profileKeyspace(connection, { classify: byKind, rawSocket: false, useScript: false });
    assert.equal(script.nodes[0].path, "script");
    assert.equal(pipeline.nodes[0].path, "pipeline");
    assert.deepEqual(summarize(raw), summarize(script));
    assert.deepEqual(summarize(raw), summarize(pipeline));
    for (const [chunkSize, maxInFlight, maxBatchesAtServer] of [
      [1, 1, 1],
      [7, 5, 2],
      [7, 5, 5],
      [100, 2, 1],
    ]) {
      const other = await profileKeyspace(connection, {
        classify: byKind,
        chunkSize,
        maxInFlight,
        maxBatchesAtServer,
        speed: "fast",
      });
      assert.equal(other.nodes[0].path, "raw");
      assert.deepEqual(
        summarize(other),
        summarize(raw),
        `${chunkSize} × ${maxInFlight}, ${maxBatchesAtServer} at the server`,
      );
    }
    const matched = await profileKeyspace(connection, { classify: byKind, match: "s:str:*" });
    assert.equal(matched.total.keys, 200);
    assert.deepEqual(
      summarize(matched).total,
      summarize(await profileKeyspace(connection, { classify: byKind, match: "s:str:*", rawSocket: false })).total,
    );
    const binary = raw.families.find((f) => f.family === "bin");
    assert.equal(binary?.stats.keys, 1, "the binary key with CRLF bytes survived the round trip");
  });

  it("falls back to the script path, with one notice, when the socket cannot be opened", async () => {
    const connection = await connect(1);
    const broken: KeyspaceConnection = {
      ...connection,
      listScanTargets: () =>
        connection
          .listScanTargets()
          .map((t) => ({ ...t, openInspectionSocket: () => Promise.reject(new Error("refused by the test")) })),
    };
    const profile = await profileKeyspace(broken, { classify: byKind });
    assert.equal(profile.nodes[0].path, "script");
    assert.equal(profile.total.keys, 600);
    assert.deepEqual(profile.notices, [
      `A dedicated inspection connection to ${profile.nodes[0].node} could not be opened (refused by the test): using the slower ioredis path.`,
    ]);
  });

  it("closes its socket when the profile ends, fails or is cancelled", async () => {
    const connection = await connect(1, {}, { connectionName: "rawclose" });
    const profilerClients = async () =>
      ((await admin.call("CLIENT", "LIST")) as string)
        .split("\n")
        .filter((line) => line.includes("name=rawclose-profiler")).length;
    await profileKeyspace(connection, { chunkSize: 5 });
    const controller = new AbortController();
    let seen = 0;
    const cancelled = await profileKeyspace(connection, {
      chunkSize: 5,
      maxInFlight: 1,
      scanCount: 10,
      signal: controller.signal,
      onProgress: () => (++seen === 1 ? controller.abort() : undefined),
    });
    assert.equal(cancelled.complete, false);
    assert.ok(cancelled.total.keys > 0 && cancelled.total.keys < 600, String(cancelled.total.keys));
    assert.equal(cancelled.nodes[0].path, "raw");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await profilerClients(), 0);
  });

  it("counts keys that vanish between SCAN and inspection", async () => {
    const client = new Redis({ port: server.port, db: 3 });
    await client.set("v:present", "1");
    const connection = await connect(3);
    const socket = await openSocket(connection);
    const chunk = await inspectKeysRaw(
      socket,
      [Buffer.from("v:present"), Buffer.from("v:gone")],
      createInspectionState(),
    );
    assert.equal(chunk.vanished, 1);
    assert.equal(chunk.path, "raw");
    assert.deepEqual(
      chunk.records.map((r) => [r.displayKey, r.type, r.pttlMs, r.memoryBytes! > 0, r.idleSeconds! >= 0]),
      [["v:present", "string", -1, true, true]],
    );
    const profile = await profileWhileKeysVanish(connection, client);
    client.disconnect();
    assert.equal(profile.nodes[0].path, "raw");
    assert.ok(profile.vanished > 0, "some keys vanished");
    assert.ok(profile.total.keys + profile.vanished <= 401);
    assert.equal(profile.complete, true);
  });

  it("reports MEMORY USAGE denied once for an ACL user without it, and collects the rest", async () => {
    await admin.call(
      "ACL",
      "SETUSER",
      "nomem",
      "reset",
      "on",
      ">pw",
      "~*",
      "&*",
      "-@all",
      "+@read",
      "+@connection",
      "+info",
      "+object|idletime",
      "+object|freq",
      "-memory",
      "-@scripting",
    );
    const connection = await connect(1, { username: "nomem" }, { password: "pw" });
    const profile = await profileKeyspace(connection, { classify: byKind });
    assert.equal(profile.nodes[0].path, "raw");
    assert.equal(profile.total.keys, 600);
    assert.deepEqual(profile.permissions, { memory: "denied", idle: "granted", info: "granted", script: "unknown" });
    assert.deepEqual(profile.notices, [
      `MEMORY USAGE is not permitted for this user on 127.0.0.1:${server.port} db 1: memory figures are unavailable (no permission).`,
    ]);
    assert.equal(profile.total.memory, undefined);
    assert.ok(profile.families.every((f) => f.stats.memory === undefined));
    assert.ok(profile.total.idle);
    const reference = await profileKeyspace(await connect(1), { classify: byKind });
    assert.deepEqual(
      profile.families.map((f) => [f.family, f.stats.keys, f.stats.keysWithoutTtl, f.stats.ttlHistogram]),
      reference.families.map((f) => [f.family, f.stats.keys, f.stats.keysWithoutTtl, f.stats.ttlHistogram]),
    );
    // Without OBJECT and INFO too: idle denied once, memory denied once, counts intact.
    await admin.call(
      "ACL",
      "SETUSER",
      "least-raw",
      "reset",
      "on",
      ">pw",
      "~*",
      "&*",
      "-@all",
      "+@read",
      "+@connection",
      "-memory",
      "-object",
      "-info",
      "-@scripting",
    );
    const least = await profileKeyspace(await connect(1, { username: "least-raw" }, { password: "pw" }), {
      classify: byKind,
    });
    assert.equal(least.total.keys, 600);
    assert.equal(least.nodes[0].path, "raw");
    assert.deepEqual(least.permissions, { memory: "denied", idle: "denied", info: "denied", script: "unknown" });
    assert.equal(least.accessMetric, "none");
    assert.equal(least.notices.length, 3, least.notices.join("\n"));
    assert.equal(least.total.idle, undefined);
  });

  it("authenticates with a password alone (requirepass) and selects the database", async () => {
    await admin.call("ACL", "SETUSER", "default", ">secret");
    try {
      const connection = await connect(1, {}, { password: "secret" });
      const profile = await profileKeyspace(connection);
      assert.equal(profile.nodes[0].path, "raw");
      assert.equal(profile.total.keys, 600);
      await assert.rejects(
        RespSocket.open({
          host: "127.0.0.1",
          port: server.port,
          username: undefined,
          password: "wrong",
          db: 0,
          tls: undefined,
          connectTimeoutMs: 1000,
          commandTimeoutMs: 1000,
          connectionName: undefined,
          policy: { allowWrites: false },
        }),
        /WRONGPASS/,
      );
    } finally {
      await admin.call("ACL", "SETUSER", "default", "nopass");
    }
  });

  it("reports OBJECT FREQ under an LFU policy, with or without INFO", async () => {
    const client = new Redis({ port: server.port, db: 5 });
    for (let i = 0; i < 30; i++) await client.set(`lfu:${i}`, "x");
    await admin.call(
      "ACL",
      "SETUSER",
      "blind-raw",
      "on",
      ">pw",
      "~*",
      "&*",
      "-@all",
      "+@read",
      "+@connection",
      "-info",
    );
    await admin.config("SET", "maxmemory-policy", "allkeys-lfu");
    try {
      const profile = await profileKeyspace(await connect(5));
      assert.equal(profile.nodes[0].path, "raw");
      assert.equal(profile.accessMetric, "frequency");
      assert.equal(profile.total.keys, 30);
      assert.ok(profile.total.frequency && profile.total.frequency.max >= 0);
      assert.equal(profile.total.idle, undefined);
      // Without INFO or CONFIG the policy shows up as IDLETIME errors: switch once, redo the chunk.
      const detected = await profileKeyspace(await connect(5, { username: "blind-raw" }, { password: "pw" }), {
        chunkSize: 4,
      });
      assert.equal(detected.nodes[0].path, "raw");
      assert.equal(detected.accessMetric, "frequency");
      assert.equal(detected.total.keys, 30);
      assert.equal(detected.total.frequency?.max !== undefined, true);
      assert.equal(detected.notices.filter((n) => /LFU/.test(n)).length, 1);
      assert.equal(detected.permissions.idle, "granted");
    } finally {
      await admin.config("SET", "maxmemory-policy", "noeviction");
      client.disconnect();
    }
  });

  it("refuses writes before a byte is written, even on a connection that allows writes", async () => {
    const connection = await connect(1, {}, { allowWrites: true });
    const socket = await openSocket(connection);
    const written = socket.bytesWritten;
    await assert.rejects(socket.send([{ name: "SET", args: ["s:str:1", "changed"] }]), ReadOnlyError);
    await assert.rejects(
      socket.send([
        { name: "TYPE", args: ["s:str:1"] },
        { name: "DEL", args: ["s:str:1"] },
      ]),
      ReadOnlyError,
    );
    await assert.rejects(socket.send([{ name: "FLUSHDB", args: [] }]), ReadOnlyError);
    await assert.rejects(
      socket.send([{ name: "EVAL", args: ["return redis.call('del', KEYS[1])", 1, "s:str:1"] }]),
      ReadOnlyError,
    );
    await assert.rejects(socket.send([{ name: "MEMORY", args: ["PURGE"] }]), ReadOnlyError);
    await assert.rejects(
      socket.sendPerKey(
        [
          { name: "TYPE", args: [] },
          { name: "UNLINK", args: [] },
        ],
        [Buffer.from("s:str:1")],
      ),
      ReadOnlyError,
    );
    await assert.rejects(
      socket.sendPerKey(
        [
          { name: "OBJECT", args: ["IDLETIME"] },
          { name: "EXPIRE", args: ["10"] },
        ],
        [Buffer.from("s:str:1")],
      ),
      ReadOnlyError,
    );
    assert.equal(socket.bytesWritten, written, "nothing of a refused batch reached the socket");
    assert.equal(await admin.select(1).then(() => admin.get("s:str:1")), "v".repeat(17));
    assert.equal(await admin.ttl("s:str:1"), -1);
    await admin.select(0);
    // The socket is still usable for reads afterwards, and error replies are values.
    const replies = await socket.send([
      { name: "TYPE", args: ["s:str:1"] },
      { name: "OBJECT", args: ["FREQ", "s:str:1"] },
      { name: "SCAN", args: ["0", "COUNT", "5"] },
    ]);
    assert.equal(replies[0], "string");
    assert.ok(replies[1] instanceof RespError && /LFU/.test(replies[1].message), String(replies[1]));
    assert.ok(Array.isArray(replies[2]) && Buffer.isBuffer(replies[2][0]) && Array.isArray(replies[2][1]));
  });

  it("holds batches beyond maxBatchesAtServer in Node and writes each as the one before is answered", async () => {
    const socket = await openSocket(await connect(1));
    socket.maxBatchesAtServer = 1;
    const before = socket.bytesWritten;
    const keys = [Buffer.from("s:str:3"), Buffer.from("s:hash:1")];
    const batch = encodePerKey([{ name: "TYPE", args: [] }], keys).length;
    const first = socket.sendPerKey([{ name: "TYPE", args: [] }], keys);
    const second = socket.sendPerKey([{ name: "TYPE", args: [] }], keys);
    const third = socket.send([{ name: "PTTL", args: ["s:str:3"] }]);
    // Only the first batch reached the socket; the others wait, encoded, for its answer.
    assert.equal(socket.bytesWritten - before, batch);
    assert.deepEqual(await first, ["string", "hash"]);
    assert.deepEqual(await second, ["string", "hash"]);
    const [pttl] = await third;
    assert.ok(Number(pttl) > 0, `s:str:3 has a TTL, got ${String(pttl)}`);
    assert.equal(
      socket.bytesWritten - before,
      2 * batch + encodeCommands([{ name: "PTTL", args: ["s:str:3"] }]).length,
    );
  });

  it("encodes per-key commands exactly like the generic encoder", () => {
    const keys = [Buffer.from("a"), Buffer.from([0xff, 0x0d, 0x0a]), Buffer.alloc(120, 0x6b), Buffer.from("caf\u00e9")];
    const templates = [
      { name: "TYPE", args: [] },
      { name: "MEMORY", args: ["USAGE"] },
    ];
    const generic = encodeCommands(
      keys.flatMap((key) => templates.map((t) => ({ name: t.name, args: [...t.args, key] }))),
    );
    assert.ok(encodePerKey(templates, keys).equals(generic));
    assert.equal(encodeCommands([{ name: "PTTL", args: ["k"] }]).toString("latin1"), "*2\r\n$4\r\nPTTL\r\n$1\r\nk\r\n");
  });
});
