// @keyv/memcache: `new KeyvMemcache(servers?, options?)`, the Memcached store of Keyv, built on memjs (its options go
// to `Client.create`, so `expires` is a default expiry in seconds). Used directly or as a Keyv's store, it takes TTLs
// in milliseconds and hands Memcached `Math.floor(ttl / 1000)` seconds (`set(key, value, ms)`; none, or under a
// second, falls back to the store's `expires`, none by default). It names keys `namespace:key` with the namespace its Keyv gives
// it, and Keyv prefixes the key with the same namespace first (`keyv` by default): `keyv:keyv:key`.
import { methods, type RemoteStoreAdapter } from "./adapter";
import { readTtlArgument } from "./in-process-methods";
import { constructMemjsClient, MEMJS_OUTAGE_WAIT } from "./memjs";
import { MEMCACHED_BOUND, MEMCACHED_TTL_SEMANTICS } from "./memcached-protocol";

/** The prefix the store puts before each key for the namespace its Keyv sets (`formatKey`). */
export function formatKeyvMemcacheNamespace(namespace: string): string {
  return `${namespace.trim()}:`;
}

export const keyvMemcache = {
  id: "keyv-memcache",
  displayName: "@keyv/memcache",
  kind: "remote-kv",
  packages: {
    "@keyv/memcache": { default: { role: "cache-class" }, KeyvMemcache: { role: "cache-class" } },
  },
  // Its options go to memjs's `Client.create`: the same construction.
  construct: constructMemjsClient,
  methods: {
    read: methods(["get", "getMany", "has"]),
    write: methods(["set"]),
    delete: methods(["delete", "deleteMany", "clear"]),
    clear: methods(["clear"]),
  },
  expire: methods([]),
  writeIfAbsent: methods([]),
  hasDefaultTtl: true,
  writeTtl: (read) => ({ ttl: readTtlArgument(read, 2, "ms", true) }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // @keyv/memcache: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  ttlSemantics: MEMCACHED_TTL_SEMANTICS,
  storeErrors: {
    // @keyv/memcache 2.0.2 (installed), used directly: get and set reject with memjs's error. (Behind a Keyv, Keyv's
    // own answer applies: it catches.)
    read: "throws",
    write: "throws",
    checked: "@keyv/memcache 2.0.2 source (get/set reject with the client's error)",
  },
  fixes: {
    ttl: "Pass a TTL in milliseconds as the third argument (`set(key, value, ms)`, 30 days at most), or give the store a default `expires` (seconds).",
    bound: MEMCACHED_BOUND,
  },
  // Its client is memjs's, built from its own options.
  outageWait: MEMJS_OUTAGE_WAIT,
} satisfies RemoteStoreAdapter;
