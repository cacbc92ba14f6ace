// The full profile: SCAN every master (in parallel on a cluster, each within its own limits),
// inspect each batch in chunks with a cap on commands in flight, overlap the next SCAN with the
// current inspection, and stream the records into the pure aggregator.
import type { AggregationOptions } from "./aggregate";
import { createKeyspaceAggregator } from "./aggregate";
import type { KeyspaceConnection, ScanTarget } from "./connection";
import { createInspectionState, inspectKeys, inspectKeysRaw } from "./inspect-keys";
import type { InspectionState } from "./inspect-keys";
import type { KeyspaceAggregator } from "./aggregate";
import type {
  GroupStats,
  KeyRecord,
  KeyspaceAggregate,
  KeyspaceProfile,
  NamespaceNode,
  NodeProfileStats,
  ProfilePermissions,
  ProfileProgress,
} from "./keyspace-model";
import {
  MissingPermissionError,
  explainScanFailure,
  isKeyPermissionError,
  isPermissionError,
  isUnknownCommandError,
} from "./redis-errors";
import { RespError } from "./resp-socket";
import type { RespSocket } from "./resp-socket";
import { readServerStats } from "./server-stats";
import type { ServerStats } from "./server-stats";

/**
 * Keys per inspection call and calls in flight per node, for the ioredis script path and (under
 * `raw`) for the raw RESP socket. Redis runs every command it has read from a client (up to
 * 16 KB per event-loop turn) before it serves anyone else, at ≈ 1 µs of Redis time per command,
 * so what another client may wait for is the work written to Redis and not yet answered. On
 * the raw socket that is `atServer` chunks: gentle 1 × 36 keys × 4 commands = 144 commands
 * (≈ 0.15 ms), fast 2 × 32 × 4 = 256 (≈ 0.25 ms). The other chunks in flight wait in Node,
 * encoded, and go out the moment a chunk is answered, so Redis never waits for Node to build
 * the next one. A script call runs atomically, so its size bounds the wait by itself (10 keys
 * gentle, 50 fast). Measurements: bench/keyspace/README.md.
 */
export const PROFILE_SPEEDS = {
  /** Low impact: other clients' latency stays close to idle. */
  gentle: { chunkSize: 10, maxInFlight: 3, raw: { chunkSize: 36, maxInFlight: 3, atServer: 1 } },
  /** Faster, with a somewhat higher latency cost for other clients. */
  fast: { chunkSize: 50, maxInFlight: 2, raw: { chunkSize: 32, maxInFlight: 3, atServer: 2 } },
} as const;

export interface ProfileOptions extends AggregationOptions {
  /** `gentle` (default) or `fast`; `chunkSize`/`maxInFlight` override it. */
  speed?: keyof typeof PROFILE_SPEEDS;
  /** Keys per inspection call (script call or pipeline). */
  chunkSize?: number;
  /** Inspection calls in flight per node, besides the overlapped SCAN. */
  maxInFlight?: number;
  /** Raw socket only: of those, how many may be written to the server at once (the rest wait encoded). */
  maxBatchesAtServer?: number;
  /** SCAN COUNT; default 100 (COUNT 1000 already costs milliseconds on the server). */
  scanCount?: number;
  /** Only keys matching this SCAN MATCH pattern. */
  match?: string | Buffer;
  /** Use the read-only Lua fast path when permitted; default true. */
  useScript?: boolean;
  /**
   * Inspect over a dedicated raw RESP socket per node (the fastest path: no per-command client
   * cost, no script blocking Redis); default true. When the socket cannot be opened the profile
   * falls back to the script, then to pipelines. False uses those ioredis paths only.
   */
  rawSocket?: boolean;
  /** Collect MEMORY USAGE; default true. */
  collectMemory?: boolean;
  /** Collect OBJECT IDLETIME/FREQ; default true. */
  collectAccess?: boolean;
  /** Called as keys are inspected (at most every 50 ms per node, and at each node's end). */
  onProgress?: (progress: ProfileProgress) => void;
  /** Stops the scan early; the profile then has `complete: false`. */
  signal?: AbortSignal;
}

const LFU_POLICIES = new Set(["allkeys-lfu", "volatile-lfu"]);

