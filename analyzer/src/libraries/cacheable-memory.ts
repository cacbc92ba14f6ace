// @cacheable/memory: `new CacheableMemory({ ttl, lruSize, useClone })`; clones values unless `useClone: false`.
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { describeCacheable, readTtlAtArgument2 } from "./cacheable-shared";
import { COMMON_CACHE_METHODS } from "./in-process-methods";

export const cacheableMemory = {
  id: "cacheable-memory",
  displayName: "@cacheable/memory",
  kind: "in-process",
  packages: { "@cacheable/memory": { CacheableMemory: { role: "cache-class" } } },
  construct: (read) => ({
    ...describeCacheable(read, read.exportName === "CacheableMemory"),
    storesReferences: read.isFalse(read.options(0).get("useClone")),
  }),
  storesReferencesWhenUnknown: false,
  methods: COMMON_CACHE_METHODS,
  writeTtl: (read, method) => readTtlAtArgument2(read, method, "ms"),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // @cacheable/memory 2.x: its `wrap` is wrapSync (getOrSetSync): synchronous, nothing to coalesce.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: { ttl: "Add `ttl` to its options, or a TTL as the third argument.", bound: "`lruSize` or `ttl`" },
} satisfies InProcessAdapter;
