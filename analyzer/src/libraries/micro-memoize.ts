// micro-memoize `memoize(fn, { maxSize, expires, async })`: one entry by default. Version 5 reads `async`;
// version 4 (and moize's bundled copy) read `isPromise`, which version 5 silently ignores.
import { methods, type ArgumentReader, type MemoizerAdapter, type OptionsView } from "./adapter";
import { memoizerFacts, readMaxSize } from "./memoizer-facts";

function dropsRejections(read: ArgumentReader, options: OptionsView): boolean {
  const major = read.installedMajor("micro-memoize");
  if (major === undefined) return read.isTrue(options.get("async")) || read.isTrue(options.get("isPromise"));
  return major >= 5 ? read.isTrue(options.get("async")) : read.isTrue(options.get("isPromise"));
}

export const microMemoize = {
  id: "micro-memoize",
  displayName: "micro-memoize",
  kind: "memoizer",
  packages: { "micro-memoize": { default: { role: "memoizer" }, memoize: { role: "memoizer" } } },
  memoize(read) {
    const options = read.options(1);
    const expires = options.get("expires");
    const major = read.installedMajor("micro-memoize");
    return memoizerFacts({
      optionsOpaque: options.opaque,
      bound: readMaxSize(read, options.get("maxSize"), { kind: "entries", value: 1, text: "1 (default)" }),
      maxAge: expires ? read.ttl(expires, "ms") : { kind: "none" },
      rejections: dropsRejections(read, options) ? "dropped" : "kept",
      rejectionFix: {
        kind: "option",
        option: major !== undefined && major < 5 ? "`isPromise: true`" : "`async: true`",
      },
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
  fixes: { ttl: "Add `expires` (milliseconds).", bound: "`maxSize` or `expires`" },
} satisfies MemoizerAdapter;
