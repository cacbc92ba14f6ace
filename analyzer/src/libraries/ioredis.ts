// ioredis: `new Redis(url, { keyPrefix })`, `new Cluster(nodes, { keyPrefix })`; SET takes positional tokens.
//
// In an outage (`Redis.defaultOptions`, `built/redis/event_handler.js`): a command sent while the connection is down
// waits in the offline queue (`enableOfflineQueue`, on by default); the client reconnects after
// `retryStrategy(times)` ms (`Math.min(times * 50, 2000)` by default), and every `maxRetriesPerRequest + 1`-th
// close (20 by default) flushes the queue with an error. Each connection attempt to a host that does not answer
// waits `connectTimeout` (10 s). `commandTimeout` (none by default) rejects a command after that many ms, queued or
// sent. `maxRetriesPerRequest: null` keeps commands until the client reconnects, for ever.
import type { ClientOptions } from "../model/cache-model";
import type { OutageWait, OutageWaitModel, RedisProtocolAdapter } from "./adapter";
import { isSet, numberOf, readClientOptions, settingOf } from "./client-timeouts";
import { describeRedisClient, readPositionalSetTtl, TTL_PLACEHOLDER_SECONDS } from "./redis-protocol";

/** ioredis's default `retryStrategy`: `Math.min(times * stepMs, capMs)` ms before reconnection attempt `times`. */
export const IOREDIS_RETRY_DELAY = { stepMs: 50, capMs: 2000 } as const;

const options = {
  commandTimeout: { default: undefined, unit: "ms" },
  maxRetriesPerRequest: { default: 20 },
  enableOfflineQueue: { default: true },
  // A function by default (see IOREDIS_RETRY_DELAY); one given may stop reconnecting, which fails the queue.
  retryStrategy: { default: undefined },
  connectTimeout: { default: 10_000, unit: "ms" },
} as const;

function estimate(given: ClientOptions["given"]): OutageWait {
  const model = { options };
  if (isSet(given, "commandTimeout")) return { kind: "bounded", by: "commandTimeout" };
  const queue = given.enableOfflineQueue;
  if (queue?.kind === "boolean" && !queue.value) return { kind: "bounded", by: "enableOfflineQueue" };
  if (queue && queue.kind !== "boolean") return { kind: "unknown", because: "`enableOfflineQueue` does not fold" };
  const strategy = given.retryStrategy;
  // `retryStrategy: null` never reconnects: the first close fails every queued command.
  if (strategy?.kind === "null") return { kind: "bounded", by: "retryStrategy" };
  if (strategy) return { kind: "unknown", because: "a `retryStrategy` of the project's may stop reconnecting" };
  const settings = [
    settingOf(model, given, "commandTimeout"),
    settingOf(model, given, "maxRetriesPerRequest"),
    settingOf(model, given, "enableOfflineQueue"),
  ];
  const retries = given.maxRetriesPerRequest;
  if (retries?.kind === "null") return { kind: "until-reconnected", settings };
  // A number of the team's is their bound; anything else given cannot be read.
  if (retries)
    return retries.kind === "number"
      ? { kind: "bounded", by: "maxRetriesPerRequest" }
      : { kind: "unknown", because: "`maxRetriesPerRequest` does not fold" };
  const attempts = options.maxRetriesPerRequest.default;
  const connectMs = numberOf(model, given, "connectTimeout") ?? options.connectTimeout.default;
  let refusedMs = 0;
  for (let times = 1; times <= attempts; times++)
    refusedMs += Math.min(times * IOREDIS_RETRY_DELAY.stepMs, IOREDIS_RETRY_DELAY.capMs);
  return {
    kind: "attempts",
    mechanism: "reconnect",
    attempts,
    refusedMs,
    // Once the delay has reached its cap, a command waits for `attempts + 1` delays between two flushes.
    steadyMs: (attempts + 1) * IOREDIS_RETRY_DELAY.capMs,
    unreachableMs: refusedMs + attempts * connectMs,
    connectTimeout: { option: "connectTimeout", ms: connectMs },
    settings,
  };
}

export const IOREDIS_OUTAGE_WAIT: OutageWaitModel = {
  options,
  optionsArgument: "any",
  unsupported: { Cluster: "a Cluster's outage behaviour (clusterRetryStrategy, redisOptions) is not modelled" },
  estimate,
  fix: "Give the client a `commandTimeout` (ms) so a cache call fails fast and falls back, and bound `maxRetriesPerRequest` (or turn off `enableOfflineQueue`).",
};

export const ioredis = {
  id: "ioredis",
  displayName: "ioredis",
  kind: "redis",
  packages: {
    ioredis: {
      default: { role: "client-class" },
      Redis: { role: "client-class" },
      Cluster: { role: "client-class" },
      "*": { role: "client-class" },
    },
  },
  construct: (read) => ({
    ...describeRedisClient(read, "keyPrefix"),
    clientOptions: readClientOptions(read, IOREDIS_OUTAGE_WAIT, read.exportName),
  }),
  setTtl: readPositionalSetTtl,
  setTtlInsertion(read) {
    const value = read.args[1];
    return value ? { at: read.endOf(value), text: `, "EX", ${TTL_PLACEHOLDER_SECONDS}` } : undefined;
  },
  storeErrors: {
    // ioredis 5.11.1 (installed): a command rejects with the connection error (after `maxRetriesPerRequest`, 20 by
    // default, with the offline queue on); checked against a closed port in test/analyzer/store-errors.test.ts.
    read: "throws",
    write: "throws",
    checked: "ioredis 5.11.1, test/analyzer/store-errors.test.ts",
  },
  fixes: {
    ttl: 'Pass `"EX", seconds` (or `"KEEPTTL"` to keep an existing expiry).',
    bound: { notApplicable: "a Redis server's memory is bounded by its own `maxmemory` policy" },
  },
  outageWait: IOREDIS_OUTAGE_WAIT,
} satisfies RedisProtocolAdapter;
