// typescript-memoize: `@Memoize(hashFn?)`, `@Memoize({ hashFunction, expiring })`, `@MemoizeExpiring(ms)`;
// keyed by the first parameter unless hashed; unbounded, never expires.
import { methods, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

export const typescriptMemoize = {
  id: "typescript-memoize",
  displayName: "typescript-memoize",
  kind: "memoizer",
  packages: {
    "typescript-memoize": {
      Memoize: { role: "memoize-decorator" },
      MemoizeExpiring: { role: "memoize-decorator", variant: "expiring" },
    },
  },
  memoize: undefined,
  decorate(read) {
    const [first, second] = read.args;
    if (read.variant === "expiring") {
      return memoizerFacts({
        keying: second ? "custom" : "first-argument",
        maxAge: first ? read.ttl(first, "ms") : { kind: "none" },
      });
    }
    if (!first) return memoizerFacts({ keying: "first-argument" });
    const options = read.options(0);
    // A hash function passed directly (not an options object).
    if (!options.literal) {
      return memoizerFacts({
        keying: options.opaque && !read.isObjectLiteral(first) ? "custom" : "first-argument",
        optionsOpaque: false,
      });
    }
    const expiring = options.get("expiring");
    return memoizerFacts({
      optionsOpaque: options.opaque,
      keying: options.has("hashFunction") ? "custom" : "first-argument",
      maxAge: expiring ? read.ttl(expiring, "ms") : { kind: "none" },
    });
  },
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: "a `hashFunction` that combines every argument",
  fixes: { ttl: "Add `expiring` (milliseconds).", bound: "`expiring`" },
} satisfies MemoizerAdapter;
