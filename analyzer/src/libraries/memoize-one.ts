// memoize-one `memoizeOne(fn, isEqual?)`: remembers the last call only.
import { methods, type MemoizerAdapter } from "./adapter";
import { GENERIC_TTL_FIX, memoizerFacts } from "./memoizer-facts";

export const memoizeOne = {
  id: "memoize-one",
  displayName: "memoize-one",
  kind: "memoizer",
  packages: { "memoize-one": { default: { role: "memoizer" }, memoizeOne: { role: "memoizer" } } },
  memoize: (read) =>
    memoizerFacts({
      bound: { kind: "entries", value: 1, text: "1 (last call)" },
      keying: read.args[1] ? "custom" : "all-arguments",
    }),
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  unboundedByDefault: false,
  completeKeyFix: undefined,
  fixes: { ttl: GENERIC_TTL_FIX, bound: { notApplicable: "memoize-one keeps the last call only" } },
} satisfies MemoizerAdapter;
