// ioredis: `new Redis(url, { keyPrefix })`, `new Cluster(nodes, { keyPrefix })`; SET takes positional tokens.
import type { RedisProtocolAdapter } from "./adapter";
import { describeRedisClient, readPositionalSetTtl, TTL_PLACEHOLDER_SECONDS } from "./redis-protocol";

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
  construct: (read) => describeRedisClient(read, "keyPrefix"),
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
} satisfies RedisProtocolAdapter;
