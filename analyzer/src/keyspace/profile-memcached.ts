// The Memcached keyspace profile: `version`, `stats`, `stats settings`, then one
// `lru_crawler metadump all`, whose item lines (`key=… exp=… la=… cas=… fetch=… cls=… size=…`)
// are parsed as they stream in and fed to the same aggregator as Redis keys, so that families,
// namespaces, TTLs, sizes and idle times come out in the same shape. Read-only: the socket
// cannot send anything else. Bounded: a cap on items and a time budget; a dump cut short by
// either, by the caller, or by the server going away, is returned marked partial.
import { createKeyspaceAggregator } from "./aggregate";
import type { AggregationOptions } from "./aggregate";
import { formatKeyForDisplay } from "./key-format";
import type { KeyRecord, KeyspaceProfile, ProfileProgress } from "./keyspace-model";
import { MemcachedReplyError, MemcachedSocket, parseMemcachedAddress } from "./memcached-socket";

/** Why a Memcached profile stopped reading items. Only `complete` covers every item. */
export type MemcachedStopReason = "complete" | "max-keys" | "max-time" | "cancelled" | "connection-lost" | "timeout";

/** Defaults of the bounds: enough for the 1M-item benchmark with room, small enough to end. */
export const MEMCACHED_PROFILE_DEFAULTS = { maxKeys: 5_000_000, maxTimeMs: 300_000 } as const;

export interface MemcachedProfileOptions extends AggregationOptions {
  /** A name for the profile; default the address. */
  name?: string;
  /** Stop after this many items (the figures then cover those); default 5,000,000. */
  maxKeys?: number;
  /** Stop the dump after this long (ms); default 300,000. */
  maxTimeMs?: number;
  /** Connect timeout, and the longest silence of the server during a command or the dump; default 5000 ms. */
  timeoutMs?: number;
  /** Called as items arrive (at most every 100 ms) and at the end. */
  onProgress?: (progress: ProfileProgress) => void;
  /** Stops the dump early; the profile then says `cancelled`. */
  signal?: AbortSignal;
}

/** Server figures from `stats` and `stats settings`. */
export interface MemcachedServerStats {
  version: string;
  /** `curr_items` when the profile started. */
  items: number | undefined;
  /** `bytes`: memory used by items. */
  bytes: number | undefined;
  /** `limit_maxbytes` (`-m`). */
  limitBytes: number | undefined;
  getHits: number | undefined;
  getMisses: number | undefined;
  evictions: number | undefined;
  /** The server's clock (`time`), Unix seconds: `exp` and `la` in the dump are on it. */
  time: number | undefined;
  /** `stats settings`: `lru_crawler` and `dump_enabled` (undefined when the server does not say). */
  lruCrawler: boolean | undefined;
  dumpEnabled: boolean | undefined;
}

/** A Memcached profile: the Redis profile's shape (the CLI and the extension show both alike) plus what only Memcached has. */
export interface MemcachedProfile extends KeyspaceProfile {
  store: "memcached";
  /** Item lines read from the dump (every figure covers exactly these, less `vanished`). */
  itemsRead: number;
  stopReason: MemcachedStopReason;
  /** What ended a partial dump, in words (the server's message when the connection was lost). */
  stopDetail: string | undefined;
  server: MemcachedServerStats;
  /** Bytes of dump received. */
  dumpBytes: number;
}

/** `lru_crawler metadump` is refused or impossible on this server; `reason` says which way. */
export class MetadumpUnavailableError extends Error {
  readonly reason: "disabled" | "crawler-disabled" | "busy" | "unsupported";
  readonly address: string;
  constructor(address: string, reason: MetadumpUnavailableError["reason"], reply: string) {
    super(`${address}: ${explainMetadumpRefusal(reason)} (server replied "${reply}")`);
    this.name = "MetadumpUnavailableError";
    this.reason = reason;
    this.address = address;
  }
}

