// Shared pieces of memoizer adapters.
import type { Bound } from "../model/cache-model";
import type { ArgumentReader, Expr, MemoizerFacts } from "./adapter";

/** A memoizer with every default: keyed by all arguments, no expiry, no bound, keeps rejected promises. */
export function memoizerFacts(facts: Partial<MemoizerFacts>): MemoizerFacts {
  return {
    keying: "all-arguments",
    maxAge: { kind: "none" },
    bound: { kind: "none" },
    customCache: false,
    optionsOpaque: false,
    rejections: "kept",
    rejectionFix: undefined,
    ...facts,
  };
}

/** The size bound of an option that defaults to one entry (moize, micro-memoize); `Infinity` is no bound. */
export function readMaxSize(read: ArgumentReader, maxSize: Expr | undefined, fallback: Bound): Bound {
  if (!maxSize) return fallback;
  const value = read.number(maxSize);
  return value === Infinity ? { kind: "none" } : { kind: "entries", value, text: read.text(maxSize) };
}

/** The advice for memoizers that have no option of their own to bound the cache or expire entries. */
export const GENERIC_BOUND_FIX = "a bounded cache, or use a memoizer with a size limit (moize, memoizee `max`)";
export const GENERIC_TTL_FIX = "Use a memoizer with a max age (memoizee, memoize, moize) or an expiring cache.";
