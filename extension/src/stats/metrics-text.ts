// Run-time figures from Prometheus (cachewise/runtime's metrics, per family) as the editor shows them: a CodeLens
// suffix, a Families view description, a hover section with a chart of the hit ratio, and the stale-read order of
// the Families view. Pure: no `vscode`, no network; family labels and server messages are escaped here.
import { escapeMarkdownText, escapeText } from "../../../analyzer/src/format/escape";
import type { FamilyFigures } from "../../../analyzer/src/metrics/family-stats";
import { formatPercent, formatHitRatio, formatLatency, formatRate } from "../../../analyzer/src/metrics/figure-text";

/** Where the run-time figures stand: not configured, being read, read, or failed (with the one-line reason). */
export type MetricsStatus =
  | { kind: "none" }
  | { kind: "loading" }
  | { kind: "ready"; figures: ReadonlyMap<string, FamilyFigures>; window: string }
  | { kind: "error"; message: string };

/** `97.5% hits · p99 4.2 ms · 0.5% stale`, `no run-time data`, `metrics unavailable`; undefined when not configured. */
export function formatMetricsSummary(label: string, status: MetricsStatus): string | undefined {
  switch (status.kind) {
    case "none":
      return undefined;
    case "loading":
      return "reading metrics…";
    case "error":
      return "metrics unavailable";
    case "ready": {
      const figures = status.figures.get(label);
      if (!figures) return `no run-time data (${status.window})`;
      const parts: string[] = [];
      if (figures.hitRatio !== undefined) parts.push(`${formatHitRatio(figures.hitRatio)} hits`);
      if (figures.errorRatio > 0) parts.push(`${formatPercent(figures.errorRatio)} errors`);
      if (figures.p99Seconds !== undefined) parts.push(`p99 ${formatLatency(figures.p99Seconds)}`);
      if (figures.staleReadRatio !== undefined) parts.push(`${formatPercent(figures.staleReadRatio)} stale`);
      if (parts.length === 0) parts.push(`${formatRate(figures.operationsPerSecond)} ops/s`);
      return parts.join(" · ");
    }
  }
}

/**
 * The hover's run-time section in Markdown: the figures over the window and, when given, a chart of the hit ratio
 * (`history`: [seconds, ratio] points) as an SVG image in a data URI.
 */
export function buildMetricsHover(
  label: string,
  status: MetricsStatus,
  history: { points: ReadonlyArray<[number, number]>; hours: number } | undefined,
): string | undefined {
  if (status.kind === "none") return undefined;
  if (status.kind === "loading") return "**Production** · reading Prometheus…";
  if (status.kind === "error") return `**Production** · ${escapeMarkdownText(status.message)}`;
  const figures = status.figures.get(label);
  if (!figures) return `**Production** (last ${escapeMarkdownText(status.window)}) · no data for this family`;
  const absent = "—";
  const lines = [
    `**Production** (last ${escapeMarkdownText(status.window)}) · ${formatRate(figures.operationsPerSecond)} operations/s`,
    "",
    "| hit ratio | misses/s | errors | p99 | stale reads |",
    "|---:|---:|---:|---:|---:|",
    `| ${figures.hitRatio === undefined ? absent : formatHitRatio(figures.hitRatio)} | ${figures.missesPerSecond === undefined ? absent : formatRate(figures.missesPerSecond)} | ${formatPercent(figures.errorRatio)} | ${figures.p99Seconds === undefined ? absent : escapeMarkdownText(formatLatency(figures.p99Seconds))} | ${figures.staleReadRatio === undefined ? absent : formatPercent(figures.staleReadRatio)} |`,
  ];
  if (history && history.points.length >= 2) {
    const svg = buildHitRatioChart(history.points);
    lines.push(
      "",
      `![Hit ratio over the last ${history.hours} h](data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")})`,
      "",
      `Hit ratio over the last ${history.hours} h (${formatHitRatio(Math.min(...history.points.map(([, v]) => v)))} – ${formatHitRatio(Math.max(...history.points.map(([, v]) => v)))})`,
    );
  } else if (history) lines.push("", `No hit ratio to chart over the last ${history.hours} h.`);
  return lines.join("\n");
}

const CHART = { width: 240, height: 60, pad: 2 } as const;

/**
 * A small line chart of ratios in [0, 1] over time, as SVG text: the y axis from 0 % to 100 % (a dip shows as a
 * dip, not magnified), a gap where points are further apart than twice the usual step (no data there), and nothing
 * but numbers written into it.
 */
export function buildHitRatioChart(points: ReadonlyArray<[number, number]>): string {
  const { width, height, pad } = CHART;
  const sorted = [...points].filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)).sort(([a], [b]) => a - b);
  const first = sorted[0]?.[0] ?? 0;
  const last = sorted[sorted.length - 1]?.[0] ?? 1;
  const span = Math.max(last - first, 1);
  const steps = sorted.slice(1).map(([t], i) => t - sorted[i]![0]);
  const step = steps.length > 0 ? [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)]! : span;
  const x = (t: number) => round(pad + ((t - first) / span) * (width - 2 * pad));
  const y = (v: number) => round(pad + (1 - Math.min(1, Math.max(0, v))) * (height - 2 * pad));
  const runs: string[] = [];
  let run: string[] = [];
  sorted.forEach(([t, v], i) => {
    if (i > 0 && t - sorted[i - 1]![0] > 2 * step) {
      runs.push(run.join(" "));
      run = [];
    }
    run.push(`${x(t)},${y(v)}`);
  });
  if (run.length > 0) runs.push(run.join(" "));
  const lines = runs.map((r) => `<polyline points="${r}" fill="none" stroke="#3794ff" stroke-width="1.5"/>`).join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" fill="none" stroke="#8888" />` +
    `<line x1="${pad}" y1="${y(0.5)}" x2="${width - pad}" y2="${y(0.5)}" stroke="#8884" stroke-dasharray="2,3"/>` +
    lines +
    "</svg>"
  );
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The Families view's orders: riskiest first (the default), or the largest share of stale reads first. */
export type FamilySort = "risk" | "staleReads";

/**
 * Families by their share of stale reads, largest first; families without the figure (not verified, or no data) after
 * them in their given order. Stable for equal rates.
 */
export function sortByStaleReads<T extends { label: string }>(
  families: readonly T[],
  figures: ReadonlyMap<string, FamilyFigures>,
): T[] {
  const rate = (family: T) => figures.get(family.label)?.staleReadRatio;
  return families
    .map((family, index) => ({ family, index, rate: rate(family) }))
    .sort((a, b) => {
      if (a.rate !== undefined && b.rate !== undefined && a.rate !== b.rate) return b.rate - a.rate;
      if ((a.rate === undefined) !== (b.rate === undefined)) return a.rate === undefined ? 1 : -1;
      return a.index - b.index;
    })
    .map(({ family }) => family);
}

/** A one-line reason from a failure to ask Prometheus, for a notice or the log. */
export function describeMetricsFailure(message: string): string {
  return escapeText(message);
}
