// memjs: `Client.create(servers, { expires })` (or `new Client(servers, options)`) talks the Memcached binary
// protocol. `expires` is the client's default expiry in seconds (0, the default, is none). Writes take
// `{ expires }` in seconds as their third argument (`set(key, value, { expires }, callback?)`); an `expires` of 0 or
// none falls back to the client's default (`expires || this.options.expires`). `append`/`prepend` keep the item's
// expiry; `increment`/`decrement` create a missing counter with the call's (or the default) expiry; `touch(key,
// seconds)` only sets one. No key prefix.
//
// In an outage (`lib/memjs/memjs.js` `perform`, `lib/memjs/server.js`): a request is tried `retries` times (2),
// `retry_delay` seconds apart (0.2); each try fails when the connection is not up within `conntimeout` seconds
// (twice `timeout`) or the reply does not come within `timeout` seconds (0.5). Bounded by default: about 2.2 s.
import type { ClientOptions, Ttl } from "../model/cache-model";
import {
  methods,
  type ArgumentReader,
  type OutageWait,
  type OutageWaitModel,
  type RemoteStoreAdapter,
} from "./adapter";
import { isSet, numberOf, readClientOptions, settingOf } from "./client-timeouts";
import { construction } from "./in-process-methods";
import { MEMCACHED_BOUND, MEMCACHED_TTL_SEMANTICS } from "./memcached-protocol";

const KEEPS_EXPIRY = new Set(["append", "prepend"]);

/** `{ expires }` at `index`, or the deprecated `set(key, value, callback, expires)`. */
function readExpires(read: ArgumentReader, index: number): Ttl {
  const argument = read.args[index];
  if (!argument) return { kind: "none" };
  if (read.isSpread(argument)) return { kind: "unknown" };
  if (read.isFunction(argument)) {
    const expires = read.args[index + 1];
    return expires ? read.ttl(expires, "s", true) : { kind: "none" };
  }
  return readExpiresOption(read, read.options(index));
}

/** memjs's `expires` option (seconds): its TTL, none when absent, unknown when the options cannot be read. */
function readExpiresOption(read: ArgumentReader, options: ReturnType<ArgumentReader["options"]>): Ttl {
  const expires = options.get("expires");
  if (expires) return read.ttl(expires, "s", true);
  return options.opaque ? { kind: "unknown" } : { kind: "none" };
}

const options = {
  retries: { default: 2 },
  retry_delay: { default: 0.2, unit: "s" },
  timeout: { default: 0.5, unit: "s" },
  // Twice `timeout` when not given.
  conntimeout: { default: undefined, unit: "s" },
  failover: { default: false },
} as const;

function estimate(given: ClientOptions["given"]): OutageWait {
  for (const option of ["timeout", "conntimeout", "retries", "retry_delay"])
    if (isSet(given, option)) return { kind: "bounded", by: option };
  const failover = given.failover;
  // With `failover`, a request moves on to the next server and is tried there again.
  if (failover && !(failover.kind === "boolean" && !failover.value))
    return { kind: "unknown", because: "with `failover` a request is tried on each server in turn" };
  const model = { options };
  const attempts = Math.max(numberOf(model, given, "retries")!, 1);
  const delayMs = numberOf(model, given, "retry_delay")! * 1000;
  const connectMs = 2 * numberOf(model, given, "timeout")! * 1000;
  const refusedMs = (attempts - 1) * delayMs;
  return {
    kind: "attempts",
    mechanism: "request",
    attempts,
    refusedMs,
    steadyMs: undefined,
    unreachableMs: refusedMs + attempts * connectMs,
    connectTimeout: { option: "conntimeout", ms: connectMs },
    settings: [settingOf(model, given, "timeout"), settingOf(model, given, "retries")],
  };
}

export const MEMJS_OUTAGE_WAIT: OutageWaitModel = {
  options,
  optionsArgument: 1,
  unsupported: {},
  estimate,
  fix: "Set `timeout` and `conntimeout` (seconds) and `retries` to what a cache read may cost.",
};

/**
 * A memjs client's construction, `Client.create(servers?, options?)` or `new Client(servers, options?)` (also how
 * @keyv/memcache builds its client from its own arguments): `expires` in the options, second, is the default expiry.
 */
export function constructMemjsClient(read: ArgumentReader) {
  const options = read.options(1);
  const servers = read.args[0];
  // `new Client([new Server(host, port, user, pass, { timeout })])`: the servers carry their own timeouts.
  const clientOptions =
    servers && !read.isPrimitive(servers)
      ? { given: {}, opaque: true, unsupported: "servers built by the project carry their own timeouts" }
      : readClientOptions(read, MEMJS_OUTAGE_WAIT, read.exportName);
  return {
    ...construction({ optionsOpaque: options.opaque, defaultTtl: readExpiresOption(read, options) }),
    clientOptions,
  };
}

export const memjs = {
  id: "memjs",
  displayName: "memjs",
  kind: "remote-kv",
  packages: { memjs: { Client: { role: "client-class", constructors: ["create"] } } },
  construct: constructMemjsClient,
  methods: {
    read: methods(["get"]),
    write: methods(["set", "add", "replace", "increment", "decrement", "append", "prepend"]),
    delete: methods(["delete", "flush"]),
    clear: methods(["flush"]),
  },
  expire: methods(["touch"]),
  writeIfAbsent: methods(["add"]),
  hasDefaultTtl: true,
  writeTtl(read, method) {
    if (KEEPS_EXPIRY.has(method)) return { ttl: { kind: "keep" } };
    if (method === "touch") {
      const seconds = read.args[1];
      return { ttl: seconds && !read.isFunction(seconds) ? read.ttl(seconds, "s", true) : { kind: "none" } };
    }
    return { ttl: readExpires(read, 2) };
  },
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // memjs: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  ttlSemantics: MEMCACHED_TTL_SEMANTICS,
  storeErrors: {
    // memjs 1.3.2 (installed): after `retries` (2) a get or set without a callback rejects with the network error.
    read: "throws",
    write: "throws",
    checked: "memjs 1.3.2 source (Client.prototype.perform)",
  },
  fixes: {
    ttl: "Pass `{ expires: seconds }` (30 days at most), or give the client a default `expires`.",
    bound: MEMCACHED_BOUND,
  },
  outageWait: MEMJS_OUTAGE_WAIT,
} satisfies RemoteStoreAdapter;
