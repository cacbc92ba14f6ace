// tiny-lru: factory `lru(max = 1000, ttl = 0)` and class `new LRU(max = 0, ttl = 0)`, positional; no per-entry TTL.
import type { Bound, Ttl } from "../model/cache-model";
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction } from "./in-process-methods";

export const tinyLru = {
  id: "tiny-lru",
  displayName: "tiny-lru",
  kind: "in-process",
  packages: { "tiny-lru": { lru: { role: "cache-factory" }, LRU: { role: "cache-class" } } },
  construct(read) {
    const isFactory = read.exportName === "lru";
    const [max, ttl] = read.args;
    const maxValue = max ? read.number(max) : isFactory ? 1000 : 0;
    const bound: Bound =
      maxValue === undefined
        ? { kind: "unknown" }
        : maxValue > 0
          ? { kind: "entries", value: maxValue, text: max ? read.text(max) : "1000" }
          : { kind: "none" };
    const ttlValue = ttl ? read.number(ttl) : 0;
    const defaultTtl: Ttl = ttl === undefined || ttlValue === 0 ? { kind: "none" } : read.ttl(ttl, "ms");
    return construction({ bound, defaultTtl, storesReferences: true });
  },
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  // tiny-lru has no per-entry TTL: only the instance's (second constructor argument).
  writeTtl: () => ({ ttl: { kind: "none" } }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // tiny-lru: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: "Pass a TTL in milliseconds as the second argument where it is built (tiny-lru has no per-entry TTL).",
    bound: "a `max` (first argument)",
  },
} satisfies InProcessAdapter;
