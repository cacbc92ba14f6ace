// The demo service measured for the extension's run-time figures (issue 17): examples/cache-demo/service runs
// instrumented by cachewise/runtime over its own redis-server, the demo's load generator sends it a few seconds of
// traffic, and a real Prometheus (Debian's) scrapes it every second. Hours of earlier history for the hover's chart
// (one point every 10 min over 6 h) cannot come from a one-second scrape in a test, so they are backfilled with
// promtool as a separate `job="history"` series; they end 11 min before the load, outside a 10-minute window.
//
// Once the load is over and Prometheus holds the final counters, the service is stopped: Prometheus marks its series
// stale and takes no more samples, and from a few seconds later rate() over the window gives the same figures
// whenever it is evaluated (within 10 min of the load), by the extension or by the test. Stopped by PID.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findFreePort } from "../free-port";
import { startRedisServer, type RedisProcess } from "../keyspace/redis-harness";
import { startPrometheus, type PrometheusProcess } from "../metrics/prometheus-harness";
import { REPO_ROOT, TEST_OUTPUT } from "./code-server";

const SERVICE = path.join(REPO_ROOT, "examples", "cache-demo", "service");
/** The figures' window in the extension's setting and in the test's queries. */
export const WINDOW = "10m";
const WINDOW_SECONDS = 600;
const HISTORY_HOURS = 6;
/** The history ends this long before the load: outside the window, and less than two chart steps (20 min) away. */
const HISTORY_GAP_SECONDS = WINDOW_SECONDS + 60;

export interface DemoService {
  /** host:port of its /metrics. */
  metricsAddress: string;
  url: string;
  /** Starts Prometheus (with the history), runs the load and freezes the figures (see above); once. */
  measure(): Promise<MeasuredDemo>;
  /** Ends the service (SIGTERM, waits for the exit); idempotent. */
  stopService(): Promise<void>;
  /** Ends everything this module started (service, Prometheus, redis-server); idempotent. */
  stop(): Promise<void>;
}

/** Starts redis-server, writes the demo's families file with the real CLI, and starts the service, idle. */
export async function startDemoService(): Promise<DemoService> {
  const redis: RedisProcess = await startRedisServer("extension-ui-metrics");
  let service: ChildProcess | undefined;
  let prometheus: PrometheusProcess | undefined;
  const stopService = async () => {
    const child = service;
    if (child?.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid!, "SIGTERM");
      await exited;
    }
  };
  const stop = async () => {
    await stopService();
    await prometheus?.stop();
    await redis.stop();
  };
  try {
    const dir = path.join(TEST_OUTPUT, "extension-ui", `metrics-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    const families = await run(process.execPath, [
      path.join(REPO_ROOT, "dist", "cli.js"),
      "families",
      path.join(REPO_ROOT, "examples", "cache-demo"),
      "--format",
      "json",
    ]);
    assert.equal(families.code, 0, families.stderr);
    const familiesFile = path.join(dir, "families.json");
    fs.writeFileSync(familiesFile, families.stdout);
    const [port, metricsPort] = [await findFreePort(), await findFreePort()];
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", path.join(SERVICE, "prisma-hook.mjs"), path.join(SERVICE, "server.ts")],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          NODE_OPTIONS: "",
          PORT: String(port),
          METRICS_PORT: String(metricsPort),
          REDIS_URL: `redis://127.0.0.1:${redis.port}`,
          CACHEWISE_FAMILIES: familiesFile,
          // Every hit of demo:user:{id} is compared with the database: the load's e-mail changes show as stale reads.
          VERIFY_RATE: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    service = child;
    process.once("exit", () => child.exitCode === null && child.kill("SIGKILL"));
    await waitForOutput(child, "cache-demo on", 60_000);
    const demo: DemoService = {
      metricsAddress: `127.0.0.1:${metricsPort}`,
      url: `http://127.0.0.1:${port}`,
      measure: async () => {
        assert.equal(prometheus, undefined, "measure() runs once");
        prometheus = await startPrometheus(demo.metricsAddress, {
          history: buildHistory(Date.now() / 1000 - HISTORY_GAP_SECONDS),
        });
        return measure(demo, prometheus);
      },
      stopService,
      stop,
    };
    return demo;
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface MeasuredDemo {
  prometheusUrl: string;
  /** An instant query's result, evaluated now. */
  query(promql: string): Promise<Array<{ labels: Record<string, string>; value: number }>>;
}

/**
 * A few seconds of the demo's load, then the freeze: waits until Prometheus holds the counters the service ended with,
 * stops the service, waits until Prometheus has seen it gone, and a little longer (below).
 */
async function measure(demo: DemoService, prometheus: PrometheusProcess): Promise<MeasuredDemo> {
  const query = async (promql: string) => {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as {
      status: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    assert.equal(body.status, "success", JSON.stringify(body));
    return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  };
  // The first scrape before any traffic: the service's series then start within the window.
  await waitFor(async () => (await query('up{job="service"} == 1')).length === 1, "the first scrape of the service");
  const load = await run(process.execPath, [
    path.join(SERVICE, "load.mjs"),
    "--url",
    demo.url,
    "--seconds",
    "3",
    "--rate",
    "50",
  ]);
  assert.equal(load.code, 0, `the load generator failed: ${load.stdout}${load.stderr}`);
  const exported = await totalOperations(demo.metricsAddress);
  assert.ok(exported > 50, `only ${exported} cache operations after the load`);
  await waitFor(
    async () => (await query('sum(cache_operations_total{job="service"})'))[0]?.value === exported,
    `Prometheus to scrape the final ${exported} operations`,
  );
  await demo.stopService();
  await waitFor(async () => (await query('up{job="service"} == 0')).length === 1, "the failed scrape");
  // rate() extrapolates to the window's end by up to half a scrape interval while its last sample is less than 1.1
  // intervals old, which changes the figures with the evaluation time; after that they stay put.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return { prometheusUrl: prometheus.url, query };
}

/**
 * Hit and miss counters of demo:user:{id} from 6 h ago until `end` (seconds), a sample every 30 s, at 20 reads a
 * second: a hit ratio of about 90 % with a dip to about 55 % in the middle (a cold cache after a deploy).
 */
export function buildHistory(end: number): string {
  const start = Math.floor(end - HISTORY_HOURS * 3600);
  const series = { hit: [] as string[], miss: [] as string[] };
  let hit = 0;
  let miss = 0;
  for (let t = start; t <= end; t += 30) {
    const labels = (result: string) =>
      `{cache_family="demo:user:{id}",cache_operation="get",cache_result="${result}",job="history"}`;
    series.hit.push(`cache_operations_total${labels("hit")} ${hit} ${t}`);
    series.miss.push(`cache_operations_total${labels("miss")} ${miss} ${t}`);
    const hoursIn = (t - start) / 3600;
    const ratio = 0.9 - 0.35 * Math.exp(-(((hoursIn - 3) / 0.4) ** 2));
    hit += Math.round(30 * 20 * ratio);
    miss += Math.round(30 * 20 * (1 - ratio));
  }
  return ["# TYPE cache_operations counter", ...series.hit, ...series.miss, "# EOF", ""].join("\n");
}

/** The sum of cache_operations_total over every series the service exports now. */
async function totalOperations(address: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    const match = /^cache_operations_total\{.*\} (\S+)$/.exec(line);
    if (match) total += Number(match[1]);
  }
  return total;
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function waitForOutput(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
