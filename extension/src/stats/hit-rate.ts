// The application's hit rate over a refresh interval, from INFO's keyspace_hits/keyspace_misses.
// Our own TYPE, PTTL, OBJECT and value-preview lookups count there too (Redis cannot tell who
// looked a key up), so the connection's count of lookups it sent is subtracted. Pure, for tests.

/** Counters read at one moment: INFO's totals and our own lookups sent until then. */
export interface HitCounters {
  hits: number;
  misses: number;
  ownLookups: number;
}

/**
 * Hits / (hits + misses) between two readings, without our own lookups (counted as hits: we
 * look up keys SCAN just returned). Undefined when the application made no lookup at all.
 */
export function computeHitRate(before: HitCounters, now: HitCounters): number | undefined {
  const own = Math.max(0, now.ownLookups - before.ownLookups);
  const misses = Math.max(0, now.misses - before.misses);
  // A vanished key makes one of our lookups a miss: never let the subtraction go below zero.
  const hits = Math.max(0, now.hits - before.hits - own);
  return hits + misses > 0 ? hits / (hits + misses) : undefined;
}
