// Nitro (`nitropack/runtime`, Nitro 3's `nitro/runtime`): `defineCachedFunction(fn, { maxAge, name, group, getKey,
// swr, staleMaxAge })` and `defineCachedEventHandler(handler, options)` (`cachedFunction`, `cachedEventHandler`)
// store results in the `cache` storage mount. `maxAge` is in seconds and defaults to 1; a thrown error is not stored.
// Identity needs the import: Nitro's auto-imported globals have no import origin and are not read.
import type { Ttl } from "../model/cache-model";
import { methods, type ArgumentReader, type ExportRole, type MemoizerAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

const NITRO_DEFAULT_MAX_AGE: Ttl = { kind: "set", ms: 1000, text: "1 (Nitro's default)", unit: "s" };

const exports: Record<string, ExportRole> = {
  defineCachedFunction: { role: "memoizer" },
  cachedFunction: { role: "memoizer" },
  defineCachedEventHandler: { role: "memoizer", variant: "event-handler" },
  cachedEventHandler: { role: "memoizer", variant: "event-handler" },
};

function readCacheOptions(read: ArgumentReader) {
  const options = read.options(1);
  const maxAge = options.get("maxAge");
  return memoizerFacts({
    optionsOpaque: options.opaque,
    // An event handler is keyed by the request path (or `getKey`); a function by a hash of its arguments (or `getKey`).
    keying: options.has("getKey") || read.variant === "event-handler" ? "custom" : "all-arguments",
    maxAge: maxAge ? read.ttl(maxAge, "s") : NITRO_DEFAULT_MAX_AGE,
    rejections: "dropped",
  });
}

export const nitro = {
  id: "nitro",
  displayName: "Nitro",
  kind: "memoizer",
  packages: { "nitropack/runtime": exports, "nitro/runtime": exports },
  memoize: readCacheOptions,
  decorate: undefined,
  decoratorKeyOption: undefined,
  decoratorFamilies: false,
  // Entries are serialised into the `cache` storage.
  sharesResults: false,
  identityKeyedExports: methods([]),
  lengthKeying: undefined,
  keepsForever: false,
  // The `cache` storage mount decides the bound.
  unboundedByDefault: false,
  completeKeyFix: undefined,
  fixes: {
    ttl: "Set `maxAge` (seconds).",
    bound: { notApplicable: "the `cache` storage mount decides the bound" },
  },
} satisfies MemoizerAdapter;
