// A thin RESP2 connection for the profiler's hot loop: one dedicated socket per node that
// writes a whole chunk of commands as one buffer and parses the replies incrementally, without
// ioredis' per-command cost (≈5 µs of client CPU per command, the bottleneck of a full profile).
// It is guarded by the same allow-list as every other connection: `send` passes every command
// through `assertCommandAllowed` before a single byte of the batch is written, and a refused
// command refuses the whole batch. Replies are matched to batches in order; error replies are
// values (`RespError`), not exceptions, so one denied figure does not fail its chunk. A batch
// that gets no complete answer within the command timeout fails the socket instead of hanging.
import * as net from "node:net";
import * as tls from "node:tls";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { assertCommandAllowed, countKeyLookups } from "./command-policy";
import { isNotRunError } from "./redis-errors";
import type { CommandPolicy } from "./command-policy";

export type RespArg = string | Buffer | number;

/** One command: its name and its arguments (kept apart so that the policy check allocates nothing). */
export interface RespCommand {
  name: string;
  args: readonly RespArg[];
}

/** An error reply (`-ERR …`, `-NOPERM …`): a value in the reply list, never thrown by `send`. */
export class RespError {
  constructor(readonly message: string) {}
}

/** Simple strings are strings, bulk strings are Buffers (copies), nil is null. */
export type RespReply = string | number | Buffer | null | RespError | RespReply[];

/** Where and how to open a raw connection; built by `connection.ts` from the resolved config. */
export interface RespEndpoint {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
  /** TLS options for `tls.connect` (also implies TLS when `{}`); undefined for plain TCP. */
  tls: TlsOptions | undefined;
  connectTimeoutMs: number;
  /** A batch with no complete reply within this time fails the socket. */
  commandTimeoutMs: number;
  /** CLIENT SETNAME; errors (for example NOPERM) are ignored. */
  connectionName: string | undefined;
  policy: CommandPolicy;
}

interface PendingBatch {
  expected: number;
  replies: RespReply[];
  /** The encoded commands until they are written, then undefined. */
  payload: Buffer | undefined;
  /** Keyspace lookups per command (reply i: entry i % length) when the policy counts them. */
  lookups: number[] | undefined;
  sentAt: number;
  resolve(replies: RespReply[]): void;
  reject(error: Error): void;
}

const CRLF = 13;
/** Marks "not enough bytes yet" inside the parser. */
const INCOMPLETE = Symbol("incomplete");
type Parsed = RespReply | typeof INCOMPLETE;

export class RespSocket {
  private readonly socket: net.Socket;
  private readonly endpoint: RespEndpoint;
  private readonly pending: PendingBatch[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private failure: Error | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private written = 0;
  private corked = false;
  private isDrainScheduled = false;
  /** Batches written and not yet fully answered (a prefix of `pending`). */
  private batchesAtServer = 0;
  /**
   * How many batches may wait at the server at once; the others wait here, encoded, and the next
   * one is written the moment a batch is answered. Redis runs all it has read from a client before
   * it serves anyone else, so this bounds how long another client waits, while the caller can keep
   * more batches queued so that the next one never waits for Node to build it.
   */
  maxBatchesAtServer = Infinity;

  private constructor(socket: net.Socket, endpoint: RespEndpoint) {
    this.socket = socket;
    this.endpoint = endpoint;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () =>
      this.fail(
        Object.assign(new Error(`connection to ${endpoint.host}:${endpoint.port} closed`), { code: "ECONNRESET" }),
      ),
    );
    // One cheap timer for all batches: the oldest unanswered batch bounds the wait.
    const period = Math.max(10, Math.min(250, Math.floor(endpoint.commandTimeoutMs / 4)));
    this.watchdog = setInterval(() => {
      const oldest = this.pending[0];
      if (oldest && Date.now() - oldest.sentAt > endpoint.commandTimeoutMs) {
        this.fail(
          Object.assign(
            new Error(`Command timed out after ${endpoint.commandTimeoutMs} ms (${endpoint.host}:${endpoint.port})`),
            { code: "ETIMEDOUT" },
          ),
        );
      }
    }, period);
    this.watchdog.unref();
  }

