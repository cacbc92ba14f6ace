// What every Memcached client shares: how the server reads an expiry. `0` is no expiry; a value up to 30 days
// (2,592,000 s) is a number of seconds from now; anything larger is an absolute Unix time, so a duration of 31 days
// (2,678,400) is a moment of February 1970, already past: the item expires at once.
import type { NotApplicable, RemoteStoreAdapter } from "./adapter";

export const MEMCACHED_TTL_SEMANTICS: RemoteStoreAdapter["ttlSemantics"] = { absoluteAbove: 2_592_000 };

export const MEMCACHED_BOUND: NotApplicable = {
  notApplicable: "a Memcached server evicts the least recently used items within its own memory limit (`-m`)",
};
