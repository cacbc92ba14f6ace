// @epic-web/cachified: `cachified({ key, cache, getFreshValue, ttl, staleWhileRevalidate, checkValue })` reads through
// `cache`: a hit returns the stored value, a miss calls `getFreshValue` and stores its result under `key`. `ttl` is in
// milliseconds and defaults to forever; a rejected `getFreshValue` is not stored. The call usually sits in a function
// that runs per request while its `cache` lives as long as the process, so its entries are as long-lived as the cache.
import { methods, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

export const cachified = {
  id: "cachified",
  displayName: "@epic-web/cachified",
  kind: "memoizer",
  packages: {
    "@epic-web/cachified": { cachified: { role: "memoizer" }, default: { role: "memoizer" } },
  },
  memoize(read) {
    const options = read.options(0);
    const ttl = options.get("ttl");
    const cache = options.get("cache");
    // A cache built in the call (`cache: new Map()`) dies with it; otherwise the cache outlives the call.
    const localCache = cache !== undefined && (read.isGlobalMapConstruction(cache) || read.isObjectLiteral(cache));
    return memoizerFacts({
      optionsOpaque: options.opaque || cache === undefined,
      keying: "custom",
      maxAge: ttl ? read.ttl(ttl, "ms") : { kind: "none" },
      rejections: "dropped",
      lifetime: localCache ? "local" : "module",
    });
  },
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  // The `cache` passed in decides the bound.
  unboundedByDefault: false,
  completeKeyFix: undefined,
  functionOption: "getFreshValue",
  storeErrors: {
    // Not installed here. From its source: a failed `cache.get` is reported (getCachedValueError) and the key is then
    // deleted in the same catch, so with the store down that delete rejects too; a failed write is reported. Unchecked.
    read: "depends",
    write: "depends",
    checked: "@epic-web/cachified is not installed: not checked",
  },
  fixes: {
    ttl: "Add `ttl` (milliseconds) to the options, with `staleWhileRevalidate` if a stale value may be served while it refreshes.",
    bound: { notApplicable: "the `cache` passed to cachified decides its bound" },
  },
} satisfies MemoizerAdapter;
