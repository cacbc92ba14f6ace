// Pipelines and transactions of real Redis clients (ioredis, iovalkey, node-redis) against a real redis-server
// started here: each queued cache command is counted under its key's family when the batch's exec settles, with its
// own result (hit, miss, ok, or error for the command that failed), multi-key commands per key; what exec returns
// reaches the caller unchanged; a transaction discarded by WATCH counts nothing, one aborted by EXECABORT counts
// every command as an error; ioredis' client-level transaction (`multi({ pipeline: false })`) counts at the
// client's exec.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import Valkey from "iovalkey";
import { createClient } from "redis";
import { instrument, type RuntimeFamily } from "../../runtime/src/index";
import { startRedisServer, type RedisProcess } from "../keyspace/redis-harness";
import { createTestMeter, operationSample as op, operationSamples } from "./meter";

const FAMILIES: RuntimeFamily[] = [
  { label: "demo:user:{id}", pattern: "demo:user:{id}", kind: "redis" },
  { label: "demo:session:{token}", pattern: "demo:session:{token}", kind: "redis" },
];
const USER = "demo:user:{id}";
const SESSION = "demo:session:{token}";

let server: RedisProcess;
before(async () => {
  server = await startRedisServer("runtime-batches");
});
after(async () => {
  await server?.stop();
});

test("ioredis pipeline(): every queued command counted at exec with its own result, failures included", async () => {
  const meter = createTestMeter();
  const redis = instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:", db: 5 }), {
    families: FAMILIES,
    meterProvider: meter.provider,
  });
  const bare = new Redis(server.port, "127.0.0.1", { db: 5 });
  try {
    await bare.set("demo:user:1", "one");
    await bare.set("demo:session:s", "a string, not a hash");
    const results = await redis
      .pipeline()
      .get("user:1") // hit
      .get("user:2") // miss
      .mget("user:1", "user:3") // hit, miss
      .set("user:4", "four") // ok
      .hgetall("session:s") // WRONGTYPE: an error for this command only
      .incr("counter") // a write to a key of no family: `unmatched`
      .del("user:4", "session:none") // ok per key
      .exec();
    assert.deepEqual(
      results!.map(([error, value]) => (error ? `error ${(error as Error).message.split(" ")[0]}` : value)),
      ["one", null, ["one", null], "OK", "error WRONGTYPE", 1, 1],
    );
    // The commands given as an array are counted too.
    const batch = await redis
      .pipeline([
        ["get", "user:1"],
        ["get", "user:5"],
        ["hgetall", "session:none"],
      ])
      .exec();
    assert.deepEqual(batch, [
      [null, "one"],
      [null, null],
      [null, {}],
    ]);
    assert.deepEqual(operationSamples(await meter.samples()), {
      [op(SESSION, "delete", "ok")]: 1,
      [op(SESSION, "get", "error")]: 1,
      [op(SESSION, "get", "miss")]: 1,
      [op(USER, "delete", "ok")]: 1,
      [op(USER, "get", "hit")]: 3,
      [op(USER, "get", "miss")]: 3,
      [op(USER, "set", "ok")]: 1,
      [op("unmatched", "set", "ok")]: 1,
    });
    // Batched commands share one round trip: none is timed.
    assert.equal([...(await meter.samples()).keys()].filter((k) => k.startsWith("cache_operation_duration")).length, 0);
  } finally {
    redis.disconnect();
    bare.disconnect();
  }
});

test("ioredis multi(): counted at exec; WATCH discards count nothing; EXECABORT counts every command as an error", async () => {
  const meter = createTestMeter();
  const redis = instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:", db: 6 }), {
    families: FAMILIES,
    meterProvider: meter.provider,
  });
  const other = new Redis(server.port, "127.0.0.1", { db: 6 });
  try {
    await other.set("demo:user:1", "one");
    assert.deepEqual(await redis.multi().get("user:1").get("user:2").set("session:t", "x").exec(), [
      [null, "one"],
      [null, null],
      [null, "OK"],
    ]);
    // WATCH, then a change behind the transaction's back: EXEC discards it, exec resolves null.
    await redis.watch("user:1");
    await other.set("demo:user:1", "changed");
    assert.equal(await redis.multi().get("user:1").get("user:9").exec(), null);
    // A command the server refuses at queue time (wrong arity) aborts the whole transaction.
    const aborted = redis.multi().get("user:1");
    (aborted as unknown as { set(key: string): unknown }).set("user:2");
    await assert.rejects(aborted.exec(), /EXECABORT/);
    assert.deepEqual(operationSamples(await meter.samples()), {
      [op(SESSION, "set", "ok")]: 1,
      [op(USER, "get", "error")]: 1,
      [op(USER, "get", "hit")]: 1,
      [op(USER, "get", "miss")]: 1,
      [op(USER, "set", "error")]: 1,
    });
  } finally {
    redis.disconnect();
    other.disconnect();
  }
});

