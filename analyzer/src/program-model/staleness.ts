// How stale a family's entries can get: the longest of its TTLs, and how messages say it.
import type { FamilyTtl } from "../model/program-model";
import type { Bound } from "../model/cache-model";
import { formatDuration } from "../format/duration";

export function computeMaxStaleness(ttls: FamilyTtl[]): number | undefined {
  let max = 0;
  for (const ttl of ttls) {
    if (ttl.kind === "keep") continue;
    if (ttl.ms === undefined) return undefined;
    max = Math.max(max, ttl.ms);
  }
  return ttls.length === 0 ? undefined : max;
}

/**
 * Human form of a staleness bound, saying only what is known: `for up to 5 min`; `until the entry expires` when its
 * TTL cannot be read; `until the entry is evicted (max 500 entries)` for a bounded cache without expiry; `forever
 * (nothing expires it)` otherwise.
 */
export function describeStaleness(ms: number | undefined, bound?: Bound): string {
  if (ms === undefined) return "until the entry expires (its TTL is not known here)";
  if (ms === Infinity) {
    if (bound?.kind === "entries" || bound?.kind === "bytes")
      return `until the entry is evicted (max ${bound.value ?? bound.text} ${bound.kind})`;
    return "forever (nothing expires it)";
  }
  return `for up to ${formatDuration(ms)}`;
}