  /** Connects, authenticates, selects the database and names the connection, within the connect timeout. */
  static async open(endpoint: RespEndpoint): Promise<RespSocket> {
    const socket = await connectSocket(endpoint);
    const resp = new RespSocket(socket, endpoint);
    try {
      const setup: RespCommand[] = [];
      // Like ioredis: an empty password means no AUTH.
      if (endpoint.password)
        setup.push({
          name: "AUTH",
          args: endpoint.username ? [endpoint.username, endpoint.password] : [endpoint.password],
        });
      if (endpoint.db) setup.push({ name: "SELECT", args: [endpoint.db] });
      if (endpoint.connectionName) setup.push({ name: "CLIENT", args: ["SETNAME", endpoint.connectionName] });
      if (setup.length > 0) {
        const replies = await withDeadline(resp.send(setup), endpoint.connectTimeoutMs, "handshake timed out");
        // AUTH and SELECT must succeed; CLIENT SETNAME is cosmetic (a least-privilege user may lack it).
        const required = setup.length - (endpoint.connectionName ? 1 : 0);
        for (let i = 0; i < required; i++) {
          const reply = replies[i];
          if (reply instanceof RespError) throw new Error(reply.message);
        }
      }
      return resp;
    } catch (error) {
      resp.close();
      throw error;
    }
  }

  /** Bytes written so far (tests check that a refused batch wrote nothing). */
  get bytesWritten(): number {
    return this.written;
  }

  /**
   * Checks every command against the policy, then writes them all as one buffer; resolves with
   * one reply per command, in order. Rejects with `ReadOnlyError`, having written nothing, when
   * any command is refused, and rejects when the socket fails or times out.
   */
  send(commands: readonly RespCommand[]): Promise<RespReply[]> {
    if (this.failure) return Promise.reject(this.failure);
    try {
      for (const command of commands) assertCommandAllowed(command.name, command.args, this.endpoint.policy);
    } catch (error) {
      return Promise.reject(error);
    }
    if (commands.length === 0) return Promise.resolve([]);
    const lookups = this.endpoint.policy.lookups
      ? commands.map((command) => countKeyLookups(command.name, command.args))
      : undefined;
    return this.write(encodeCommands(commands), commands.length, lookups);
  }