test("iovalkey pipeline() and multi() count the same way", async () => {
  const meter = createTestMeter();
  const valkey = instrument(new Valkey(server.port, "127.0.0.1", { keyPrefix: "demo:", db: 7 }), {
    families: FAMILIES,
    meterProvider: meter.provider,
  });
  try {
    await valkey.pipeline().set("user:1", "v").get("user:1").get("user:2").exec();
    await valkey.multi().get("user:1").exec();
    assert.deepEqual(operationSamples(await meter.samples()), {
      [op(USER, "get", "hit")]: 2,
      [op(USER, "get", "miss")]: 1,
      [op(USER, "set", "ok")]: 1,
    });
  } finally {
    valkey.disconnect();
  }
});

for (const [name, Client] of [
  ["ioredis", Redis],
  ["iovalkey", Valkey],
] as const) {
  test(`${name} multi({ pipeline: false }): each command answered QUEUED, counted at the client's exec with its result`, async () => {
    const meter = createTestMeter();
    const client = instrument(new Client(server.port, "127.0.0.1", { keyPrefix: "demo:", db: 10 }), {
      families: FAMILIES,
      meterProvider: meter.provider,
    });
    const other = new Client(server.port, "127.0.0.1", { db: 10 });
    try {
      await other.flushdb();
      await other.set("demo:user:1", "one");
      await other.set("demo:session:s", "a string, not a hash");
      await client.multi({ pipeline: false });
      // Sent one by one, each queued by the server: none is a hit or a miss yet.
      const queued = await Promise.all([
        client.get("user:1"), // hit
        client.incr("counter"), // no family, but it takes a place in the results
        client.get("user:2"), // miss
        client.mget("user:1", "user:3"), // hit, miss
        client.hgetall("session:s"), // WRONGTYPE at exec: an error for this command only
        client.set("user:4", "four"), // ok
      ]);
      assert.deepEqual(queued, ["QUEUED", "QUEUED", "QUEUED", "QUEUED", "QUEUED", "QUEUED"]);
      assert.deepEqual(operationSamples(await meter.samples()), {});
      const results = (await client.exec()) as Array<[Error | null, unknown]>;
      assert.deepEqual(
        results.map(([error, value]) => (error ? `error ${error.message.split(" ")[0]}` : value)),
        ["one", 1, null, ["one", null], "error WRONGTYPE", "OK"],
      );
      // A discarded transaction counts nothing; the commands after it count one by one again.
      await client.multi({ pipeline: false });
      await client.get("user:1");
      assert.equal(await client.discard(), "OK");
      assert.equal(await client.get("user:1"), "one");
      assert.deepEqual(operationSamples(await meter.samples()), {
        [op(SESSION, "get", "error")]: 1,
        [op(USER, "get", "hit")]: 3,
        [op(USER, "get", "miss")]: 2,
        [op(USER, "set", "ok")]: 1,
        [op("unmatched", "set", "ok")]: 1,
      });
    } finally {
      client.disconnect();
      other.disconnect();
    }
  });
}

test("node-redis multi(): exec, execAsPipeline and a MultiErrorReply's replies, SELECT queued in between", async () => {
  const meter = createTestMeter();
  const client = instrument(createClient({ socket: { host: "127.0.0.1", port: server.port }, database: 8 }), {
    families: FAMILIES,
    meterProvider: meter.provider,
  });
  await client.connect();
  const other = createClient({ socket: { host: "127.0.0.1", port: server.port }, database: 8 });
  await other.connect();
  try {
    await other.set("demo:user:1", "one");
    await other.set("demo:session:s", "a string, not a hash");
    assert.deepEqual(await client.multi().get("demo:user:1").GET("demo:user:2").hGetAll("demo:session:none").exec(), [
      "one",
      null,
      {},
    ]);
    // SELECT is queued (it shifts the replies) without going through addCommand.
    assert.deepEqual(
      await client.multi().select(8).set("demo:user:3", "three").mGet(["demo:user:1", "demo:user:4"]).exec(),
      ["OK", "OK", ["one", null]],
    );
    // One failing command: exec rejects with a MultiErrorReply carrying every reply.
    await assert.rejects(
      client.multi().hGetAll("demo:session:s").get("demo:user:3").exec(),
      (error: Error & { errorIndexes?: number[] }) => {
        assert.deepEqual(error.errorIndexes, [0]);
        return true;
      },
    );
    assert.deepEqual(await client.multi().get("demo:user:1").del("demo:user:3").execAsPipeline(), ["one", 1]);
    // WATCH, then a change from another connection: the transaction is discarded.
    await client.watch("demo:user:1");
    await other.set("demo:user:1", "changed");
    await assert.rejects(
      client.multi().get("demo:user:1").exec(),
      (error: Error) => error.constructor.name === "WatchError",
    );
    assert.deepEqual(operationSamples(await meter.samples()), {
      [op(SESSION, "get", "error")]: 1,
      [op(SESSION, "get", "miss")]: 1,
      [op(USER, "delete", "ok")]: 1,
      [op(USER, "get", "hit")]: 4,
      [op(USER, "get", "miss")]: 2,
      [op(USER, "set", "ok")]: 1,
    });
  } finally {
    await client.quit();
    await other.quit();
  }
});
