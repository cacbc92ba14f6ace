// fast-memoize `memoize(fn, { cache, serializer, strategy })`: keyed by `fn.length`; unbounded, never expires.
import { methods, type MemoizerAdapter } from "./adapter";
import { GENERIC_BOUND_FIX, GENERIC_TTL_FIX, memoizerFacts } from "./memoizer-facts";

export const fastMemoize = {
  id: "fast-memoize",
  displayName: "fast-memoize",
  kind: "memoizer",
  packages: { "fast-memoize": { default: { role: "memoizer" }, "*": { role: "memoizer" } } },
  memoize(read) {
    const options = read.options(1);
    return memoizerFacts({
      optionsOpaque: options.opaque,
      keying: options.has("serializer") || options.has("strategy") ? "custom" : "function-length",
      customCache: options.has("cache"),
    });
  },
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: "single-argument-strategy",
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: undefined,
  fixes: { ttl: GENERIC_TTL_FIX, bound: GENERIC_BOUND_FIX },
} satisfies MemoizerAdapter;