/**
 * Reads the eviction policy: INFO memory when allowed, else CONFIG GET, else undefined (the
 * inspection then detects an LFU policy from the first IDLETIME error).
 */
export async function readEvictionPolicy(
  target: ScanTarget,
  stats: ServerStats | undefined,
): Promise<string | undefined> {
  if (stats?.maxmemoryPolicy) return stats.maxmemoryPolicy;
  try {
    const reply = (await target.client.config("GET", "maxmemory-policy")) as string[];
    return reply[1];
  } catch (error) {
    // Managed services often deny or rename CONFIG; the policy is then detected from the first IDLETIME error.
    if (isPermissionError(error) || isUnknownCommandError(error)) return undefined;
    throw error;
  }
}

/**
 * Whether the user's ACL key patterns leave some keys out, from TYPE and PTTL of a key name
 * nobody uses: refused for the key (restricted), answered (every key, unless a pattern happens
 * to match this random name), or refused for the command, which no profile can do without:
 * that throws `MissingPermissionError` before any key is scanned.
 */
export async function probeKeyPermissions(
  connection: KeyspaceConnection,
  server: string,
  random: () => number = Math.random,
): Promise<boolean> {
  // Punctuation that key patterns rarely name, so that a pattern covering this name likely covers every name.
  const name = `~~cachewise-acl-probe~~${Math.floor(random() * 2 ** 48).toString(36)}`;
  let restricted = false;
  for (const command of ["TYPE", "PTTL"] as const) {
    try {
      await (command === "TYPE" ? connection.client.type(name) : connection.client.pttl(name));
    } catch (error) {
      // Redis checks the command before the key, so a key refusal of TYPE does not hide a PTTL refusal.
      if (isKeyPermissionError(error)) restricted = true;
      else if (isPermissionError(error)) throw new MissingPermissionError(server, command, (error as Error).message);
      else throw error;
    }
  }
  return restricted;
}

/** Reads server totals and prepares the inspection state shared by profiles and estimates. */
export async function prepareInspection(
  connection: KeyspaceConnection,
  options: { useScript?: boolean; collectMemory?: boolean; collectAccess?: boolean; random?: () => number },
): Promise<{ stats: ServerStats; state: InspectionState; targets: ScanTarget[]; keysRestricted: boolean }> {
  const targets = connection.listScanTargets();
  const keysRestricted = await probeKeyPermissions(connection, connection.server, options.random);
  const stats = await readServerStats(connection);
  const policy = options.collectAccess === false ? undefined : await readEvictionPolicy(targets[0], stats);
  const state = createInspectionState({
    ...options,
    accessMetric: policy && LFU_POLICIES.has(policy) ? "freq" : "idle",
    server: connection.server,
  });
  for (const notice of [...connection.notices, ...stats.notices]) state.notices.add(notice);
  if (stats.dbsize === "denied")
    state.notices.add(
      `DBSIZE is not permitted for this user on ${connection.server} (nor INFO): the number of keys is known only from scanning them.`,
    );
  return { stats, state, targets, keysRestricted };
}

export function readPermissions(state: InspectionState, stats: ServerStats): ProfilePermissions {
  return {
    memory: state.memory,
    idle: state.access,
    info: stats.info,
    script: state.useScript ? state.script : state.script === "unknown" ? "unavailable" : state.script,
  };
}

