// A small Memcached text-protocol client for the keyspace profiler: one TCP socket, one command
// at a time, read-only by construction (it can send only `version`, `stats`, `stats settings`
// and `lru_crawler metadump all`). Replies are split into lines as the chunks arrive, so a
// metadump of millions of items is never held as one string. Plain Node, no dependency.
import * as net from "node:net";

/** The commands this client can send; anything else is refused before it reaches the socket. */
const READ_ONLY_COMMANDS = new Set(["version", "stats", "stats settings", "lru_crawler metadump all"]);

function refuseCommand(command: string): Error {
  return new Error(`cachewise sends only read-only commands to Memcached, not "${command.split(/\s/)[0]}"`);
}

/** Memcached could not be reached, or the connection failed before a reply; names the address. */
export class MemcachedConnectionError extends Error {
  /** `host:port`. */
  readonly address: string;
  /** The socket error code (`ECONNREFUSED`…), when known. */
  readonly code: string | undefined;
  constructor(message: string, address: string, code: string | undefined, cause?: unknown) {
    super(message, { cause });
    this.name = "MemcachedConnectionError";
    this.address = address;
    this.code = code;
  }
}

/** The server answered a command with `ERROR`, `CLIENT_ERROR …`, `SERVER_ERROR …` or `BUSY …`. */
export class MemcachedReplyError extends Error {
  /** The reply line as sent (without CRLF). */
  readonly reply: string;
  constructor(command: string, reply: string) {
    super(`${command}: ${reply}`);
    this.name = "MemcachedReplyError";
    this.reply = reply;
  }
}

/** `host:port` (or `[v6]:port`) → host and port; port defaults to 11211. */
export function parseMemcachedAddress(text: string): { host: string; port: number } {
  const trimmed = text.trim().replace(/^memcached:\/\//i, "");
  const match = /^(?:\[([^\]]+)\]|([^:/\s]+))(?::(\d{1,5}))?\/?$/.exec(trimmed);
  if (!match) throw new Error(`"${text}" is not a host:port address`);
  const port = match[3] === undefined ? 11211 : Number(match[3]);
  if (port < 1 || port > 65535) throw new Error(`port ${match[3]} is out of range (1–65535)`);
  return { host: match[1] ?? match[2]!, port };
}

/** How a streamed reply ended. */
export type StreamEnd =
  | { kind: "end" }
  /** The caller's `onLine` returned false (a cap was reached): the socket is closed. */
  | { kind: "stopped" }
  /** The connection closed (or failed) before `END`. */
  | { kind: "closed"; message: string }
  /** No byte arrived for `idleTimeoutMs`: the socket is closed. */
  | { kind: "timeout" };

interface PendingReply {
  /** Called with each line (CR and LF removed); returns true when the reply is complete. */
  onLine(line: Buffer): boolean;
  /** Called when the connection ends before the reply is complete. */
  onClose(message: string): void;
}

const ERROR_PREFIXES = ["ERROR", "CLIENT_ERROR", "SERVER_ERROR", "BUSY"];

/** Whether a reply line is one of the protocol's error replies. */
export function isErrorReply(line: string): boolean {
  return ERROR_PREFIXES.some((prefix) => line === prefix || line.startsWith(`${prefix} `));
}

export class MemcachedSocket {
  /** `host:port`, for messages. */
  readonly address: string;
  private readonly socket: net.Socket;
  private pending: PendingReply | undefined;
  /** The unfinished last line of the previous chunk. */
  private partial: Buffer | undefined;
  private closedMessage: string | undefined;
  /** Bytes received so far (progress and benchmarks). */
  bytesRead = 0;

  private constructor(socket: net.Socket, address: string) {
    this.socket = socket;
    this.address = address;
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    const onGone = (message: string) => {
      if (this.closedMessage !== undefined) return;
      this.closedMessage = message;
      const pending = this.pending;
      this.pending = undefined;
      pending?.onClose(message);
    };
    socket.on("error", (error: NodeJS.ErrnoException) => onGone(error.code ?? error.message));
    socket.on("close", () => onGone("connection closed by the server"));
    socket.on("end", () => onGone("connection closed by the server"));
  }

