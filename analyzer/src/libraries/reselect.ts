// reselect's memoizers: `lruMemoize(fn, { maxSize })` (one entry by default) and `weakMapMemoize(fn)`,
// whose entries live as long as their object arguments.
import { methods, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

export const reselect = {
  id: "reselect",
  displayName: "reselect",
  kind: "memoizer",
  packages: { reselect: { weakMapMemoize: { role: "memoizer" }, lruMemoize: { role: "memoizer" } } },
  memoize(read) {
    if (read.exportName === "lruMemoize") {
      const options = read.options(1);
      const maxSize = options.get("maxSize");
      return memoizerFacts({
        optionsOpaque: options.opaque,
        bound: maxSize
          ? { kind: "entries", value: read.number(maxSize), text: read.text(maxSize) }
          : { kind: "entries", value: 1, text: "1 (default)" },
      });
    }
    // weakMapMemoize: entries live as long as their object arguments.
    return memoizerFacts({ keying: "identity", bound: { kind: "unknown" } });
  },
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods(["weakMapMemoize"]),
  lengthKeying: undefined,
  keepsForever: false,
  unboundedByDefault: false,
  completeKeyFix: undefined,
  fixes: {
    ttl: { notApplicable: "reselect's selectors recompute when their inputs change" },
    bound: {
      notApplicable: "lruMemoize keeps one entry by default; weakMapMemoize's entries die with their arguments",
    },
  },
} satisfies MemoizerAdapter;
