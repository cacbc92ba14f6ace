// unstorage: `createStorage({ driver })` is a key-value store over a driver; with no driver it is the memory driver,
// an unbounded `Map` that ignores TTLs. `getItem(key)`, `setItem(key, value, { ttl })`, `removeItem(key)`,
// `clear(base?)`. `ttl` is a driver option in seconds (the redis driver sends it as `EX`, Cloudflare KV as
// `expirationTtl`); the driver's own options may give a default, which cachewise cannot see through its factory call.
import { methods, type InProcessAdapter } from "./adapter";
import { construction, readTtlOption } from "./in-process-methods";

export const unstorage = {
  id: "unstorage",
  displayName: "unstorage",
  kind: "in-process",
  packages: { unstorage: { createStorage: { role: "cache-factory" } } },
  construct(read) {
    const options = read.options(0);
    const driver = options.get("driver");
    return construction({
      optionsOpaque: options.opaque,
      // A driver's factory call (`redisDriver({ ttl })`) may set a default TTL and decides the bound.
      defaultTtl: driver ? { kind: "unknown" } : { kind: "none" },
      bound: driver ? { kind: "unknown" } : { kind: "none" },
    });
  },
  storesReferencesWhenUnknown: false,
  methods: {
    read: methods(["getItem", "getItems", "getItemRaw", "hasItem", "getMeta"]),
    write: methods(["setItem", "setItems", "setItemRaw"]),
    delete: methods(["removeItem", "clear"]),
    clear: methods(["clear"]),
  },
  writeTtl: (read, method) => ({
    // `setItems([{ key, value, options }], commonOptions)`: per entry or in argument 1.
    ttl: method === "setItems" ? { kind: "unknown" } : readTtlOption(read, 2, "ttl", "s"),
  }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // unstorage: getItem/setItem only, no read-through.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: {
    // Not installed here: storage calls pass the driver's error through, but createStorage() without a driver is the
    // memory driver, which cannot fail; the driver decides.
    read: "depends",
    write: "depends",
    checked: "unstorage is not installed: from its source (calls reach the driver without a catch)",
  },
  fixes: {
    ttl: "Pass `{ ttl }` (seconds) to `setItem`, with a driver that expires entries (redis, Cloudflare KV, lru-cache).",
    bound: "a driver with a bound or expiry (e.g. `lruCacheDriver({ max })` or redis)",
  },
} satisfies InProcessAdapter;
