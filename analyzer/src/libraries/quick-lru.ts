// quick-lru: `new QuickLRU({ maxSize, maxAge })`; `set(k, v, { maxAge })`.
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction, readTtlOption } from "./in-process-methods";

export const quickLru = {
  id: "quick-lru",
  displayName: "quick-lru",
  kind: "in-process",
  packages: { "quick-lru": { default: { role: "cache-class" } } },
  construct(read) {
    const options = read.options(0);
    const maxAge = options.get("maxAge");
    const maxSize = options.get("maxSize");
    return construction({
      optionsOpaque: options.opaque,
      defaultTtl: maxAge ? read.ttl(maxAge, "ms") : { kind: "none" },
      bound: maxSize ? read.entries(maxSize) : { kind: "unknown" },
      storesReferences: true,
    });
  },
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  writeTtl: (read) => ({ ttl: readTtlOption(read, 2, "maxAge", "ms") }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // quick-lru: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: "Add `maxAge` (milliseconds) to its options, or `{ maxAge }` to this call.",
    bound: { notApplicable: "quick-lru requires `maxSize`" },
  },
} satisfies InProcessAdapter;
