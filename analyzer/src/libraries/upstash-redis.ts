// @upstash/redis: SET takes lower-case, mutually exclusive options (`{ ex }`, `{ px }`, `{ keepTtl }`).
import type { RedisProtocolAdapter } from "./adapter";
import { describeRedisClient, readFirstTtlOption, readSetOptions, TTL_PLACEHOLDER_SECONDS } from "./redis-protocol";

export const upstashRedis = {
  id: "upstash-redis",
  displayName: "@upstash/redis",
  kind: "redis",
  // `@upstash/redis/nodejs`, `@upstash/redis/cloudflare`: subpaths resolve to the package (see the registry).
  packages: { "@upstash/redis": { Redis: { role: "client-class" } } },
  construct: (read) => describeRedisClient(read, undefined),
  setTtl(read) {
    const options = readSetOptions(read, 2);
    if (options === "none") return { kind: "none" };
    if (options === "spread") return { kind: "unknown" };
    if (options.get("keepTtl")) return { kind: "keep" };
    const ttl = readFirstTtlOption(read, options, [
      ["ex", "s"],
      ["px", "ms"],
      ["exat", "timestamp"],
      ["pxat", "timestamp"],
    ]);
    return ttl ?? (options.opaque ? { kind: "unknown" } : { kind: "none" });
  },
  setTtlInsertion(read) {
    const value = read.args[1];
    if (!value) return undefined;
    const property = `ex: ${TTL_PLACEHOLDER_SECONDS}`;
    const options = read.args[2];
    if (!options) return { at: read.endOf(value), text: `, { ${property} }` };
    return read.insertIntoObjectLiteral(options, property);
  },
  storeErrors: {
    // @upstash/redis 1.39.0 (installed): every command is an HTTP request; a failed fetch rejects (after its retries).
    read: "throws",
    write: "throws",
    checked: "@upstash/redis 1.39.0 source (HttpClient.request rethrows the last fetch error)",
  },
  fixes: {
    ttl: "Pass `{ ex: seconds }`.",
    bound: { notApplicable: "a Redis server's memory is bounded by its own `maxmemory` policy" },
  },
  outageWait: {
    notApplicable: "each command is an HTTP request with its own retries; there is no connection to wait for",
  },
} satisfies RedisProtocolAdapter;
