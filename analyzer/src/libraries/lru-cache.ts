// lru-cache: `new LRUCache({ max, maxSize, ttl })`; v6 and older `new LRU(max)` or `{ maxAge }`.
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction, readTtlArgument, readTtlOption } from "./in-process-methods";

export const lruCache = {
  id: "lru-cache",
  displayName: "lru-cache",
  kind: "in-process",
  packages: {
    "lru-cache": { default: { role: "cache-class" }, LRUCache: { role: "cache-class" }, "*": { role: "cache-class" } },
  },
  construct(read) {
    const first = read.args[0];
    // lru-cache v6 and older: `new LRU(max)`.
    if (first && read.number(first) !== undefined)
      return construction({ bound: read.entries(first), storesReferences: true });
    const options = read.options(0);
    const ttl = options.get("ttl") ?? options.get("maxAge");
    const max = options.get("max");
    const maxSize = options.get("maxSize");
    return construction({
      optionsOpaque: options.opaque,
      // `ttl: 0` (and `maxAge: 0`) keeps entries until they are evicted.
      defaultTtl: ttl ? read.ttl(ttl, "ms", true) : { kind: "none" },
      // lru-cache ≥ 7 throws without max/maxSize/ttl, so "nothing" is never unbounded at runtime.
      bound: max ? read.entries(max) : maxSize ? read.bytes(maxSize) : { kind: "unknown" },
      storesReferences: true,
    });
  },
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  // lru-cache 7 and later: `set(key, value, { ttl })`; 6 and older: `set(key, value, maxAge)`.
  writeTtl: (read) => ({
    ttl:
      read.args[2] && read.number(read.args[2]) !== undefined
        ? readTtlArgument(read, 2, "ms", true)
        : readTtlOption(read, 2, "ttl", "ms"),
  }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // lru-cache 11.5.3: `fetch` stores the in-flight BackgroundFetch promise under the key: concurrent fetches share it (and allowStale serves the old value meanwhile).
  coalescedReadThrough: methods(["fetch"]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: "Add `ttl` (milliseconds) to its options, or `{ ttl }` to this call.",
    bound: { notApplicable: "lru-cache 7 and later refuse to be built without `max`, `maxSize` or `ttl`" },
  },
} satisfies InProcessAdapter;
