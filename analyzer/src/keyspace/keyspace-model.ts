// Plain data shared by the keyspace profiler, the pure aggregation and its callers (CLI,
// VS Code extension). Imports nothing.

/** One key as the profiler saw it: the raw bytes plus what TYPE / PTTL / MEMORY USAGE / OBJECT returned. */
export interface KeyRecord {
  /** The key's bytes exactly as stored. */
  key: Buffer;
  /** `formatKeyForDisplay(key)`: what grouping, classification and the UI use. */
  displayKey: string;
  /** `string`, `hash`, `list`, `set`, `zset`, `stream`, or a module type name. */
  type: string;
  /** PTTL in milliseconds; -1 when the key has no expiry. */
  pttlMs: number;
  /** MEMORY USAGE in bytes; undefined when not collected (no permission, sampling). */
  memoryBytes: number | undefined;
  /** OBJECT IDLETIME in seconds; undefined under an LFU policy or without permission. */
  idleSeconds: number | undefined;
  /** OBJECT FREQ (logarithmic access counter) under an LFU policy; otherwise undefined. */
  frequency: number | undefined;
}

/** A TTL histogram bucket: keys whose PTTL is below `maxMs` and at least the previous bucket's `maxMs`. */
export interface TtlBucket {
  /** Short label for tables and charts. */
  label: string;
  /** Exclusive upper bound in milliseconds; `Infinity` for the last finite bucket. */
  maxMs: number;
}

/** One of the largest keys of a group. */
export interface LargeKey {
  /** Display form of the key. */
  displayKey: string;
  /** Raw key bytes, for follow-up inspection. */
  key: Buffer;
  /** MEMORY USAGE in bytes. */
  bytes: number;
  type: string;
}

/** Figures for one group of keys (a family, a namespace, or everything). */
export interface GroupStats {
  /** Number of keys in the group. */
  keys: number;
  /** Key count per Redis type. */
  types: Record<string, number>;
  /** Counts aligned with `TTL_HISTOGRAM_LABELS`: one per `TTL_BUCKETS` entry, then "no expiry". */
  ttlHistogram: number[];
  /** Keys without a TTL (PTTL -1): the usual suspects for leaks. */
  keysWithoutTtl: number;
  /** Median remaining TTL of the keys that have one (within about 1 %); undefined when none has. */
  ttlP50Ms: number | undefined;
  /** Memory of the keys MEMORY USAGE answered for; undefined when none did (no permission, or a sample). */
  memory: { totalBytes: number; averageBytes: number; keysMeasured: number } | undefined;
  /** Up to five largest keys by MEMORY USAGE, largest first. */
  largestKeys: LargeKey[];
  /** Idle time (OBJECT IDLETIME) summary; undefined under an LFU policy or without permission. */
  idle: { p50Seconds: number; maxSeconds: number } | undefined;
  /** Access frequency (OBJECT FREQ) summary under an LFU policy. */
  frequency: { p50: number; max: number } | undefined;
  /** Up to five display keys, the first seen. */
  sampleKeys: string[];
  /**
   * Sampled estimates only: key names counted in the group, inspected or not (`keys` counts the
   * inspected ones). Names cost nothing beyond the SCAN reply, so shares come from these.
   */
  names?: number;
}

/** The keys of one cache family (from the caller's `classify`). */
export interface FamilyGroup {
  /** The family id `classify` returned; undefined for keys no family in the code produces. */
  family: string | undefined;
  stats: GroupStats;
}

/** A node of the namespace tree built by splitting display keys on a delimiter. */
export interface NamespaceNode {
  /** This level's segment (`user`), `{id}` for collapsed id-like segments, or a placeholder like `(no namespace)`. */
  segment: string;
  /** Segments from the root joined by the delimiter (`user:{id}`); empty for the root. */
  path: string;
  /** True when `path` contains a collapsed `{id}` segment or a placeholder, so it is not a literal key prefix. */
  isPattern: boolean;
  stats: GroupStats;
  /** Children, most keys first. */
  children: NamespaceNode[];
}

/** Aggregation of a set of key records. */
export interface KeyspaceAggregate {
  total: GroupStats;
  /** Families, most keys first; the `undefined` family (if any) included. */
  families: FamilyGroup[];
  /** Root of the namespace tree (`segment` and `path` empty). */
  namespaces: NamespaceNode;
}

/** Whether the connected user may run what a figure needs. */
export type PermissionState = "granted" | "denied" | "unavailable" | "unknown";

/** Permission outcome per figure, reported once per profile rather than per key. */
export interface ProfilePermissions {
  /** MEMORY USAGE. */
  memory: PermissionState;
  /** OBJECT IDLETIME / OBJECT FREQ. */
  idle: PermissionState;
  /** INFO (totals, policy, hit counters). */
  info: PermissionState;
  /** The read-only Lua fast path (EVALSHA_RO / EVAL_RO). "unavailable" when the server lacks it. */
  script: PermissionState;
}

