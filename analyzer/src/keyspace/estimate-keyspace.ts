// The sampled estimate: SCAN at random cursors (each call returns ~COUNT keys from a random
// spot of the hash table), de-duplicate, inspect TYPE and PTTL only, and scale the shares by
// the O(1) key totals. Memory is never extrapolated: a few huge keys dominate it.
// Shares need only key names, which cost nothing beyond the SCAN reply, so the probes go on
// past the inspected sample and the shares count every name seen: with 3 names per inspected
// key, the shares' sampling error falls by √3 for the same inspection work. Not so for an ACL
// user whose key patterns leave keys out: SCAN lists those too and only TYPE tells them apart,
// so its shares come from the inspected keys, and the refused ones are counted apart.
// Paced like the gentle profile: SCANs and inspection chunks share one raw RESP socket per node,
// and at most one batch (one SCAN, or one chunk of 72 keys × TYPE+PTTL: the gentle profile's 144
// commands) is at the server at a time; the next ones wait in Node, encoded. Without the socket,
// one ioredis call at a time. Measurements: bench/keyspace/README.md.
import type { AggregationOptions } from "./aggregate";
import { createKeyspaceAggregator, estimateGroup, estimateNamespaceTree } from "./aggregate";
import { formatKeyForDisplay } from "./key-format";
import type { KeyspaceConnection, ScanTarget } from "./connection";
import { inspectKeys, inspectKeysRaw } from "./inspect-keys";
import type { InspectionState } from "./inspect-keys";
import type { KeyRecord, KeyspaceEstimate } from "./keyspace-model";
import { openRawSocket, prepareInspection, readPermissions, scanRaw } from "./profile-keyspace";
import { explainScanFailure } from "./redis-errors";

export interface EstimateOptions extends AggregationOptions {
  /** Distinct keys to inspect (TYPE, PTTL); default 10,000. */
  sampleSize?: number;
  /** Key names counted for the shares per inspected key; default 3 (1 counts only the inspected keys). */
  namesPerSample?: number;
  /** SCAN COUNT per random probe; default 100. */
  scanCount?: number;
  /** Calls in flight per node (encoded, waiting in Node on the raw socket); default 3. */
  maxInFlight?: number;
  /** Raw socket: batches written to the server and not yet answered, per node; default 1. */
  maxBatchesAtServer?: number;
  /** Keys per inspection chunk; default 72 (144 commands: the gentle profile's batch). */
  chunkSize?: number;
  /** Inspect and SCAN over a dedicated raw RESP socket per node; default true (falls back to ioredis, one call at a time). */
  rawSocket?: boolean;
  /** Use the read-only Lua fast path when permitted; default true. */
  useScript?: boolean;
  /** A source of uniform numbers in [0, 1) for the cursors (tests pass a seeded one). */
  random?: () => number;
  signal?: AbortSignal;
}

/** Estimates key shares, type mix and TTLs per family and namespace from a random sample. */
export async function estimateKeyspace(
  connection: KeyspaceConnection,
  options: EstimateOptions = {},
): Promise<KeyspaceEstimate> {
  if (connection.failure) throw connection.failure;
  const started = Date.now();
  const sampleSize = Math.max(1, options.sampleSize ?? 10_000);
  const { stats, state, targets, keysRestricted } = await prepareInspection(connection, {
    useScript: options.useScript,
    collectMemory: false,
    collectAccess: false,
    random: options.random,
  });
  const random = options.random ?? Math.random;
  const scanCount = options.scanCount ?? 100;
  const namesPerSample = Math.max(1, options.namesPerSample ?? 3);
  const pacing = {
    maxInFlight: Math.max(1, options.maxInFlight ?? 3),
    atServer: Math.max(1, options.maxBatchesAtServer ?? 1),
    chunkSize: Math.max(1, options.chunkSize ?? 72),
  };
  const channels = await Promise.all(
    targets.map((target) => openChannel(target, state, pacing, options.rawSocket ?? true)),
  );
  try {
    return await estimateOverChannels(connection, options, channels, {
      started,
      sampleSize,
      random,
      scanCount,
      namesPerSample,
      stats,
      state,
      keysRestricted,
    });
  } finally {
    for (const channel of channels) channel.close();
  }
}

interface EstimateRun {
  started: number;
  sampleSize: number;
  random: () => number;
  scanCount: number;
  namesPerSample: number;
  stats: Awaited<ReturnType<typeof prepareInspection>>["stats"];
  state: InspectionState;
  keysRestricted: boolean;
}

