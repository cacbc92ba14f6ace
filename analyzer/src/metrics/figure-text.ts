// How run-time figures read, in the terminal (`cachewise stats`) and in the editor (CodeLens, hover, Families view),
// and the window both accept. Pure.
import { parseDuration } from "../extract/instances";
import { formatDuration } from "../format/duration";

/** 0.975 → `97.5%`; never `100.0%` unless every read hit, never `0.0%` unless none did. */
export function formatHitRatio(ratio: number): string {
  let text = (ratio * 100).toFixed(1);
  if (text === "100.0" && ratio < 1) text = "99.9";
  if (text === "0.0" && ratio > 0) text = "0.1";
  return `${text}%`;
}

/** A rate with three significant figures: `0.0123`, `1.5`, `250`. */
export function formatRate(value: number): string {
  if (value === 0) return "0";
  if (value >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/** A share (of operations that failed, of verified reads that were stale): `0%`, `2.86%`, `50%`. */
export function formatPercent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`;
}

/** Seconds as `0.75 ms`, `7.5 ms`, `1.2 s`. */
export function formatLatency(seconds: number): string {
  if (seconds < 1) return `${Number((seconds * 1000).toPrecision(3))} ms`;
  return formatDuration(Number((seconds * 1000).toPrecision(3)));
}

/**
 * A window such as `30s`, `5m`, `1h`, `1d` in whole seconds (Prometheus's range selectors), or undefined when it is
 * not one.
 */
export function parseWindow(text: string): number | undefined {
  const ms = /^\d+(ms|s|m|h|d|w)$/.test(text) ? parseDuration(text) : undefined;
  if (ms === undefined || ms < 1000 || ms % 1000 !== 0) return undefined;
  return ms / 1000;
}