  /**
   * Sends every template command once per key, the key appended as the last argument (TYPE k,
   * PTTL k, MEMORY USAGE k, …), as one buffer; replies come key by key, template by template.
   * Each (template, key) command passes the allow-list before anything is written. This is
   * `send` without building and encoding a command object per key: the profiler's hot loop.
   */
  sendPerKey(templates: readonly RespCommand[], keys: readonly Buffer[]): Promise<RespReply[]> {
    if (this.failure) return Promise.reject(this.failure);
    const checked = templates.map((t) => [...t.args, Buffer.alloc(0)] as RespArg[]);
    try {
      for (const key of keys) {
        for (let t = 0; t < templates.length; t++) {
          const args = checked[t];
          args[args.length - 1] = key;
          assertCommandAllowed(templates[t].name, args, this.endpoint.policy);
        }
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const expected = templates.length * keys.length;
    if (expected === 0) return Promise.resolve([]);
    // Replies come key by key, template by template: reply i is template i % templates.length.
    const lookups = this.endpoint.policy.lookups
      ? templates.map((t, i) => countKeyLookups(t.name, checked[i]))
      : undefined;
    return this.write(encodePerKey(templates, keys), expected, lookups);
  }

  /**
   * Queues the batch and writes it at once when the server holds fewer than `maxBatchesAtServer`
   * batches, otherwise when one is answered. Batches written in the same tick (several chunks
   * refilled after one read) go out in one write: a write costs ≈ 10–20 µs of CPU here, and
   * Redis, which reads up to 16 KB per turn, would almost always read them in one go anyway.
   */
  private write(payload: Buffer, expected: number, lookups: number[] | undefined): Promise<RespReply[]> {
    return new Promise<RespReply[]>((resolve, reject) => {
      const batch: PendingBatch = { expected, replies: [], payload, lookups, sentAt: Date.now(), resolve, reject };
      this.pending.push(batch);
      if (this.batchesAtServer < this.maxBatchesAtServer && this.batchesAtServer === this.pending.length - 1)
        this.writeBatch(batch);
    });
  }

  private writeBatch(batch: PendingBatch): void {
    const payload = batch.payload!;
    batch.payload = undefined;
    batch.sentAt = Date.now();
    this.batchesAtServer += 1;
    this.written += payload.length;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(payload);
  }

  /** Writes queued batches while the server holds fewer than `maxBatchesAtServer`. */
  private writeQueued(): void {
    while (this.batchesAtServer < this.maxBatchesAtServer && this.batchesAtServer < this.pending.length)
      this.writeBatch(this.pending[this.batchesAtServer]);
  }

  /** Adds the answered batch's lookups, leaving out commands Redis refused before running them. */
  private countLookups(batch: PendingBatch): void {
    const perCommand = batch.lookups!;
    let lookups = 0;
    for (let i = 0; i < batch.replies.length; i++) {
      const reply = batch.replies[i];
      if (reply instanceof RespError && isNotRunError(reply)) continue;
      lookups += perCommand[i % perCommand.length];
    }
    this.endpoint.policy.lookups!.count += lookups;
  }

  /** Closes the socket; pending batches reject. Idempotent. */
  close(): void {
    this.fail(new Error("connection closed by the profiler"));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    clearInterval(this.watchdog);
    this.socket.destroy();
    for (const batch of this.pending.splice(0)) batch.reject(error);
  }

  private onData(chunk: Buffer): void {
    if (this.offset < this.buffer.length) {
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset), chunk]);
    } else {
      this.buffer = chunk;
    }
    this.offset = 0;
    if (!this.isDrainScheduled) this.drainReplies();
  }

  /**
   * Parses replies until one batch completes, resolves it, and leaves the rest of the buffer to
   * the next macrotask. Redis answers every chunk it read in one go with one write; resolving
   * them one by one lets the first chunk's refill reach Redis (in the microtasks after this
   * one resolves) while Node still handles the others, so both sides work at once instead of
   * taking turns.
   */
  private drainReplies(): void {
    this.isDrainScheduled = false;
    if (this.failure) return;
    for (;;) {
      const batch = this.pending[0];
      if (!batch) {
        if (this.offset < this.buffer.length)
          this.fail(new Error("unexpected reply from the server (protocol out of sync)"));
        return;
      }
      const start = this.offset;
      const reply = this.parse();
      if (reply === INCOMPLETE) {
        this.offset = start;
        return;
      }
      batch.replies.push(reply);
      if (batch.replies.length === batch.expected) {
        this.pending.shift();
        this.batchesAtServer -= 1;
        if (batch.lookups) this.countLookups(batch);
        // The next batch goes out before this one is handled: Redis works while Node does.
        this.writeQueued();
        batch.resolve(batch.replies);
        if (this.offset < this.buffer.length) {
          this.isDrainScheduled = true;
          setImmediate(() => this.drainReplies());
        }
        return;
      }
    }
  }

  /** Parses one reply at `offset`, advancing it; INCOMPLETE when the buffer ends first. */
  private parse(): Parsed {
    const buffer = this.buffer;
    if (this.offset >= buffer.length) return INCOMPLETE;
    const kind = buffer[this.offset];
    const lineEnd = buffer.indexOf(CRLF, this.offset + 1);
    if (lineEnd < 0 || lineEnd + 1 >= buffer.length) return INCOMPLETE;
    const lineStart = this.offset + 1;
    this.offset = lineEnd + 2;
    switch (kind) {
      case 0x2b: // + simple string
        return buffer.toString("latin1", lineStart, lineEnd);
      case 0x2d: // - error
        return new RespError(buffer.toString("utf8", lineStart, lineEnd));
      case 0x3a: // : integer
        return readInteger(buffer, lineStart, lineEnd);
      case 0x24: {
        // $ bulk string
        const size = readInteger(buffer, lineStart, lineEnd);
        if (size < 0) return null;
        if (this.offset + size + 2 > buffer.length) return INCOMPLETE;
        const value = Buffer.from(buffer.subarray(this.offset, this.offset + size));
        this.offset += size + 2;
        return value;
      }
      case 0x2a: {
        // * array
        const count = readInteger(buffer, lineStart, lineEnd);
        if (count < 0) return null;
        const items: RespReply[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.parse();
          if (item === INCOMPLETE) return INCOMPLETE;
          items.push(item);
        }
        return items;
      }
      default:
        this.fail(new Error(`unexpected RESP type byte 0x${kind.toString(16)} (protocol out of sync)`));
        return INCOMPLETE;
    }
  }
}

