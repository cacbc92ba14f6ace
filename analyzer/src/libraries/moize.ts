// moize `moize(fn, { maxSize, maxAge, isPromise, transformArgs, isSerialized })`: one entry by default;
// shortcuts `moize.infinite`, `moize.promise`, curried `moize.maxAge(ms)(fn)` and `moize.maxSize(n)(fn)`.
import { methods, type MemoizerAdapter } from "./adapter";
import { memoizerFacts, readMaxSize } from "./memoizer-facts";

const ONE_ENTRY = { kind: "entries", value: 1, text: "1 (default)" } as const;

export const moize = {
  id: "moize",
  displayName: "moize",
  kind: "memoizer",
  packages: {
    moize: {
      default: { role: "memoizer" },
      infinite: { role: "memoizer", variant: "infinite" },
      promise: { role: "memoizer", variant: "promise" },
      deep: { role: "memoizer" },
      shallow: { role: "memoizer" },
      serialize: { role: "memoizer" },
      react: { role: "memoizer" },
      maxAge: { role: "memoizer", variant: "curried-maxAge" },
      maxSize: { role: "memoizer", variant: "curried-maxSize" },
    },
  },
  memoize(read) {
    const { variant, curriedArgs } = read;
    if (variant === "curried-maxAge" && curriedArgs) {
      const maxAge = curriedArgs[0];
      return memoizerFacts({ maxAge: maxAge ? read.ttl(maxAge, "ms") : { kind: "unknown" }, bound: ONE_ENTRY });
    }
    if (variant === "curried-maxSize" && curriedArgs) {
      const maxSize = curriedArgs[0];
      return memoizerFacts({
        bound: maxSize
          ? { kind: "entries", value: read.number(maxSize), text: read.text(maxSize) }
          : { kind: "unknown" },
      });
    }
    const options = read.options(1);
    const maxAge = options.get("maxAge");
    const promiseMode = variant === "promise" || read.isTrue(options.get("isPromise"));
    return memoizerFacts({
      optionsOpaque: options.opaque,
      maxAge: maxAge ? read.ttl(maxAge, "ms") : { kind: "none" },
      bound: readMaxSize(read, options.get("maxSize"), variant === "infinite" ? { kind: "none" } : ONE_ENTRY),
      keying: options.has("transformArgs") || options.has("isSerialized") ? "custom" : "all-arguments",
      rejections: promiseMode ? "dropped" : "kept",
      rejectionFix: { kind: "option", option: "`isPromise: true` (or `moize.promise`)" },
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
  fixes: { ttl: "Add `maxAge` (milliseconds).", bound: "`maxSize` or `maxAge`" },
} satisfies MemoizerAdapter;
