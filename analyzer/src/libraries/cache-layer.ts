// A project cache layer declared in the configuration (`cacheLayers`): not a package, so it exports nothing; its
// calls are matched by the declaration and read by extract/sites/declared-layers.ts. Entries live in a shared
// store keyed like Redis, so the Redis rules and families apply.
import type { RedisProtocolAdapter } from "./adapter";

export const cacheLayer = {
  id: "cache-layer",
  displayName: "a cache layer declared in cacheLayers",
  kind: "redis",
  packages: {},
  construct: () => ({
    defaultTtl: { kind: "unknown" },
    bound: { kind: "unknown" },
    optionsOpaque: true,
    storesReferences: false,
    keyPrefix: undefined,
  }),
  // Declared layers' TTLs are read from their declared argument, never from a SET's argument shape.
  setTtl: () => ({ kind: "unknown" }),
  setTtlInsertion: () => undefined,
  callsNamedByFunction: true,
  storeErrors: {
    // A project's own layer: its code decides whether an error reaches the caller, and it is analysed as code.
    read: "depends",
    write: "depends",
    checked: "a project's own layer, not a library",
  },
  fixes: {
    ttl: "Pass the layer's TTL argument (the `ttl` its `cacheLayers` entry declares).",
    bound: { notApplicable: "entries live in a shared store, bounded by its own memory policy" },
  },
  outageWait: { notApplicable: "a declared layer's client is the project's own; its options are not known" },
} satisfies RedisProtocolAdapter;
