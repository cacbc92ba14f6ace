// bentocache: `new BentoCache({ default, stores, ttl, prefix })`; every method takes one options object
// (`get({ key })`, `set({ key, value, ttl })`, `getOrSet({ key, factory, ttl, tags })`); TTLs are durations, 30 s by default.
import type { InProcessAdapter } from "./adapter";
import { methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction } from "./in-process-methods";
import { findStringOption } from "./redis-protocol";

export const bentocache = {
  id: "bentocache",
  displayName: "bentocache",
  kind: "in-process",
  packages: { bentocache: { BentoCache: { role: "cache-class" } } },
  construct(read) {
    const options = read.options(0);
    const ttl = options.get("ttl");
    return construction({
      optionsOpaque: options.opaque,
      // bentocache defaults to a 30 s TTL.
      defaultTtl: ttl
        ? read.ttl(ttl, "duration")
        : { kind: "set", ms: 30_000, text: "30s (default)", unit: "duration" },
      keyPrefix: findStringOption(read, "prefix"),
    });
  },
  storesReferencesWhenUnknown: false,
  methods: COMMON_CACHE_METHODS,
  writeTtl(read, method) {
    if (method === "setForever" || method === "getOrSetForever") {
      return { ttl: { kind: "set", ms: Infinity, text: method, unit: "ms" } };
    }
    const options = read.options(0);
    const ttl = options.get("ttl");
    return {
      ttl: ttl ? read.ttl(ttl, "duration") : options.opaque ? { kind: "unknown" } : { kind: "none" },
      key: options.get("key"),
    };
  },
  // One options object: `get({ key })`, `getOrSet({ key, factory, tags })`, `deleteByTag({ tags })`.
  callShape(read) {
    if (!read.args[0]) return {};
    const options = read.options(0);
    return { key: options.has("key") ? options.get("key") : undefined, tags: options.get("tags") };
  },
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: "namespace",
  // bentocache 1.6.1: getOrSet takes a per-key lock (#acquireLock) so one caller runs the factory; grace periods serve stale.
  coalescedReadThrough: methods(["getOrSet", "getOrSetForever"]),
  requestScoped: false,
  storeErrors: {
    // bentocache 1.6.1 (installed): a failed remote (L2) call is logged and turned into a miss when an L1 backs it
    // or `suppressL2Errors` is true; an L2-only cache throws E_L2_CACHE_ERROR. The store layout decides: silent.
    read: "depends",
    write: "depends",
    checked: "bentocache 1.6.1 source (RemoteCache#tryCacheOperation)",
  },
  fixes: {
    ttl: { notApplicable: "bentocache expires entries after 30 s unless told otherwise" },
    bound: {
      notApplicable:
        "bentocache bounds its memory layer with the driver's `maxSize`/`maxItems`, which cachewise does not read yet",
    },
  },
} satisfies InProcessAdapter;