async function estimateOverChannels(
  connection: KeyspaceConnection,
  options: EstimateOptions,
  channels: Channel[],
  run: EstimateRun,
): Promise<KeyspaceEstimate> {
  const { started, sampleSize, random, scanCount, namesPerSample, stats, state, keysRestricted } = run;
  // SCAN lists keys outside the user's ACL key patterns too; only TYPE tells them apart.
  let restricted = keysRestricted;
  // Without INFO and DBSIZE, a full SCAN counts the node's keys and keeps a uniform sample of names.
  const counted = await Promise.all(
    channels.map((channel, i) =>
      stats.nodes[i]?.keys === undefined
        ? countAndSampleKeys(channel, sampleSize * namesPerSample, scanCount, random, options.signal)
        : undefined,
    ),
  );
  const nodeKeys = channels.map((_, i) => stats.nodes[i]?.keys ?? counted[i]!.count);
  const keyspaceKeys = nodeKeys.reduce((a, b) => a + b, 0);
  const exhaustive = keyspaceKeys <= sampleSize;

  const perNode = await Promise.all(
    channels.map(async (channel, i) => {
      const quota = exhaustive ? Infinity : Math.round((sampleSize * nodeKeys[i]) / Math.max(1, keyspaceKeys));
      if (quota === 0) return { records: [] as KeyRecord[], names: [] as Buffer[], vanished: 0, notPermitted: 0 };
      const wanted = Math.min(nodeKeys[i], quota * namesPerSample);
      const names = counted[i]
        ? counted[i].names.slice(0, exhaustive ? undefined : wanted)
        : exhaustive
          ? await scanAllKeys(channel, scanCount, options.signal)
          : await sampleKeys(channel, wanted, nodeKeys[i], scanCount, random, options.signal);
      // The names come in random order (random cursors, or shuffled): the first `quota` are a random sample of them.
      const inspected = await inspectAll(channel, names.slice(0, quota));
      return { ...inspected, names };
    }),
  );
  if (connection.failure) throw connection.failure;
  const refused = perNode.reduce((sum, n) => sum + n.notPermitted, 0);
  if (refused > 0) restricted = true;
  // Names beyond the inspected keys count for the shares only when every key may be read.
  const useNames = !exhaustive && !restricted;
  if (!exhaustive && restricted && namesPerSample > 1)
    state.notices.add(
      `This user may not read every key on ${connection.server} (its ACL key patterns): the shares come from the inspected keys alone, as the other sampled names cannot be told apart without inspecting them.`,
    );
  const aggregator = createKeyspaceAggregator(options);
  for (const node of perNode) {
    for (const record of node.records) aggregator.add(record);
    if (useNames) for (const name of node.names) aggregator.addName(formatKeyForDisplay(name));
  }
  const aggregate = aggregator.finish();
  const vanished = perNode.reduce((sum, n) => sum + n.vanished, 0);
  const inspected = perNode.reduce((sum, n) => sum + n.records.length, 0);
  const sampledNames = useNames ? perNode.reduce((sum, n) => sum + n.names.length, 0) : undefined;
  // An exhaustive scan has seen every key: shares from what it inspected, scaled by what it saw,
  // not by a stale total. A sample scales by the total, less the share of inspected keys refused.
  const permittedKeys = exhaustive
    ? inspected
    : refused === 0
      ? keyspaceKeys
      : Math.round((keyspaceKeys * inspected) / Math.max(1, inspected + refused));
  const refusal = exhaustive || refused === 0 ? undefined : { sampled: refused, keyspaceKeys };
  return {
    connection: connection.name,
    durationMs: Date.now() - started,
    sampledKeys: sampledNames ?? inspected,
    inspectedKeys: inspected,
    totalKeys: permittedKeys,
    exhaustive,
    vanished,
    keysNotPermitted: exhaustive ? refused : keyspaceKeys - permittedKeys,
    inspectedNotPermitted: refused,
    keyspaceKeys: exhaustive ? inspected + refused + vanished : keyspaceKeys,
    families: aggregate.families.map((f) => ({
      family: f.family,
      estimate: estimateGroup(f.stats, inspected, permittedKeys, exhaustive, sampledNames, refusal),
    })),
    namespaces: estimateNamespaceTree(
      aggregate.namespaces,
      inspected,
      permittedKeys,
      exhaustive,
      sampledNames,
      refusal,
    ),
    total: estimateGroup(aggregate.total, inspected, permittedKeys, exhaustive, sampledNames, refusal),
    memory: "sample-only",
    permissions: readPermissions(state, stats),
    notices: [...state.notices],
  };
}

