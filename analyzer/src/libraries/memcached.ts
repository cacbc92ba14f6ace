// memcached (3rd-Eden): `new Memcached(servers, { namespace })`, callback API. Every store command takes its lifetime
// in seconds after the value (`set(key, value, lifetime, callback)`, `cas(key, value, cas, lifetime, callback)`;
// 0 is no expiry); there is no default lifetime. `append`, `prepend`, `incr` and `decr` change an existing item and
// keep its expiry (they never create one); `touch(key, lifetime, callback)` only sets the expiry. `namespace` is put
// before every key as is (no separator). `maxExpiration` is documented but never enforced by the client.
import { methods, type RemoteStoreAdapter } from "./adapter";
import { construction, readTtlArgument } from "./in-process-methods";
import { MEMCACHED_BOUND, MEMCACHED_TTL_SEMANTICS } from "./memcached-protocol";

const KEEPS_EXPIRY = new Set(["append", "prepend", "incr", "decr", "increment", "decrement"]);

export const memcached = {
  id: "memcached",
  displayName: "memcached",
  kind: "remote-kv",
  packages: { memcached: { default: { role: "client-class" } } },
  construct(read) {
    const options = read.options(1);
    const namespace = options.get("namespace");
    return construction({
      optionsOpaque: options.opaque,
      defaultTtl: { kind: "none" },
      keyPrefix: namespace ? read.string(namespace) || undefined : undefined,
    });
  },
  methods: {
    read: methods(["get", "gets", "getMulti"]),
    write: methods(["set", "add", "replace", "cas", "append", "prepend", "incr", "decr", "increment", "decrement"]),
    delete: methods(["del", "flush"]),
    clear: methods(["flush"]),
  },
  expire: methods(["touch"]),
  writeIfAbsent: methods(["add"]),
  hasDefaultTtl: false,
  writeTtl(read, method) {
    if (KEEPS_EXPIRY.has(method)) return { ttl: { kind: "keep" } };
    const index = method === "touch" ? 1 : method === "cas" ? 3 : 2;
    return { ttl: readTtlArgument(read, index, "s", true) };
  },
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  ttlSemantics: MEMCACHED_TTL_SEMANTICS,
  storeErrors: {
    // memcached 2.2.2 (installed) has only a callback API: the error is the callback's first argument, and what
    // happens then is the caller's own code (most treat it as a miss); nothing rejects.
    read: "depends",
    write: "depends",
    checked: "memcached 2.2.2 source (callback API)",
  },
  fixes: {
    ttl: "Pass a lifetime in seconds (30 days at most) instead of `0`.",
    bound: MEMCACHED_BOUND,
  },
} satisfies RemoteStoreAdapter;
