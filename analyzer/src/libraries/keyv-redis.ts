// @keyv/redis: `createKeyv(url | options, { namespace, keyPrefixSeparator })` returns a Keyv whose entries live in
// Redis, and `new KeyvRedis(url)` is that store used directly. TTLs are per write, in milliseconds (`set(k, v, ms)`;
// `0` or none is no expiry, so the key stays in Redis until deleted). The store names keys
// `namespace` + `keyPrefixSeparator` (`::` by default) + key; `createKeyv` turns Keyv's own prefix off.
import { methods, NO_OPTIONS, type InProcessAdapter } from "./adapter";
import { COMMON_CACHE_METHODS, construction, readTtlArgument } from "./in-process-methods";
import { findStringOption } from "./redis-protocol";

const DEFAULT_SEPARATOR = "::";

export const keyvRedis = {
  id: "keyv-redis",
  displayName: "@keyv/redis",
  kind: "in-process",
  packages: {
    "@keyv/redis": {
      createKeyv: { role: "cache-factory" },
      createKeyvNonBlocking: { role: "cache-factory" },
      default: { role: "cache-class" },
      KeyvRedis: { role: "cache-class" },
    },
  },
  construct(read) {
    // The connection (a URL, client options or a client) comes first; the Keyv options after it.
    const options = read.args[1] ? read.options(1) : NO_OPTIONS;
    const namespace = findStringOption(read, "namespace");
    const separatorOption = options.get("keyPrefixSeparator");
    const separator = separatorOption ? read.string(separatorOption) : DEFAULT_SEPARATOR;
    return construction({
      optionsOpaque: options.opaque,
      defaultTtl: { kind: "none" },
      // A Redis server: its memory is bounded by its own `maxmemory` policy, not by this client.
      bound: { kind: "none" },
      keyPrefix: namespace !== undefined && separator !== undefined ? `${namespace}${separator}` : undefined,
    });
  },
  storesReferencesWhenUnknown: false,
  methods: { ...COMMON_CACHE_METHODS, read: methods(["get", "getMany", "has", "hasMany"]) },
  // `setMany([{ key, value, ttl }])` carries a TTL per entry.
  writeTtl: (read, method) => ({
    ttl: method === "setMany" ? { kind: "unknown" } : readTtlArgument(read, 2, "ms", true),
  }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // @keyv/redis: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: {
    // Not installed here: whether createKeyv's Keyv throws depends on its throwOnErrors/throwOnConnectError options.
    read: "depends",
    write: "depends",
    checked: "@keyv/redis is not installed: not checked",
  },
  fixes: {
    ttl: "Pass a TTL in milliseconds as the third argument (`set(key, value, ms)`), or give the Keyv a `ttl`.",
    bound: { notApplicable: "a Redis server's memory is bounded by its own `maxmemory` policy" },
  },
} satisfies InProcessAdapter;