  /** Opens a connection; rejects with `MemcachedConnectionError` after `connectTimeoutMs`. */
  static connect(host: string, port: number, connectTimeoutMs = 5000): Promise<MemcachedSocket> {
    const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new MemcachedConnectionError(
            `could not connect to Memcached at ${address}: timed out after ${connectTimeoutMs} ms`,
            address,
            "ETIMEDOUT",
          ),
        );
      }, connectTimeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new MemcachedSocket(socket, address));
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(
          new MemcachedConnectionError(
            `could not connect to Memcached at ${address}: ${error.code ?? error.message}`,
            address,
            error.code,
            error,
          ),
        );
      });
    });
  }

  /**
   * Sends a command whose reply is one line (`version`) or `STAT` lines up to `END` (`stats`,
   * `stats settings`), and resolves to the reply's lines without `END`. An error reply rejects
   * with `MemcachedReplyError`, a lost connection or `timeoutMs` of silence with `MemcachedConnectionError`.
   */
  request(command: string, timeoutMs = 5000): Promise<string[]> {
    if (!READ_ONLY_COMMANDS.has(command)) return Promise.reject(refuseCommand(command));
    const lines: string[] = [];
    const multiLine = command.startsWith("stats");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.close();
        reject(
          new MemcachedConnectionError(
            `${this.address} did not answer "${command}" within ${timeoutMs} ms`,
            this.address,
            "ETIMEDOUT",
          ),
        );
      }, timeoutMs);
      this.send(command, {
        onLine: (line) => {
          const text = line.toString("latin1");
          if (isErrorReply(text)) {
            clearTimeout(timer);
            reject(new MemcachedReplyError(command, text));
            return true;
          }
          if (multiLine && text !== "END") {
            lines.push(text);
            return false;
          }
          clearTimeout(timer);
          resolve(multiLine ? lines : [text]);
          return true;
        },
        onClose: (message) => {
          clearTimeout(timer);
          reject(
            new MemcachedConnectionError(
              `lost the connection to ${this.address} during "${command}": ${message}`,
              this.address,
              undefined,
            ),
          );
        },
      });
    });
  }

  /**
   * Sends a command with a long line-per-item reply (`lru_crawler metadump all`) and calls
   * `onLine` with each line before `END`. The first line may be an error reply, which rejects
   * with `MemcachedReplyError`; later, `onLine` returning false stops the stream (the
   * connection is closed: Memcached has no way to cancel a dump), and so does `idleTimeoutMs`
   * without a byte, and `signal` (a time budget, a cancel: it works while the server is silent
   * too). `onChunk` runs after each received chunk's lines (progress): returning false stops the
   * stream as well.
   */
  stream(
    command: string,
    onLine: (line: Buffer) => boolean | void,
    options: { idleTimeoutMs?: number; onChunk?: () => boolean | void; signal?: AbortSignal } = {},
  ): Promise<StreamEnd> {
    if (!READ_ONLY_COMMANDS.has(command)) return Promise.reject(refuseCommand(command));
    const idleTimeoutMs = options.idleTimeoutMs ?? 5000;
    let first = true;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const onAbort = () => finish({ kind: "stopped" });
      const finish = (end: StreamEnd) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        this.chunkHook = undefined;
        if (end.kind === "stopped" || end.kind === "timeout") {
          this.pending = undefined;
          this.close();
        }
        resolve(end);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ kind: "timeout" }), idleTimeoutMs);
      };
      arm();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.chunkHook = () => {
        arm();
        if (options.onChunk?.() === false) finish({ kind: "stopped" });
      };
      this.send(command, {
        onLine: (line) => {
          if (settled) return true;
          if (first) {
            first = false;
            const text = line.length < 200 ? line.toString("latin1") : "";
            if (isErrorReply(text)) {
              settled = true;
              clearTimeout(timer);
              options.signal?.removeEventListener("abort", onAbort);
              this.chunkHook = undefined;
              reject(new MemcachedReplyError(command, text));
              return true;
            }
          }
          if (line.length === 3 && line[0] === 0x45 && line[1] === 0x4e && line[2] === 0x44) {
            finish({ kind: "end" });
            return true;
          }
          if (onLine(line) === false) {
            finish({ kind: "stopped" });
            return true;
          }
          return false;
        },
        onClose: (message) => finish({ kind: "closed", message }),
      });
      if (options.signal?.aborted) onAbort();
    });
  }

  /** Closes the socket; never throws. */
  close(): void {
    this.closedMessage ??= "closed by cachewise";
    this.socket.destroy();
  }

  private chunkHook: (() => void) | undefined;

  private send(command: string, pending: PendingReply): void {
    if (!READ_ONLY_COMMANDS.has(command))
      throw new Error(`cachewise sends only read-only commands to Memcached, not "${command}"`);
    if (this.pending) throw new Error("MemcachedSocket runs one command at a time");
    if (this.closedMessage !== undefined) {
      pending.onClose(this.closedMessage);
      return;
    }
    this.pending = pending;
    this.socket.write(`${command}\r\n`);
  }

  /** Splits a chunk into lines (LF, with an optional CR before it) and hands them to the pending reply. */
  private receive(chunk: Buffer): void {
    this.bytesRead += chunk.length;
    let data = chunk;
    if (this.partial) {
      data = Buffer.concat([this.partial, chunk]);
      this.partial = undefined;
    }
    let start = 0;
    for (;;) {
      const newline = data.indexOf(0x0a, start);
      if (newline < 0) break;
      const end = newline > start && data[newline - 1] === 0x0d ? newline - 1 : newline;
      const line = data.subarray(start, end);
      start = newline + 1;
      const pending = this.pending;
      if (!pending) continue;
      if (pending.onLine(line) && this.pending === pending) this.pending = undefined;
      if (this.closedMessage !== undefined) return;
    }
    // Copied, so that the chunk itself can be collected.
    if (start < data.length) this.partial = Buffer.from(data.subarray(start));
    this.chunkHook?.();
  }
}
