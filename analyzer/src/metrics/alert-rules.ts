// `cachewise families --format prometheus-rules`: Prometheus recording and alerting rules per cache family,
// written as YAML. The recording rules aggregate each metric once by family (one evaluation for every family);
// each family's alerts read them with a `cache_family` matcher and carry its owner and runbook. Pure: families
// in, text out.
import {
  DURATION,
  DURATION_BUCKETS_SELECTOR,
  FAMILY_LABEL,
  OPERATIONS_TOTAL,
  RESULT_ERROR,
  RESULT_HIT,
  RESULT_MISS,
  RESULT_LABEL,
  STALE_READS_TOTAL,
  VERIFIED_READS_TOTAL,
} from "./metric-names";
import { escapeTemplateText, formatLabelMatcher, formatYamlString } from "./promql";

/** One family as the rules need it. */
export interface AlertFamily {
  /** The `cache_family` label value: the family's label. */
  family: string;
  owner: string | undefined;
  runbook: string | undefined;
  dataClass: string | undefined;
  /** The data class's `maxStaleReadRatio`; undefined: no stale-read alert. */
  maxStaleReadRatio: number | undefined;
}

/** The thresholds of the alerts, documented in the README. */
export const ALERT_THRESHOLDS = {
  /** Reads per second (hits + misses, over 5 min) under which a family's miss ratio is not judged: idle families do not page. */
  minReadsPerSecond: 1,
  /** The miss ratio over 5 min must be this many times the family's 1-day ratio… */
  missRatioFactor: 2,
  /** …and this much above it (in ratio points: 0.1 = 10 %), so that 0.1 % → 0.3 % does not page. */
  missRatioMinIncrease: 0.1,
  /** Operations per second (over 5 min) under which latency is not judged. */
  minOperationsPerSecond: 1,
  /** p99 over 5 min must be this many times its 1-day median… */
  latencyFactor: 2,
  /** …and this many seconds above it. */
  latencyMinIncreaseSeconds: 0.005,
  /** Share of the operations over 2 min that failed, above which the cache is taken to be down… */
  errorRatio: 0.5,
  /** …with at least this many errors per second, so that one failed call of an idle family does not page. */
  minErrorsPerSecond: 0.1,
} as const;

/** The recording rules' names (level:metric:operations, Prometheus's naming convention). */
export const RECORDED = {
  reads5m: "cachewise_family:cache_reads:rate5m",
  misses5m: "cachewise_family:cache_misses:rate5m",
  missRatio5m: "cachewise_family:cache_miss_ratio:rate5m",
  missRatio1d: "cachewise_family:cache_miss_ratio:rate1d",
  operations5m: "cachewise_family:cache_operations:rate5m",
  operations2m: "cachewise_family:cache_operations:rate2m",
  errors2m: "cachewise_family:cache_errors:rate2m",
  latencyP99_5m: "cachewise_family:cache_operation_duration_seconds:p99_5m",
  latencyP99Baseline1d: "cachewise_family:cache_operation_duration_seconds:p99_5m_median1d",
  staleReadRatio15m: "cachewise_family:cache_stale_read_ratio:rate15m",
} as const;

const BY = `sum by (${FAMILY_LABEL})`;
const result = (value: string) => `${RESULT_LABEL}=${JSON.stringify(value)}`;

/** The recording rules: each metric aggregated by family once, whatever the number of families. */
function recordingRules(): Array<{ record: string; expr: string }> {
  return [
    {
      record: RECORDED.reads5m,
      expr: `${BY} (rate(${OPERATIONS_TOTAL}{${RESULT_LABEL}=~"${RESULT_HIT}|${RESULT_MISS}"}[5m]))`,
    },
    { record: RECORDED.misses5m, expr: `${BY} (rate(${OPERATIONS_TOTAL}{${result(RESULT_MISS)}}[5m]))` },
    // Only where there were reads: 0/0 would record NaN, and one NaN makes the day's baseline NaN.
    { record: RECORDED.missRatio5m, expr: `${RECORDED.misses5m} / (${RECORDED.reads5m} > 0)` },
    // The day's miss ratio, weighted by traffic: the sum of the 5-minute rates, not the mean of their ratios.
    {
      record: RECORDED.missRatio1d,
      expr: `sum_over_time(${RECORDED.misses5m}[1d]) / (sum_over_time(${RECORDED.reads5m}[1d]) > 0)`,
    },
    { record: RECORDED.operations5m, expr: `${BY} (rate(${OPERATIONS_TOTAL}[5m]))` },
    { record: RECORDED.operations2m, expr: `${BY} (rate(${OPERATIONS_TOTAL}[2m]))` },
    { record: RECORDED.errors2m, expr: `${BY} (rate(${OPERATIONS_TOTAL}{${result(RESULT_ERROR)}}[2m]))` },
    {
      record: RECORDED.latencyP99_5m,
      expr: `histogram_quantile(0.99, sum by (${FAMILY_LABEL}, le) (rate(${DURATION_BUCKETS_SELECTOR}[5m]))) and on (${FAMILY_LABEL}) (${RECORDED.operations5m} > 0)`,
    },
    // The median of the day's p99s: one slow hour yesterday does not raise today's bar.
    {
      record: RECORDED.latencyP99Baseline1d,
      expr: `quantile_over_time(0.5, ${RECORDED.latencyP99_5m}[1d])`,
    },
    // Of the hits compared with the source, the share that differed: the sampling rate cancels out.
    {
      record: RECORDED.staleReadRatio15m,
      expr: `${BY} (rate(${STALE_READS_TOTAL}[15m])) / (${BY} (rate(${VERIFIED_READS_TOTAL}[15m])) > 0)`,
    },
  ];
}

interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: "warning" | "critical";
  summary: string;
  description: string;
}

