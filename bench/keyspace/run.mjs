// Keyspace profiler benchmark: starts its own redis-server on a free loopback port, loads a
// deterministic mixed keyspace with `redis-cli --pipe`, then measures in the same run our full
// profile (gentle and fast) against `redis-cli --memkeys`, the p99 of a concurrent GET probe
// (2000 ops/s, separate process) during each against an idle baseline, and the sampled
// estimate's time and worst per-namespace share error against the exact profile.
//
//   node bench/keyspace/run.mjs [--keys 1000000] [--seed 1] [--samples 10000] [--estimate-runs 5] [--skip-memkeys]
//                               [--skip-script] [--variants 32x3x1,32x3x2] [--rounds 3] [--busy-loops 1]
//                               [--probe-realtime]
import { fork, spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import * as net from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..");
const { openKeyspaceConnection } = await import("../../analyzer/src/keyspace/connection.ts");
const { profileKeyspace } = await import("../../analyzer/src/keyspace/profile-keyspace.ts");
const { estimateKeyspace } = await import("../../analyzer/src/keyspace/estimate-keyspace.ts");

function readArgs(argv) {
  const args = {
    keys: 1_000_000,
    seed: 1,
    samples: 10_000,
    estimateRuns: 5,
    skipMemkeys: false,
    skipScript: false,
    variants: [],
    rounds: 1,
    busyLoops: 0,
    probeRealtime: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--keys") args.keys = Number(argv[++i]);
    else if (a === "--seed") args.seed = Number(argv[++i]);
    else if (a === "--samples") args.samples = Number(argv[++i]);
    else if (a === "--estimate-runs") args.estimateRuns = Math.max(1, Number(argv[++i]));
    else if (a === "--skip-memkeys") args.skipMemkeys = true;
    else if (a === "--skip-script") args.skipScript = true;
    else if (a === "--rounds") args.rounds = Math.max(1, Number(argv[++i]));
    else if (a === "--busy-loops") args.busyLoops = Math.max(0, Number(argv[++i]));
    else if (a === "--probe-realtime") args.probeRealtime = true;
    else if (a === "--variants") {
      // Extra raw-socket runs, as keys-per-chunk x chunks-in-flight [x chunks at the server]: `32x3x1,20x2`.
      args.variants = argv[++i].split(",").map((v) => {
        const [chunkSize, maxInFlight, maxBatchesAtServer = maxInFlight] = v.split("x").map(Number);
        return { chunkSize, maxInFlight, maxBatchesAtServer };
      });
    } else {
      console.error(`unknown option ${a}`);
      process.exit(2);
    }
  }
  return args;
}

const args = readArgs(process.argv.slice(2));
const log = (message) => console.error(`[bench] ${message}`);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function findFreePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function ping(port) {
  return new Promise((resolvePing) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      socket.destroy();
      resolvePing(d.toString().startsWith("+PONG"));
    });
    socket.on("error", () => resolvePing(false));
  });
}

