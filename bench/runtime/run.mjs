// Overhead of cachewise/runtime (dist/runtime.js) against the bare client, measured in the same run, variants
// interleaved round by round so that a busy machine slows all of them alike. Prints ratios (each the median over
// rounds of the variant's figure / bare's in the same round); asserts nothing.
//
//   npm run build && node bench/runtime/run.mjs [--rounds 15] [--batch 2000] [--lru-ops 200000] [--redis-ops 4000]
//                                               [--redis-concurrency 32] [--redis-rounds N] [--skip-redis]
//                                               [--skip-lru] [--baseline FILE]
//
// In-process (lru-cache): throughput of a loop of gets (90 % hits) and sets, and the median time per operation
// over batches of `--batch` operations (a clock reading costs ~0.25 µs on some virtual machines, so single
// operations are not timed). Variants: bare; instrumented without an SDK (no meter provider registered: the
// client is returned untouched, so this row measures the run's noise); instrumented with the SDK (MeterProvider +
// Prometheus exporter), with a fixed family and with key matching over families (both with the default duration
// sampling), with no call timed (the wrapping and counting alone), and with every call timed (durationSampling 1).
// Redis (ioredis against a redis-server started here on a free loopback port, --save '' --appendonly no, stopped
// by PID): median latency of sequential GETs and throughput of `--redis-concurrency` GETs in flight, bare, without
// an SDK, with the SDK and the default duration sampling, with no call timed, and with every call timed.
// --baseline FILE adds the SDK variants (and lru-cache's no-SDK and no-call-timed ones) of another build of the runtime, interleaved in
// the same rounds: a copy of an earlier dist/runtime.js kept outside dist/ (which the build empties), in a
// directory from which @opentelemetry/api resolves.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as net from "node:net";
import { join } from "node:path";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { instrument } from "../../dist/runtime.js";
import { pathToFileURL } from "node:url";

function readArgs(argv) {
  const args = {
    rounds: 15,
    batch: 2000,
    lruOps: 200_000,
    redisOps: 4000,
    redisConcurrency: 32,
    skipRedis: false,
    skipLru: false,
    redisRounds: undefined,
    baseline: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--rounds") args.rounds = Number(argv[++i]);
    else if (a === "--batch") args.batch = Number(argv[++i]);
    else if (a === "--lru-ops") args.lruOps = Number(argv[++i]);
    else if (a === "--redis-ops") args.redisOps = Number(argv[++i]);
    else if (a === "--redis-concurrency") args.redisConcurrency = Number(argv[++i]);
    else if (a === "--skip-redis") args.skipRedis = true;
    else if (a === "--skip-lru") args.skipLru = true;
    else if (a === "--redis-rounds") args.redisRounds = Number(argv[++i]);
    else if (a === "--baseline") args.baseline = argv[++i];
    else {
      console.error(`unknown option ${a}`);
      process.exit(2);
    }
  }
  return args;
}

const args = readArgs(process.argv.slice(2));
const baseline = args.baseline ? await import(pathToFileURL(args.baseline).href) : undefined;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** The median over rounds of a variant's figure divided by bare's figure of the same round (drifts in load cancel). */
const pairedRatio = (values, bareValues) => median(values.map((value, i) => value / bareValues[i]));
const FAMILIES = [
  { label: "demo:user:{id}", pattern: "demo:user:{id}", kind: "redis" },
  { label: "demo:session:{token}", pattern: "demo:session:{token}", kind: "redis" },
  { label: "demo:rate:{ip}", pattern: "demo:rate:{ip}", kind: "redis" },
  { label: "demo:user-sessions:{userId}", pattern: "demo:user-sessions:{userId}", kind: "redis" },
  { label: "product:{sku}", pattern: "product:{sku}", kind: "in-process" },
  { label: "price:{sku}:{currency}", pattern: "price:{sku}:{currency}", kind: "in-process" },
];

function createSdk() {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  return { provider: new MeterProvider({ readers: [exporter] }), exporter };
}

// ---------------------------------------------------------------------------------------------------------------
// In-process.

const KEYS = Array.from({ length: 1000 }, (_, i) => `product:${i}`);

function createLruVariants() {
  const make = () => {
    const cache = new LRUCache({ max: 2000 });
    for (let i = 0; i < 900; i++) cache.set(KEYS[i], { sku: i });
    return cache;
  };
  const sdk = createSdk();
  const sdkAll = createSdk();
  const variants = [
    { name: "bare", cache: make() },
    { name: "no SDK, fixed family", cache: instrument(make(), { family: "productCache" }) },
    {
      name: "SDK, fixed family (default timing)",
      cache: instrument(make(), { family: "productCache", meterProvider: sdk.provider }),
    },
    {
      name: "SDK, key matched (default timing)",
      cache: instrument(make(), { families: FAMILIES, meterProvider: sdk.provider }),
    },
    {
      name: "SDK, fixed family, no call timed",
      cache: instrument(make(), { family: "productCache", meterProvider: sdk.provider, durationSampling: 1e9 }),
    },
    {
      name: "SDK, fixed family, every call timed",
      cache: instrument(make(), { family: "productCache", meterProvider: sdkAll.provider, durationSampling: 1 }),
    },
  ];
  if (baseline) {
    const old = createSdk();
    variants.push(
      { name: "baseline: no SDK, fixed family", cache: baseline.instrument(make(), { family: "productCache" }) },
      {
        name: "baseline: SDK, fixed family",
        cache: baseline.instrument(make(), { family: "productCache", meterProvider: old.provider }),
      },
      {
        name: "baseline: SDK, key matched",
        cache: baseline.instrument(make(), { families: FAMILIES, meterProvider: old.provider }),
      },
      {
        name: "baseline: SDK, fixed, no call timed",
        cache: baseline.instrument(make(), {
          family: "productCache",
          meterProvider: old.provider,
          durationSampling: 1e9,
        }),
      },
    );
  }
  return variants;
}

