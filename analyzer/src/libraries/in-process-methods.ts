// Method tables and readers shared by in-process cache adapters.
import type { Ttl } from "../model/cache-model";
import { methods, type ArgumentReader, type CacheMethods, type ConstructionFacts } from "./adapter";

/**
 * The methods cachewise has always read on every in-process cache. Libraries share most names;
 * an adapter narrows or extends these when its API differs.
 */
export const COMMON_CACHE_METHODS: CacheMethods = {
  read: methods(["get", "has", "mget", "getMany", "peek", "fetch", "load", "loadMany", "take"]),
  write: methods(["set", "mset", "setMany", "setForever", "wrap", "getOrSet", "getOrSetForever", "prime"]),
  // node-cache's `take` reads and deletes: a delete.
  delete: methods([
    "delete",
    "del",
    "mdel",
    "deleteMany",
    "take",
    "clear",
    "reset",
    "flushAll",
    "clearAll",
    "deleteByTag",
  ]),
  clear: methods(["clear", "reset", "flushAll", "clearAll", "deleteByTag"]),
};

/** Facts of a construction whose options were read, before library specifics. */
export function construction(facts: Partial<ConstructionFacts>): ConstructionFacts {
  return {
    defaultTtl: { kind: "none" },
    bound: { kind: "unknown" },
    optionsOpaque: false,
    keyPrefix: undefined,
    storesReferences: false,
    ...facts,
  };
}

/** A TTL given as a property of an options argument (`set(k, v, { ttl })`). */
export function readTtlOption(read: ArgumentReader, index: number, name: string, unit: "ms" | "s"): Ttl {
  const argument = read.args[index];
  if (!argument) return { kind: "none" };
  if (read.isSpread(argument)) return { kind: "unknown" };
  const options = read.options(index);
  const value = options.get(name);
  if (value) return read.ttl(value, unit);
  return options.opaque ? { kind: "unknown" } : { kind: "none" };
}

/** A TTL given as a positional argument (`set(k, v, 60)`). */
export function readTtlArgument(read: ArgumentReader, index: number, unit: "ms" | "s", zeroMeansNone: boolean): Ttl {
  const argument = read.args[index];
  if (!argument) return { kind: "none" };
  if (read.isSpread(argument)) return { kind: "unknown" };
  return read.ttl(argument, unit, zeroMeansNone);
}
