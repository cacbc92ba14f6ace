// memcached (3rd-Eden): `new Memcached(servers, { namespace })`, callback API. Every store command takes its lifetime
// in seconds after the value (`set(key, value, lifetime, callback)`, `cas(key, value, cas, lifetime, callback)`;
// 0 is no expiry); there is no default lifetime. `append`, `prepend`, `incr` and `decr` change an existing item and
// keep its expiry (they never create one); `touch(key, lifetime, callback)` only sets the expiry. `namespace` is put
// before every key as is (no separator). `maxExpiration` is documented but never enforced by the client.
//
// In an outage (`Memcached.config`, `lib/memcached.js` `connect`, jackpot's `pull` over `retry`): a request takes a
// connection from the server's pool, which tries `retries + 1` times (5 retries), `minTimeout * factor ** n` ms
// apart (1 s, 3 s, 9 s, 27 s, capped at `maxTimeout`, 60 s): 100 s before the request fails; each try at a host
// that does not answer also waits `timeout` ms (5 s). `failures`, `retry`, `reconnect` and `remove` decide when
// the server is marked dead (then requests fail at once), not how long a request waits before that.
import type { ClientOptions } from "../model/cache-model";
import { methods, type OutageWait, type OutageWaitModel, type RemoteStoreAdapter } from "./adapter";
import { isSet, numberOf, readClientOptions, settingOf } from "./client-timeouts";
import { construction, readTtlArgument } from "./in-process-methods";
import { MEMCACHED_BOUND, MEMCACHED_TTL_SEMANTICS } from "./memcached-protocol";

const options = {
  retries: { default: 5 },
  factor: { default: 3 },
  minTimeout: { default: 1000, unit: "ms" },
  maxTimeout: { default: 60_000, unit: "ms" },
  timeout: { default: 5000, unit: "ms" },
} as const;

function estimate(given: ClientOptions["given"]): OutageWait {
  for (const option of ["retries", "factor", "minTimeout", "maxTimeout"])
    if (isSet(given, option)) return { kind: "bounded", by: option };
  const model = { options };
  const retries = options.retries.default;
  let refusedMs = 0;
  for (let attempt = 0; attempt < retries; attempt++)
    refusedMs += Math.min(options.minTimeout.default * options.factor.default ** attempt, options.maxTimeout.default);
  const timeout = given.timeout;
  if (timeout && timeout.kind !== "number") return { kind: "unknown", because: "`timeout` does not fold" };
  const connectMs = numberOf(model, given, "timeout")!;
  return {
    kind: "attempts",
    mechanism: "pool",
    attempts: retries + 1,
    refusedMs,
    steadyMs: undefined,
    unreachableMs: refusedMs + (retries + 1) * connectMs,
    connectTimeout: { option: "timeout", ms: connectMs },
    settings: [settingOf(model, given, "retries"), settingOf(model, given, "timeout")],
  };
}

export const MEMCACHED_OUTAGE_WAIT: OutageWaitModel = {
  options,
  optionsArgument: 1,
  unsupported: {},
  estimate,
  fix: "Set `retries` (and `minTimeout`/`maxTimeout`) so a request gives up within what a cache read may cost, and a short `timeout` (ms).",
};

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
      clientOptions: readClientOptions(read, MEMCACHED_OUTAGE_WAIT, read.exportName),
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
  // memcached: get/set only, no read-through.
  coalescedReadThrough: methods([]),
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
  outageWait: MEMCACHED_OUTAGE_WAIT,
} satisfies RemoteStoreAdapter;
