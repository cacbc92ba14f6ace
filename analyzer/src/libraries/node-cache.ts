// node-cache: `new NodeCache({ stdTTL, maxKeys, useClones })`, TTLs in seconds (0 = unlimited).
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction, readTtlArgument } from "./in-process-methods";

export const nodeCache = {
  id: "node-cache",
  displayName: "node-cache",
  kind: "in-process",
  packages: { "node-cache": { default: { role: "cache-class" }, "*": { role: "cache-class" } } },
  construct(read) {
    const options = read.options(0);
    const stdTtl = options.get("stdTTL");
    const maxKeys = options.get("maxKeys");
    const maxKeysValue = maxKeys ? read.number(maxKeys) : -1;
    return construction({
      optionsOpaque: options.opaque,
      defaultTtl: stdTtl ? read.ttl(stdTtl, "s", true) : { kind: "none" },
      bound: maxKeys === undefined || maxKeysValue === -1 ? { kind: "none" } : read.entries(maxKeys),
      // node-cache clones values unless `useClones: false`.
      storesReferences: read.isFalse(options.get("useClones")),
    });
  },
  storesReferencesWhenUnknown: false,
  methods: COMMON_CACHE_METHODS,
  writeTtl(read, method) {
    if (method === "mset") return { ttl: { kind: "unknown" } };
    return { ttl: readTtlArgument(read, 2, "s", true) };
  },
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // node-cache 5.1.2: get/set only, no read-through.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: "Add `stdTTL` (seconds) to its options, or a TTL in seconds as the third argument.",
    bound: "`maxKeys` or `stdTTL`",
  },
} satisfies InProcessAdapter;
