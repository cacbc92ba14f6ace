// lru-memoizer: `memoizer({ load, hash, max, ttl | maxAge, itemMaxAge })` memoizes `load` in an lru-cache that the
// remaining options configure (`ttl` from version 3 on lru-cache 10, `maxAge` in version 2 on lru-cache 6; both ms).
// The default export takes an errback `load(...args, callback)` and does not keep an error; `memoizer.sync` stores
// whatever `load` returns, so a rejected promise stays until it is evicted or expires.
import { methods, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

export const lruMemoizer = {
  id: "lru-memoizer",
  displayName: "lru-memoizer",
  kind: "memoizer",
  packages: {
    "lru-memoizer": {
      default: { role: "memoizer" },
      "*": { role: "memoizer" },
      sync: { role: "memoizer", variant: "sync" },
    },
  },
  memoize(read) {
    const options = read.options(0);
    const max = options.get("max");
    const maxAge = options.get("ttl") ?? options.get("maxAge");
    const perItem = options.has("itemMaxAge");
    return memoizerFacts({
      optionsOpaque: options.opaque,
      keying: options.has("hash") ? "custom" : "all-arguments",
      maxAge: maxAge ? read.ttl(maxAge, "ms", true) : perItem ? { kind: "unknown" } : { kind: "none" },
      bound: max ? read.entries(max) : { kind: "none" },
      rejections: read.variant === "sync" ? "kept" : "dropped",
      rejectionFix: read.variant === "sync" ? { kind: "use", library: "lru-memoizer", export: "memoizer" } : undefined,
    });
  },
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: undefined,
  functionOption: "load",
  fixes: { ttl: "Add `ttl` (milliseconds; `maxAge` in lru-memoizer 2).", bound: "`max`" },
} satisfies MemoizerAdapter;
