// lodash `memoize(fn, resolver?)` (also lodash-es, lodash/memoize, lodash.memoize): keyed by the first
// argument unless a resolver is given; an unbounded MapCache that never expires and keeps rejected promises.
import { methods, type MemoizerAdapter } from "./adapter";
import { GENERIC_BOUND_FIX, GENERIC_TTL_FIX, memoizerFacts } from "./memoizer-facts";

const memoizeDefault = { default: { role: "memoizer" }, "*": { role: "memoizer" } } as const;

export const lodash = {
  id: "lodash",
  displayName: "lodash",
  kind: "memoizer",
  packages: {
    lodash: { memoize: { role: "memoizer" } },
    "lodash-es": { memoize: { role: "memoizer" } },
    "lodash/memoize": memoizeDefault,
    "lodash/memoize.js": memoizeDefault,
    "lodash-es/memoize": { default: { role: "memoizer" } },
    "lodash-es/memoize.js": { default: { role: "memoizer" } },
    "lodash.memoize": memoizeDefault,
  },
  memoize: (read) => memoizerFacts({ keying: read.args[1] ? "custom" : "first-argument", resolverArgument: 1 }),
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: "a resolver as the second argument, e.g. `(...args) => JSON.stringify(args)`",
  fixes: { ttl: GENERIC_TTL_FIX, bound: GENERIC_BOUND_FIX },
} satisfies MemoizerAdapter;