/** A number as PromQL and YAML read it back: no exponent, no trailing noise (`0.016666666666666666`). */
function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function familyAlerts(family: AlertFamily): AlertRule[] {
  const t = ALERT_THRESHOLDS;
  const on = (metric: string) => `${metric}{${formatLabelMatcher(FAMILY_LABEL, family.family)}}`;
  const alerts: AlertRule[] = [
    {
      alert: "CacheMissRateSpike",
      expr: [
        `${on(RECORDED.missRatio5m)} > ${formatNumber(t.missRatioFactor)} * ${on(RECORDED.missRatio1d)}`,
        `and ${on(RECORDED.missRatio5m)} - ${on(RECORDED.missRatio1d)} > ${formatNumber(t.missRatioMinIncrease)}`,
        `and on (${FAMILY_LABEL}) ${on(RECORDED.reads5m)} >= ${formatNumber(t.minReadsPerSecond)}`,
      ].join(" "),
      for: "10m",
      severity: "warning",
      summary: "Miss ratio of the cache family far above its own daily baseline",
      description: `The miss ratio over 5 minutes is more than ${t.missRatioFactor}× the family's ratio over the last day and ${t.missRatioMinIncrease * 100} points above it, at ${t.minReadsPerSecond} or more reads per second.`,
    },
    {
      alert: "CacheLatencyJump",
      expr: [
        `${on(RECORDED.latencyP99_5m)} > ${formatNumber(t.latencyFactor)} * ${on(RECORDED.latencyP99Baseline1d)}`,
        `and ${on(RECORDED.latencyP99_5m)} - ${on(RECORDED.latencyP99Baseline1d)} > ${formatNumber(t.latencyMinIncreaseSeconds)}`,
        `and on (${FAMILY_LABEL}) ${on(RECORDED.operations5m)} >= ${formatNumber(t.minOperationsPerSecond)}`,
      ].join(" "),
      for: "10m",
      severity: "warning",
      summary: "p99 latency of the cache family far above its own daily median",
      description: `The p99 operation latency over 5 minutes is more than ${t.latencyFactor}× the median of the last day's and ${t.latencyMinIncreaseSeconds * 1000} ms above it.`,
    },
    {
      alert: "CacheErrorBurst",
      expr: [
        `${on(RECORDED.errors2m)} / ${on(RECORDED.operations2m)} > ${formatNumber(t.errorRatio)}`,
        `and on (${FAMILY_LABEL}) ${on(RECORDED.errors2m)} >= ${formatNumber(t.minErrorsPerSecond)}`,
      ].join(" "),
      for: "1m",
      severity: "critical",
      summary: "Most operations of the cache family fail: the cache is likely down",
      description: `More than ${t.errorRatio * 100} % of the family's operations over 2 minutes failed, at ${t.minErrorsPerSecond} or more errors per second.`,
    },
  ];
  if (family.maxStaleReadRatio !== undefined)
    alerts.push({
      alert: "CacheStaleReads",
      expr: `${on(RECORDED.staleReadRatio15m)} > ${formatNumber(family.maxStaleReadRatio)}`,
      for: "5m",
      severity: "warning",
      summary: "Stale reads of the cache family above its data class's threshold",
      description: `More than ${formatNumber(family.maxStaleReadRatio * 100)} % of the hits the run-time verification compared with the source over 15 minutes were stale (data class ${JSON.stringify(family.dataClass)}).`,
    });
  return alerts;
}

/** The rule file, with a header that names the command that wrote it. */
export function formatPrometheusRules(families: readonly AlertFamily[]): string {
  const y = formatYamlString;
  const lines = [
    "# Generated by `cachewise families --format prometheus-rules`: regenerate it rather than edit it.",
    `# Reads ${OPERATIONS_TOTAL}, ${DURATION}(_seconds)_bucket, ${STALE_READS_TOTAL} and ${VERIFIED_READS_TOTAL} (cachewise/runtime).`,
    "groups:",
    `  - name: ${y("cachewise-recording")}`,
    "    rules:",
  ];
  for (const rule of recordingRules()) lines.push(`      - record: ${y(rule.record)}`, `        expr: ${y(rule.expr)}`);
  lines.push(`  - name: ${y("cachewise-alerts")}`, "    rules:");
  if (families.length === 0) lines[lines.length - 1] = "    rules: []";
  for (const family of families) {
    const text = (value: string) => y(escapeTemplateText(value));
    lines.push(`      # ${y(family.family)}`);
    if (family.maxStaleReadRatio === undefined)
      lines.push(
        `      # no stale-read alert: ${family.dataClass === undefined ? "no data class declared" : "its data class sets no maxStaleReadRatio"}`,
      );
    for (const alert of familyAlerts(family)) {
      lines.push(
        `      - alert: ${alert.alert}`,
        `        expr: ${y(alert.expr)}`,
        `        for: ${alert.for}`,
        "        labels:",
        // The family is in the expression's result too; as a static label it also tells the rules apart for
        // promtool's lint, which reports alerts of one name with the same static labels as duplicates.
        `          cache_family: ${text(family.family)}`,
        `          severity: ${alert.severity}`,
      );
      if (family.owner !== undefined) lines.push(`          owner: ${text(family.owner)}`);
      if (family.dataClass !== undefined) lines.push(`          data_class: ${text(family.dataClass)}`);
      lines.push(
        "        annotations:",
        `          summary: ${text(`${alert.summary}: ${family.family}`)}`,
        `          description: ${text(alert.description)}`,
        `          owner: ${text(family.owner ?? "no owner declared in the cachewise configuration")}`,
      );
      if (family.runbook !== undefined) lines.push(`          runbook_url: ${text(family.runbook)}`);
    }
  }
  return lines.join("\n");
}
