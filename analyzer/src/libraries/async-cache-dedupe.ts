// async-cache-dedupe: `createCache({ ttl, storage })` then `cache.define(name, options, fn)`; TTLs per definition.
import type { InProcessAdapter } from "./adapter";
import { methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction } from "./in-process-methods";

export const asyncCacheDedupe = {
  id: "async-cache-dedupe",
  displayName: "async-cache-dedupe",
  kind: "in-process",
  packages: { "async-cache-dedupe": { createCache: { role: "cache-factory" } } },
  // The TTL lives in each `define`, which cachewise does not read yet: unknown, never "none".
  construct: () => construction({ defaultTtl: { kind: "unknown" }, storesReferences: true }),
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  writeTtl: () => ({ ttl: { kind: "unknown" } }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // async-cache-dedupe 3.4.0: a defined function's concurrent calls with one key share one pending promise (its purpose).
  coalescedReadThrough: methods(["get"]),
  requestScoped: false,
  storeErrors: {
    // async-cache-dedupe 3.4.0 (installed): a storage error goes to `onError` and the function is called instead.
    read: "swallowed",
    write: "swallowed",
    checked: "async-cache-dedupe 3.4.0 source (Wrapper#wrapFunction catches into onError)",
  },
  fixes: {
    ttl: { notApplicable: "async-cache-dedupe takes its TTL per `define`, which cachewise does not read yet" },
    bound: { notApplicable: "async-cache-dedupe bounds its memory storage (1024 entries per definition by default)" },
  },
} satisfies InProcessAdapter;
