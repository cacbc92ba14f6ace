// instrument() on real Redis clients (ioredis, node-redis, iovalkey) against a real redis-server started here:
// families matched with the client's key prefix, per-key counts for multi-key commands, stale reads counted
// exactly, and a failing command counted as an error and re-thrown unchanged.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import Valkey from "iovalkey";
import { createClient } from "redis";
import { flushVerifications, instrument, type RuntimeFamily } from "../../runtime/src/index";
import { startRedisServer, type RedisProcess } from "../keyspace/redis-harness";
import { createTestMeter, operationSample as op, operationSamples } from "./meter";

const FAMILIES: RuntimeFamily[] = [
  { label: "demo:user:{id}", pattern: "demo:user:{id}", kind: "redis" },
  { label: "demo:session:{token}", pattern: "demo:session:{token}", kind: "redis" },
  { label: "productCache", pattern: "*", kind: "in-process" },
];

let server: RedisProcess;
before(async () => {
  server = await startRedisServer("runtime");
});
after(async () => {
  await server?.stop();
});

test("ioredis with keyPrefix: counts per family, multi-key commands per key, stale reads exactly", async () => {
  const meter = createTestMeter();
  const source = new Map<string, string>();
  const redis = instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:", db: 1 }), {
    families: FAMILIES,
    meterProvider: meter.provider,
    verify: { rate: 1, load: (key) => source.get(key) ?? null, families: ["demo:user:{id}"] },
  });
  try {
    for (const id of ["1", "2", "3"]) {
      source.set(`user:${id}`, JSON.stringify({ id }));
      await redis.set(`user:${id}`, source.get(`user:${id}`)!, "EX", 60);
    }
    await redis.get("user:1"); // hit, fresh
    source.set("user:2", JSON.stringify({ id: "2", renamed: true })); // behind the cache's back
    await redis.get("user:2"); // hit, stale
    assert.deepEqual(await redis.mget("user:1", "user:2", "user:9"), [
      JSON.stringify({ id: "1" }),
      JSON.stringify({ id: "2" }),
      null,
    ]); // hit fresh, hit stale, miss
    await redis.hset("session:abc", { userId: "1" });
    await redis.expire("session:abc", 60);
    assert.deepEqual(await redis.hgetall("session:abc"), { userId: "1" });
    await redis.hgetall("session:none"); // {}: a miss
    await redis.get("queue:emails"); // no family
    await redis.del("user:1", "user:3", "session:abc");
    await flushVerifications();
    const samples = await meter.samples();
    assert.deepEqual(operationSamples(samples), {
      [op("demo:session:{token}", "delete", "ok")]: 1,
      [op("demo:session:{token}", "get", "hit")]: 1,
      [op("demo:session:{token}", "get", "miss")]: 1,
      [op("demo:session:{token}", "set", "ok")]: 2,
      [op("demo:user:{id}", "delete", "ok")]: 2,
      [op("demo:user:{id}", "get", "hit")]: 4,
      [op("demo:user:{id}", "get", "miss")]: 1,
      [op("demo:user:{id}", "set", "ok")]: 3,
      [op("unmatched", "get", "miss")]: 1,
    });
    assert.equal(samples.get('cache_stale_reads_total{cache_family="demo:user:{id}"}'), 2);
    assert.equal(samples.get('cache_verified_reads_total{cache_family="demo:user:{id}"}'), 4);
    assert.equal(samples.get('cache_stale_reads_total{cache_family="demo:session:{token}"}'), undefined);
  } finally {
    redis.disconnect();
  }
});

test("node-redis (camelCase and upper-case methods) and iovalkey count the same way", async () => {
  const meter = createTestMeter();
  const nodeRedis = instrument(createClient({ socket: { host: "127.0.0.1", port: server.port }, database: 2 }), {
    families: FAMILIES,
    meterProvider: meter.provider,
  });
  await nodeRedis.connect();
  const valkey = instrument(new Valkey(server.port, "127.0.0.1", { keyPrefix: "demo:", db: 3 }), {
    families: FAMILIES,
    meterProvider: meter.provider,
  });
  try {
    await nodeRedis.set("demo:user:7", "x", { EX: 60 });
    await nodeRedis.get("demo:user:7");
    await nodeRedis.GET("demo:user:8");
    await nodeRedis.hSet("demo:session:s", "userId", "7");
    await nodeRedis.hGetAll("demo:session:s");
    await valkey.set("user:7", "y");
    await valkey.get("user:7");
    await valkey.get("user:8");
    const samples = operationSamples(await meter.samples());
    assert.deepEqual(samples, {
      [op("demo:session:{token}", "get", "hit")]: 1,
      [op("demo:session:{token}", "set", "ok")]: 1,
      [op("demo:user:{id}", "get", "hit")]: 2,
      [op("demo:user:{id}", "get", "miss")]: 2,
      [op("demo:user:{id}", "set", "ok")]: 2,
    });
  } finally {
    await nodeRedis.quit();
    valkey.disconnect();
  }
});

test("a command that fails counts an error and rejects with the client's own error", async () => {
  const meter = createTestMeter();
  const redis = instrument(
    new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:", db: 4, maxRetriesPerRequest: 0 }),
    { families: FAMILIES, meterProvider: meter.provider },
  );
  const bare = new Redis(server.port, "127.0.0.1", { db: 4, maxRetriesPerRequest: 0 });
  try {
    await redis.set("user:1", "not a hash");
    // WRONGTYPE from the server: the same error class and message as the bare client gets.
    const expected = await bare.hgetall("demo:user:1").then(
      () => undefined,
      (error: Error) => error,
    );
    assert.ok(expected instanceof Error);
    await assert.rejects(redis.hgetall("user:1"), (error: Error) => {
      assert.equal(error.constructor, expected.constructor);
      assert.equal(error.message, expected.message);
      return true;
    });
    assert.deepEqual(operationSamples(await meter.samples()), {
      [op("demo:user:{id}", "get", "error")]: 1,
      [op("demo:user:{id}", "set", "ok")]: 1,
    });
  } finally {
    redis.disconnect();
    bare.disconnect();
  }
});