function readInteger(buffer: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (buffer[i] === 0x2d) {
    negative = true;
    i++;
  }
  let value = 0;
  for (; i < end; i++) value = value * 10 + (buffer[i] - 0x30);
  return negative ? -value : value;
}

const encodedStrings = new Map<string, Buffer>();

/** Command names, subcommands and other short constants are encoded once. */
function toBytes(arg: RespArg): Buffer {
  if (Buffer.isBuffer(arg)) return arg;
  const text = String(arg);
  let bytes = encodedStrings.get(text);
  if (!bytes) {
    bytes = Buffer.from(text, "utf8");
    if (text.length <= 32 && encodedStrings.size < 512) encodedStrings.set(text, bytes);
  }
  return bytes;
}

function countDigits(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Writes `<prefix><n>\r\n` at `at`; returns the new offset. */
function writeHeader(out: Buffer, at: number, prefix: number, n: number): number {
  out[at++] = prefix;
  const digits = countDigits(n);
  for (let i = digits - 1; i >= 0; i--) {
    out[at + i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  at += digits;
  out[at++] = 13;
  out[at++] = 10;
  return at;
}

/**
 * Encodes commands as RESP arrays of bulk strings into one buffer. Hand-written: this runs for
 * every inspected key, and `Buffer.write` of a header string per argument cost more than the bytes.
 */
export function encodeCommands(commands: readonly RespCommand[]): Buffer {
  let total = 0;
  for (const command of commands) {
    const count = command.args.length + 1;
    total += 3 + countDigits(count);
    const name = toBytes(command.name);
    total += 5 + countDigits(name.length) + name.length;
    for (const arg of command.args) {
      const length = Buffer.isBuffer(arg) ? arg.length : toBytes(arg).length;
      total += 5 + countDigits(length) + length;
    }
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const command of commands) {
    at = writeHeader(out, at, 0x2a, command.args.length + 1);
    at = writeBulk(out, at, toBytes(command.name));
    for (const arg of command.args) at = writeBulk(out, at, Buffer.isBuffer(arg) ? arg : toBytes(arg));
  }
  return out;
}

const prefixCache = new WeakMap<RespCommand, Buffer>();

/** `*<n>\r\n$<len>\r\nNAME\r\n…`: a template's encoding up to, not including, the key. */
function encodePrefix(template: RespCommand): Buffer {
  let prefix = prefixCache.get(template);
  if (!prefix) {
    const head = encodeCommands([{ name: template.name, args: [...template.args, ""] }]);
    prefix = head.subarray(0, head.length - "$0\r\n\r\n".length);
    prefixCache.set(template, prefix);
  }
  return prefix;
}

/** `encodeCommands` of every template with each key appended, templates encoded once. */
export function encodePerKey(templates: readonly RespCommand[], keys: readonly Buffer[]): Buffer {
  const prefixes = templates.map(encodePrefix);
  const prefixBytes = prefixes.reduce((sum, p) => sum + p.length, 0);
  let total = 0;
  for (const key of keys) total += prefixBytes + templates.length * (5 + countDigits(key.length) + key.length);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const key of keys) {
    for (const prefix of prefixes) {
      out.set(prefix, at);
      at = writeBulk(out, at + prefix.length, key);
    }
  }
  return out;
}

function writeBulk(out: Buffer, at: number, bytes: Buffer): number {
  at = writeHeader(out, at, 0x24, bytes.length);
  // TypedArray#set beats both Buffer#copy and a byte loop, even for 20-byte keys.
  out.set(bytes, at);
  at += bytes.length;
  out[at++] = 13;
  out[at++] = 10;
  return at;
}

function connectSocket(endpoint: RespEndpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const secure = endpoint.tls !== undefined;
    const socket: net.Socket = secure
      ? tls.connect({
          ...endpoint.tls,
          host: endpoint.host,
          port: endpoint.port,
          servername: endpoint.tls?.servername ?? (net.isIP(endpoint.host) ? undefined : endpoint.host),
        })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        Object.assign(new Error(`connection to ${endpoint.host}:${endpoint.port} timed out`), { code: "ETIMEDOUT" }),
      );
    }, endpoint.connectTimeoutMs);
    const onError = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once("error", onError);
    socket.once(secure ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
