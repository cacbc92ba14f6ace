// How stale a family's entries can get: the longest of its TTLs, and how messages say it.
import type { FamilyTtl } from "../model/program-model";
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

/** Human form of a staleness bound: `5 min`, `until it is invalidated or the process restarts`. */
export function describeStaleness(ms: number | undefined): string {
  if (ms === undefined) return "for an unknown time";
  if (ms === Infinity) return "forever (nothing expires it)";
  return `for up to ${formatDuration(ms)}`;
}