/** SCAN through the node, counting its keys and keeping a uniform random sample of `capacity` names, shuffled. */
async function countAndSampleKeys(
  channel: Channel,
  capacity: number,
  scanCount: number,
  random: () => number,
  signal: AbortSignal | undefined,
): Promise<{ count: number; names: Buffer[] }> {
  const names: Buffer[] = [];
  let count = 0;
  let cursor = "0";
  do {
    if (signal?.aborted) break;
    const [next, keys] = await channel.scan(cursor, scanCount);
    for (const key of keys) {
      count += 1;
      // Reservoir sampling: the first `capacity` names, then each next one replaces a random one with p = capacity / count.
      if (names.length < capacity) names.push(key);
      else {
        const at = Math.floor(random() * count);
        if (at < capacity) names[at] = key;
      }
    }
    cursor = next.toString();
  } while (cursor !== "0");
  // SCAN can return a key twice (while the table is rehashed): with every name kept, duplicates
  // are dropped; past the capacity the count may be a few keys high.
  if (count <= capacity) {
    const unique = new Map(names.map((key) => [key.toString("latin1"), key]));
    names.splice(0, names.length, ...unique.values());
    count = names.length;
  }
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  return { count, names };
}

/**
 * How the estimate talks to one node: SCAN and inspection calls, paced. On the raw socket, at most
 * `maxInFlight` calls are pending in Node and `atServer` of them written and unanswered; on ioredis
 * (which writes each call at once), `atServer` calls at a time.
 */
interface Channel {
  scan(cursor: string | number, scanCount: number): Promise<[Buffer, Buffer[]]>;
  inspect(keys: Buffer[]): Promise<{ records: KeyRecord[]; vanished: number; notPermitted: number }>;
  /** Calls to keep pending at once (the callers' workers). */
  readonly concurrency: number;
  readonly chunkSize: number;
  close(): void;
}

async function openChannel(
  target: ScanTarget,
  state: InspectionState,
  pacing: { maxInFlight: number; atServer: number; chunkSize: number },
  rawSocket: boolean,
): Promise<Channel> {
  const explain = (error: unknown): never => {
    throw explainScanFailure(error, state.server);
  };
  const socket = rawSocket
    ? await openRawSocket(target, state, "the estimate uses the ioredis connection, one call at a time.")
    : undefined;
  if (socket) {
    const raw = socket;
    raw.maxBatchesAtServer = pacing.atServer;
    return {
      concurrency: pacing.maxInFlight,
      chunkSize: pacing.chunkSize,
      scan: (cursor, scanCount) => scanRaw(raw, String(cursor), scanCount).catch(explain),
      inspect: (keys) => inspectKeysRaw(raw, keys, state),
      close: () => raw.close(),
    };
  }
  return {
    concurrency: pacing.atServer,
    chunkSize: pacing.chunkSize,
    scan: (cursor, scanCount) => target.client.scanBuffer(cursor, "COUNT", scanCount).catch(explain),
    inspect: (keys) => inspectKeys(target.client, keys, state),
    close: () => undefined,
  };
}

async function scanAllKeys(channel: Channel, scanCount: number, signal: AbortSignal | undefined): Promise<Buffer[]> {
  const seen = new Map<string, Buffer>();
  let cursor = "0";
  do {
    if (signal?.aborted) break;
    const [next, keys] = await channel.scan(cursor, scanCount);
    for (const key of keys) seen.set(key.toString("latin1"), key);
    cursor = next.toString();
  } while (cursor !== "0");
  return [...seen.values()];
}

/**
 * Probes random cursors until `quota` distinct keys are collected. The cursor's low bits
 * pick the bucket (Redis masks it by the table size), so any random integer is a valid start.
 */
async function sampleKeys(
  channel: Channel,
  quota: number,
  nodeKeys: number,
  scanCount: number,
  random: () => number,
  signal: AbortSignal | undefined,
): Promise<Buffer[]> {
  const seen = new Map<string, Buffer>();
  // Enough probes for a fair sample even when many buckets are empty, but bounded.
  const maxProbes = Math.ceil((quota / Math.max(1, Math.min(scanCount, nodeKeys))) * 4) + 20;
  let probes = 0;
  const probe = async () => {
    while (seen.size < quota && probes < maxProbes && !signal?.aborted) {
      probes += 1;
      const cursor = Math.floor(random() * 2 ** 52);
      const [, keys] = await channel.scan(cursor, scanCount);
      for (const key of keys) {
        if (seen.size >= quota) break;
        seen.set(key.toString("latin1"), key);
      }
    }
  };
  await Promise.all(Array.from({ length: channel.concurrency }, probe));
  return [...seen.values()];
}

async function inspectAll(
  channel: Channel,
  keys: Buffer[],
): Promise<{ records: KeyRecord[]; vanished: number; notPermitted: number }> {
  const records: KeyRecord[] = [];
  let vanished = 0;
  let notPermitted = 0;
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const slice = keys.slice(next, (next += channel.chunkSize));
      const result = await channel.inspect(slice);
      records.push(...result.records);
      vanished += result.vanished;
      notPermitted += result.notPermitted;
    }
  };
  await Promise.all(Array.from({ length: channel.concurrency }, worker));
  return { records, vanished, notPermitted };
}
