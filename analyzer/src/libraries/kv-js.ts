// kv.js (`@heyputer/kv.js`): an in-process store with Redis's command names. `new kvjs()` takes no options, so
// there is no default TTL and no bound; a write expires only with `set(k, v, { EX })` (seconds), `{ PX }`
// (milliseconds), `setex(k, v, ms)`, or a later `expire`. The store is a `Map` of the values as given: reads
// return the stored object itself.
import type { Ttl } from "../model/cache-model";
import type { ArgumentReader, InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { construction, readTtlArgument } from "./in-process-methods";

/** `set(k, v, { EX: 60 })` or `{ PX: 60000 }`; `EXAT`/`PXAT` (a moment, not a duration) and `KEEPTTL` are unknown. */
function readSetOptionsTtl(read: ArgumentReader): Ttl {
  const argument = read.args[2];
  if (!argument) return { kind: "none" };
  if (read.isSpread(argument)) return { kind: "unknown" };
  const options = read.options(2);
  const seconds = options.get("EX");
  if (seconds) return read.ttl(seconds, "s");
  const milliseconds = options.get("PX");
  if (milliseconds) return read.ttl(milliseconds, "ms");
  if (options.opaque || options.get("EXAT") || options.get("PXAT") || options.get("KEEPTTL"))
    return { kind: "unknown" };
  return { kind: "none" };
}

export const kvJs = {
  id: "kv-js",
  displayName: "kv.js",
  kind: "in-process",
  packages: { "@heyputer/kv.js": { default: { role: "cache-class" }, "*": { role: "cache-class" } } },
  construct: () => construction({ defaultTtl: { kind: "none" }, bound: { kind: "none" }, storesReferences: true }),
  storesReferencesWhenUnknown: true,
  methods: {
    read: methods(["get", "mget", "exists", "getrange"]),
    write: methods(["set", "setex", "getset"]),
    delete: methods(["del", "getdel", "flushall"]),
    clear: methods(["flushall"]),
  },
  writeTtl(read, method) {
    if (method === "setex") return { ttl: readTtlArgument(read, 2, "ms", false) };
    if (method === "getset") return { ttl: { kind: "none" } };
    return { ttl: readSetOptionsTtl(read) };
  },
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // @heyputer/kv.js 0.2: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: "Pass `{ EX: seconds }` (or `{ PX: milliseconds }`) as the third argument of `set`.",
    bound: "an expiry on each write (`{ EX: seconds }`); kv.js has no size limit",
  },
} satisfies InProcessAdapter;
