// A module-level `Map` (or plain object) used as a cache: found by how the code uses it, not by import.
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction } from "./in-process-methods";

export const map = {
  id: "map",
  displayName: "Map",
  kind: "in-process",
  // The global `Map` is recognised from the default library, not from a package.
  packages: {},
  construct: () => construction({ bound: { kind: "none" }, storesReferences: true }),
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  writeTtl: () => ({ ttl: { kind: "none" } }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // A plain Map has no read-through method.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: { notApplicable: "a Map has no expiry: require-cache-bound reports Map caches nobody evicts" },
    bound: { notApplicable: "Map caches have their own check in require-cache-bound (checkMapCaches)" },
  },
} satisfies InProcessAdapter;
