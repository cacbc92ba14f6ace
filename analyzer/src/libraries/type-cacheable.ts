// @type-cacheable/core: `@Cacheable({ cacheKey, ttlSeconds })`, `@CacheClear`, `@CacheUpdate` over a
// client adapter (Redis, node-cache…); awaits the method and stores only resolved values.
import { methods, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

export const typeCacheable = {
  id: "type-cacheable",
  displayName: "@type-cacheable/core",
  kind: "memoizer",
  packages: {
    "@type-cacheable/core": {
      Cacheable: { role: "memoize-decorator" },
      CacheClear: { role: "cache-clear-decorator" },
      CacheUpdate: { role: "cache-update-decorator" },
    },
  },
  memoize: undefined,
  decorate(read) {
    const options = read.options(0);
    const ttl = options.get("ttlSeconds");
    return memoizerFacts({
      rejections: "dropped",
      optionsOpaque: options.opaque,
      keying: options.has("cacheKey") ? "custom" : "all-arguments",
      // Without ttlSeconds the global or client default applies, which may be set elsewhere.
      maxAge: ttl ? read.ttl(ttl, "s") : { kind: "unknown" },
      bound: { kind: "unknown" },
    });
  },
  decoratorKeyOption: "cacheKey",
  decoratorFamilies: true,
  sharesResults: false,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: false,
  unboundedByDefault: false,
  completeKeyFix: undefined,
  fixes: {
    ttl: { notApplicable: "@type-cacheable's default TTL is set on its client adapter, which cachewise does not read" },
    bound: { notApplicable: "@type-cacheable stores entries in a client whose bound cachewise does not read" },
  },
} satisfies MemoizerAdapter;
