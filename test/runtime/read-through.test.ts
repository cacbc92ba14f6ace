// Read-through calls on real libraries: lru-cache's fetch, forceFetch and memo, cache-manager's wrap. Each call
// counts one read of its key's family: a hit when the loader did not run for it, a miss when it did (the loaders
// here count their own runs, so each expected figure can be checked against them), an error when it rejected or
// threw. The library's internal reads and writes are not counted a second time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createCache } from "cache-manager";
import { LRUCache } from "lru-cache";
import { instrument } from "../../runtime/src/index";
import { createTestMeter, operationSample as op, operationSamples } from "./meter";

test("lru-cache fetch: hit without a fetch, miss when fetchMethod ran or the call joined a fetch in flight", async () => {
  const meter = createTestMeter();
  const loads: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const cache = instrument(
    new LRUCache<string, string>({
      max: 10,
      fetchMethod: async (key) => {
        loads.push(key);
        if (key === "slow") await gate;
        if (key === "broken") throw new Error("source down");
        return `value of ${key}`;
      },
    }),
    { family: "products", meterProvider: meter.provider },
  );
  assert.equal(await cache.fetch("a"), "value of a"); // miss: loaded
  assert.equal(await cache.fetch("a"), "value of a"); // hit
  const status: LRUCache.Status<string, string> = {};
  assert.equal(await cache.fetch("a", { status }), "value of a"); // hit, with the caller's own status object
  assert.equal(status.fetch, "hit");
  const first = cache.fetch("slow");
  const second = cache.fetch("slow"); // joins the fetch in flight: a miss, the loader runs once
  release();
  assert.deepEqual(await Promise.all([first, second]), ["value of slow", "value of slow"]);
  assert.equal(await cache.forceFetch("a"), "value of a"); // hit
  // fetchMethod rejects, and so does fetch (nothing stale to fall back on): an error.
  await assert.rejects(cache.fetch("broken"), /source down/);
  assert.deepEqual(loads, ["a", "slow", "broken"]);
  assert.deepEqual(operationSamples(await meter.samples()), {
    [op("products", "get", "error")]: 1,
    [op("products", "get", "hit")]: 3,
    [op("products", "get", "miss")]: 3,
  });
});

test("lru-cache fetch without fetchMethod is a plain read; memo counts hit and miss from memoMethod's runs", async () => {
  const meter = createTestMeter();
  const plain = instrument(new LRUCache<string, number>({ max: 10 }), {
    family: "plain",
    meterProvider: meter.provider,
  });
  plain.set("x", 1);
  assert.equal(await plain.fetch("x"), 1); // hit
  assert.equal(await plain.fetch("y"), undefined); // miss
  let computed = 0;
  const memo = instrument(new LRUCache<string, number>({ max: 10, memoMethod: (key) => (computed++, key.length) }), {
    family: "lengths",
    meterProvider: meter.provider,
  });
  assert.equal(memo.memo("abc"), 3); // miss: memoMethod ran
  assert.equal(memo.memo("abc"), 3); // hit
  assert.equal(memo.memo("abcd", { forceRefresh: true }), 4); // forced: ran
  assert.equal(computed, 2);
  assert.deepEqual(operationSamples(await meter.samples()), {
    [op("lengths", "get", "hit")]: 1,
    [op("lengths", "get", "miss")]: 2,
    [op("plain", "get", "hit")]: 1,
    [op("plain", "get", "miss")]: 1,
    [op("plain", "set", "ok")]: 1,
  });
});

test("cache-manager wrap: hit when the loader did not run, miss when it did, error when it threw", async () => {
  const meter = createTestMeter();
  const cache = instrument(createCache(), { family: "users", meterProvider: meter.provider });
  let loads = 0;
  const load = async () => {
    loads++;
    return { id: 1 };
  };
  assert.deepEqual(await cache.wrap("user:1", load), { id: 1 }); // miss
  assert.deepEqual(await cache.wrap("user:1", load), { id: 1 }); // hit
  assert.deepEqual(await cache.wrap("user:1", load, 60_000), { id: 1 }); // hit, with a ttl argument
  const failure = new Error("source down");
  await assert.rejects(
    cache.wrap("user:2", async () => Promise.reject(failure)),
    (error) => error === failure,
  );
  assert.equal(loads, 1);
  assert.equal(await cache.get("user:1").then((v) => (v as { id: number }).id), 1); // a plain get: counted once
  assert.deepEqual(operationSamples(await meter.samples()), {
    [op("users", "get", "error")]: 1,
    [op("users", "get", "hit")]: 3,
    [op("users", "get", "miss")]: 1,
  });
});

test("cache-manager wrap, as documented: a caller that shares a load in flight is a hit, a refresh-ahead a miss", async () => {
  const meter = createTestMeter();
  const cache = instrument(createCache(), { family: "pages", meterProvider: meter.provider });
  let loads = 0;
  const load = async () => {
    loads++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return `page ${loads}`;
  };
  // Two callers, one load (cache-manager coalesces them): the second caller's loader never runs.
  assert.deepEqual(await Promise.all([cache.wrap("home", load), cache.wrap("home", load)]), ["page 1", "page 1"]);
  assert.equal(loads, 1);
  // With a refresh threshold: fresh enough, a plain hit; then, past the threshold, the cached value is returned and
  // the loader runs in the background (refresh-ahead): counted as a miss, since the loader ran.
  assert.equal(await cache.wrap("about", load, 20_000, 18_000), "page 2"); // miss
  assert.equal(await cache.wrap("about", load, 20_000, 18_000), "page 2"); // hit: 20 s left, more than 18 s
  await new Promise((resolve) => setTimeout(resolve, 2100));
  assert.equal(await cache.wrap("about", load, 20_000, 18_000), "page 2"); // under 18 s left: refreshed behind
  assert.equal(loads, 3);
  assert.deepEqual(operationSamples(await meter.samples()), {
    [op("pages", "get", "hit")]: 2,
    [op("pages", "get", "miss")]: 3,
  });
});
