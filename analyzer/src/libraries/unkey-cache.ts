// @unkey/cache: `createCache({ user: new Namespace(ctx, { stores, fresh, stale }) })` gives `cache.user.get(key)`,
// `set(key, value, { fresh, stale }?)`, `remove(key)` and the read-through `swr(key, loadFromOrigin)`. `fresh` and
// `stale` are milliseconds; an entry is dropped once `stale` has passed. `MemoryStore({ persistentMap })` drops an
// expired entry only when that key is read again, so entries nobody reads stay in the map unless
// `unstableEvictOnSet: { frequency, maxItems }` sweeps it. The namespace calls resolve through `createCache`'s
// types: without them, only the constructions are read.
import { methods, type InProcessAdapter } from "./adapter";
import { construction, readTtlOption } from "./in-process-methods";

const STORE = { role: "cache-class", variant: "memory-store" } as const;

export const unkeyCache = {
  id: "unkey-cache",
  displayName: "@unkey/cache",
  kind: "in-process",
  packages: {
    "@unkey/cache": {
      createCache: { role: "cache-factory" },
      Namespace: { role: "cache-class" },
      MemoryStore: STORE,
    },
    "@unkey/cache/stores": { MemoryStore: STORE },
  },
  construct(read) {
    if (read.exportName === "MemoryStore") {
      const options = read.options(0);
      const evict = options.get("unstableEvictOnSet");
      const maxItems = evict ? read.optionsOf(evict).get("maxItems") : undefined;
      return construction({
        optionsOpaque: options.opaque,
        defaultTtl: { kind: "none" },
        bound: maxItems ? read.entries(maxItems) : evict ? { kind: "unknown" } : { kind: "none" },
      });
    }
    if (read.exportName === "Namespace") {
      const options = read.options(1);
      const stale = options.get("stale");
      return construction({
        optionsOpaque: options.opaque,
        defaultTtl: stale ? read.ttl(stale, "ms") : { kind: "unknown" },
        bound: { kind: "unknown" },
      });
    }
    // `createCache`: an object of namespaces, each described at its own construction.
    return construction({ defaultTtl: { kind: "unknown" }, bound: { kind: "unknown" } });
  },
  storesReferencesWhenUnknown: false,
  methods: {
    read: methods(["get", "getMany"]),
    write: methods(["set", "setMany", "swr", "swrMany"]),
    delete: methods(["remove"]),
    clear: methods([]),
  },
  writeTtl: (read, method) => ({
    ttl: method === "set" ? readTtlOption(read, 2, "stale", "ms") : { kind: "unknown" },
  }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // @unkey/cache is not installed here, so its `swr` is not verified: counted as refilling per caller.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: {
    // Not installed here: calls return a Result whose `err` the caller reads; nothing rejects by design.
    read: "depends",
    write: "depends",
    checked: "@unkey/cache is not installed: from its documented Result API",
  },
  fixes: {
    ttl: "Give the namespace `fresh` and `stale` (milliseconds).",
    bound: "`unstableEvictOnSet: { frequency, maxItems }` on the `MemoryStore`",
  },
} satisfies InProcessAdapter;