/** Runs a full profile of the connection's keyspace. */
export async function profileKeyspace(
  connection: KeyspaceConnection,
  options: ProfileOptions = {},
): Promise<KeyspaceProfile> {
  if (connection.failure) throw connection.failure;
  const startedAt = new Date();
  const speed = PROFILE_SPEEDS[options.speed ?? "gentle"];
  const { stats, state, targets } = await prepareInspection(connection, options);
  const aggregator = createKeyspaceAggregator(options);
  const totalKeysEstimate = stats.keys;
  let scannedKeys = 0;
  // One failing node stops the others too.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const progress = (node: string) => options.onProgress?.({ scannedKeys, totalKeysEstimate, node });
  const context: ScanContext = {
    aggregator,
    state,
    chunkSize: options.chunkSize,
    maxInFlight: options.maxInFlight,
    maxBatchesAtServer: options.maxBatchesAtServer,
    speed,
    rawSocket: options.rawSocket ?? true,
    scanCount: options.scanCount ?? 100,
    match: options.match,
    signal: stop.signal,
    count: (n) => (scannedKeys += n),
    progress,
  };
  let nodes: NodeProfileStats[];
  try {
    nodes = await Promise.all(
      targets.map((target, i) =>
        scanNode(target, stats.nodes[i]?.keys, context).catch((error) => {
          stop.abort();
          throw error;
        }),
      ),
    );
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  if (connection.failure) throw connection.failure;
  // A figure denied part-way (a cluster node with other ACL rules, a selector covering only some
  // keys) would cover only some keys: it is dropped, as when it is denied from the start.
  const aggregate = dropDeniedFigures(aggregator.finish(), state.memory === "denied", state.access === "denied");
  const accessMetric =
    !state.collectAccess || state.access === "denied" ? "none" : state.accessMetric === "freq" ? "frequency" : "idle";
  return {
    ...aggregate,
    connection: connection.name,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    complete: !options.signal?.aborted,
    vanished: nodes.reduce((sum, n) => sum + n.vanished, 0),
    notPermitted: nodes.reduce((sum, n) => sum + n.notPermitted, 0),
    keysAtStart: totalKeysEstimate,
    accessMetric,
    nodes,
    permissions: readPermissions(state, stats),
    notices: [...state.notices],
  };
}

/** The aggregate without memory figures (`memory`) and without idle/frequency figures (`access`). */
function dropDeniedFigures(aggregate: KeyspaceAggregate, memory: boolean, access: boolean): KeyspaceAggregate {
  if (!memory && !access) return aggregate;
  const strip = (stats: GroupStats): GroupStats => ({
    ...stats,
    ...(memory ? { memory: undefined, largestKeys: [] } : {}),
    ...(access ? { idle: undefined, frequency: undefined } : {}),
  });
  const stripTree = (node: NamespaceNode): NamespaceNode => ({
    ...node,
    stats: strip(node.stats),
    children: node.children.map(stripTree),
  });
  return {
    total: strip(aggregate.total),
    families: aggregate.families.map((f) => ({ ...f, stats: strip(f.stats) })),
    namespaces: stripTree(aggregate.namespaces),
  };
}

interface ScanContext {
  aggregator: KeyspaceAggregator;
  state: InspectionState;
  /** Explicit overrides; otherwise the speed's figures for the path in use. */
  chunkSize: number | undefined;
  maxInFlight: number | undefined;
  maxBatchesAtServer: number | undefined;
  speed: (typeof PROFILE_SPEEDS)[keyof typeof PROFILE_SPEEDS];
  rawSocket: boolean;
  scanCount: number;
  match: string | Buffer | undefined;
  signal: AbortSignal;
  count(n: number): void;
  progress(node: string): void;
}

/** SCAN over a raw socket, in the shape ioredis' scanBuffer returns. */
export async function scanRaw(
  socket: RespSocket,
  cursor: string,
  scanCount: number,
  match?: string | Buffer,
): Promise<[Buffer, Buffer[]]> {
  const args: (string | Buffer | number)[] = [cursor];
  if (match !== undefined) args.push("MATCH", match);
  args.push("COUNT", scanCount);
  const [reply] = await socket.send([{ name: "SCAN", args }]);
  if (reply instanceof RespError) throw new Error(reply.message);
  const [next, keys] = reply as [Buffer, Buffer[]];
  return [next, keys];
}

/**
 * Opens the node's raw inspection socket, or explains (once, as a notice ending with `fallback`) why the caller
 * uses its ioredis path instead.
 */
export async function openRawSocket(
  target: ScanTarget,
  state: InspectionState,
  fallback: string,
): Promise<RespSocket | undefined> {
  if (!target.openInspectionSocket) return undefined;
  try {
    return await target.openInspectionSocket();
  } catch (error) {
    state.notices.add(
      `A dedicated inspection connection to ${target.node} could not be opened (${(error as Error).message.split("\n")[0]}): ${fallback}`,
    );
    return undefined;
  }
}

async function scanNode(
  target: ScanTarget,
  keysAtStart: number | undefined,
  context: ScanContext,
): Promise<NodeProfileStats> {
  const started = Date.now();
  const { client, node } = target;
  const { state, signal } = context;
  let scannedKeys = 0;
  let vanished = 0;
  let notPermitted = 0;
  let usedPath: NodeProfileStats["path"] | undefined;
  let lastProgress = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  // Replies are aggregated in a macrotask: the loop first sends the next chunk (in microtasks),
  // so that Redis works on it while Node aggregates. Aggregating first would make Node and
  // Redis take turns, each idle while the other works.
  const backlog: KeyRecord[][] = [];
  let drainScheduled: Promise<void> | undefined;
  const drain = () => {
    drainScheduled = undefined;
    for (const records of backlog.splice(0)) {
      for (const record of records) context.aggregator.add(record);
      scannedKeys += records.length;
      context.count(records.length);
    }
    const now = Date.now();
    if (now - lastProgress >= 50) {
      lastProgress = now;
      context.progress(node);
    }
  };
  const scheduleDrain = () => {
    drainScheduled ??= new Promise<void>((resolve) => setImmediate(() => resolve(drain())));
  };
  const scan = (cursor: string, socket: RespSocket | undefined) => {
    const reply = socket
      ? scanRaw(socket, cursor, context.scanCount, context.match)
      : context.match === undefined
        ? client.scanBuffer(cursor, "COUNT", context.scanCount)
        : (client.callBuffer("SCAN", cursor, "MATCH", context.match, "COUNT", context.scanCount) as Promise<
            [Buffer, Buffer[]]
          >);
    const explained = reply.catch((error: unknown) => {
      throw explainScanFailure(error, state.server);
    });
    // The SCAN may fail before it is awaited (the raw socket is opening, chunks are in flight):
    // mark it handled here; awaiting it below still throws.
    explained.catch(() => undefined);
    return explained;
  };

  let pending: Promise<[Buffer, Buffer[]]> | undefined = scan("0", undefined);
  // The raw socket opens while the first SCAN runs (on ioredis); later SCANs share the socket
  // with the inspection chunks (one write for both, and no ioredis cost).
  const socket =
    signal.aborted || !context.rawSocket
      ? undefined
      : await openRawSocket(target, state, "using the slower ioredis path.");
  const limits = socket ? context.speed.raw : context.speed;
  const chunkSize = Math.max(1, context.chunkSize ?? limits.chunkSize);
  const maxInFlight = Math.max(1, context.maxInFlight ?? limits.maxInFlight);
  if (socket) socket.maxBatchesAtServer = Math.max(1, context.maxBatchesAtServer ?? context.speed.raw.atServer);
  const inspect = socket
    ? (keys: Buffer[]) => inspectKeysRaw(socket, keys, state)
    : (keys: Buffer[]) => inspectKeys(client, keys, state);
  try {
    while (pending) {
      const [nextCursor, keys] = await pending;
      pending = undefined;
      if (signal.aborted || failure) break;
      const cursor = nextCursor.toString();
      // Overlap: the next SCAN is on its way while this batch is inspected.
      if (cursor !== "0") pending = scan(cursor, socket);
      for (let start = 0; start < keys.length; start += chunkSize) {
        while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        if (signal.aborted || failure) break;
        const chunk = keys.slice(start, start + chunkSize);
        const job = inspect(chunk).then(
          (result) => {
            if (usedPath !== "script" || result.path !== "pipeline") usedPath = result.path;
            vanished += result.vanished;
            notPermitted += result.notPermitted;
            backlog.push(result.records);
            scheduleDrain();
          },
          (error) => {
            failure ??= error;
          },
        );
        const tracked: Promise<void> = job.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
    }
    await Promise.all(inFlight);
    await drainScheduled;
  } finally {
    socket?.close();
  }
  if (failure) throw failure;
  drain();
  context.progress(node);
  return {
    node,
    scannedKeys,
    vanished,
    notPermitted,
    keysAtStart,
    durationMs: Date.now() - started,
    path: usedPath ?? (socket ? "raw" : state.useScript ? "script" : "pipeline"),
  };
}