function explainMetadumpRefusal(reason: MetadumpUnavailableError["reason"]): string {
  switch (reason) {
    case "disabled":
      return "this Memcached does not allow lru_crawler metadump (it was started with -X / dump disabled), so its items cannot be listed";
    case "crawler-disabled":
      return "the LRU crawler of this Memcached is disabled (-o no_lru_crawler), so its items cannot be listed";
    case "busy":
      return "the LRU crawler of this Memcached stayed busy with another crawl (another metadump, or its own expiry crawl): try again in a moment";
    case "unsupported":
      return "this Memcached does not know lru_crawler metadump (it needs 1.4.31 or later), so its items cannot be listed";
  }
}

/** Parses `STAT name value` lines. */
export function parseStatLines(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of lines) {
    const match = /^STAT (\S+) ?(.*)$/.exec(line);
    if (match) fields.set(match[1], match[2]);
  }
  return fields;
}

function readNumber(fields: Map<string, string>, name: string): number | undefined {
  const value = fields.get(name);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function readFlag(fields: Map<string, string>, name: string): boolean | undefined {
  const value = fields.get(name);
  return value === "yes" ? true : value === "no" ? false : undefined;
}

/** One item line of a metadump. Times are the server's Unix seconds; `exp` is -1 for no expiry. */
export interface MetadumpItem {
  key: Buffer;
  exp: number;
  la: number;
  size: number;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Undoes the URL encoding of a metadump key (`%3A` → `:`); bytes that are not a valid escape stay as they are. */
export function decodeMetadumpKey(encoded: Buffer): Buffer {
  if (encoded.indexOf(0x25) < 0) return Buffer.from(encoded);
  const out = Buffer.allocUnsafe(encoded.length);
  let length = 0;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i];
    if (c === 0x25 && i + 2 < encoded.length && hexValue(encoded[i + 1]) >= 0 && hexValue(encoded[i + 2]) >= 0) {
      out[length++] = hexValue(encoded[i + 1]) * 16 + hexValue(encoded[i + 2]);
      i += 2;
    } else out[length++] = c;
  }
  return Buffer.from(out.subarray(0, length));
}

/** Parses a decimal (optionally negative) integer from bytes; NaN when there is none. */
function parseInteger(line: Buffer, start: number, end: number): number {
  let i = start;
  let sign = 1;
  if (line[i] === 0x2d) {
    sign = -1;
    i++;
  }
  if (i >= end) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const c = line[i];
    if (c < 48 || c > 57) return NaN;
    value = value * 10 + (c - 48);
  }
  return sign * value;
}

/**
 * Parses one metadump line (`key=user%3A1 exp=-1 la=1796215724 cas=1 fetch=yes cls=1 size=70`).
 * Fields are found by name, so that fields a later version adds are skipped; undefined when
 * `key`, `exp`, `la` or `size` is missing.
 */
export function parseMetadumpLine(line: Buffer): MetadumpItem | undefined {
  let key: Buffer | undefined;
  let exp = NaN;
  let la = NaN;
  let size = NaN;
  let start = 0;
  while (start < line.length) {
    let end = line.indexOf(0x20, start);
    if (end < 0) end = line.length;
    const equals = line.indexOf(0x3d, start);
    if (equals > start && equals < end) {
      const nameLength = equals - start;
      const c0 = line[start];
      if (nameLength === 3 && c0 === 0x6b && line[start + 1] === 0x65 && line[start + 2] === 0x79)
        key = decodeMetadumpKey(line.subarray(equals + 1, end));
      else if (nameLength === 3 && c0 === 0x65 && line[start + 1] === 0x78 && line[start + 2] === 0x70)
        exp = parseInteger(line, equals + 1, end);
      else if (nameLength === 2 && c0 === 0x6c && line[start + 1] === 0x61) la = parseInteger(line, equals + 1, end);
      else if (nameLength === 4 && c0 === 0x73 && line.toString("latin1", start, equals) === "size")
        size = parseInteger(line, equals + 1, end);
    }
    start = end + 1;
  }
  if (!key || Number.isNaN(exp) || Number.isNaN(la) || Number.isNaN(size)) return undefined;
  return { key, exp, la, size };
}

