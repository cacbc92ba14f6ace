// memoize (formerly mem): `memoize(fn, { cacheKey, cache, maxAge })` and `memoizeDecorator(options)`;
// keyed by the first argument; caches whatever the function returned, rejected promises included.
import { methods, type ArgumentReader, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

/** The options both memoize and p-memoize read (at `index`). */
export function readSindresorhusOptions(read: ArgumentReader, index: number) {
  const options = read.options(index);
  const maxAge = options.get("maxAge");
  return {
    optionsOpaque: options.opaque,
    keying: options.has("cacheKey") ? ("custom" as const) : ("first-argument" as const),
    maxAge: maxAge ? read.ttl(maxAge, "ms") : ({ kind: "none" } as const),
    customCache: options.has("cache"),
  };
}

export const memoize = {
  id: "memoize",
  displayName: "memoize (mem)",
  kind: "memoizer",
  packages: {
    memoize: { default: { role: "memoizer" }, memoizeDecorator: { role: "memoize-decorator" } },
    mem: { default: { role: "memoizer" }, memDecorator: { role: "memoize-decorator" } },
  },
  memoize: (read) =>
    memoizerFacts({
      ...readSindresorhusOptions(read, 1),
      rejectionFix: { kind: "use", library: "p-memoize", export: undefined },
    }),
  decorate: (read) =>
    memoizerFacts({
      ...readSindresorhusOptions(read, 0),
      rejectionFix: { kind: "use", library: "p-memoize", export: "pMemoizeDecorator" },
    }),
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  sharesResults: true,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: true,
  unboundedByDefault: true,
  completeKeyFix: "`cacheKey: (args) => JSON.stringify(args)`",
  fixes: {
    ttl: "Add `maxAge` (milliseconds).",
    bound: "a bounded `cache` (e.g. `new QuickLRU({ maxSize })`) or `maxAge`",
  },
} satisfies MemoizerAdapter;
