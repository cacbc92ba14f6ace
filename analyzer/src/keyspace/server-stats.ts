// Cheap, O(1) server figures: INFO (keyspace, memory, stats, server) and DBSIZE. They size a
// profile, scale sampled shares and give the extension its hit counters.
import type { Redis } from "ioredis";
import type { KeyspaceConnection } from "./connection";
import type { PermissionState } from "./keyspace-model";
import { isPermissionError, isUnknownCommandError } from "./redis-errors";

/** One node's INFO figures. Fields are undefined when INFO is denied or lacks them. */
export interface NodeServerStats {
  /** `host:port`. */
  node: string;
  /** Keys in the connection's database (INFO keyspace, else DBSIZE). */
  keys: number | undefined;
  /** Keys with a TTL in that database. */
  expires: number | undefined;
  /** INFO keyspace avg_ttl (ms) of that database. */
  avgTtlMs: number | undefined;
  /** INFO memory used_memory. */
  usedMemoryBytes: number | undefined;
  /** INFO stats keyspace_hits: a counter, compute hit rates from deltas. */
  keyspaceHits: number | undefined;
  /** INFO stats keyspace_misses. */
  keyspaceMisses: number | undefined;
  /** INFO stats expired_keys. */
  expiredKeys: number | undefined;
  /** INFO stats evicted_keys. */
  evictedKeys: number | undefined;
  /** INFO memory maxmemory_policy. */
  maxmemoryPolicy: string | undefined;
  /** INFO memory maxmemory (0 = unlimited). */
  maxmemoryBytes: number | undefined;
  /** INFO server redis_version. */
  redisVersion: string | undefined;
}

/**
 * Server figures over the masters: counts summed, `avgTtlMs` weighted by each node's keys with
 * a TTL, the policy and version from the first master.
 */
export interface ServerStats extends Pick<
  NodeServerStats,
  | "keys"
  | "expires"
  | "avgTtlMs"
  | "usedMemoryBytes"
  | "keyspaceHits"
  | "keyspaceMisses"
  | "maxmemoryPolicy"
  | "redisVersion"
> {
  /** When the figures were read (for hit-rate deltas). */
  readAt: Date;
  /** "denied" when the user may not run INFO: only DBSIZE-based key counts are then known. */
  info: PermissionState;
  /**
   * DBSIZE, asked only when INFO is denied: "denied" leaves `keys` undefined (the caller says
   * what it does instead), "unknown" when INFO answered.
   */
  dbsize: PermissionState;
  nodes: NodeServerStats[];
  notices: string[];
}

/** Parses INFO text into `section field → value` (sections flattened; later fields win). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Parses `keys=1,expires=0,avg_ttl=0` from an INFO keyspace `dbN` line. */
export function parseKeyspaceLine(
  value: string | undefined,
): { keys: number; expires: number; avgTtlMs: number } | undefined {
  if (!value) return undefined;
  const parts = new Map(value.split(",").map((pair) => pair.split("=") as [string, string]));
  return {
    keys: Number(parts.get("keys") ?? 0),
    expires: Number(parts.get("expires") ?? 0),
    avgTtlMs: Number(parts.get("avg_ttl") ?? 0),
  };
}

function readNumber(fields: Map<string, string>, name: string): number | undefined {
  const value = fields.get(name);
  return value === undefined ? undefined : Number(value);
}

/**
 * INFO and DBSIZE of one node. `infoDenied` is set when INFO answered NOPERM, `dbsizeDenied`
 * when DBSIZE, its fallback, did too (the key count is then unknown).
 */
export async function readNodeServerStats(
  client: Redis,
  node: string,
  db: number,
): Promise<{ stats: NodeServerStats; infoDenied: boolean; dbsizeDenied: boolean }> {
  let fields: Map<string, string> | undefined;
  let infoDenied = false;
  let dbsizeDenied = false;
  try {
    fields = parseInfo(await client.info());
  } catch (error) {
    if (!isPermissionError(error) && !isUnknownCommandError(error)) throw error;
    infoDenied = true;
  }
  let keyspace = fields
    ? (parseKeyspaceLine(fields.get(`db${db}`)) ?? { keys: 0, expires: 0, avgTtlMs: 0 })
    : undefined;
  let keys = keyspace?.keys;
  if (!fields) {
    try {
      keys = await client.dbsize();
    } catch (error) {
      if (!isPermissionError(error)) throw error;
      dbsizeDenied = true;
    }
    keyspace = undefined;
  }
  return {
    infoDenied,
    dbsizeDenied,
    stats: {
      node,
      keys,
      expires: keyspace?.expires,
      avgTtlMs: keyspace?.avgTtlMs,
      usedMemoryBytes: fields && readNumber(fields, "used_memory"),
      keyspaceHits: fields && readNumber(fields, "keyspace_hits"),
      keyspaceMisses: fields && readNumber(fields, "keyspace_misses"),
      expiredKeys: fields && readNumber(fields, "expired_keys"),
      evictedKeys: fields && readNumber(fields, "evicted_keys"),
      maxmemoryPolicy: fields?.get("maxmemory_policy"),
      maxmemoryBytes: fields && readNumber(fields, "maxmemory"),
      redisVersion: fields?.get("redis_version"),
    },
  };
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, b) => a + b!, 0);
}

/** Reads the O(1) totals of every master: keys, expires, avg TTL, memory, hit/miss counters. */
export async function readServerStats(connection: KeyspaceConnection): Promise<ServerStats> {
  const targets = connection.listScanTargets();
  const results = await Promise.all(targets.map((t) => readNodeServerStats(t.client, t.node, connection.db)));
  const nodes = results.map((r) => r.stats);
  const denied = results.some((r) => r.infoDenied);
  const dbsizeDenied = results.some((r) => r.dbsizeDenied);
  const keys = sumDefined(nodes.map((n) => n.keys));
  const weighted = nodes.every((n) => n.avgTtlMs !== undefined && n.expires !== undefined);
  const expiresTotal = sumDefined(nodes.map((n) => n.expires));
  const avgTtlMs =
    weighted && expiresTotal
      ? nodes.reduce((sum, n) => sum + n.avgTtlMs! * n.expires!, 0) / expiresTotal
      : weighted
        ? 0
        : undefined;
  return {
    readAt: new Date(),
    keys,
    expires: expiresTotal,
    avgTtlMs,
    usedMemoryBytes: sumDefined(nodes.map((n) => n.usedMemoryBytes)),
    keyspaceHits: sumDefined(nodes.map((n) => n.keyspaceHits)),
    keyspaceMisses: sumDefined(nodes.map((n) => n.keyspaceMisses)),
    maxmemoryPolicy: nodes[0]?.maxmemoryPolicy,
    redisVersion: nodes[0]?.redisVersion,
    info: denied ? "denied" : "granted",
    dbsize: dbsizeDenied ? "denied" : denied ? "granted" : "unknown",
    nodes,
    notices: [
      ...(denied
        ? [
            `INFO is not permitted for this user on ${connection.server}: memory, TTL averages and hit counters are unavailable${dbsizeDenied ? "" : "; key counts come from DBSIZE"}.`,
          ]
        : []),
    ],
  };
}