async function startServer() {
  const port = await findFreePort();
  const dir = join(REPO_ROOT, "test-output", "bench-keyspace", `${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--logfile",
      join(dir, "redis.log"),
    ],
    { stdio: "ignore" },
  );
  const stop = () => {
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", stop);
  for (let i = 0; i < 200 && !(await ping(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return { port, stop };
}

// ---------------------------------------------------------------------------------------------
// Keyspace generation.

const NAMESPACES = [
  // [weight, share without TTL, generator]
  [0.12, 0.3, (r, i) => ["HSET", `user:${i}:profile`, ...fields(r, 5 + Math.floor(r() * 46), 8, 40)]],
  [0.04, 0.9, (r, i) => ["HSET", `user:${i}:settings`, ...fields(r, 3 + Math.floor(r() * 5), 6, 10)]],
  [0.15, 0, (r, i) => ["SET", `session:${hex(i)}`, "s".repeat(50 + Math.floor(r() * 1951))]],
  [
    0.08,
    0,
    (r, i) => [
      "SET",
      `rate:ip:${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}.${i % 7}`,
      String(Math.floor(r() * 100)),
    ],
  ],
  [0.08, 0.5, (r, i) => ["RPUSH", `feed:${i >> 3}:page:${i & 7}`, ...items(r, 5 + Math.floor(r() * 26), 30)]],
  [0.05, 0.2, (r, i) => ["HSET", `cart:${hex(i)}-${hex(i * 7)}`, ...fields(r, 2 + Math.floor(r() * 8), 10, 12)]],
  [0.1, 0.6, (r, i) => ["SET", `product:${i}`, "p".repeat(200 + Math.floor(r() * 1801))]],
  [0.03, 0.6, (r, i) => ["RPUSH", `product:${i}:reviews`, ...items(r, 2 + Math.floor(r() * 10), 120)]],
  [0.05, 0.4, (r, i) => ["SADD", `tags:${i}`, ...items(r, 3 + Math.floor(r() * 18), 8).map((m, j) => `${m}${j}`)]],
  [
    0.03,
    0.4,
    (r, i) => [
      "ZADD",
      `leaderboard:${i}`,
      ...Array.from({ length: 10 + Math.floor(r() * 41) }, (_, j) => [
        String(Math.floor(r() * 1e6)),
        `player${j}`,
      ]).flat(),
    ],
  ],
  [0.08, 0, (r, i) => ["SET", `cache:page:${hex(i * 31)}`, "c".repeat(500 + Math.floor(r() * 1501))]],
  [0.03, 0, (r, i) => ["SET", `lock:${i}`, "1"]],
  [
    0.02,
    1,
    (r, i) => ["RPUSH", `queue:${["mail", "sms", "push"][i % 3]}:${i}`, ...items(r, 1 + Math.floor(r() * 5), 60)],
  ],
  [0.03, 0.7, (r, i) => ["HSET", `stats:daily:${i}`, ...fields(r, 10 + Math.floor(r() * 20), 6, 6)]],
  [0.06, 0, (r, i) => ["SET", `token:${hex(i * 13)}`, "t".repeat(64)]],
  [0.05, 1, (r, i) => ["SET", `legacy_key_${i}`, "l".repeat(20 + Math.floor(r() * 200))]],
];

function hex(n) {
  return (n >>> 0).toString(16).padStart(8, "0");
}
function fields(r, n, keyLength, valueLength) {
  const out = [];
  for (let j = 0; j < n; j++) out.push(`f${j}`.padEnd(keyLength, "_"), "v".repeat(1 + Math.floor(r() * valueLength)));
  return out;
}
function items(r, n, length) {
  return Array.from({ length: n }, () => "i".repeat(1 + Math.floor(r() * length)));
}

function toResp(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

function pickTtlMs(r) {
  // 10 minutes to 7 days, log-uniform: shorter TTLs would let the keyspace shrink during the
  // run and skew both the tool comparison and the estimate's error against the exact profile.
  return Math.floor(1000 * Math.exp(Math.log(600) + r() * (Math.log(7 * 86400) - Math.log(600))));
}

/** Streams the keyspace into `redis-cli --pipe`; returns the exact per-namespace counts. */
async function loadKeyspace(port, totalKeys, seed) {
  const r = mulberry32(seed);
  const child = spawn("redis-cli", ["-p", String(port), "--pipe"], { stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  const done = new Promise((resolveDone) => child.on("exit", (code) => resolveDone(code)));
  const weights = NAMESPACES.map((n) => n[0]);
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = new Map();
  let buffer = "";
  const flush = async () => {
    if (!child.stdin.write(buffer)) await new Promise((r2) => child.stdin.once("drain", r2));
    buffer = "";
  };
  // A few huge collections, scaled with the keyspace (500k-member zset, 200k-member set, 51 MB string at 1M keys).
  const scale = totalKeys / 1_000_000;
  const bigZ = Math.floor(500_000 * scale);
  for (let start = 0; start < bigZ; start += 1000) {
    const batch = [];
    for (let j = start; j < Math.min(bigZ, start + 1000); j++) batch.push(String(j), `member:${j}`);
    buffer += toResp(["ZADD", "big:zset", ...batch]);
    if (buffer.length > 1 << 20) await flush();
  }
  const bigS = Math.floor(200_000 * scale);
  for (let start = 0; start < bigS; start += 1000) {
    const batch = [];
    for (let j = start; j < Math.min(bigS, start + 1000); j++) batch.push(`m${j}`);
    buffer += toResp(["SADD", "big:set", ...batch]);
    if (buffer.length > 1 << 20) await flush();
  }
  buffer += toResp(["SET", "big:string", "B".repeat(Math.max(1, Math.floor(51_000_000 * scale)))]);
  await flush();
  let generated = 3;
  for (let i = 0; generated < totalKeys; i++) {
    let x = r() * sum;
    let ns = 0;
    while (x > weights[ns] && ns < NAMESPACES.length - 1) x -= weights[ns++];
    const [, noTtlShare, make] = NAMESPACES[ns];
    const command = make(r, i);
    buffer += toResp(command);
    if (r() >= noTtlShare) buffer += toResp(["PEXPIRE", command[1], String(pickTtlMs(r))]);
    generated += 1;
    const top = command[1].split(":")[0];
    counts.set(top, (counts.get(top) ?? 0) + 1);
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  child.stdin.end();
  await done;
  const last = output.trim().split("\n").at(-1);
  if (!/errors: 0/.test(last)) log(`redis-cli --pipe: ${last}`);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Measurement.

async function startProbe(port) {
  const probe = fork(join(HERE, "latency-probe.mjs"), [String(port), "2000"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise((r2) => probe.once("message", r2));
  if (args.probeRealtime) {
    // `--probe-realtime`: every thread of the probe at SCHED_FIFO priority 50, so that it runs the moment its reply
    // arrives. What it then measures is Redis's queueing, not its own wait for one of the machine's cores behind the
    // profiler, as for a client on another host. Needs CAP_SYS_NICE (root).
    const chrt = spawnSync("chrt", ["--all-tasks", "--fifo", "--pid", "50", String(probe.pid)], { encoding: "utf8" });
    if (chrt.status !== 0) {
      probe.kill();
      throw new Error(`--probe-realtime: chrt failed: ${(chrt.stderr || chrt.error?.message || "").trim()}`);
    }
  }
  return {
    async measure(work) {
      probe.send("start");
      const started = performance.now();
      const result = await work();
      const seconds = (performance.now() - started) / 1000;
      probe.send("stop");
      const latency = await new Promise((r2) => probe.once("message", r2));
      return { seconds, latency, result };
    },
    stop: () => probe.send("exit"),
  };
}

// A process busy for `share` of each 2 ms period (spinning, then sleeping in Atomics.wait) for `ms` milliseconds.
function spin(ms, share) {
  const busy = Math.min(1, Math.max(0, share)) * 2;
  const code = `const end = Date.now() + ${ms}; const cell = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < end) { const t = performance.now(); while (performance.now() - t < ${busy}) {}
      if (${busy} < 2) Atomics.wait(cell, 0, 0, ${2 - busy}); }`;
  return new Promise((resolveSpin) =>
    spawn(process.execPath, ["-e", code], { stdio: "ignore" }).on("exit", resolveSpin),
  );
}

function runMemkeys(port) {
  return new Promise((resolveRun, reject) => {
    const child = spawn("redis-cli", ["-p", String(port), "--memkeys"], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolveRun() : reject(new Error(`redis-cli --memkeys exited ${code}`))));
  });
}

const format = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "—");

async function main() {
  const server = await startServer();
  let probe;
  const busy = [];
  try {
    log(`redis-server on 127.0.0.1:${server.port}; loading ${args.keys.toLocaleString("en")} keys (seed ${args.seed})`);
    const loadStarted = performance.now();
    await loadKeyspace(server.port, args.keys, args.seed);
    const connection = await openKeyspaceConnection({
      name: "bench",
      nodes: [{ host: "127.0.0.1", port: server.port }],
      commandTimeoutMs: 30_000,
    });
    const admin = net.connect(server.port, "127.0.0.1");
    admin.write(toResp(["SET", "hot", "value"]));
    await new Promise((r2) => admin.once("data", r2));
    admin.destroy();
    const dbsize = await connection.client.dbsize();
    const info = await connection.client.info("memory");
    const usedMemory = Number(/used_memory:(\d+)/.exec(info)[1]);
    log(
      `loaded ${dbsize.toLocaleString("en")} keys in ${format((performance.now() - loadStarted) / 1000, 1)} s, used_memory ${format(usedMemory / 2 ** 30, 2)} GiB`,
    );

    // `--busy-loops N`: N processes that spin without touching Redis, the "busy machine" of issue 15.
    for (let i = 0; i < args.busyLoops; i++)
      busy.push(spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
    if (args.busyLoops > 0) log(`${args.busyLoops} busy loop(s) started`);
    probe = await startProbe(server.port);
    const redisCpu = async () => {
      const text = await connection.client.info("cpu");
      return Number(/used_cpu_user:([\d.]+)/.exec(text)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(text)[1]);
    };
    // Each measurement also gives the CPU it kept busy, as shares of one core: this process (the profiler, with V8's
    // helper threads) and Redis (`INFO cpu`, which also counts the probe's GETs).
    const measure = async (work) => {
      const before = await redisCpu();
      const nodeBefore = process.cpuUsage();
      const measured = await probe.measure(work);
      const nodeUsage = process.cpuUsage(nodeBefore);
      const redis = (await redisCpu()) - before;
      const load = {
        node: (nodeUsage.user + nodeUsage.system) / 1e6 / measured.seconds,
        redis: redis / measured.seconds,
      };
      return { ...measured, redisCpu: redis, load };
    };
    // A control with a measurement's own CPU load and no Redis command: processes busy for the shares of a core that
    // the profiler and Redis used (in 2 ms periods; a share above 1 takes more than one process), for as long. It
    // gives the probe's p99 under the same CPU load without any Redis queueing.
    const loadControl = async (name, load, ms, suffix) => {
      const spinners = [load.node, load.redis].flatMap((share) => [
        ...Array.from({ length: Math.floor(share) }, () => 1),
        share % 1,
      ]);
      const control = await measure(() => Promise.all(spinners.map((share) => spin(ms, share))));
      rows.push({
        name: `control: the CPU load of ${name} (${format(load.node)} + ${format(load.redis)} of a core) for ${Math.round(ms)} ms, no Redis command${suffix}`,
        kind: "control-load",
        seconds: NaN,
        latency: control.latency,
        redisCpu: control.redisCpu,
      });
    };
    const rows = [];
    // Warm up the probe and the profiler's code paths (JIT) before anything is timed: an estimate,
    // and 2 s of a full profile (without it, whichever profile ran first had the worst p99).
    await measure(() => estimateKeyspace(connection, { sampleSize: 20_000 }));
    const warmUp = new AbortController();
    const warmUpTimer = setTimeout(() => warmUp.abort(), 2000);
    await measure(() => profileKeyspace(connection, { speed: "gentle", signal: warmUp.signal }));
    clearTimeout(warmUpTimer);
    const idleStart = await measure(() => new Promise((r2) => setTimeout(r2, 3000)));
    rows.push({
      name: "idle (probe only, start)",
      seconds: NaN,
      latency: idleStart.latency,
      redisCpu: idleStart.redisCpu,
    });

    // Gentle, fast and the estimates, `--rounds` times interleaved (a slow phase of the machine then shows in every
    // kind of run, not in one); memkeys, variants and the script paths once, after the first round.
    const exactShares = new Map();
    const estimateRounds = [];
    const runRound = async (round) => {
      const suffix = args.rounds > 1 ? ` (round ${round + 1})` : "";
      const gentle = await measure(() => profileKeyspace(connection, { speed: "gentle" }));
      rows.push({ name: `cachewise profile, gentle${suffix}`, kind: "gentle", ...pick(gentle) });
      log(`gentle: ${format(gentle.seconds)} s, ${gentle.result.total.keys} keys, path ${gentle.result.nodes[0].path}`);
      await loadControl("the gentle profile", gentle.load, gentle.seconds * 1000, suffix);
      const fast = await measure(() => profileKeyspace(connection, { speed: "fast" }));
      rows.push({ name: `cachewise profile, fast${suffix}`, kind: "fast", ...pick(fast) });
      log(`fast: ${format(fast.seconds)} s, path ${fast.result.nodes[0].path}`);
      // The fast profile is the exact reference for the estimates right after it: keys with short TTLs expire during
      // the minute the other runs take, and the shares drift by a few tenths of a point over that time.
      exactShares.clear();
      for (const c of fast.result.namespaces.children)
        exactShares.set(c.segment, c.stats.keys / fast.result.total.keys);
      // The estimates run back to back inside one probe window, so that their p99 comes from enough samples
      // (one 0.1 s estimate gives the probe 200).
      const runEstimates = async (options) => {
        const estimates = [];
        const window = await measure(async () => {
          for (let run = 0; run < args.estimateRuns; run++) {
            const started = performance.now();
            const before = await redisCpu();
            const result = await estimateKeyspace(connection, { sampleSize: args.samples, ...options });
            const cpu = (await redisCpu()) - before;
            let maxError = 0;
            let sumError = 0;
            for (const [segment, share] of exactShares) {
              const node = result.namespaces.children.find((c) => c.segment === segment);
              const error = Math.abs((node?.estimate.share ?? 0) - share);
              maxError = Math.max(maxError, error);
              sumError += error;
            }
            estimates.push({
              seconds: (performance.now() - started) / 1000,
              redisCpu: cpu,
              maxError,
              meanError: sumError / exactShares.size,
              sampled: result.sampledKeys,
            });
          }
        });
        return { window, estimates };
      };
      const { window, estimates } = await runEstimates({});
      // The estimate before it was paced (three chunks of 100 keys at the server, through ioredis and the script),
      // and a control: one process spinning as long as the paced estimates took, sending Redis nothing. On 2 cores
      // the probe's p99 also measures CPU contention; the control shows how much.
      const unpaced = await runEstimates({ rawSocket: false, chunkSize: 100, maxInFlight: 3, maxBatchesAtServer: 3 });
      const unpacedMedian = [...unpaced.estimates].sort((a, b) => a.seconds - b.seconds)[
        Math.floor(unpaced.estimates.length / 2)
      ];
      rows.push({
        name: `estimate before pacing (3 × 100 keys at the server, ioredis)${suffix}`,
        kind: "estimate-unpaced",
        seconds: unpacedMedian.seconds,
        latency: unpaced.window.latency,
        redisCpu: unpacedMedian.redisCpu,
      });
      const spinMs = Math.max(50, Math.round(window.seconds * 1000));
      const control = await measure(() => spin(spinMs, 1));
      rows.push({
        name: `control: one process busy for ${spinMs} ms, no Redis command${suffix}`,
        kind: "control",
        seconds: NaN,
        latency: control.latency,
        redisCpu: control.redisCpu,
      });
      await loadControl("the paced estimates", window.load, spinMs, suffix);
      const median = [...estimates].sort((a, b) => a.seconds - b.seconds)[Math.floor(estimates.length / 2)];
      rows.push({
        name: `cachewise estimate, ${args.samples} keys inspected (median of ${estimates.length}; p99 over all)${suffix}`,
        kind: "estimate",
        seconds: median.seconds,
        latency: window.latency,
        redisCpu: median.redisCpu,
      });
      estimateRounds.push(estimates);
      log(
        `estimate: median ${format(median.seconds, 3)} s, p99 ${format(window.latency.p99, 3)} ms over ${window.latency.count} probes`,
      );
    };
    const pick = (measured) => ({ seconds: measured.seconds, latency: measured.latency, redisCpu: measured.redisCpu });

    await runRound(0);

    let memkeys;
    if (!args.skipMemkeys) {
      memkeys = await measure(() => runMemkeys(server.port));
      rows.push({ name: "redis-cli --memkeys", ...pick(memkeys) });
      log(`memkeys: ${format(memkeys.seconds)} s`);
    }

    for (const variant of args.variants) {
      const run = await measure(() => profileKeyspace(connection, variant));
      rows.push({
        name: `cachewise profile, ${variant.chunkSize} keys × ${variant.maxInFlight} in flight, ${variant.maxBatchesAtServer} at the server`,
        ...pick(run),
      });
      log(
        `${variant.chunkSize}x${variant.maxInFlight}x${variant.maxBatchesAtServer}: ${format(run.seconds)} s, path ${run.result.nodes[0].path}`,
      );
    }

    if (!args.skipScript) {
      // The ioredis paths the raw socket replaced (Lua script, 10 keys × 3 / 50 keys × 2), for comparison.
      for (const speed of ["gentle", "fast"]) {
        const run = await measure(() => profileKeyspace(connection, { speed, rawSocket: false }));
        rows.push({ name: `cachewise profile, ${speed}, ioredis + script (before)`, ...pick(run) });
        log(`${speed} via script: ${format(run.seconds)} s, path ${run.result.nodes[0].path}`);
      }
    }
    for (let round = 1; round < args.rounds; round++) await runRound(round);
    const estimates = estimateRounds.flat();
    const estimate = [...estimates].sort((a, b) => a.seconds - b.seconds)[Math.floor(estimates.length / 2)];
    const idleEnd = await measure(() => new Promise((r2) => setTimeout(r2, 3000)));
    rows.push({ name: "idle (probe only, end)", seconds: NaN, latency: idleEnd.latency, redisCpu: idleEnd.redisCpu });
    const idle = { latency: { p99: Math.min(idleStart.latency.p99, idleEnd.latency.p99) } };

    await connection.close();
    const perMillion = (s) => (s * 1_000_000) / dbsize;
    const base = memkeys?.seconds;
    console.log(
      `\nKeyspace: ${dbsize.toLocaleString("en")} keys, used_memory ${format(usedMemory / 2 ** 30, 2)} GiB; GET probe at 2000 ops/s; idle p99 ${format(idle.latency.p99, 3)} ms (lower of start/end)\n`,
    );
    console.log(
      "| run | s | s / 1M keys | keys/s | time vs --memkeys | Redis CPU s | GET p50 ms | GET p99 ms | p99 − idle ms |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const row of rows) {
      const keysPerSecond = dbsize / row.seconds;
      console.log(
        `| ${row.name} | ${format(row.seconds)} | ${format(perMillion(row.seconds))} | ${Number.isFinite(keysPerSecond) ? Math.round(keysPerSecond).toLocaleString("en") : "—"} | ${base && Number.isFinite(row.seconds) ? format(row.seconds / base, 3) + "×" : "—"} | ${format(row.redisCpu)} | ${format(row.latency.p50, 3)} | ${format(row.latency.p99, 3)} | ${format(row.latency.p99 - idle.latency.p99, 3)} |`,
      );
    }
    console.log(
      `\nEstimate (${args.samples} keys inspected, ${estimate.sampled} key names counted): worst namespace share error per run ${estimates.map((e) => format(e.maxError * 100, 2)).join(", ")} points (mean error ${format((estimates.reduce((sum, e) => sum + e.meanError, 0) / estimates.length) * 100, 2)} points over ${exactShares.size} namespaces), against a fast profile taken right before.`,
    );
    // The extension refreshes every 30 s by default (cachewise.redis.refreshIntervalSeconds) and runs one estimate
    // of cachewise.redis.sampleSize (10,000) keys per refresh while no full profile is loaded.
    console.log(
      `The extension's default refresh (an estimate every 30 s): ${format(2 * estimate.redisCpu * 1000, 0)} ms of Redis CPU per minute (${format((2 * estimate.redisCpu * 100) / 60, 2)} % of one core), during ${format(2 * estimate.seconds, 2)} s of the minute.`,
    );
    console.log(
      "Targets: fast ≤ 7 s / 1M keys (≤ --memkeys) at p99 ≤ 0.6 ms; gentle ≤ 8 s / 1M keys at p99 − idle ≤ 0.3 ms; estimate ≤ 0.1 s within ±0.6 points at p99 − idle ≤ 0.3 ms.",
    );
    console.log(
      `Probe priority: ${args.probeRealtime ? "SCHED_FIFO 50 (--probe-realtime)" : "normal"}. Busy loops during the run: ${args.busyLoops}. Machine load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(", ")} (${cpus().length} cores).`,
    );
  } finally {
    probe?.stop();
    for (const child of busy) child.kill("SIGKILL");
    server.stop();
  }
}

await main();