/** Reads `stats` and `stats settings` and the version. */
export async function readMemcachedServerStats(
  socket: MemcachedSocket,
  timeoutMs: number,
): Promise<MemcachedServerStats> {
  const [versionLine] = await socket.request("version", timeoutMs);
  const stats = parseStatLines(await socket.request("stats", timeoutMs));
  let settings = new Map<string, string>();
  try {
    settings = parseStatLines(await socket.request("stats settings", timeoutMs));
  } catch (error) {
    // Very old servers and some proxies lack it; the dump's own reply then tells.
    if (!(error instanceof MemcachedReplyError)) throw error;
  }
  return {
    version: versionLine.replace(/^VERSION /, ""),
    items: readNumber(stats, "curr_items"),
    bytes: readNumber(stats, "bytes"),
    limitBytes: readNumber(stats, "limit_maxbytes"),
    getHits: readNumber(stats, "get_hits"),
    getMisses: readNumber(stats, "get_misses"),
    evictions: readNumber(stats, "evictions"),
    time: readNumber(stats, "time"),
    lruCrawler: readFlag(settings, "lru_crawler"),
    dumpEnabled: readFlag(settings, "dump_enabled"),
  };
}

/** Classifies a metadump error reply. */
export function classifyMetadumpRefusal(reply: string): MetadumpUnavailableError["reason"] {
  if (reply.startsWith("BUSY")) return "busy";
  if (/not allowed/i.test(reply)) return "disabled";
  if (/crawler disabled|crawler is disabled/i.test(reply)) return "crawler-disabled";
  return "unsupported";
}

/** A crawl of Memcached's own (expiry) or another metadump answers BUSY for a moment: asked again for up to 2 s. */
const BUSY_RETRIES = 8;
const BUSY_DELAY_MS = 250;

