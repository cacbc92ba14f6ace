// @valkey/valkey-glide: `await GlideClient.createClient(config)` / `GlideClusterClient.createClient(config)`
// (static async factories, no key prefix option). The commands are Redis's; SET takes an options object whose
// `expiry` is `{ type: TimeUnit.Seconds | "EX" | …, count }` or `"keepExisting"`, and GETEX takes
// `{ type, duration }` or `"persist"` as its second argument.
import type { Ttl, TtlUnit } from "../model/cache-model";
import type { ArgumentReader, Expr, RedisProtocolAdapter } from "./adapter";
import { describeRedisClient, readSetOptions, TTL_PLACEHOLDER_SECONDS } from "./redis-protocol";

/** `TimeUnit` members and the tokens they stand for (the enum's values are the Redis tokens). */
const TIME_UNITS: ReadonlyMap<string, TtlUnit> = new Map([
  ["EX", "s"],
  ["Seconds", "s"],
  ["PX", "ms"],
  ["Milliseconds", "ms"],
  ["EXAT", "timestamp"],
  ["UnixSeconds", "timestamp"],
  ["PXAT", "timestamp"],
  ["UnixMilliseconds", "timestamp"],
]);

/** The unit of an expiry's `type`: a folded token (`"EX"`, or the enum's value with types), else `TimeUnit.Seconds` as written. */
function readTimeUnit(read: ArgumentReader, type: Expr): TtlUnit | undefined {
  const token = read.string(type);
  if (token !== undefined) return TIME_UNITS.get(token.toUpperCase()) ?? TIME_UNITS.get(token);
  const member = read.text(type).split(".").pop()?.trim();
  return member ? TIME_UNITS.get(member) : undefined;
}

/** `{ type, count }` (SET) or `{ type, duration }` (GETEX). */
function readExpiry(read: ArgumentReader, expiry: Expr, amountName: "count" | "duration"): Ttl {
  const inner = read.optionsOf(expiry);
  const type = inner.get("type");
  const amount = inner.get(amountName);
  if (!type || !amount) return { kind: "unknown" };
  const unit = readTimeUnit(read, type);
  return unit ? read.ttl(amount, unit) : { kind: "unknown" };
}

export const valkeyGlide = {
  id: "valkey-glide",
  displayName: "@valkey/valkey-glide",
  kind: "redis",
  packages: {
    // `GlideClient.createClient(config)`: the class is read where its static factory is called.
    "@valkey/valkey-glide": {
      GlideClient: { role: "client-factory" },
      GlideClusterClient: { role: "client-factory" },
    },
  },
  construct: (read) => describeRedisClient(read, undefined),
  setTtl(read) {
    if (read.exportName === "getex") {
      const options = readSetOptions(read, 1);
      if (options === "none") return { kind: "none" };
      if (options === "spread") return { kind: "unknown" };
      const argument = read.args[1]!;
      if (read.string(argument) === "persist") return { kind: "none" };
      return readExpiry(read, argument, "duration");
    }
    const options = readSetOptions(read, 2);
    if (options === "none") return { kind: "none" };
    if (options === "spread") return { kind: "unknown" };
    const expiry = options.get("expiry");
    if (!expiry) return options.opaque ? { kind: "unknown" } : { kind: "none" };
    if (read.string(expiry) === "keepExisting") return { kind: "keep" };
    return readExpiry(read, expiry, "count");
  },
  setTtlInsertion(read) {
    const value = read.args[1];
    if (!value) return undefined;
    const property = `expiry: { type: "EX", count: ${TTL_PLACEHOLDER_SECONDS} }`;
    const options = read.args[2];
    if (!options) return { at: read.endOf(value), text: `, { ${property} }` };
    return read.insertIntoObjectLiteral(options, property);
  },
  storeErrors: {
    // Not installed here: like every Redis client, a request on a failed connection rejects (GLIDE's ConnectionError).
    read: "throws",
    write: "throws",
    checked: "@valkey/valkey-glide is not installed: from its documented errors (ConnectionError, TimeoutError)",
  },
  fixes: {
    ttl: 'Pass `{ expiry: { type: TimeUnit.Seconds, count: seconds } }` (or `expiry: "keepExisting"` to keep an existing expiry).',
    bound: { notApplicable: "a Valkey server's memory is bounded by its own `maxmemory` policy" },
  },
  outageWait: { notApplicable: "GLIDE bounds every request with `requestTimeout` (250 ms by default)" },
} satisfies RedisProtocolAdapter;
