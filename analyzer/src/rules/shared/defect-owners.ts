// One defect, one finding. An async function memoized at module level with a library that keeps rejections, has
// no bound and no expiry is one mistake (the wrong memoizer, or missing options), not three; an in-process cache
// with neither a bound nor a TTL is one mistake, not a finding at its construction plus one at every write. These
// predicates say which rule owns such a defect: for a memoizer `no-cached-rejection` first (the most specific), then
// `require-cache-bound`, then `require-cache-ttl`; for a cache `require-cache-bound`. The owning rule's message
// folds in what the others would have said.
import type { CacheSite, InstanceInfo, MemoizeInfo } from "../../model/cache-model";
import { fixText } from "../../libraries/adapter";
import { getFixes, getMemoizerAdapter } from "../../libraries/registry";

type MemoizeSite = CacheSite & { memoize: MemoizeInfo & { fn: NonNullable<MemoizeInfo["fn"]> } };

function isLongLived(info: MemoizeInfo | InstanceInfo): boolean {
  if ("servesProcess" in info && info.servesProcess) return true;
  return info.lifetime === "module" || info.lifetime === "class";
}

/**
 * An in-process cache `require-cache-bound` reports at its construction: long-lived, options it can read, neither a
 * bound nor a default TTL, and a bound the library can be given.
 */
export function isUnboundedCache(library: CacheSite["library"], instance: InstanceInfo): boolean {
  if (instance.optionsOpaque || !isLongLived(instance)) return false;
  if (instance.bound.kind !== "none" || instance.defaultTtl.kind !== "none") return false;
  return fixText(getFixes(library).bound) !== undefined;
}

/** The memoizer keeps a rejected promise of an async function; `expires` when entries have a max age. */
export function keepsRejection(site: CacheSite): { site: MemoizeSite; expires: boolean } | undefined {
  const memoize = site.memoize;
  const fn = memoize?.fn;
  if (site.operation !== "memoize" || !memoize || !fn || !fn.isAsync) return undefined;
  if (
    memoize.rejections !== "kept" ||
    memoize.evictedByCode ||
    fn.neverRejects ||
    memoize.optionsOpaque ||
    memoize.customCache
  )
    return undefined;
  // A memoizer that lives for one call or one request (React `cache`) forgets the failure soon enough.
  if (!isLongLived(memoize)) return undefined;
  const expires = memoize.maxAge.kind === "set" || memoize.maxAge.kind === "unknown";
  return { site: site as MemoizeSite, expires };
}

/** The memoizer keeps every argument's result with no bound and no max age, on a key domain not provably finite. */
export function growsWithoutBound(site: CacheSite): boolean {
  const memoize = site.memoize;
  const adapter = getMemoizerAdapter(site.library);
  if (site.operation !== "memoize" || site.kind !== "memoizer") return false;
  if (!memoize || !memoize.fn || !adapter?.unboundedByDefault) return false;
  if (memoize.optionsOpaque || memoize.customCache) return false;
  if (memoize.bound.kind !== "none" || memoize.maxAge.kind !== "none") return false;
  if (!isLongLived(memoize)) return false;
  const fn = memoize.fn;
  if (fn.parameterCount === 0 && !fn.hasRestParameter) return false;
  return !(fn.hasFiniteDomain && memoize.keying !== "custom");
}

/** The memoizer serves an async function's first result forever (no max age), whatever its bound. */
export function servesForever(site: CacheSite): boolean {
  const memoize = site.memoize;
  if (site.operation !== "memoize" || site.kind !== "memoizer") return false;
  if (!memoize || !memoize.fn?.isAsync) return false;
  const adapter = getMemoizerAdapter(site.library);
  if (!adapter?.keepsForever) return false;
  if (memoize.optionsOpaque || memoize.customCache || memoize.maxAge.kind !== "none") return false;
  // A memoizer created inside a function dies with it; only long-lived ones keep results forever.
  if (!isLongLived(memoize)) return false;
  return fixText(adapter.fixes.ttl) !== undefined;
}

/** Which rule reports this memoizer, if any: the most specific defect wins. */
export function memoizerOwner(
  site: CacheSite,
): "no-cached-rejection" | "require-cache-bound" | "require-cache-ttl" | undefined {
  const rejection = keepsRejection(site);
  if (rejection && !rejection.expires) return "no-cached-rejection";
  if (growsWithoutBound(site)) return "require-cache-bound";
  if (servesForever(site)) return "require-cache-ttl";
  return undefined;
}

/** The other defects of a memoizer that `no-cached-rejection` reports, as one sentence for its message ("" when none). */
export function describeFoldedDefects(site: CacheSite): string {
  const adapter = getMemoizerAdapter(site.library);
  if (growsWithoutBound(site)) {
    const bound = fixText(adapter?.fixes.bound ?? { notApplicable: "" });
    return ` It also keeps a result for every argument it has seen, with no bound and no expiry, so the cache grows with each new argument${bound ? `: add ${bound}` : ""}.`;
  }
  if (servesForever(site)) {
    const ttl = fixText(adapter?.fixes.ttl ?? { notApplicable: "" });
    return ` It also serves each result forever, with no expiry.${ttl ? ` ${ttl}` : ""}`;
  }
  return "";
}