/** Profiles the items of the Memcached at `address` (`host:port`). */
export async function profileMemcached(
  address: string,
  options: MemcachedProfileOptions = {},
): Promise<MemcachedProfile> {
  const { host, port } = parseMemcachedAddress(address);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxKeys = options.maxKeys ?? MEMCACHED_PROFILE_DEFAULTS.maxKeys;
  const maxTimeMs = options.maxTimeMs ?? MEMCACHED_PROFILE_DEFAULTS.maxTimeMs;
  const startedAt = new Date();
  const socket = await MemcachedSocket.connect(host, port, timeoutMs);
  const node = socket.address;
  const notices: string[] = [];
  try {
    const server = await readMemcachedServerStats(socket, timeoutMs);
    if (server.dumpEnabled === false)
      throw new MetadumpUnavailableError(node, "disabled", "stats settings: dump_enabled no");
    if (server.lruCrawler === false)
      throw new MetadumpUnavailableError(node, "crawler-disabled", "stats settings: lru_crawler no");
    // exp and la are on the server's clock: read it against ours once, then advance it with ours.
    const clockOffsetMs = server.time === undefined ? 0 : server.time * 1000 - Date.now();
    if (server.time === undefined)
      notices.push(`${node} did not report its clock (stats time): TTLs and idle times use this machine's clock.`);
    const aggregator = createKeyspaceAggregator(options);
    let itemsRead = 0;
    let vanished = 0;
    let unparsed = 0;
    let lastProgress = 0;
    let serverNowMs = Date.now() + clockOffsetMs;
    let stopReason: MemcachedStopReason = "complete";
    let stopDetail: string | undefined;
    const progress = () => options.onProgress?.({ scannedKeys: itemsRead, totalKeysEstimate: server.items, node });
    const onLine = (line: Buffer): boolean => {
      const item = parseMetadumpLine(line);
      itemsRead += 1;
      if (!item) {
        unparsed += 1;
      } else {
        const pttlMs = item.exp < 0 ? -1 : item.exp * 1000 - serverNowMs;
        // Expired but not yet reclaimed: gone for every reader.
        if (item.exp >= 0 && pttlMs <= 0) vanished += 1;
        else {
          const record: KeyRecord = {
            key: item.key,
            displayKey: formatKeyForDisplay(item.key),
            type: "item",
            pttlMs: pttlMs < 0 ? -1 : Math.round(pttlMs),
            memoryBytes: item.size,
            idleSeconds: Math.max(0, Math.round(serverNowMs / 1000 - item.la)),
            frequency: undefined,
          };
          aggregator.add(record);
        }
      }
      if (itemsRead >= maxKeys) {
        stopReason = "max-keys";
        stopDetail = `stopped at the cap of ${maxKeys.toLocaleString("en-US")} items`;
        return false;
      }
      return true;
    };
    const onChunk = (): boolean => {
      const now = Date.now();
      serverNowMs = now + clockOffsetMs;
      if (now - lastProgress >= 100) {
        lastProgress = now;
        progress();
      }
      return true;
    };
    // The time budget and the caller's cancel stop the dump also while the server sends nothing.
    const stop = new AbortController();
    const stopFor = (reason: MemcachedStopReason, detail: string) => {
      if (stop.signal.aborted) return;
      stopReason = reason;
      stopDetail = detail;
      stop.abort();
    };
    const onCancel = () => stopFor("cancelled", "cancelled");
    options.signal?.addEventListener("abort", onCancel, { once: true });
    if (options.signal?.aborted) onCancel();
    const budget = setTimeout(
      () => stopFor("max-time", `stopped at the time budget of ${(maxTimeMs / 1000).toLocaleString("en-US")} s`),
      maxTimeMs,
    );
    let end;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          end = await socket.stream("lru_crawler metadump all", onLine, {
            idleTimeoutMs: timeoutMs,
            onChunk,
            signal: stop.signal,
          });
          break;
        } catch (error) {
          if (!(error instanceof MemcachedReplyError)) throw error;
          const reason = classifyMetadumpRefusal(error.reply);
          if (reason !== "busy" || attempt >= BUSY_RETRIES)
            throw new MetadumpUnavailableError(node, reason, error.reply);
          await new Promise((resolve) => setTimeout(resolve, BUSY_DELAY_MS));
        }
      }
    } finally {
      clearTimeout(budget);
      options.signal?.removeEventListener("abort", onCancel);
    }
    if (end.kind === "end") {
      // Every item was read, whatever fired after the last one.
      stopReason = "complete";
      stopDetail = undefined;
    } else if (end.kind === "closed") {
      stopReason = "connection-lost";
      stopDetail = `the connection to ${node} was lost after ${itemsRead.toLocaleString("en-US")} items (${end.message})`;
    } else if (end.kind === "timeout") {
      stopReason = "timeout";
      stopDetail = `${node} sent nothing for ${timeoutMs} ms after ${itemsRead.toLocaleString("en-US")} items`;
    }
    progress();
    if (unparsed > 0) notices.push(`${unparsed} dump lines of ${node} could not be read as items and are not counted.`);
    const aggregate = aggregator.finish();
    const dumpBytes = socket.bytesRead;
    const durationMs = Date.now() - startedAt.getTime();
    return {
      ...aggregate,
      store: "memcached",
      connection: options.name ?? node,
      startedAt,
      durationMs,
      complete: stopReason === "complete",
      vanished,
      notPermitted: 0,
      keysAtStart: server.items,
      accessMetric: "idle",
      nodes: [
        {
          node,
          scannedKeys: aggregate.total.keys,
          vanished,
          notPermitted: 0,
          keysAtStart: server.items,
          durationMs,
          path: "metadump",
        },
      ],
      permissions: { memory: "granted", idle: "granted", info: "granted", script: "unavailable" },
      notices,
      itemsRead,
      stopReason,
      stopDetail,
      server,
      dumpBytes,
    };
  } finally {
    socket.close();
  }
}
