// @isaacs/ttlcache: `new TTLCache({ ttl, max })`; a TTL is required per entry when the constructor gives none.
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction, readTtlOption } from "./in-process-methods";

export const ttlcache = {
  id: "ttlcache",
  displayName: "@isaacs/ttlcache",
  kind: "in-process",
  packages: { "@isaacs/ttlcache": { default: { role: "cache-class" }, TTLCache: { role: "cache-class" } } },
  construct(read) {
    const options = read.options(0);
    const ttl = options.get("ttl");
    const max = options.get("max");
    // A TTL is required per entry when the constructor gives none (the set throws otherwise).
    return construction({
      optionsOpaque: options.opaque,
      defaultTtl: ttl ? read.ttl(ttl, "ms") : { kind: "unknown" },
      bound: max ? read.entries(max) : { kind: "unknown" },
      storesReferences: true,
    });
  },
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  writeTtl: (read) => ({ ttl: readTtlOption(read, 2, "ttl", "ms") }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // @isaacs/ttlcache 2.1.5: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: {
      notApplicable: "@isaacs/ttlcache refuses entries without a TTL (set throws when the constructor gives none)",
    },
    bound: { notApplicable: "every @isaacs/ttlcache entry expires, so the cache cannot grow forever" },
  },
} satisfies InProcessAdapter;
