// Stale reads counted exactly: the source changes behind the cache's back (no invalidation), every hit is verified
// (rate 1), and the count is the number of hits on changed keys, per family. One example key per family is logged.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LRUCache } from "lru-cache";
import { cacheAside, flushVerifications, instrument, type RuntimeLogger } from "../../runtime/src/index";
import { isDeepEqual } from "../../runtime/src/deep-equal";
import { createTestMeter, operationSample as op, operationSamples } from "./meter";

interface Product {
  sku: string;
  cents: number;
  tags: string[];
}

function createLogger(): RuntimeLogger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, debug: (message, details) => lines.push({ message, ...details }) };
}

test("instrument + verify: each hit on a key changed behind the cache counts one stale read", async () => {
  const meter = createTestMeter();
  const database = new Map<string, Product>();
  for (let i = 0; i < 10; i++) database.set(`sku-${i}`, { sku: `sku-${i}`, cents: 100 * i, tags: ["a"] });
  const logger = createLogger();
  const cache = instrument(new LRUCache<string, Product>({ max: 100 }), {
    family: "productCache",
    meterProvider: meter.provider,
    logger,
    verify: { rate: 1, load: (key) => structuredClone(database.get(key)) },
  });
  for (const [sku, product] of database) cache.set(sku, structuredClone(product));
  // Behind the cache's back: 3 prices change, 1 product is deleted, 1 gets an equal copy (not stale).
  database.get("sku-1")!.cents = 1;
  database.get("sku-2")!.cents = 2;
  database.get("sku-3")!.tags.push("b");
  database.delete("sku-4");
  database.set("sku-5", { sku: "sku-5", cents: 500, tags: ["a"] });
  // Two rounds of reads of every key: 10 hits each round, 4 of them stale.
  for (let round = 0; round < 2; round++) for (let i = 0; i < 10; i++) cache.get(`sku-${i}`);
  cache.get("missing"); // a miss is never verified
  await flushVerifications();
  const samples = await meter.samples();
  assert.equal(samples.get('cache_stale_reads_total{cache_family="productCache"}'), 8);
  assert.equal(samples.get('cache_verified_reads_total{cache_family="productCache"}'), 20);
  assert.equal(samples.get(op("productCache", "get", "hit")), 20);
  // One sampled example key per family (and minute), never the values.
  assert.equal(logger.lines.length, 1);
  assert.deepEqual(Object.keys(logger.lines[0]!).sort(), ["family", "key", "message", "staleReads"]);
  assert.match(String(logger.lines[0]!.key), /^sku-[1-4]$/);
});

test("cacheAside: misses load and write, hits are verified against load; the source changes behind its back", async () => {
  const meter = createTestMeter();
  const database = new Map([
    ["user:1", { name: "Ada" }],
    ["user:2", { name: "Bob" }],
  ]);
  const store = new Map<string, string>();
  let loads = 0;
  const getUser = cacheAside({
    family: "demo:user:{id}",
    get: async (key) => {
      const text = store.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as { name: string });
    },
    set: async (key, value) => void store.set(key, JSON.stringify(value)),
    load: async (key) => {
      loads++;
      return database.get(key)!;
    },
    verify: { rate: 1 },
    meterProvider: meter.provider,
  });
  assert.deepEqual(await getUser("user:1"), { name: "Ada" }); // miss, load, set
  assert.deepEqual(await getUser("user:2"), { name: "Bob" }); // miss, load, set
  assert.deepEqual(await getUser("user:1"), { name: "Ada" }); // hit, verified: fresh
  database.set("user:1", { name: "Ada Lovelace" }); // renamed without invalidating user:1
  assert.deepEqual(await getUser("user:1"), { name: "Ada" }); // hit, stale
  assert.deepEqual(await getUser("user:1"), { name: "Ada" }); // hit, stale
  assert.deepEqual(await getUser("user:2"), { name: "Bob" }); // hit, fresh
  await flushVerifications();
  const samples = await meter.samples();
  assert.deepEqual(operationSamples(samples), {
    [op("demo:user:{id}", "get", "hit")]: 4,
    [op("demo:user:{id}", "get", "miss")]: 2,
    [op("demo:user:{id}", "set", "ok")]: 2,
  });
  assert.equal(samples.get('cache_stale_reads_total{cache_family="demo:user:{id}"}'), 2);
  assert.equal(samples.get('cache_verified_reads_total{cache_family="demo:user:{id}"}'), 4);
  assert.equal(loads, 2 + 4); // two misses, four verifications
});

test("rate 0 verifies nothing; the verify.families filter limits verification to the named families", async () => {
  const meter = createTestMeter();
  const load = () => "fresh";
  const none = instrument(new LRUCache<string, string>({ max: 10 }), {
    family: "none",
    meterProvider: meter.provider,
    verify: { rate: 0, load },
  });
  const other = instrument(new LRUCache<string, string>({ max: 10 }), {
    family: "other",
    meterProvider: meter.provider,
    verify: { rate: 1, load, families: ["elsewhere"] },
  });
  for (const cache of [none, other]) {
    cache.set("k", "old");
    cache.get("k");
  }
  await flushVerifications();
  const samples = await meter.samples();
  assert.equal([...samples.keys()].filter((key) => key.startsWith("cache_stale_reads_total")).length, 0);
});

test("isDeepEqual compares JSON-like values by content", () => {
  // null and undefined both mean "absent".
  assert.ok(isDeepEqual({ a: [1, { b: "x" }], c: null }, { c: undefined, a: [1, { b: "x" }] }));
  assert.ok(isDeepEqual({ a: [1, { b: "x" }], c: null }, { c: null, a: [1, { b: "x" }] }));
  assert.ok(isDeepEqual(null, undefined));
  assert.ok(isDeepEqual(NaN, NaN));
  assert.ok(!isDeepEqual("1", 1));
  assert.ok(!isDeepEqual([1, 2], [2, 1]));
  assert.ok(!isDeepEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(isDeepEqual(new Date(5), new Date(5)));
  assert.ok(!isDeepEqual(new Date(5), new Date(6)));
  assert.ok(isDeepEqual(Buffer.from("ab"), new Uint8Array([97, 98])));
  assert.ok(!isDeepEqual(Buffer.from("ab"), Buffer.from("ac")));
  assert.ok(isDeepEqual(new Map([["a", 1]]), new Map([["a", 1]])));
  assert.ok(!isDeepEqual(new Map([["a", 1]]), new Set([["a", 1]])));
});
