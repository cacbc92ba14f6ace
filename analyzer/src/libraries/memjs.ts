// memjs: `Client.create(servers, { expires })` (or `new Client(servers, options)`) talks the Memcached binary
// protocol. `expires` is the client's default expiry in seconds (0, the default, is none). Writes take
// `{ expires }` in seconds as their third argument (`set(key, value, { expires }, callback?)`); an `expires` of 0 or
// none falls back to the client's default (`expires || this.options.expires`). `append`/`prepend` keep the item's
// expiry; `increment`/`decrement` create a missing counter with the call's (or the default) expiry; `touch(key,
// seconds)` only sets one. No key prefix.
import type { Ttl } from "../model/cache-model";
import { methods, type ArgumentReader, type RemoteStoreAdapter } from "./adapter";
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

/**
 * A memjs client's construction, `Client.create(servers?, options?)` or `new Client(servers, options?)` (also how
 * @keyv/memcache builds its client from its own arguments): `expires` in the options, second, is the default expiry.
 */
export function constructMemjsClient(read: ArgumentReader) {
  const options = read.options(1);
  return construction({ optionsOpaque: options.opaque, defaultTtl: readExpiresOption(read, options) });
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
} satisfies RemoteStoreAdapter;
