// A real Prometheus server for the `cachewise stats` tests (Debian's `prometheus` package): a free loopback port,
// a throw-away TSDB under test-output/, a one-second scrape of a target the test serves, killed by PID. A
// process-exit hook kills whatever a failing test left behind.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { findFreePort } from "../free-port";
import { runCliAsync } from "../../analyzer/src/cli/main";
import { REPO_ROOT, type CliRun } from "../helpers";

const PROMETHEUS = "/usr/bin/prometheus";
const PROMTOOL = "/usr/bin/promtool";
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

export interface PrometheusProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus scraping `target` (host:port, path /metrics) every second; resolves once it is ready.
 * `history`: OpenMetrics text (timestamps in the past, `# EOF` at the end) that `promtool tsdb create-blocks-from
 * openmetrics` writes into the TSDB before the server starts: hours of data that a one-second scrape cannot make.
 */
export async function startPrometheus(target: string, options: { history?: string } = {}): Promise<PrometheusProcess> {
  const dir = path.join(
    REPO_ROOT,
    "test-output",
    "prometheus",
    `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  fs.mkdirSync(dir, { recursive: true });
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "  evaluation_interval: 1s",
    "scrape_configs:",
    "  - job_name: service",
    "    static_configs:",
    `      - targets: [${JSON.stringify(target)}]`,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "prometheus.yml"), config);
  if (options.history !== undefined) {
    fs.writeFileSync(path.join(dir, "history.om"), options.history);
    const backfill = spawnSync(
      PROMTOOL,
      ["tsdb", "create-blocks-from", "openmetrics", path.join(dir, "history.om"), path.join(dir, "data")],
      { encoding: "utf8", timeout: 60_000 },
    );
    if (backfill.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`promtool could not backfill the history:\n${backfill.stderr}${backfill.stdout}`);
    }
  }
  const port = await findFreePort();
  const log = fs.openSync(path.join(dir, "prometheus.log"), "w");
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { cwd: dir, stdio: ["ignore", log, log] },
  );
  fs.closeSync(log);
  running.add(child);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    running.delete(child);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid!, "SIGTERM");
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, "SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      const text = fs.readFileSync(path.join(dir, "prometheus.log"), "utf8");
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${text.slice(-2000)}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error("prometheus did not become ready within 15 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One series the metrics target serves: growing at `rate` a second, or constant at `value`. */
export interface TargetSeries {
  name: string;
  /** The metric family (`cache_operations_total`, counter) for its `# TYPE` line. */
  type: { name: string; kind: "counter" | "histogram" };
  labels: Record<string, string>;
  rate?: number;
  value?: number;
}

/** Starts test/metrics/metrics-target.mjs in its own process; resolves to its host:port once it listens. */
export async function startMetricsTarget(
  series: readonly TargetSeries[],
): Promise<{ address: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, "test", "metrics", "metrics-target.mjs"), JSON.stringify(series)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  running.add(child);
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve(out.trim());
    });
    child.once("exit", (code) => reject(new Error(`the metrics target exited with ${code}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(child.pid!, "SIGTERM");
        await exited;
      }
    },
  };
}

/** An HTTP server on a free loopback port answering every request with `handle`; resolves to its port. */
export async function serveHttp(
  handle: (request: http.IncomingMessage, response: http.ServerResponse) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(handle);
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs `cachewise stats` in-process in `cwd` and captures its output. */
export async function runStatsCaptured(argv: string[], cwd: string): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCliAsync(["stats", ...argv], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdoutIsTty: false,
    stderrIsTty: false,
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}
