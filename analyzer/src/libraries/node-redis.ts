// node-redis (`redis`, `@redis/client`): SET takes an options object, `{ EX }` in v4 and
// `{ expiration: { type, value } }` from v5 (the v4 keys still work there, deprecated).
//
// In an outage (`lib/client/index.js`, `lib/client/socket.js`): while the socket reconnects, commands wait in the
// offline queue unless `disableOfflineQueue` is true, and the default `socket.reconnectStrategy` retries for ever
// (50 ms doubling to 2 s, plus up to 200 ms of jitter; it gives up only after a socket timeout), so a command waits
// until Redis is back. `commandOptions: { timeout }` (node-redis 5 and later) rejects a command after that many ms;
// `socket.reconnectStrategy: false` closes the client on the first error, which fails the queue.
import type { ClientOptions } from "../model/cache-model";
import type { OutageWait, OutageWaitModel, RedisProtocolAdapter } from "./adapter";
import { isSet, readClientOptions, settingOf } from "./client-timeouts";
import { describeRedisClient, readFirstTtlOption, readSetOptions, TTL_PLACEHOLDER_SECONDS } from "./redis-protocol";

const options = {
  disableOfflineQueue: { default: false },
  "commandOptions.timeout": { default: undefined, unit: "ms" },
  "socket.reconnectStrategy": { default: undefined },
} as const;

function estimate(given: ClientOptions["given"]): OutageWait {
  if (isSet(given, "commandOptions.timeout")) return { kind: "bounded", by: "commandOptions.timeout" };
  const queue = given.disableOfflineQueue;
  if (queue?.kind === "boolean" && queue.value) return { kind: "bounded", by: "disableOfflineQueue" };
  if (queue && queue.kind !== "boolean") return { kind: "unknown", because: "`disableOfflineQueue` does not fold" };
  const strategy = given["socket.reconnectStrategy"];
  if (strategy?.kind === "boolean" && !strategy.value) return { kind: "bounded", by: "socket.reconnectStrategy" };
  // A function may give up (return an Error or false); a fixed delay (a number) retries for ever.
  if (strategy && strategy.kind !== "number" && strategy.kind !== "null")
    return { kind: "unknown", because: "a `reconnectStrategy` of the project's may give up" };
  const model = { options };
  return {
    kind: "until-reconnected",
    settings: [settingOf(model, given, "disableOfflineQueue"), settingOf(model, given, "commandOptions.timeout")],
  };
}

export const NODE_REDIS_OUTAGE_WAIT: OutageWaitModel = {
  options,
  optionsArgument: 0,
  unsupported: {
    createCluster: "a cluster's outage behaviour is not modelled",
    createSentinel: "a sentinel's outage behaviour is not modelled",
  },
  estimate,
  fix: "Set `disableOfflineQueue: true` so commands fail at once while the client reconnects (and, from node-redis 5, `commandOptions: { timeout: ms }`).",
};

const factories = {
  createClient: { role: "client-factory" },
  createCluster: { role: "client-factory" },
  createSentinel: { role: "client-factory" },
} as const;

export const nodeRedis = {
  id: "node-redis",
  displayName: "node-redis",
  kind: "redis",
  packages: { redis: factories, "@redis/client": factories },
  construct: (read) => ({
    ...describeRedisClient(read, undefined),
    clientOptions: readClientOptions(read, NODE_REDIS_OUTAGE_WAIT, read.exportName),
  }),
  setTtl(read) {
    const options = readSetOptions(read, 2);
    if (options === "none") return { kind: "none" };
    if (options === "spread") return { kind: "unknown" };
    const expiration = options.get("expiration");
    if (expiration) {
      if (read.string(expiration) === "KEEPTTL") return { kind: "keep" };
      const inner = read.optionsOf(expiration);
      const type = inner.get("type");
      const value = inner.get("value");
      if (!type || !value) return { kind: "unknown" };
      const token = read.string(type);
      return read.ttl(value, token === "PX" ? "ms" : token === "EX" ? "s" : "timestamp");
    }
    if (options.get("KEEPTTL")) return { kind: "keep" };
    const ttl = readFirstTtlOption(read, options, [
      ["EX", "s"],
      ["PX", "ms"],
      ["EXAT", "timestamp"],
      ["PXAT", "timestamp"],
    ]);
    return ttl ?? (options.opaque ? { kind: "unknown" } : { kind: "none" });
  },
  setTtlInsertion(read) {
    const value = read.args[1];
    if (!value) return undefined;
    const v5 = (read.installedMajor("@redis/client") ?? 5) >= 5;
    const property = v5
      ? `expiration: { type: "EX", value: ${TTL_PLACEHOLDER_SECONDS} }`
      : `EX: ${TTL_PLACEHOLDER_SECONDS}`;
    const options = read.args[2];
    if (!options) return { at: read.endOf(value), text: `, { ${property} }` };
    return read.insertIntoObjectLiteral(options, property);
  },
  storeErrors: {
    // @redis/client 6.3.1 (installed): a command rejects when the socket fails (with the offline queue, once the
    // client gives up reconnecting; with disableOfflineQueue, at once: ClientOfflineError).
    read: "throws",
    write: "throws",
    checked: "@redis/client 6.3.1, test/analyzer/store-errors.test.ts",
  },
  fixes: {
    ttl: 'Pass `{ expiration: { type: "EX", value: seconds } }` (or `{ EX: seconds }` on node-redis v4).',
    bound: { notApplicable: "a Redis server's memory is bounded by its own `maxmemory` policy" },
  },
  outageWait: NODE_REDIS_OUTAGE_WAIT,
} satisfies RedisProtocolAdapter;
