// The one duration formatter: rule messages and `cachewise families` write durations as prose
// (`5 min`, `1.5 h`), live figures (CodeLens, hovers, tree items, `cachewise keyspace`) in the
// short form of a column (`5m`, `1.5h`). Pure.

/**
 * `prose`: `250 ms`, `30 s`, `5 min`, `36 h`, `2 d`, `never` (hours up to two days; one decimal when not whole).
 * `compact`: `4s`, `5m`, `1.5h`, `2d`, `none` (no milliseconds; one decimal below 100, trailing `.0` dropped).
 */
export type DurationStyle = "prose" | "compact";

/** A duration in milliseconds, for people: `formatDuration(300_000)` → `5 min`, `formatDuration(300_000, "compact")` → `5m`. */
export function formatDuration(ms: number, style: DurationStyle = "prose"): string {
  return style === "prose" ? formatProse(ms) : formatCompact(ms);
}

function formatProse(ms: number): string {
  if (ms === Infinity) return "never";
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${roundProse(seconds)} s`;
  const minutes = seconds / 60;
  if (minutes < 60) return `${roundProse(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${roundProse(hours)} h`;
  return `${roundProse(hours / 24)} d`;
}

function formatCompact(ms: number): string {
  if (!Number.isFinite(ms)) return "none";
  const seconds = ms / 1000;
  if (seconds < 60) return `${roundCompact(seconds)}s`;
  if (seconds < 3600) return `${roundCompact(seconds / 60)}m`;
  if (seconds < 86400) return `${roundCompact(seconds / 3600)}h`;
  return `${roundCompact(seconds / 86400)}d`;
}

function roundProse(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function roundCompact(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, "");
}
