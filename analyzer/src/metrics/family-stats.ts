// Per-family figures over a window, from the run-time metrics in Prometheus: one query per metric, grouped by
// family (never one per family), and the aggregation into what `cachewise stats` and the extension show. A family
// with no operation in the window has no data (never zeros); a figure that cannot be computed (a hit ratio without
// reads, a p99 without a histogram) is left out. Plain Node.
import {
  DURATION_BUCKETS_SELECTOR,
  FAMILY_LABEL,
  OPERATIONS_TOTAL,
  RESULT_ERROR,
  RESULT_HIT,
  RESULT_LABEL,
  RESULT_MISS,
  STALE_READS_TOTAL,
  VERIFIED_READS_TOTAL,
} from "./metric-names";
import { formatLabelMatcher } from "./promql";
import { queryMatrix, queryVector, type PrometheusServer } from "./prometheus-client";

/** One family's figures over the window; a missing field could not be computed from the data. */
export interface FamilyFigures {
  /** Operations per second (reads, writes, deletes; failed ones included). */
  operationsPerSecond: number;
  /** Hits / (hits + misses): absent without reads. */
  hitRatio?: number;
  /** Misses per second: absent without reads. */
  missesPerSecond?: number;
  /** Failed operations / all operations. */
  errorRatio: number;
  /** The 99th percentile of the operations' duration, in seconds: absent without the duration histogram. */
  p99Seconds?: number;
  /**
   * Of the hits the run-time verification compared with the source, the share that was stale: absent when the family
   * is not verified (or no hit was compared in the window).
   */
  staleReadRatio?: number;
}

/** The queries, one per metric, each grouped by family: evaluated at the window's end. */
export function buildStatsQueries(windowSeconds: number): {
  operations: string;
  p99: string;
  staleReads: string;
  verifiedReads: string;
} {
  const range = `[${windowSeconds}s]`;
  return {
    operations: `sum by (${FAMILY_LABEL}, ${RESULT_LABEL}) (rate(${OPERATIONS_TOTAL}${range}))`,
    p99: `histogram_quantile(0.99, sum by (${FAMILY_LABEL}, le) (rate(${DURATION_BUCKETS_SELECTOR}${range})))`,
    staleReads: `sum by (${FAMILY_LABEL}) (rate(${STALE_READS_TOTAL}${range}))`,
    verifiedReads: `sum by (${FAMILY_LABEL}) (rate(${VERIFIED_READS_TOTAL}${range}))`,
  };
}

/**
 * Every family's figures over the last `windowSeconds`, by `cache_family` value. Families absent from the map had
 * no data in the window. Four queries, whatever the number of families.
 */
export async function fetchFamilyFigures(
  server: PrometheusServer,
  windowSeconds: number,
  options: { timeoutMs: number; time?: Date },
): Promise<Map<string, FamilyFigures>> {
  const queries = buildStatsQueries(windowSeconds);
  const [operations, p99, staleReads, verifiedReads] = await Promise.all([
    queryVector(server, queries.operations, options),
    queryVector(server, queries.p99, options),
    queryVector(server, queries.staleReads, options),
    queryVector(server, queries.verifiedReads, options),
  ]);
  return aggregateFamilyFigures(operations, p99, staleReads, verifiedReads);
}

type Sample = { labels: Record<string, string>; value: number };

/** The four query results → figures by family. Pure. */
export function aggregateFamilyFigures(
  operations: readonly Sample[],
  p99: readonly Sample[],
  staleReads: readonly Sample[],
  verifiedReads: readonly Sample[],
): Map<string, FamilyFigures> {
  const rates = new Map<string, { total: number; hit: number; miss: number; error: number }>();
  for (const sample of operations) {
    const family = sample.labels[FAMILY_LABEL];
    if (family === undefined || !Number.isFinite(sample.value)) continue;
    let entry = rates.get(family);
    if (!entry) rates.set(family, (entry = { total: 0, hit: 0, miss: 0, error: 0 }));
    entry.total += sample.value;
    const result = sample.labels[RESULT_LABEL];
    if (result === RESULT_HIT) entry.hit += sample.value;
    else if (result === RESULT_MISS) entry.miss += sample.value;
    else if (result === RESULT_ERROR) entry.error += sample.value;
  }
  const byFamily = (samples: readonly Sample[]) =>
    new Map(
      samples
        .filter((s) => s.labels[FAMILY_LABEL] !== undefined && Number.isFinite(s.value))
        .map((s) => [s.labels[FAMILY_LABEL]!, s.value]),
    );
  const p99s = byFamily(p99);
  const stale = byFamily(staleReads);
  const verified = byFamily(verifiedReads);
  const figures = new Map<string, FamilyFigures>();
  for (const [family, rate] of rates) {
    // A series whose counter did not move in the window: no operation, so no data (not a 0 % hit ratio).
    if (rate.total <= 0) continue;
    const reads = rate.hit + rate.miss;
    const entry: FamilyFigures = { operationsPerSecond: rate.total, errorRatio: rate.error / rate.total };
    if (reads > 0) {
      entry.hitRatio = rate.hit / reads;
      entry.missesPerSecond = rate.miss;
    }
    const p = p99s.get(family);
    if (p !== undefined) entry.p99Seconds = p;
    // Verified hits and no stale series: none was stale (the counter appears with the first one).
    const v = verified.get(family);
    if (v !== undefined && v > 0) entry.staleReadRatio = (stale.get(family) ?? 0) / v;
    figures.set(family, entry);
  }
  return figures;
}

/**
 * One family's hit ratio over the last `hours`, a point every `stepSeconds` (each the ratio over the step before it),
 * for the hover's chart: times without reads are left out. One range query, run when the hover is resolved.
 */
export async function fetchHitRatioHistory(
  server: PrometheusServer,
  family: string,
  range: { hours: number; stepSeconds: number; end?: Date },
  options: { timeoutMs: number },
): Promise<Array<[number, number]>> {
  const end = range.end ?? new Date();
  const start = new Date(end.getTime() - range.hours * 3_600_000);
  const matcher = formatLabelMatcher(FAMILY_LABEL, family);
  const query = `sum by (${RESULT_LABEL}) (rate(${OPERATIONS_TOTAL}{${matcher}, ${RESULT_LABEL}=~"${RESULT_HIT}|${RESULT_MISS}"}[${range.stepSeconds}s]))`;
  const series = await queryMatrix(server, query, { start, end, stepSeconds: range.stepSeconds }, options);
  return combineHitRatio(series);
}

/** Hit and miss rate series → the hit ratio at each time with reads (a time missing from one series counts 0 there). Pure. */
export function combineHitRatio(
  series: ReadonlyArray<{ labels: Record<string, string>; points: ReadonlyArray<[number, number]> }>,
): Array<[number, number]> {
  const byTime = new Map<number, { hit: number; miss: number }>();
  for (const { labels, points } of series) {
    const result = labels[RESULT_LABEL];
    if (result !== RESULT_HIT && result !== RESULT_MISS) continue;
    for (const [time, value] of points) {
      if (!Number.isFinite(value)) continue;
      let entry = byTime.get(time);
      if (!entry) byTime.set(time, (entry = { hit: 0, miss: 0 }));
      entry[result] += value;
    }
  }
  return [...byTime.entries()]
    .filter(([, { hit, miss }]) => hit + miss > 0)
    .sort(([a], [b]) => a - b)
    .map(([time, { hit, miss }]) => [time, hit / (hit + miss)]);
}
