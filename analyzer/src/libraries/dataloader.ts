// DataLoader: `new DataLoader(batchFn, { cache, cacheMap })`; an unbounded Map meant to live for one request.
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction } from "./in-process-methods";

export const dataloader = {
  id: "dataloader",
  displayName: "dataloader",
  kind: "in-process",
  packages: { dataloader: { default: { role: "cache-class" }, "*": { role: "cache-class" } } },
  construct(read) {
    const options = read.options(1);
    const cache = options.get("cache");
    const cacheMap = options.get("cacheMap");
    return construction({
      optionsOpaque: options.opaque,
      bound: read.isFalse(cache)
        ? { kind: "entries", value: 0, text: "cache: false" }
        : cacheMap
          ? { kind: "unknown" }
          : { kind: "none" },
      storesReferences: true,
    });
  },
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  writeTtl: () => ({ ttl: { kind: "unknown" } }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // dataloader 2.2.3: `load` of a key already requested returns the same promise (the loader's cache is the coalescing).
  coalescedReadThrough: methods(["load", "loadMany"]),
  requestScoped: true,
  storeErrors: IN_PROCESS_STORE,
  keyedBatch: (read) => ({ batch: read.args[0], key: read.options(1).get("cacheKeyFn") }),
  fixes: {
    ttl: { notApplicable: "DataLoader has no expiry: it is meant to live for one request" },
    // require-cache-bound reports DataLoaders that outlive a request on its own terms.
    bound: { notApplicable: "DataLoader has no size option: a shared instance is reported as such" },
  },
} satisfies InProcessAdapter;
