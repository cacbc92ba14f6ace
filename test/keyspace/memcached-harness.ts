// Starts and stops real `memcached` processes (Debian's package) for the Memcached keyspace tests:
// a free loopback port, UDP off, killed by PID (a process-exit hook kills what a failing test
// left; SIGKILL: nothing is persisted). Items are written over the text protocol by `fillMemcached`, without a client library.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as net from "node:net";
import { findFreePort } from "../free-port";

export const MEMCACHED_BIN = "/usr/bin/memcached";

export interface MemcachedProcess {
  port: number;
  pid: number;
  /** Everything the process wrote (its startup errors). */
  output(): string;
  /** SIGKILL, as a crash or a lost host would. */
  kill(): void;
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

/** Starts memcached on a free loopback port (`-U 0`: no UDP); resolves once `version` answers. */
export async function startMemcached(extraArgs: string[] = []): Promise<MemcachedProcess> {
  const port = await findFreePort();
  // memcached refuses to run as root without -u; CI containers run as root.
  const user = process.getuid?.() === 0 ? ["-u", "root"] : [];
  const child = spawn(MEMCACHED_BIN, ["-l", "127.0.0.1", "-p", String(port), "-U", "0", ...user, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  running.set(child.pid!, child);
  child.once("exit", () => running.delete(child.pid!));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = await sendMemcached(port, "version\r\n", (text) => text.endsWith("\r\n")).catch(() => "");
    if (reply.startsWith("VERSION ")) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`memcached on ${port} did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Nothing to persist, and SIGTERM waits a second or two for memcached's threads.
    process.kill(child.pid!, "SIGKILL");
    await exited;
  };
  return {
    port,
    pid: child.pid!,
    output: () => output,
    kill: () => process.kill(child.pid!, "SIGKILL"),
    stop,
  };
}

/** Writes `payload` on a new connection and resolves with what came back once `isDone` says so. */
export function sendMemcached(
  port: number,
  payload: string | Buffer,
  isDone: (text: string) => boolean,
  timeoutMs = 5000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`memcached on ${port}: no complete reply in ${timeoutMs} ms: ${text.slice(-200)}`));
    }, timeoutMs);
    socket.on("connect", () => socket.write(payload));
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (isDone(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export interface MemcachedItem {
  key: string | Buffer;
  value: string;
  /** The exptime field as sent: seconds, 0 for never, above 30 days a Unix time. */
  exptime: number;
}

/** Stores the items with `set` (one connection, one write) and checks that every one was STORED. */
export async function fillMemcached(port: number, items: readonly MemcachedItem[]): Promise<void> {
  const parts: Buffer[] = [];
  for (const item of items) {
    const value = Buffer.from(item.value);
    parts.push(
      Buffer.from("set "),
      Buffer.isBuffer(item.key) ? item.key : Buffer.from(item.key),
      Buffer.from(` 0 ${item.exptime} ${value.length}\r\n`),
      value,
      Buffer.from("\r\n"),
    );
  }
  const expected = items.length;
  const reply = await sendMemcached(
    port,
    Buffer.concat(parts),
    (text) => text.split("\r\n").length - 1 >= expected,
    20_000,
  );
  const lines = reply.split("\r\n").filter(Boolean);
  const bad = lines.filter((line) => line !== "STORED");
  if (bad.length > 0 || lines.length !== expected)
    throw new Error(`memcached refused ${bad.length} of ${expected} sets: ${bad.slice(0, 3).join(" | ")}`);
}

/** `stats` as a map. */
export async function readStats(port: number, command = "stats"): Promise<Map<string, string>> {
  const text = await sendMemcached(port, `${command}\r\n`, (t) => t.endsWith("END\r\n"));
  const stats = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const match = /^STAT (\S+) (.*)$/.exec(line);
    if (match) stats.set(match[1], match[2]);
  }
  return stats;
}

export { findFreePort };
