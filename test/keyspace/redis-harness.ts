// Starts and stops real redis-server / redis-sentinel processes for the keyspace tests: free
// loopback ports, throw-away directories under test-output/, no persistence, killed by PID.
// A process-exit hook kills whatever a failing test left behind.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { Redis } from "ioredis";
import type { KeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import type { KeyspaceProfile } from "../../analyzer/src/keyspace/keyspace-model";
import { profileKeyspace } from "../../analyzer/src/keyspace/profile-keyspace";
import { canBind, findFreePort } from "../free-port";
import { REPO_ROOT } from "../helpers";

export interface RedisProcess {
  port: number;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

const running = new Map<number, ChildProcess>();

process.on("exit", () => {
  for (const child of running.values()) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

function makeDir(name: string): string {
  const dir = path.join(
    REPO_ROOT,
    "test-output",
    "redis",
    `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A free port whose cluster bus port (+10000) is free too. */
async function findFreeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if ((await canBind(port)) && (await canBind(port + 10000))) return port;
  }
  throw new Error("no free cluster port pair");
}

/** Sends one inline command over a raw socket and returns the reply text (no client library). */
export function sendInline(port: number, command: string, timeoutMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("timeout"));
    }, timeoutMs);
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk) => {
      data += chunk.toString();
      if (data.endsWith("\r\n")) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data);
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function spawnTracked(command: string, args: string[], dir: string): ChildProcess {
  const log = fs.openSync(path.join(dir, "stdout.log"), "a");
  const child = spawn(command, args, { cwd: dir, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  running.set(child.pid!, child);
  child.once("exit", () => running.delete(child.pid!));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid!, "SIGTERM");
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
  }, 2000);
  await exited;
  clearTimeout(timer);
}

/** Starts `redis-server` on a free loopback port with persistence off; resolves once PING answers. */
export async function startRedisServer(name: string, extraArgs: string[] = [], port?: number): Promise<RedisProcess> {
  port ??= await findFreePort();
  const dir = makeDir(name);
  const args = [
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
    "--daemonize",
    "no",
    "--logfile",
    path.join(dir, "redis.log"),
    ...extraArgs,
  ];
  const child = spawnTracked("redis-server", args, dir);
  await waitFor(async () => (await sendInline(port!, "PING")).startsWith("+PONG"), `redis-server on ${port}`);
  return { port, pid: child.pid!, dir, stop: () => stopAndClean(child, dir) };
}

/** Stops the process, then removes its directory (a failed start keeps it, with the logs). */
async function stopAndClean(child: ChildProcess, dir: string): Promise<void> {
  await stopChild(child);
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface RedisClusterProcess {
  ports: number[];
  masters: RedisProcess[];
  stop(): Promise<void>;
}

/**
 * Starts 3 masters with cluster mode on and joins them with `redis-cli --cluster create`. With
 * `tls`, the nodes listen on TLS only (clients and the cluster bus) with that certificate.
 */
export async function startRedisCluster(name: string, tls?: TlsFiles): Promise<RedisClusterProcess> {
  const masters: RedisProcess[] = [];
  const cli = (port: number, args: string[], timeout = 2000) =>
    spawnSync(
      "redis-cli",
      [...(tls ? ["--tls", "--cacert", tls.ca] : []), "-h", "127.0.0.1", "-p", String(port), ...args],
      { encoding: "utf8", timeout },
    );
  try {
    for (let i = 0; i < 3; i++) {
      const port = await findFreeClusterPort();
      const clusterArgs = [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        "3000",
      ];
      masters.push(
        tls
          ? await startRedisTlsServer(`${name}-${i}`, tls, port, [...clusterArgs, "--tls-cluster", "yes"])
          : await startRedisServer(`${name}-${i}`, clusterArgs, port),
      );
    }
    const ports = masters.map((m) => m.port);
    const create = spawnSync(
      "redis-cli",
      [
        ...(tls ? ["--tls", "--cacert", tls.ca] : []),
        "--cluster",
        "create",
        ...ports.map((p) => `127.0.0.1:${p}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}\n${create.stderr}`);
    for (const port of ports) {
      await waitFor(
        async () => cli(port, ["CLUSTER", "INFO"]).stdout.includes("cluster_state:ok"),
        `cluster_state:ok on ${port}`,
        20_000,
      );
    }
    return { ports, masters, stop: async () => void (await Promise.all(masters.map((m) => m.stop()))) };
  } catch (error) {
    await Promise.all(masters.map((m) => m.stop()));
    throw error;
  }
}

export interface SentinelProcess {
  port: number;
  pid: number;
  masterName: string;
  stop(): Promise<void>;
}

/** Starts `redis-sentinel` monitoring the master on `masterPort` under `masterName`. */
export async function startRedisSentinel(
  name: string,
  masterPort: number,
  masterName = "cachewise-master",
): Promise<SentinelProcess> {
  const port = await findFreePort();
  const dir = makeDir(name);
  const config = path.join(dir, "sentinel.conf");
  fs.writeFileSync(
    config,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `logfile ${path.join(dir, "sentinel.log")}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
      `sentinel down-after-milliseconds ${masterName} 5000`,
      "",
    ].join("\n"),
  );
  const child = spawnTracked("redis-sentinel", [config], dir);
  await waitFor(
    async () => (await sendInline(port, `SENTINEL get-master-addr-by-name ${masterName}`)).includes(String(masterPort)),
    `sentinel on ${port}`,
  );
  return { port, pid: child.pid!, masterName, stop: () => stopAndClean(child, dir) };
}

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** A throw-away CA and a server certificate for localhost / 127.0.0.1 (openssl). */
export function createTlsFiles(name: string, options: { ipInCertificate?: boolean } = {}): TlsFiles {
  const dir = makeDir(name);
  const run = (args: string[]) => {
    const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  };
  // Managed services' certificates often name hosts only, while cluster nodes announce IPs.
  fs.writeFileSync(
    path.join(dir, "san.ext"),
    options.ipInCertificate === false
      ? "subjectAltName=DNS:localhost\n"
      : "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
  );
  run([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "1",
    "-subj",
    "/CN=cachewise-test-ca",
  ]);
  run([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  ]);
  run([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.crt",
    "-days",
    "1",
    "-extfile",
    "san.ext",
  ]);
  return { ca: path.join(dir, "ca.crt"), cert: path.join(dir, "server.crt"), key: path.join(dir, "server.key") };
}

/** Starts `redis-server` with TLS only (no plain port); resolves once PING answers over TLS. */
export async function startRedisTlsServer(
  name: string,
  files: TlsFiles,
  port?: number,
  extraArgs: string[] = [],
): Promise<RedisProcess> {
  port ??= await findFreePort();
  const dir = makeDir(name);
  const args = [
    "--port",
    "0",
    "--tls-port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
    "--logfile",
    path.join(dir, "redis.log"),
    "--tls-cert-file",
    files.cert,
    "--tls-key-file",
    files.key,
    "--tls-ca-cert-file",
    files.ca,
    "--tls-auth-clients",
    "no",
    ...extraArgs,
  ];
  const child = spawnTracked("redis-server", args, dir);
  await waitFor(
    async () =>
      spawnSync("redis-cli", ["--tls", "--cacert", files.ca, "-h", "127.0.0.1", "-p", String(port), "PING"], {
        encoding: "utf8",
        timeout: 2000,
      }).stdout.includes("PONG"),
    `TLS redis-server on ${port}`,
  );
  return { port, pid: child.pid!, dir, stop: () => stopAndClean(child, dir) };
}

/**
 * Writes 400 keys, then profiles with the database flushed as soon as the first key is classified:
 * the rest of the scanned batch vanishes between SCAN and inspection.
 */
export async function profileWhileKeysVanish(connection: KeyspaceConnection, client: Redis): Promise<KeyspaceProfile> {
  const pipeline = client.pipeline();
  for (let i = 0; i < 400; i++) pipeline.set(`v:${i}`, "x");
  await pipeline.exec();
  let deleted = false;
  return profileKeyspace(connection, {
    chunkSize: 10,
    maxInFlight: 1,
    classify: () => {
      if (!deleted) {
        deleted = true;
        void client.flushdb();
      }
      return undefined;
    },
  });
}
