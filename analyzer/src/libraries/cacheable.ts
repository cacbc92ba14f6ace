// cacheable: `new Cacheable({ primary, secondary, ttl })` (also exports `CacheableMemory`); TTLs in ms or shorthand.
import { methods, type InProcessAdapter } from "./adapter";
import { describeCacheable, readTtlAtArgument2 } from "./cacheable-shared";
import { COMMON_CACHE_METHODS } from "./in-process-methods";

export const cacheable = {
  id: "cacheable",
  displayName: "cacheable",
  kind: "in-process",
  packages: { cacheable: { Cacheable: { role: "cache-class" }, CacheableMemory: { role: "cache-class" } } },
  construct: (read) => describeCacheable(read, read.exportName === "CacheableMemory"),
  storesReferencesWhenUnknown: false,
  methods: COMMON_CACHE_METHODS,
  writeTtl: (read, method) => readTtlAtArgument2(read, method, "ms"),
  // `set(key, value, { ttl, tags })`, `getOrSet(key, fn, { ttl, tags })`.
  callShape: (read, _method, operation) =>
    operation === "write" && read.args[2] && !read.isSpread(read.args[2]) ? { tags: read.options(2).get("tags") } : {},
  tagService: { property: "tags", invalidate: methods(["invalidateTag", "invalidateTags"]) },
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // cacheable 2.5.0: getOrSet (and wrap, built on it) runs the loader inside @cacheable/utils coalesceAsync.
  coalescedReadThrough: methods(["getOrSet", "wrap"]),
  requestScoped: false,
  storeErrors: {
    // cacheable 2.5.0 (installed): get/set catch a store's error and emit "error"; its stores are Keyv instances.
    read: "swallowed",
    write: "swallowed",
    checked: "cacheable 2.5.0 source (Cacheable.get/set)",
  },
  fixes: {
    ttl: "Add `ttl` to its options, or a TTL as the third argument.",
    bound: "`lruSize` on the primary store or `ttl`",
  },
} satisfies InProcessAdapter;