/** Runs `ops` operations (9 gets, of which 1 in 10 misses, then 1 set), timing batches; returns [total ms, per-op ns of each batch]. */
function runLru(cache, ops, batch) {
  const perOp = [];
  let sink = 0;
  const startAll = performance.now();
  for (let done = 0; done < ops; done += batch) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) {
      const key = KEYS[(done + i) % 1000];
      if (i % 10 === 9) cache.set(key, sink);
      else if (cache.get(key) !== undefined) sink++;
    }
    perOp.push(((performance.now() - start) * 1e6) / batch);
  }
  return { totalMs: performance.now() - startAll, perOp, sink };
}

function benchLru() {
  const variants = createLruVariants();
  const results = new Map(variants.map((v) => [v.name, { throughput: [], perOp: [] }]));
  // Warm-up: let the JIT settle every variant's code.
  for (const v of variants) runLru(v.cache, args.lruOps, args.batch);
  for (let round = 0; round < args.rounds; round++) {
    const order = round % 2 ? [...variants].reverse() : variants;
    for (const v of order) {
      const { totalMs, perOp } = runLru(v.cache, args.lruOps, args.batch);
      const r = results.get(v.name);
      r.throughput.push(args.lruOps / (totalMs / 1000));
      r.perOp.push(...perOp);
    }
  }
  const bare = results.get("bare");
  const bareOp = median(bare.perOp);
  console.log(
    `\nlru-cache, ${args.rounds} rounds of ${args.lruOps} ops (90 % get, 10 % set), batches of ${args.batch}`,
  );
  console.log("variant                                  ops/s (median)   ratio   ns/op (median)   added ns/op");
  for (const [name, r] of results) {
    const throughput = median(r.throughput);
    const op = median(r.perOp);
    console.log(
      `${name.padEnd(40)} ${String(Math.round(throughput)).padStart(14)}   ${pairedRatio(r.throughput, bare.throughput).toFixed(3)}   ${op.toFixed(1).padStart(14)}   ${(op - bareOp).toFixed(1).padStart(11)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Redis.

function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), "cachewise-bench-runtime-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: "ignore" },
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stop = async () => {
    process.kill(child.pid, "SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  return { port, stop };
}

async function runRedisSequential(redis, ops) {
  const latencies = [];
  for (let i = 0; i < ops; i++) {
    const start = performance.now();
    await redis.get(i % 10 === 9 ? `user:missing-${i}` : `user:${i % 500}`);
    latencies.push((performance.now() - start) * 1000);
  }
  return median(latencies);
}

async function runRedisConcurrent(redis, ops, concurrency) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ops) {
        const i = next++;
        await redis.get(i % 10 === 9 ? `user:missing-${i}` : `user:${i % 500}`);
      }
    }),
  );
  return ops / ((performance.now() - start) / 1000);
}

async function benchRedis() {
  const server = await startRedis();
  const sdk = createSdk();
  const clients = [
    { name: "bare", redis: new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:" }) },
    {
      name: "no SDK, key matched to families",
      redis: instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:" }), { families: FAMILIES }),
    },
    {
      name: "SDK, key matched (default timing)",
      redis: instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:" }), {
        families: FAMILIES,
        meterProvider: sdk.provider,
      }),
    },
    {
      name: "SDK, key matched, no call timed",
      redis: instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:" }), {
        families: FAMILIES,
        meterProvider: sdk.provider,
        durationSampling: 1e9,
      }),
    },
    {
      name: "SDK, key matched, every call timed",
      redis: instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:" }), {
        families: FAMILIES,
        meterProvider: sdk.provider,
        durationSampling: 1,
      }),
    },
  ];
  if (baseline)
    clients.push({
      name: "baseline: SDK, key matched",
      redis: baseline.instrument(new Redis(server.port, "127.0.0.1", { keyPrefix: "demo:" }), {
        families: FAMILIES,
        meterProvider: createSdk().provider,
      }),
    });
  try {
    for (let i = 0; i < 500; i++) await clients[0].redis.set(`user:${i}`, JSON.stringify({ id: i, name: "x" }));
    const results = new Map(clients.map((c) => [c.name, { latency: [], throughput: [] }]));
    for (const c of clients) await runRedisSequential(c.redis, 500); // warm-up
    const rounds = args.redisRounds ?? Math.max(3, Math.ceil(args.rounds / 3));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...clients].reverse() : clients;
      for (const c of order) {
        results.get(c.name).latency.push(await runRedisSequential(c.redis, args.redisOps));
        results.get(c.name).throughput.push(await runRedisConcurrent(c.redis, args.redisOps, args.redisConcurrency));
      }
    }
    const bare = results.get("bare");
    console.log(
      `\nioredis against redis-server on 127.0.0.1:${server.port}, ${rounds} rounds of ${args.redisOps} sequential GETs and ${args.redisOps} GETs at ${args.redisConcurrency} in flight`,
    );
    console.log("variant                                  median µs/GET   ratio   GET/s (median)   ratio");
    for (const [name, r] of results) {
      const latency = median(r.latency);
      const throughput = median(r.throughput);
      console.log(
        `${name.padEnd(40)} ${latency.toFixed(1).padStart(13)}   ${pairedRatio(r.latency, bare.latency).toFixed(3)}   ${String(Math.round(throughput)).padStart(14)}   ${pairedRatio(r.throughput, bare.throughput).toFixed(3)}`,
      );
    }
  } finally {
    for (const c of clients) c.redis.disconnect();
    await server.stop();
  }
}

console.log(
  `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
if (!args.skipLru) benchLru();
if (!args.skipRedis) await benchRedis();
