// underscore `_.memoize(fn, hashFunction?)`: keyed by the first argument unless hashed; unbounded, never expires.
import { methods, type MemoizerAdapter } from "./adapter";
import { GENERIC_BOUND_FIX, GENERIC_TTL_FIX, memoizerFacts } from "./memoizer-facts";

export const underscore = {
  id: "underscore",
  displayName: "underscore",
  kind: "memoizer",
  packages: { underscore: { memoize: { role: "memoizer" } } },
  memoize: (read) => memoizerFacts({ keying: read.args[1] ? "custom" : "first-argument", resolverArgument: 1 }),
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: "a hash function as the second argument, e.g. `(...args) => JSON.stringify(args)`",
  fixes: { ttl: GENERIC_TTL_FIX, bound: GENERIC_BOUND_FIX },
} satisfies MemoizerAdapter;
