// node-redis (`redis`, `@redis/client`): SET takes an options object, `{ EX }` in v4 and
// `{ expiration: { type, value } }` from v5 (the v4 keys still work there, deprecated).
import type { RedisProtocolAdapter } from "./adapter";
import { describeRedisClient, readFirstTtlOption, readSetOptions, TTL_PLACEHOLDER_SECONDS } from "./redis-protocol";

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
  construct: (read) => describeRedisClient(read, undefined),
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
} satisfies RedisProtocolAdapter;
