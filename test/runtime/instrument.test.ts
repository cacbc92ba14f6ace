// instrument() on the in-process libraries (real lru-cache, keyv and cache-manager instances): every read counts a
// hit or a miss, writes and deletes count ok, a throw or a rejection counts an error and reaches the caller as the
// same error object, and the method tables are the analyzer adapters' own.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createCache } from "cache-manager";
import Keyv from "keyv";
import { LRUCache } from "lru-cache";
import { cacheManager } from "../../analyzer/src/libraries/cache-manager";
import { COMMON_CACHE_METHODS } from "../../analyzer/src/libraries/in-process-methods";
import { keyv as keyvAdapter } from "../../analyzer/src/libraries/keyv";
import { lruCache } from "../../analyzer/src/libraries/lru-cache";
import { RUNTIME_METHOD_TABLES } from "../../analyzer/src/libraries/runtime-methods";
import { metrics } from "@opentelemetry/api";
import { cacheAside, detectLibrary, instrument } from "../../runtime/src/index";
import { createTestMeter, operationSample as op, operationSamples } from "./meter";

test("the in-process tables are the adapters' table: a library that gets its own must get its own run-time table", () => {
  assert.equal(lruCache.methods, COMMON_CACHE_METHODS);
  assert.equal(keyvAdapter.methods, COMMON_CACHE_METHODS);
  assert.equal(cacheManager.methods, COMMON_CACHE_METHODS);
  const table = RUNTIME_METHOD_TABLES["lru-cache"].operations;
  assert.equal(table.get("get"), "get");
  assert.equal(table.get("has"), "get");
  assert.equal(table.get("set"), "set");
  assert.equal(table.get("delete"), "delete");
  // Read-through methods are not in the table (their result says nothing about hit or miss: the runtime counts them
  // by whether the loader ran, test/runtime/read-through.test.ts); keyless ones name no family.
  for (const name of ["fetch", "wrap", "clear", "reset"]) assert.equal(table.get(name), undefined, name);
  const redis = RUNTIME_METHOD_TABLES.ioredis.operations;
  assert.deepEqual(
    ["get", "hgetall", "set", "setex", "expire", "hset", "del", "unlink"].map((c) => redis.get(c)),
    ["get", "get", "set", "set", "set", "set", "delete", "delete"],
  );
});

test("detects each library from a real instance", () => {
  assert.equal(detectLibrary(new LRUCache({ max: 1 })), "lru-cache");
  assert.equal(detectLibrary(new Keyv()), "keyv");
  assert.equal(detectLibrary(createCache()), "cache-manager");
  assert.throws(() => detectLibrary(new Map()), /not a client of/);
});

test("lru-cache: exact counts per operation and result, one family for the instance", async () => {
  const meter = createTestMeter();
  const cache = instrument(new LRUCache<string, number>({ max: 100 }), {
    family: "productCache",
    meterProvider: meter.provider,
  });
  for (let i = 0; i < 5; i++) cache.set(`sku-${i}`, i);
  for (let i = 0; i < 8; i++) cache.get(`sku-${i}`); // 5 hits, 3 misses
  assert.equal(cache.get("sku-0"), 0); // a stored 0 is a hit: only null/undefined is a miss
  cache.has("sku-1");
  cache.has("nope");
  cache.peek("sku-2");
  cache.delete("sku-3");
  cache.clear(); // keyless: not counted
  assert.deepEqual(operationSamples(await meter.samples()), {
    [op("productCache", "delete", "ok")]: 1,
    [op("productCache", "get", "hit")]: 8,
    [op("productCache", "get", "miss")]: 4,
    [op("productCache", "set", "ok")]: 5,
  });
});

test("keyv and cache-manager: asynchronous results, per-key counts for multi-key reads", async () => {
  const meter = createTestMeter();
  const kv = instrument(new Keyv<string>(), { family: "kv", meterProvider: meter.provider });
  await kv.set("a", "1");
  await kv.get("a");
  await kv.get("b");
  assert.deepEqual(await kv.getMany(["a", "b", "c"]), ["1", undefined, undefined]);
  await kv.delete("a");
  const cm = instrument(createCache(), { family: "cm", meterProvider: meter.provider });
  await cm.set("x", 1);
  assert.equal(await cm.get("x"), 1);
  await cm.get("y");
  await cm.mget(["x", "y"]);
  await cm.del("x");
  assert.deepEqual(operationSamples(await meter.samples()), {
    [op("cm", "delete", "ok")]: 1,
    [op("cm", "get", "hit")]: 2,
    [op("cm", "get", "miss")]: 2,
    [op("cm", "set", "ok")]: 1,
    [op("kv", "delete", "ok")]: 1,
    [op("kv", "get", "hit")]: 2,
    [op("kv", "get", "miss")]: 3,
    [op("kv", "set", "ok")]: 1,
  });
});

