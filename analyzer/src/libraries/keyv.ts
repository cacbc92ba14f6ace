// keyv: `new Keyv(store?, { namespace, ttl })` or `new Keyv({ store, ttl })`; TTLs in milliseconds; values serialised.
// Over a Memcached store (`@keyv/memcache`) the entries live in Memcached: the instance's families are Memcached's,
// and its keys are `namespace:namespace:key` (Keyv's prefix, then the store's; the namespace is `keyv` by default).
import type { Bound } from "../model/cache-model";
import type { ArgumentReader, Expr, InProcessAdapter, OptionsView } from "./adapter";
import { methods, NO_OPTIONS } from "./adapter";
import { COMMON_CACHE_METHODS, construction, readTtlArgument } from "./in-process-methods";
import { formatKeyvMemcacheNamespace } from "./keyv-memcache";

const DEFAULT_NAMESPACE = "keyv";

const OPTION_KEYS = new Set([
  "ttl",
  "namespace",
  "store",
  "serialize",
  "deserialize",
  "compression",
  "useKeyPrefix",
  "stats",
  "emitErrors",
  "throwOnErrors",
  "throwOnFailedGet",
  "adapter",
  "uri",
]);

/** `new Keyv(store, options)` vs `new Keyv(options)`. */
function splitArguments(read: ArgumentReader): { options: OptionsView; store: Expr | undefined } {
  const first = read.args[0];
  if (!first) return { options: NO_OPTIONS, store: undefined };
  const options = read.options(0);
  if (options.literal && options.names.every((name) => OPTION_KEYS.has(name))) {
    return { options, store: undefined };
  }
  return { options: read.args[1] ? read.options(1) : NO_OPTIONS, store: first };
}

function describeStoreBound(read: ArgumentReader, store: Expr): Bound {
  return read.isGlobalMapConstruction(store) ? { kind: "none" } : { kind: "unknown" };
}

export const keyv = {
  id: "keyv",
  displayName: "keyv",
  kind: "in-process",
  packages: { keyv: { default: { role: "cache-class" }, Keyv: { role: "cache-class" } } },
  construct(read) {
    const { options, store } = splitArguments(read);
    const ttl = options.get("ttl");
    const storeExpression = store ?? options.get("store");
    // Keys are stored as `namespace:key`.
    let namespace: string | undefined;
    let namespaceGiven = false;
    for (const argument of read.args) {
      const value = read.optionsOf(argument).get("namespace");
      if (value) {
        namespace = read.string(value);
        namespaceGiven = true;
        break;
      }
    }
    const facts = construction({
      optionsOpaque: options.opaque,
      defaultTtl: ttl ? read.ttl(ttl, "ms", true) : { kind: "none" },
      bound: storeExpression ? describeStoreBound(read, storeExpression) : { kind: "none" },
      keyPrefix: namespace ? `${namespace}:` : undefined,
    });
    const shared = storeExpression ? read.sharedStoreOf(storeExpression) : undefined;
    if (shared?.library !== "keyv-memcache") return facts;
    // The store names keys after the namespace Keyv hands it, then Keyv's own prefix follows (unless turned off).
    const effective = namespaceGiven ? namespace : DEFAULT_NAMESPACE;
    const useKeyPrefix = !read.isFalse(options.get("useKeyPrefix"));
    const keyPrefix =
      effective === undefined
        ? undefined
        : formatKeyvMemcacheNamespace(effective) + (useKeyPrefix ? `${effective}:` : "");
    return { ...facts, keyPrefix, sharedStore: shared.library };
  },
  storesReferencesWhenUnknown: false,
  methods: COMMON_CACHE_METHODS,
  // `setMany([{ key, value, ttl }])` carries a TTL per entry.
  writeTtl: (read, method) => ({
    ttl: method === "setMany" ? { kind: "unknown" } : readTtlArgument(read, 2, "ms", false),
  }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // keyv 5.6.0: get/set/delete only; no wrap or getOrSet, so no coalescing.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: {
    // keyv 5.6.0 (installed): `get` catches the store's error and resolves undefined (a miss); `set` catches it,
    // emits "error" (a no-op without a listener: Keyv's own emitter) and resolves false. `throwOnErrors: true` makes
    // both throw. Checked with a store on a closed port in test/analyzer/store-errors.test.ts.
    read: "swallowed",
    write: "swallowed",
    checked: "keyv 5.6.0, test/analyzer/store-errors.test.ts",
  },
  fixes: {
    ttl: "Add `ttl` (milliseconds) to its options, or a TTL as the third argument.",
    bound: "a bounded store (e.g. `new LRUCache({ max })`) or `ttl`",
  },
} satisfies InProcessAdapter;
