// Single-key inspection for the sidebar: metadata without touching the value, a bounded value
// preview (the only place that reads values, so the only one that resets idle time), and one
// page of a lazily loaded namespace listing.
import type { KeyspaceConnection } from "./connection";
import { escapeGlob, formatKeyForDisplay } from "./key-format";
import { isEvictionPolicyError, isPermissionError } from "./redis-errors";

/** Metadata of one key. Figures the user may not read are undefined and listed in `denied`. */
export interface KeyDetails {
  key: Buffer;
  displayKey: string;
  /** False when the key does not exist (TYPE none). */
  exists: boolean;
  type: string;
  /** PTTL in ms; -1 no expiry, -2 missing. */
  pttlMs: number;
  /** MEMORY USAGE (default SAMPLES). */
  memoryBytes: number | undefined;
  /** OBJECT ENCODING (`listpack`, `hashtable`, `embstr`, …). */
  encoding: string | undefined;
  /** OBJECT IDLETIME in seconds (LRU policies). */
  idleSeconds: number | undefined;
  /** OBJECT FREQ (LFU policies). */
  frequency: number | undefined;
  /** STRLEN / HLEN / LLEN / SCARD / ZCARD / XLEN by type. */
  length: number | undefined;
  /** Figures the user has no permission for: `memory`, `encoding`, `idle`, `length`. */
  denied: string[];
}

const LENGTH_COMMANDS: Record<string, string> = {
  string: "STRLEN",
  hash: "HLEN",
  list: "LLEN",
  set: "SCARD",
  zset: "ZCARD",
  stream: "XLEN",
};

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

function readFigure<T>(result: Settled<T | null>, name: string, denied: string[]): T | undefined {
  if (result.ok) return result.value ?? undefined;
  if (isPermissionError(result.error)) denied.push(name);
  else if (!isEvictionPolicyError(result.error)) throw result.error;
  return undefined;
}

/** TYPE, PTTL, MEMORY USAGE, OBJECT ENCODING, idle time or frequency, and the length. Never reads the value. */
export async function inspectKey(connection: KeyspaceConnection, key: Buffer | string): Promise<KeyDetails> {
  const raw = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  const client = connection.client;
  const [type, pttl, memory, encoding, idle] = await Promise.all([
    client.type(raw),
    client.pttl(raw),
    settle(client.call("MEMORY", "USAGE", raw) as Promise<number | null>),
    settle(client.call("OBJECT", "ENCODING", raw) as Promise<string | null>),
    settle(client.call("OBJECT", "IDLETIME", raw) as Promise<number | null>),
  ]);
  const denied: string[] = [];
  let frequency: number | undefined;
  if (!idle.ok && isEvictionPolicyError(idle.error)) {
    frequency = readFigure(await settle(client.call("OBJECT", "FREQ", raw) as Promise<number | null>), "idle", denied);
  }
  const lengthCommand = LENGTH_COMMANDS[type];
  const length = lengthCommand
    ? readFigure(await settle(client.call(lengthCommand, raw) as Promise<number>), "length", denied)
    : undefined;
  return {
    key: raw,
    displayKey: formatKeyForDisplay(raw),
    exists: type !== "none",
    type,
    pttlMs: pttl,
    memoryBytes: readFigure(memory, "memory", denied),
    encoding: readFigure(encoding, "encoding", denied),
    idleSeconds: readFigure(idle, "idle", denied),
    frequency,
    length,
    denied,
  };
}

export interface PreviewOptions {
  /** Bytes of a string value, and of each element, to read at most; default 4096. */
  maxBytes?: number;
  /** Elements (fields, members, entries) to read at most; default 100. */
  maxItems?: number;
}

