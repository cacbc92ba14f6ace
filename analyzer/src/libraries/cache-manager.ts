// cache-manager: v6+ `createCache({ stores, ttl })` in ms; ≤ 5 `caching(store, { ttl, max })`, v4 in seconds.
// NestJS injects its `Cache` type. Version 7 turns Keyv's serializer off, so reads return references.
// v7 writes to every Keyv of `stores` with the same TTL: when one of them keeps its entries in Memcached
// (`new Keyv({ store: new KeyvMemcache(…) })`), the cache's families are Memcached's and its TTLs reach Memcached.
import type { ArgumentReader } from "./adapter";
import { methods } from "./adapter";
import type { InProcessAdapter } from "./adapter";
import { readTtlAtArgument2 } from "./cacheable-shared";
import { COMMON_CACHE_METHODS, construction } from "./in-process-methods";

/** v4 takes seconds, v5+ milliseconds: by the installed version when known, else by the API shape (`caching` is v4/v5, `createCache` v6+). */
function findUnit(read: ArgumentReader, fallback: "s" | "ms"): "s" | "ms" {
  const major = read.installedMajor("cache-manager");
  return major === undefined ? fallback : major < 5 ? "s" : "ms";
}

export const cacheManager = {
  id: "cache-manager",
  displayName: "cache-manager",
  kind: "in-process",
  packages: {
    "cache-manager": {
      createCache: { role: "cache-factory" },
      caching: { role: "cache-factory" },
      // `Cache` is the type NestJS injects with `@Inject(CACHE_MANAGER)`.
      Cache: { role: "cache-class" },
    },
  },
  construct(read) {
    if (read.exportName === "caching") {
      // cache-manager ≤ 5: `caching(store, { ttl, max })`.
      const options = read.options(1);
      const ttl = options.get("ttl");
      const max = options.get("max");
      return construction({
        optionsOpaque: options.opaque,
        defaultTtl: ttl ? read.ttl(ttl, findUnit(read, "s"), true) : { kind: "none" },
        bound: max ? read.entries(max) : { kind: "unknown" },
        storesReferences: true,
      });
    }
    const options = read.options(0);
    const ttl = options.get("ttl");
    const stores = options.get("stores");
    const facts = construction({
      optionsOpaque: options.opaque,
      defaultTtl: ttl ? read.ttl(ttl, findUnit(read, "ms"), true) : { kind: "none" },
      bound: stores ? { kind: "unknown" } : { kind: "none" },
      storesReferences: true,
    });
    const shared = (stores ? (read.elements(stores) ?? []) : [])
      .map((store) => read.sharedStoreOf(store))
      .find((store) => store !== undefined);
    return shared ? { ...facts, keyPrefix: shared.keyPrefix, sharedStore: shared.library } : facts;
  },
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  writeTtl: (read, method) => readTtlAtArgument2(read, method, findUnit(read, "ms")),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: true,
  namespaceMethod: undefined,
  // cache-manager 7.2.9: `wrap` runs inside coalesceAsync(`${cacheId}::${key}`): concurrent misses share one call of the loader.
  coalescedReadThrough: methods(["wrap"]),
  requestScoped: false,
  storeErrors: (installedMajor) =>
    // cache-manager 7.2.9 (installed), 6 alike: `get`, `mget` and `wrap`'s read catch each store's error (a miss);
    // `set` rethrows a store's error, but its stores are Keyv instances, which catch it themselves (keyv above), so
    // an outage never reaches the caller. Checked in test/analyzer/store-errors.test.ts. cache-manager 5 calls its
    // store (`redisStore` of cache-manager-redis-yet…) without a catch: both throw.
    (installedMajor("cache-manager") ?? 7) >= 6
      ? { read: "swallowed", write: "swallowed", checked: "cache-manager 7.2.9, test/analyzer/store-errors.test.ts" }
      : { read: "throws", write: "throws", checked: "cache-manager 5 source (caching.ts calls the store directly)" },
  fixes: {
    ttl: "Add `ttl` to `createCache`, or a TTL as the third argument.",
    bound: "a bounded store or `ttl`",
  },
} satisfies InProcessAdapter;