test("a throw or a rejection counts an error and reaches the caller unchanged", async () => {
  const meter = createTestMeter();
  const boom = new Error("store down");
  const failingAsync = instrument(
    { get: async () => Promise.reject(boom), set: async () => "OK", del: async () => true, stores: [], wrap: () => {} },
    { library: "cache-manager", family: "remote", meterProvider: meter.provider },
  );
  await assert.rejects(failingAsync.get(), (error) => error === boom);
  const thrown = new TypeError("bad key");
  const failingSync = instrument(
    {
      get: () => {
        throw thrown;
      },
      set: () => undefined,
    },
    { library: "lru-cache", family: "local", meterProvider: meter.provider },
  );
  assert.throws(
    () => failingSync.get(),
    (error) => error === thrown,
  );
  assert.deepEqual(operationSamples(await meter.samples()), {
    [op("local", "get", "error")]: 1,
    [op("remote", "get", "error")]: 1,
  });
});

test("instrumenting a client twice counts each call once", async () => {
  const meter = createTestMeter();
  const cache = new LRUCache<string, number>({ max: 10 });
  instrument(cache, { family: "twice", meterProvider: meter.provider });
  instrument(cache, { family: "twice", meterProvider: meter.provider });
  cache.get("a");
  assert.deepEqual(operationSamples(await meter.samples()), { [op("twice", "get", "miss")]: 1 });
});

test("without an SDK registered the client is left untouched; registered first, the global provider records", async () => {
  const messages: string[] = [];
  const logger = { debug: (message: string) => void messages.push(message) };
  // No global meter provider: the API's no-op one, whose meter would stay a no-op even after an SDK registers.
  const plain = instrument(new LRUCache<string, number>({ max: 10 }), { family: "plain", logger });
  assert.equal(plain.get, LRUCache.prototype.get);
  assert.deepEqual(
    Object.getOwnPropertyNames(plain).filter((name) => name === "get" || name === "set"),
    [],
  );
  assert.equal(messages.length, 1);
  assert.match(messages[0]!, /no OpenTelemetry meter provider/);
  plain.set("a", 1);
  assert.equal(plain.get("a"), 1);
  const read = cacheAside<number>({
    family: "plain",
    get: (k) => plain.get(k),
    set: (k, v) => plain.set(k, v),
    load: () => 2,
  });
  assert.equal(await read("b"), 2);
  assert.equal(plain.get("b"), 2);

  const meter = createTestMeter();
  assert.ok(metrics.setGlobalMeterProvider(meter.provider));
  try {
    const counted = instrument(new LRUCache<string, number>({ max: 10 }), { family: "global" });
    assert.notEqual(counted.get, LRUCache.prototype.get);
    counted.get("a");
    // The client instrumented before the SDK stays uninstrumented (as its no-op meter would have).
    plain.get("a");
    assert.deepEqual(operationSamples(await meter.samples()), { [op("global", "get", "miss")]: 1 });
  } finally {
    metrics.disable();
  }
});

test("durationSampling times one call in N on average, at random gaps; the operation counts stay exact", async () => {
  const meter = createTestMeter();
  const cache = instrument(new LRUCache<string, number>({ max: 10 }), {
    family: "sampled",
    meterProvider: meter.provider,
    durationSampling: 4,
  });
  cache.set("even", 0);
  // A workload with period 2 (hit, miss): a fixed one-in-N countdown with N even would time only one of the two.
  for (let i = 0; i < 4000; i++) cache.get(i % 2 === 0 ? "even" : "odd");
  const samples = await meter.samples();
  assert.equal(samples.get(op("sampled", "get", "hit")), 2000);
  assert.equal(samples.get(op("sampled", "get", "miss")), 2000);
  const timed = (result: string) =>
    samples.get(
      `cache_operation_duration_count{cache_family="sampled",cache_operation="get",cache_result="${result}"}`,
    ) ?? 0;
  // About 500 each (1000 in all); the bounds are more than 9 standard deviations wide.
  for (const result of ["hit", "miss"])
    assert.ok(timed(result) > 350 && timed(result) < 650, `${result}: ${timed(result)}`);
  assert.ok(Math.abs(timed("hit") + timed("miss") - 1000) < 150, String(timed("hit") + timed("miss")));

  const every = createTestMeter();
  const all = instrument(new LRUCache<string, number>({ max: 10 }), {
    family: "all",
    meterProvider: every.provider,
    durationSampling: 1,
  });
  for (let i = 0; i < 10; i++) all.get("x");
  assert.equal(
    (await every.samples()).get(
      'cache_operation_duration_count{cache_family="all",cache_operation="get",cache_result="miss"}',
    ),
    10,
  );
});
