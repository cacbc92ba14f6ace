// memoizee `memoize(fn, { max, maxAge, length, normalizer, primitive, promise })`: keyed by `fn.length`
// arguments; `promise` mode removes a rejected promise from the cache.
import { methods, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

export const memoizee = {
  id: "memoizee",
  displayName: "memoizee",
  kind: "memoizer",
  packages: { memoizee: { default: { role: "memoizer" }, "*": { role: "memoizer" } } },
  memoize(read) {
    const options = read.options(1);
    const max = options.get("max");
    const maxAge = options.get("maxAge");
    const custom = options.has("normalizer") || options.has("length") || options.has("primitive");
    const promiseMode = options.get("promise");
    return memoizerFacts({
      optionsOpaque: options.opaque,
      rejections: promiseMode && !read.isFalse(promiseMode) ? "dropped" : "kept",
      rejectionFix: { kind: "option", option: "`promise: true`" },
      keying: custom ? "custom" : "function-length",
      maxAge: maxAge ? read.ttl(maxAge, "ms", true) : { kind: "none" },
      bound: max ? { kind: "entries", value: read.number(max), text: read.text(max) } : { kind: "none" },
    });
  },
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: "before-defaults",
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: undefined,
  fixes: { ttl: "Add `maxAge` (milliseconds).", bound: "`max` or `maxAge`" },
} satisfies MemoizerAdapter;
