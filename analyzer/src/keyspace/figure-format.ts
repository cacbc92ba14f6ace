// Short number, size and share formats for live figures: CodeLens, hovers, tree items and
// `cachewise keyspace`, so that the editor and the terminal print the same figures (durations:
// `formatDuration(ms, "compact")` in format/duration.ts). Pure.

/** 950 → `950`, 12_345 → `12.3k`, 4_100_000 → `4.1M`. */
export function formatCount(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1000) return String(Math.round(value));
  if (abs < 1_000_000) return `${trim(value / 1000)}k`;
  if (abs < 1_000_000_000) return `${trim(value / 1_000_000)}M`;
  return `${trim(value / 1_000_000_000)}G`;
}

/** 512 → `512 B`, 4_300_000 → `4.1 MB` (binary multiples, as Redis reports them). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${trim(value)} ${units[unit]}`;
}

/** 0.0312 → `3.1%`. */
export function formatShare(share: number): string {
  const percent = share * 100;
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

function trim(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, "");
}
