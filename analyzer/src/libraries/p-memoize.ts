// p-memoize `pMemoize(fn, { cacheKey, cache })` and `pMemoizeDecorator`: keyed by the first argument,
// no max age option, and a rejected promise is deleted from the cache.
import { methods, type MemoizerAdapter } from "./adapter";
import { readSindresorhusOptions } from "./memoize";
import { memoizerFacts } from "./memoizer-facts";

export const pMemoize = {
  id: "p-memoize",
  displayName: "p-memoize",
  kind: "memoizer",
  packages: { "p-memoize": { default: { role: "memoizer" }, pMemoizeDecorator: { role: "memoize-decorator" } } },
  memoize: (read) => memoizerFacts({ ...readSindresorhusOptions(read, 1), rejections: "dropped" }),
  decorate: (read) => memoizerFacts({ ...readSindresorhusOptions(read, 0), rejections: "dropped" }),
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: "`cacheKey: (args) => JSON.stringify(args)`",
  fixes: {
    ttl: "Pass a `cache` that expires entries (e.g. an `ExpiryMap` or an lru-cache with `ttl`).",
    bound: "a bounded `cache` (e.g. `new QuickLRU({ maxSize })`)",
  },
} satisfies MemoizerAdapter;
