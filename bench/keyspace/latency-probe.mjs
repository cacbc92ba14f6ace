// A latency probe run as a child process (so that the profiler's CPU use in the parent does
// not distort it): GET on a hot key at about 2000 ops/s over a raw RESP (or Memcached text) socket, one request
// outstanding at a time. Started with fork(); "start"/"stop" messages; replies with percentiles.
import * as net from "node:net";

const port = Number(process.argv[2]);
const rate = Number(process.argv[3] ?? 2000);
// "memcached" as the third argument: the same GET in Memcached's text protocol (bench/keyspace/memcached.mjs).
const protocol = process.argv[4] ?? "redis";
const socket = net.connect(port, "127.0.0.1");
socket.setNoDelay(true);
const request = protocol === "memcached" ? "get hot\r\n" : "*2\r\n$3\r\nGET\r\n$3\r\nhot\r\n";
let samples = [];
let running = false;
let outstanding = false;
let sentAt = 0n;
let due = 0;
let timer;

socket.on("data", () => {
  // One request outstanding and a short reply: each chunk is that reply.
  if (outstanding) {
    outstanding = false;
    if (running) samples.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
  }
  tick();
});

function tick() {
  if (!running || outstanding) return;
  const now = performance.now();
  if (now >= due) {
    due = Math.max(due + 1000 / rate, now - 5);
    outstanding = true;
    sentAt = process.hrtime.bigint();
    socket.write(request);
  }
}

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

process.on("message", (message) => {
  if (message === "start") {
    samples = [];
    running = true;
    due = performance.now();
    timer = setInterval(tick, 0.5);
    tick();
  } else if (message === "stop") {
    running = false;
    clearInterval(timer);
    const sorted = [...samples].sort((a, b) => a - b);
    process.send({
      count: sorted.length,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? NaN,
    });
  } else if (message === "exit") {
    socket.destroy();
    process.exit(0);
  }
});

socket.on("connect", () => process.send("ready"));
socket.on("error", (error) => {
  console.error(`probe: ${error.message}`);
  process.exit(1);
});
