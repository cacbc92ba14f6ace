// The sampled estimate: SCAN at random cursors (each call returns ~COUNT keys from a random
// spot of the hash table), de-duplicate, inspect TYPE and PTTL only, and scale the shares by
// the O(1) key totals. Memory is never extrapolated: a few huge keys dominate it.
// Shares need only key names, which cost nothing beyond the SCAN reply, so the probes go on
// past the inspected sample and the shares count every name seen: with 3 names per inspected
// key, the shares' sampling error falls by √3 for the same inspection work.
import type { AggregationOptions } from "./aggregate";
import { createKeyspaceAggregator, estimateGroup, estimateNamespaceTree } from "./aggregate";
import { formatKeyForDisplay } from "./key-format";
import type { KeyspaceConnection, ScanTarget } from "./connection";
import { inspectKeys } from "./inspect-keys";
import type { InspectionState } from "./inspect-keys";
import type { KeyRecord, KeyspaceEstimate } from "./keyspace-model";
import { prepareInspection, readPermissions } from "./profile-keyspace";

export interface EstimateOptions extends AggregationOptions {
  /** Distinct keys to inspect (TYPE, PTTL); default 10,000. */
  sampleSize?: number;
  /** Key names counted for the shares per inspected key; default 3 (1 counts only the inspected keys). */
  namesPerSample?: number;
  /** SCAN COUNT per random probe; default 100. */
  scanCount?: number;
  /** Calls in flight per node; default 3. */
  maxInFlight?: number;
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
  const started = Date.now();
  const sampleSize = Math.max(1, options.sampleSize ?? 10_000);
  const { stats, state, targets } = await prepareInspection(connection, {
    useScript: options.useScript,
    collectMemory: false,
    collectAccess: false,
  });
  const nodeKeys = await Promise.all(targets.map(async (t, i) => stats.nodes[i]?.keys ?? (await t.client.dbsize())));
  const totalKeys = nodeKeys.reduce((a, b) => a + b, 0);
  const exhaustive = totalKeys <= sampleSize;
  const random = options.random ?? Math.random;
  const scanCount = options.scanCount ?? 100;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 3);
  const namesPerSample = Math.max(1, options.namesPerSample ?? 3);

  const perNode = await Promise.all(
    targets.map(async (target, i) => {
      const quota = exhaustive ? Infinity : Math.round((sampleSize * nodeKeys[i]) / Math.max(1, totalKeys));
      if (quota === 0) return { records: [] as KeyRecord[], names: [] as Buffer[], vanished: 0 };
      const names = exhaustive
        ? await scanAllKeys(target, scanCount, options.signal)
        : await sampleKeys(
            target,
            Math.min(nodeKeys[i], quota * namesPerSample),
            nodeKeys[i],
            scanCount,
            maxInFlight,
            random,
            options.signal,
          );
      // The names come in random order (random cursors): the first `quota` are a random sample of them.
      const inspected = await inspectAll(target, names.slice(0, quota), state, maxInFlight);
      return { ...inspected, names };
    }),
  );
  const aggregator = createKeyspaceAggregator(options);
  for (const node of perNode) {
    for (const record of node.records) aggregator.add(record);
    if (!exhaustive) for (const name of node.names) aggregator.addName(formatKeyForDisplay(name));
  }
  const aggregate = aggregator.finish();
  const vanished = perNode.reduce((sum, n) => sum + n.vanished, 0);
  const inspected = perNode.reduce((sum, n) => sum + n.records.length, 0);
  // An exhaustive scan has seen every key: shares from what it inspected, scaled by what it saw, not by a stale total.
  const sampledNames = exhaustive ? undefined : perNode.reduce((sum, n) => sum + n.names.length, 0);
  const scaleTo = exhaustive ? inspected : totalKeys;
  return {
    connection: connection.name,
    durationMs: Date.now() - started,
    sampledKeys: sampledNames ?? inspected,
    inspectedKeys: inspected,
    totalKeys: scaleTo,
    exhaustive,
    vanished,
    families: aggregate.families.map((f) => ({
      family: f.family,
      estimate: estimateGroup(f.stats, inspected, scaleTo, exhaustive, sampledNames),
    })),
    namespaces: estimateNamespaceTree(aggregate.namespaces, inspected, scaleTo, exhaustive, sampledNames),
    total: estimateGroup(aggregate.total, inspected, scaleTo, exhaustive, sampledNames),
    memory: "sample-only",
    permissions: readPermissions(state, stats),
    notices: [...state.notices],
  };
}

async function scanAllKeys(target: ScanTarget, scanCount: number, signal: AbortSignal | undefined): Promise<Buffer[]> {
  const seen = new Map<string, Buffer>();
  let cursor = "0";
  do {
    if (signal?.aborted) break;
    const [next, keys] = await target.client.scanBuffer(cursor, "COUNT", scanCount);
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
  target: ScanTarget,
  quota: number,
  nodeKeys: number,
  scanCount: number,
  maxInFlight: number,
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
      const [, keys] = await target.client.scanBuffer(cursor, "COUNT", scanCount);
      for (const key of keys) {
        if (seen.size >= quota) break;
        seen.set(key.toString("latin1"), key);
      }
    }
  };
  await Promise.all(Array.from({ length: maxInFlight }, probe));
  return [...seen.values()];
}

async function inspectAll(
  target: ScanTarget,
  keys: Buffer[],
  state: InspectionState,
  maxInFlight: number,
): Promise<{ records: KeyRecord[]; vanished: number }> {
  const records: KeyRecord[] = [];
  let vanished = 0;
  let next = 0;
  const chunk = 100;
  const worker = async () => {
    while (next < keys.length) {
      const slice = keys.slice(next, (next += chunk));
      const result = await inspectKeys(target.client, slice, state);
      records.push(...result.records);
      vanished += result.vanished;
    }
  };
  await Promise.all(Array.from({ length: maxInFlight }, worker));
  return { records, vanished };
}
