// What `cacheable`'s `Cacheable` and `@cacheable/memory`'s `CacheableMemory` share.
import type { Bound } from "../model/cache-model";
import type { ArgumentReader, ConstructionFacts, WriteFacts } from "./adapter";
import { construction, readTtlArgument, readTtlOption } from "./in-process-methods";

/** `new Cacheable({ primary, ttl })` / `new CacheableMemory({ ttl, lruSize, useClone })`. */
export function describeCacheable(read: ArgumentReader, isMemoryClass: boolean): ConstructionFacts {
  const options = read.options(0);
  const ttl = options.get("ttl");
  const lruSize = options.get("lruSize");
  const primary = options.get("primary");
  let bound: Bound = { kind: "none" };
  if (lruSize && read.number(lruSize) !== 0) bound = read.entries(lruSize);
  else if (!isMemoryClass && primary) bound = { kind: "unknown" };
  return construction({
    optionsOpaque: options.opaque,
    defaultTtl: ttl ? read.ttl(ttl, "ms", true) : { kind: "none" },
    bound,
  });
}

/** `set(key, value, ttl | { ttl })`, `wrap(key, fn, ttl | { ttl })`, `getOrSet(key, fn, { ttl })`: the TTL is argument 2. */
export function readTtlAtArgument2(read: ArgumentReader, method: string, unit: "ms" | "s"): WriteFacts {
  const argument = read.args[2];
  if (argument && read.optionsOf(argument).literal) return { ttl: readTtlOption(read, 2, "ttl", unit) };
  if (method === "mset" || method === "setMany") return { ttl: { kind: "unknown" } };
  return { ttl: readTtlArgument(read, 2, unit, true) };
}
