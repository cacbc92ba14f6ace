// Memcached keyspace profile benchmark: starts its own memcached on a free loopback port, loads a
// deterministic set of items over the text protocol, then times `profileMemcached` (one
// `lru_crawler metadump all`) while a GET probe in a separate process measures what other
// clients wait (p50/p99 during each profile against idle before and after), and reads what the
// dump cost the server (its own rusage from `stats`) and the profiler (CPU, peak heap).
//
//   node bench/keyspace/memcached.mjs [--items 1000000] [--seed 1] [--runs 3] [--threads 4]
import { fork, spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import * as net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const HERE = dirname(fileURLToPath(import.meta.url));
const { profileMemcached } = await import("../../analyzer/src/keyspace/profile-memcached.ts");
const { createKeyMatcher } = await import("../../analyzer/src/program-model/match-keys.ts");

function readArgs(argv) {
  const args = { items: 1_000_000, seed: 1, runs: 3, threads: 4, memoryMb: 2048 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--items") args.items = Number(argv[++i]);
    else if (a === "--seed") args.seed = Number(argv[++i]);
    else if (a === "--runs") args.runs = Math.max(1, Number(argv[++i]));
    else if (a === "--threads") args.threads = Number(argv[++i]);
    else if (a === "--memory-mb") args.memoryMb = Number(argv[++i]);
    else {
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

/** One command on a fresh connection; resolves with the reply once it ends with `until`. */
function ask(port, command, until = "END\r\n") {
  return new Promise((resolveAsk, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (text.endsWith(until)) {
        socket.destroy();
        resolveAsk(text);
      }
    });
    socket.on("error", reject);
  });
}

async function readStats(port) {
  const stats = new Map();
  for (const line of (await ask(port, "stats")).split("\r\n")) {
    const match = /^STAT (\S+) (.*)$/.exec(line);
    if (match) stats.set(match[1], match[2]);
  }
  return stats;
}

async function startServer() {
  const port = await findFreePort();
  const user = process.getuid?.() === 0 ? ["-u", "root"] : [];
  const child = spawn(
    "/usr/bin/memcached",
    [
      "-l",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "0",
      "-m",
      String(args.memoryMb),
      "-t",
      String(args.threads),
      ...user,
    ],
    { stdio: "ignore" },
  );
  const stop = () => {
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  process.on("exit", stop);
  for (let i = 0; i < 200; i++) {
    if (
      await ask(port, "version", "\r\n").then(
        (t) => t.startsWith("VERSION"),
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, pid: child.pid, stop };
}

// ---------------------------------------------------------------------------------------------
// Items: families as a service writes them, about 30 % never expiring, the rest with TTLs from
// 10 minutes to 7 days (log-uniform: shorter ones would expire during the run), values 20–600 bytes.

const FAMILIES = [
  // [weight, share without expiry, key]
  [0.3, 0.1, (i) => `user:${i}`],
  [0.2, 0, (i) => `session:${((i * 2654435761) >>> 0).toString(16)}${i.toString(16)}`],
  [0.15, 0.5, (i) => `product:${i}:detail`],
  [0.1, 0, (i) => `rate:ip:${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
  [0.1, 0.6, (i) => `page:/catalog/${i % 5000}/item-${i}`],
  [0.1, 0.3, (i) => `report:weekly:${i}`],
  [0.05, 1, (i) => `legacy_key_${i}`],
];

/** The families a project writing these items would have: every profile classifies each key, as the CLI does with a project. */
const matcher = createKeyMatcher(
  ["user:{id}", "session:{token}", "product:{id}:detail", "rate:ip:{ip}", "page:{path}", "report:weekly:{id}"].map(
    (pattern) => ({ id: pattern, pattern }),
  ),
);

function* generateCommands(count, seed) {
  const random = mulberry32(seed);
  const cumulative = [];
  let sum = 0;
  for (const [weight] of FAMILIES) cumulative.push((sum += weight));
  for (let i = 0; i < count; i++) {
    const pick = random() * sum;
    const [, noTtl, key] = FAMILIES[cumulative.findIndex((c) => pick < c)];
    const exptime = random() < noTtl ? 0 : Math.round(600 * Math.exp(random() * Math.log(1008)));
    const ttl = exptime > 2_592_000 ? Math.floor(Date.now() / 1000) + exptime : exptime;
    const size = 20 + Math.floor(random() * 581);
    yield `set ${key(i)} 0 ${ttl} ${size} noreply\r\n${"v".repeat(size)}\r\n`;
  }
}

async function load(port, count, seed) {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  let batch = [];
  for (const command of generateCommands(count, seed)) {
    batch.push(command);
    if (batch.length === 2000) {
      if (!socket.write(batch.join(""))) await new Promise((r) => socket.once("drain", r));
      batch = [];
    }
  }
  batch.push(`set hot 0 0 3 noreply\r\nabc\r\n`);
  // `version` is answered after every command before it: the load is done when it is.
  batch.push("version\r\n");
  socket.write(batch.join(""));
  await new Promise((r) => socket.on("data", (d) => d.toString().includes("VERSION") && r()));
  socket.destroy();
}

function startProbe(port) {
  const probe = fork(join(HERE, "latency-probe.mjs"), [String(port), "2000", "memcached"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolveProbe) =>
    probe.once("message", () =>
      resolveProbe({
        async measure(work) {
          probe.send("start");
          const started = performance.now();
          const result = await work();
          const seconds = (performance.now() - started) / 1000;
          probe.send("stop");
          const latency = await new Promise((r) => probe.once("message", r));
          return { seconds, latency, result };
        },
        stop: () => probe.send("exit"),
      }),
    ),
  );
}

/**
 * The dump alone: `lru_crawler metadump all` read and thrown away on a raw socket (counting lines,
 * nothing parsed), to tell what the server's crawl costs other clients from what the profiler's
 * own CPU use does to the probe on a shared machine.
 */
function dumpOnly(port) {
  return new Promise((resolveDump, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let lines = 0;
    let tail = "";
    socket.on("connect", () => socket.write("lru_crawler metadump all\r\n"));
    socket.on("data", (chunk) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      tail = (tail + chunk.toString("latin1", Math.max(0, chunk.length - 8))).slice(-8);
      if (tail.endsWith("END\r\n")) {
        socket.destroy();
        resolveDump(lines - 1);
      }
    });
    socket.on("error", reject);
  });
}

const format = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "—");
const serverCpu = (stats) => Number(stats.get("rusage_user")) + Number(stats.get("rusage_system"));

const server = await startServer();
let probe;
try {
  log(`memcached ${server.port} (pid ${server.pid}), loading ${args.items.toLocaleString("en")} items…`);
  const loadStarted = performance.now();
  await load(server.port, args.items, args.seed);
  const loaded = await readStats(server.port);
  log(
    `loaded ${Number(loaded.get("curr_items")).toLocaleString("en")} items (${format(Number(loaded.get("bytes")) / 2 ** 20, 1)} MiB) in ${format((performance.now() - loadStarted) / 1000, 1)} s`,
  );
  probe = await startProbe(server.port);
  const rows = [];
  const measure = async (name, work) => {
    const before = await readStats(server.port);
    const cpuBefore = process.cpuUsage();
    const measured = await probe.measure(work);
    const cpu = process.cpuUsage(cpuBefore);
    const after = await readStats(server.port);
    rows.push({
      name,
      seconds: measured.seconds,
      latency: measured.latency,
      serverCpu: serverCpu(after) - serverCpu(before),
      nodeCpu: (cpu.user + cpu.system) / 1e6,
      result: measured.result,
    });
  };
  const idle = () => new Promise((r) => setTimeout(r, 5000));
  await measure("idle (probe only, start)", idle);
  for (let run = 1; run <= args.runs; run++) {
    let peakHeap = 0;
    await measure(`profile, run ${run}`, async () => {
      const profile = await profileMemcached(`127.0.0.1:${server.port}`, {
        classify: (key) => matcher.match(key),
        onProgress: () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)),
      });
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      return { profile, peakHeap };
    });
  }
  await measure("dump only (raw socket, not parsed)", async () => ({ dumpOnlyItems: await dumpOnly(server.port) }));
  await measure("idle (probe only, end)", idle);
  const idleP99 = Math.min(rows[0].latency.p99, rows.at(-1).latency.p99);
  // memcached's CPU while only the probe runs, per second: a profile's own cost is what it adds to that.
  const idleCpuRate = (rows[0].serverCpu / rows[0].seconds + rows.at(-1).serverCpu / rows.at(-1).seconds) / 2;
  console.log(
    `\nItems: ${Number(loaded.get("curr_items")).toLocaleString("en")} (${format(Number(loaded.get("bytes")) / 2 ** 20, 1)} MiB of items), memcached ${loaded.get("version")}, ${args.threads} threads; GET probe at 2000 ops/s; idle p99 ${format(idleP99, 3)} ms (lower of start/end)\n`,
  );
  console.log(
    "| run | s | items read | items/s | dump MB | memcached CPU s | added by the dump s | node CPU s | peak heap MB | GET p50 ms | GET p99 ms | p99 − idle ms |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const profile = row.result?.profile;
    if (row.result?.dumpOnlyItems !== undefined) {
      console.log(
        `| ${row.name} | ${format(row.seconds)} | ${row.result.dumpOnlyItems.toLocaleString("en")} | ${Math.round(row.result.dumpOnlyItems / row.seconds).toLocaleString("en")} | — | ${format(row.serverCpu)} | ${format(row.serverCpu - idleCpuRate * row.seconds)} | — | — | ${format(row.latency.p50, 3)} | ${format(row.latency.p99, 3)} | ${format(row.latency.p99 - idleP99, 3)} |`,
      );
      continue;
    }
    console.log(
      `| ${row.name} | ${profile ? format(row.seconds) : "—"} | ${profile ? `${profile.itemsRead.toLocaleString("en")}${profile.complete ? "" : ` (${profile.stopReason})`}` : "—"} | ${profile ? Math.round(profile.itemsRead / row.seconds).toLocaleString("en") : "—"} | ${profile ? format(profile.dumpBytes / 1e6, 1) : "—"} | ${format(row.serverCpu)} | ${profile ? format(row.serverCpu - idleCpuRate * row.seconds) : "—"} | ${profile ? format(row.nodeCpu) : "—"} | ${profile ? format(row.result.peakHeap / 2 ** 20, 0) : "—"} | ${format(row.latency.p50, 3)} | ${format(row.latency.p99, 3)} | ${profile ? format(row.latency.p99 - idleP99, 3) : "—"} |`,
    );
  }
  const last = rows.findLast((row) => row.result?.profile).result.profile;
  console.log(
    `\nLast profile: ${last.total.keys.toLocaleString("en")} items, ${last.families.length} groups, ${last.total.keysWithoutTtl.toLocaleString("en")} never expire, ${last.vanished} expired during the dump.`,
  );
  console.log(
    `Machine load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")} (${cpus().length} cores).`,
  );
} finally {
  probe?.stop();
  server.stop();
}
