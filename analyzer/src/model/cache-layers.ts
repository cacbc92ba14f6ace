// Project cache layers declared in the configuration (`cacheLayers`): wrappers the analyzer cannot see into
// (compiled code in node_modules, a layer built at run time) described by where their key, loader, value and
// TTL are. Each call of a declared function becomes a cache site at the call, of a shared store keyed like Redis
// (families by key pattern).

/** An argument, or a property of an object argument: `2` or `"2.ttl"`. */
export interface ArgumentPath {
  index: number;
  property: string | undefined;
}

export type CacheLayerOperation = "read-through" | "read" | "write" | "delete";

export interface CacheLayer {
  /** The declaring source file (absolute), when the declaration names a file. */
  file: string | undefined;
  /** The package, when the declaration names one (`@acme/cache#withCache`). */
  module: string | undefined;
  /** `withCache`, or `CacheService.get` for a method. */
  name: string;
  operation: CacheLayerOperation;
  key: ArgumentPath;
  /** The loader of a read-through layer. */
  load: ArgumentPath | undefined;
  /** The value a write stores. */
  value: ArgumentPath | undefined;
  ttl: ArgumentPath | undefined;
  unit: "s" | "ms";
  /** What the layer does when the TTL argument is absent: an expiry (in `unit`), none, or not said. */
  defaultTtl: number | "none" | undefined;
  /** The declaration as written (`src/lib/cache.ts#withCache`), for messages. */
  declared: string;
}