/** Progress of a running profile. */
export interface ProfileProgress {
  /** Keys inspected so far, over all nodes. */
  scannedKeys: number;
  /** Sum of DBSIZE / INFO keyspace over the scanned nodes, when known. */
  totalKeysEstimate: number | undefined;
  /** `host:port` of the node that just advanced. */
  node: string;
}

/** Per-node figures of a profile (one entry on a standalone server). */
export interface NodeProfileStats {
  /** `host:port`. */
  node: string;
  /** Keys inspected on this node. */
  scannedKeys: number;
  /** Keys that disappeared between SCAN and inspection. */
  vanished: number;
  /** Keys SCAN listed that the user's ACL key patterns do not let it read (TYPE refused). */
  notPermitted: number;
  /** DBSIZE when the profile started. */
  keysAtStart: number | undefined;
  /** Wall time of this node's scan. */
  durationMs: number;
  /** How this node's keys were inspected: a raw RESP socket, the Lua script, ioredis pipelines, or a Memcached `lru_crawler metadump`. */
  path: "raw" | "script" | "pipeline" | "metadump";
}

/** A full profile of a keyspace. */
export interface KeyspaceProfile extends KeyspaceAggregate {
  /** The connection's name. */
  connection: string;
  startedAt: Date;
  durationMs: number;
  /** False when the profile was cancelled through its AbortSignal; the figures cover what was scanned. */
  complete: boolean;
  /** Keys that vanished between SCAN and inspection (expired or deleted); not errors. */
  vanished: number;
  /**
   * Keys SCAN listed that the user's ACL key patterns do not let it read: counted, never
   * inspected. Every figure covers only the permitted keys.
   */
  notPermitted: number;
  /** Sum of the nodes' DBSIZE at the start. */
  keysAtStart: number | undefined;
  /** Whether idle times are OBJECT IDLETIME seconds or OBJECT FREQ counters. */
  accessMetric: "idle" | "frequency" | "none";
  nodes: NodeProfileStats[];
  permissions: ProfilePermissions;
  /** Human-readable notices, each reported once (permission denials, fallbacks, policy). */
  notices: string[];
}

/** Sampled figures for one group. Memory is deliberately absent: a few huge keys make sampled memory meaningless. */
export interface GroupEstimate {
  /** Sampled key names in the group. */
  sampledKeys: number;
  /** Of those, keys whose type and TTL were read: the type mix, TTL histogram and no-TTL share are over these. */
  inspectedKeys: number;
  /** Share of sampled key names in the group (0..1). */
  share: number;
  /** 95 % Wilson interval of the share. */
  shareLow: number;
  shareHigh: number;
  /** `share` scaled by the keyspace total (INFO keyspace / DBSIZE). */
  estimatedKeys: number;
  estimatedKeysLow: number;
  estimatedKeysHigh: number;
  /** Type mix of the sampled keys (counts in the sample). */
  types: Record<string, number>;
  /** Share of the group's sampled keys without TTL (0..1). */
  noTtlShare: number;
  /** TTL histogram of the group's sampled keys (counts in the sample). */
  ttlHistogram: number[];
  /** Up to five sampled display keys. */
  sampleKeys: string[];
}

/** A namespace node of an estimate. */
export interface NamespaceEstimate {
  segment: string;
  path: string;
  isPattern: boolean;
  estimate: GroupEstimate;
  children: NamespaceEstimate[];
}

/** A sampled estimate of a keyspace. */
export interface KeyspaceEstimate {
  connection: string;
  durationMs: number;
  /** Distinct key names sampled (the shares' sample). */
  sampledKeys: number;
  /** Of those, keys whose type and TTL were read. */
  inspectedKeys: number;
  /**
   * Keys the shares are scaled by: the keys the user may read (sum over masters). All of them
   * when its ACL covers every key; exact when `exhaustive`, otherwise estimated from the share of
   * inspected keys it was refused.
   */
  totalKeys: number;
  /** True when the keyspace was small enough to scan whole: shares are then exact. */
  exhaustive: boolean;
  /** Keys that vanished between SCAN and inspection. */
  vanished: number;
  /**
   * Keys the user's ACL key patterns exclude: exact when `exhaustive`, otherwise estimated (the
   * keyspace total less `totalKeys`). Zero when every inspected key (and a probe) was readable.
   */
  keysNotPermitted: number;
  /** Of the inspected keys, how many were refused (the sample behind `keysNotPermitted`). */
  inspectedNotPermitted: number;
  /** Keys in the keyspace, permitted or not (INFO keyspace, DBSIZE, or counted by SCAN when both are denied). */
  keyspaceKeys: number;
  families: { family: string | undefined; estimate: GroupEstimate }[];
  namespaces: NamespaceEstimate;
  total: GroupEstimate;
  /** Always "sample-only": memory per group is never extrapolated from samples. */
  memory: "sample-only";
  permissions: ProfilePermissions;
  notices: string[];
}