/** A bounded view of a value. `truncated` says whether anything was left out. */
export type ValuePreview =
  | { type: "none"; truncated: false }
  | { type: "string"; value: Buffer; length: number; truncated: boolean }
  | { type: "hash"; fields: [field: Buffer, value: Buffer][]; length: number; truncated: boolean }
  | { type: "list"; items: Buffer[]; length: number; truncated: boolean }
  | { type: "set"; members: Buffer[]; length: number; truncated: boolean }
  | { type: "zset"; members: { member: Buffer; score: number }[]; length: number; truncated: boolean }
  | {
      type: "stream";
      entries: { id: string; fields: [field: Buffer, value: Buffer][] }[];
      length: number;
      truncated: boolean;
    }
  /** A module type (ReJSON, Bloom, …) or anything else without a generic bounded reader. */
  | { type: "other"; redisType: string; truncated: true };

function clip(buffer: Buffer, maxBytes: number, flag: { truncated: boolean }): Buffer {
  if (buffer.length <= maxBytes) return buffer;
  flag.truncated = true;
  return buffer.subarray(0, maxBytes);
}

function pairUp(flat: Buffer[], maxBytes: number, flag: { truncated: boolean }): [Buffer, Buffer][] {
  const pairs: [Buffer, Buffer][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    pairs.push([clip(flat[i], maxBytes, flag), clip(flat[i + 1], maxBytes, flag)]);
  return pairs;
}

/**
 * Reads a bounded preview: GETRANGE for strings, HSCAN/SSCAN with a cap for hashes and sets,
 * LRANGE / ZRANGE WITHSCORES / XRANGE COUNT for lists, sorted sets and streams. Values are
 * Buffers (they may be binary). This resets the key's idle time, as any read does.
 */
export async function readValuePreview(
  connection: KeyspaceConnection,
  key: Buffer | string,
  options: PreviewOptions = {},
): Promise<ValuePreview> {
  const raw = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  const maxBytes = Math.max(1, options.maxBytes ?? 4096);
  const maxItems = Math.max(1, options.maxItems ?? 100);
  const client = connection.client;
  const type = await client.type(raw);
  const flag = { truncated: false };
  switch (type) {
    case "none":
      return { type: "none", truncated: false };
    case "string": {
      const [value, length] = await Promise.all([client.getrangeBuffer(raw, 0, maxBytes - 1), client.strlen(raw)]);
      return { type, value, length, truncated: length > value.length };
    }
    case "list": {
      const [items, length] = await Promise.all([client.lrangeBuffer(raw, 0, maxItems - 1), client.llen(raw)]);
      const clipped = items.map((item) => clip(item, maxBytes, flag));
      return { type, items: clipped, length, truncated: flag.truncated || length > items.length };
    }
    case "zset": {
      const [flat, length] = await Promise.all([
        client.zrangeBuffer(raw, 0, maxItems - 1, "WITHSCORES"),
        client.zcard(raw),
      ]);
      const members: { member: Buffer; score: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2)
        members.push({ member: clip(flat[i], maxBytes, flag), score: Number(flat[i + 1].toString()) });
      return { type, members, length, truncated: flag.truncated || length > members.length };
    }
    case "stream": {
      const [entries, length] = await Promise.all([
        client.xrangeBuffer(raw, "-", "+", "COUNT", maxItems),
        client.xlen(raw),
      ]);
      const mapped = entries.map(([id, fields]) => ({ id: id.toString(), fields: pairUp(fields, maxBytes, flag) }));
      return { type, entries: mapped, length, truncated: flag.truncated || length > mapped.length };
    }
    case "hash":
    case "set": {
      const length = type === "hash" ? await client.hlen(raw) : await client.scard(raw);
      const perItem = type === "hash" ? 2 : 1;
      const collected: Buffer[] = [];
      let cursor = "0";
      // SCAN-family calls return about COUNT elements; a few calls fill the preview.
      for (let calls = 0; calls < 20; calls++) {
        const [next, items] =
          type === "hash"
            ? await client.hscanBuffer(raw, cursor, "COUNT", Math.min(maxItems, 100))
            : await client.sscanBuffer(raw, cursor, "COUNT", Math.min(maxItems, 100));
        collected.push(...items);
        cursor = next.toString();
        if (cursor === "0" || collected.length >= maxItems * perItem) break;
      }
      const kept = collected.slice(0, maxItems * perItem);
      if (type === "hash") {
        const fields = pairUp(kept, maxBytes, flag);
        return { type, fields, length, truncated: flag.truncated || length > fields.length };
      }
      const members = kept.map((m) => clip(m, maxBytes, flag));
      return { type, members, length, truncated: flag.truncated || length > members.length };
    }
    default:
      return { type: "other", redisType: type, truncated: true };
  }
}

/** One page of keys under a prefix. */
export interface NamespacePage {
  keys: { key: Buffer; displayKey: string }[];
  /** Pass back to get the next page; `"0"` when done. On a cluster it encodes the node too. */
  cursor: string;
  done: boolean;
  /**
   * The next segment after the prefix for this page's keys, with counts (for lazy tree nodes):
   * `segment` is its display form, `raw` its bytes (the prefix of a child namespace is built from
   * these: the display form escapes bytes and characters, so it does not name the same keys).
   */
  childSegments: { segment: string; raw: Buffer; keys: number; isLeaf: boolean }[];
}

/**
 * One page of `SCAN cursor MATCH <escaped prefix>* COUNT count`. SCAN may return empty pages
 * before the end, so a few calls are made until `count` keys arrive or the scan ends.
 */
export async function scanNamespace(
  connection: KeyspaceConnection,
  prefix: Buffer | string,
  cursor = "0",
  count = 100,
  delimiter = ":",
): Promise<NamespacePage> {
  const rawPrefix = typeof prefix === "string" ? Buffer.from(prefix, "utf8") : prefix;
  const pattern = Buffer.concat([escapeGlob(rawPrefix), Buffer.from("*")]);
  const targets = connection.listScanTargets();
  // Cluster cursors are "<node index>-<node cursor>", walking the masters in order.
  let [nodeIndex, nodeCursor] = cursor.includes("-")
    ? [Number(cursor.split("-")[0]), cursor.split("-")[1]]
    : [0, cursor];
  const keys: { key: Buffer; displayKey: string }[] = [];
  for (let calls = 0; calls < 10 && keys.length < count && nodeIndex < targets.length; calls++) {
    const [next, found] = (await targets[nodeIndex].client.callBuffer(
      "SCAN",
      nodeCursor,
      "MATCH",
      pattern,
      "COUNT",
      count,
    )) as [Buffer, Buffer[]];
    for (const key of found) keys.push({ key, displayKey: formatKeyForDisplay(key) });
    nodeCursor = next.toString();
    if (nodeCursor === "0") {
      nodeIndex += 1;
    }
  }
  const done = nodeIndex >= targets.length;
  const nextCursor = done ? "0" : targets.length > 1 ? `${nodeIndex}-${nodeCursor}` : nodeCursor;
  // Segments are cut from the bytes (SCAN MATCH guarantees the raw prefix), keyed by their bytes.
  const segments = new Map<string, { raw: Buffer; keys: number; isLeaf: boolean }>();
  const rawDelimiter = Buffer.from(delimiter, "utf8");
  for (const { key } of keys) {
    const rest = key.subarray(rawPrefix.length);
    const at = rest.indexOf(rawDelimiter);
    const raw = at < 0 ? rest : rest.subarray(0, at);
    const id = raw.toString("latin1");
    const entry = segments.get(id) ?? { raw: Buffer.from(raw), keys: 0, isLeaf: at < 0 };
    entry.keys += 1;
    if (at >= 0) entry.isLeaf = false;
    segments.set(id, entry);
  }
  return {
    keys,
    cursor: nextCursor,
    done,
    childSegments: [...segments.values()]
      .map((v) => ({ segment: formatKeyForDisplay(v.raw), ...v }))
      .sort((a, b) => b.keys - a.keys),
  };
}
