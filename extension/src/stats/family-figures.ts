// Live figures per cache family, from the latest full profile or sampled estimate, and the texts
// the editor shows for them (CodeLens titles, hovers, mismatch notices, risk order). Pure: no
// `vscode`, no Redis; everything from Redis or the code is escaped here (format/escape: plain text
// for titles and diagnostics, Markdown for hovers).
import type { KeyspaceEstimate, KeyspaceProfile } from "../../../analyzer/src/keyspace/keyspace-model";
import type { SnapshotFamily } from "../../../analyzer/src/model/workspace-snapshot";
import { formatDuration } from "../../../analyzer/src/format/duration";
import { escapeMarkdownText, escapeText, formatMarkdownCode } from "../../../analyzer/src/format/escape";
import { formatBytes, formatCount, formatShare } from "../../../analyzer/src/keyspace/figure-format";

/** What the latest profile or estimate says about one family's keys. */
export interface LiveFigures {
  source: "profile" | "estimate";
  /** Exact (profile) or estimated (estimate) key count. */
  keys: number;
  /** 95 % interval of an estimate. */
  keysLow: number | undefined;
  keysHigh: number | undefined;
  /** Keys without TTL: exact for a profile, estimated for an estimate. */
  keysWithoutTtl: number;
  noTtlShare: number;
  ttlP50Ms: number | undefined;
  /** Measured memory (profiles only: memory is never extrapolated from samples). */
  memoryBytes: number | undefined;
  /** Labels and counts of the TTL histogram. */
  ttlHistogram: Array<{ label: string; count: number }>;
  types: Record<string, number>;
  sampleKeys: string[];
  largestKeys: Array<{ key: string; bytes: number }>;
  idleP50Seconds: number | undefined;
}

/** The figures of every family (and of keys no family produces, under `undefined`), by family id. */
export function collectFigures(
  profile: KeyspaceProfile | undefined,
  estimate: KeyspaceEstimate | undefined,
  histogramLabels: readonly string[],
): Map<string | undefined, LiveFigures> {
  const figures = new Map<string | undefined, LiveFigures>();
  if (profile) {
    for (const { family, stats } of profile.families) {
      figures.set(family, {
        source: "profile",
        keys: stats.keys,
        keysLow: undefined,
        keysHigh: undefined,
        keysWithoutTtl: stats.keysWithoutTtl,
        noTtlShare: stats.keys > 0 ? stats.keysWithoutTtl / stats.keys : 0,
        ttlP50Ms: stats.ttlP50Ms,
        memoryBytes: stats.memory?.totalBytes,
        ttlHistogram: stats.ttlHistogram.map((count, i) => ({ label: histogramLabels[i] ?? `#${i}`, count })),
        types: stats.types,
        sampleKeys: stats.sampleKeys,
        largestKeys: stats.largestKeys.map((k) => ({ key: k.displayKey, bytes: k.bytes })),
        idleP50Seconds: stats.idle?.p50Seconds,
      });
    }
    return figures;
  }
  if (estimate) {
    for (const { family, estimate: e } of estimate.families) {
      figures.set(family, {
        source: "estimate",
        keys: e.estimatedKeys,
        keysLow: e.estimatedKeysLow,
        keysHigh: e.estimatedKeysHigh,
        keysWithoutTtl: Math.round(e.estimatedKeys * e.noTtlShare),
        noTtlShare: e.noTtlShare,
        ttlP50Ms: undefined,
        memoryBytes: undefined,
        ttlHistogram: e.ttlHistogram.map((count, i) => ({ label: histogramLabels[i] ?? `#${i}`, count })),
        types: e.types,
        sampleKeys: e.sampleKeys,
        largestKeys: [],
        idleP50Seconds: undefined,
      });
    }
  }
  return figures;
}

/** The server a family's keys live in, for live figures: Redis, Memcached, or none (in-process, memoizers…). */
export type LiveStore = "Redis" | "Memcached";

export function findLiveStore(family: Pick<SnapshotFamily, "kind">): LiveStore | undefined {
  return family.kind === "redis" ? "Redis" : family.kind === "remote-kv" ? "Memcached" : undefined;
}

/** `user:{id} · 12.3k keys · TTL p50 5m · 412 without TTL · 4.1 MB`. */
export function formatLensTitle(
  family: Pick<SnapshotFamily, "label">,
  figures: LiveFigures | undefined,
  state: "connected" | "disconnected" | "none" | "loading",
  store: LiveStore = "Redis",
): string {
  const head = escapeText(family.label);
  if (state === "none") return `${head} · no ${store} connection`;
  if (state === "disconnected") return `${head} · ${store} disconnected`;
  if (state === "loading") return `${head} · profiling…`;
  if (!figures || figures.keys === 0) return `${head} · no keys in ${store}`;
  const parts = [head];
  if (figures.source === "profile") {
    parts.push(`${formatCount(figures.keys)} keys`);
    if (figures.ttlP50Ms !== undefined) parts.push(`TTL p50 ${formatDuration(figures.ttlP50Ms, "compact")}`);
    parts.push(`${formatCount(figures.keysWithoutTtl)} without TTL`);
    if (figures.memoryBytes !== undefined) parts.push(formatBytes(figures.memoryBytes));
  } else {
    parts.push(`≈${formatCount(figures.keys)} keys`);
    parts.push(`${formatShare(figures.noTtlShare)} without TTL`);
    parts.push("sampled");
  }
  return parts.join(" · ");
}

/** A Markdown hover for a family: pattern, live figures, TTL histogram, samples, code vs live TTL, class and owner. */
export function buildFamilyHover(
  family: SnapshotFamily,
  figures: LiveFigures | undefined,
  options: { revealCommand?: string; connection?: string },
): string {
  const store = findLiveStore(family);
  const lines: string[] = [];
  lines.push(
    `**Cachewise** · ${formatMarkdownCode(family.label)} · ${escapeMarkdownText(family.kind)}${family.library ? ` (${escapeMarkdownText(family.library)})` : ""}`,
  );
  lines.push("");
  const facts = [
    `TTL in code: ${escapeMarkdownText(family.ttlText)} · bound: ${escapeMarkdownText(family.boundText)} · ${family.reads} reads, ${family.writes} writes, ${family.invalidations} invalidations`,
  ];
  if (family.entities.length > 0) facts.push(`Depends on: ${family.entities.map(escapeMarkdownText).join(", ")}`);
  if (family.dataClass || family.owner)
    facts.push(
      `Class: ${escapeMarkdownText(family.dataClass ?? "—")} · owner: ${escapeMarkdownText(family.owner ?? "—")}${family.runbook ? ` · runbook: ${escapeMarkdownText(family.runbook)}` : ""}`,
    );
  // One fact per line: consecutive Markdown lines would run together into one paragraph.
  lines.push(facts.join("  \n"));
  lines.push("");
  if (!store) {
    lines.push("Not stored in Redis: no live figures.");
  } else if (!figures) {
    lines.push(
      options.connection
        ? `No keys of this family in ${escapeMarkdownText(options.connection)}.`
        : `No live figures (no ${store} connection).`,
    );
  } else {
    const keys =
      figures.source === "profile"
        ? `${formatCount(figures.keys)} keys`
        : `≈${formatCount(figures.keys)} keys (95 % ${formatCount(figures.keysLow ?? figures.keys)}–${formatCount(figures.keysHigh ?? figures.keys)}, sampled)`;
    const memory =
      figures.memoryBytes !== undefined
        ? formatBytes(figures.memoryBytes)
        : figures.source === "estimate"
          ? "memory: run a full profile"
          : "memory: no permission";
    lines.push(
      `Live${options.connection ? ` in ${escapeMarkdownText(options.connection)}` : ""}: ${keys} · ${formatCount(figures.keysWithoutTtl)} without TTL (${formatShare(figures.noTtlShare)}) · ${memory}`,
    );
    lines.push("");
    lines.push("| TTL | keys |");
    lines.push("|---|---:|");
    for (const bucket of figures.ttlHistogram)
      if (bucket.count > 0) lines.push(`| ${escapeMarkdownText(bucket.label)} | ${bucket.count} |`);
    const comparison = compareTtl(family, figures);
    if (comparison) lines.push("", comparison);
    if (figures.sampleKeys.length > 0) {
      lines.push("", "Sample keys:");
      for (const key of figures.sampleKeys.slice(0, 5)) lines.push(`- ${formatMarkdownCode(key.slice(0, 200))}`);
    }
    if (figures.largestKeys.length > 0)
      lines.push(
        "",
        `Largest: ${figures.largestKeys
          .slice(0, 3)
          .map((k) => `${formatMarkdownCode(k.key.slice(0, 80))} ${formatBytes(k.bytes)}`)
          .join(", ")}`,
      );
  }
  if (options.revealCommand) lines.push("", `[Reveal in sidebar](${options.revealCommand})`);
  return lines.join("\n");
}

/** "Code sets 1h; live keys: p50 42m, 3 % without TTL", or a warning when they disagree. */
export function compareTtl(family: SnapshotFamily, figures: LiveFigures): string | undefined {
  const setsTtl = family.ttlsMs.some((ms) => ms !== null);
  if (family.ttlsMs.length === 0) return undefined;
  const live = figures.ttlP50Ms !== undefined ? `p50 ${formatDuration(figures.ttlP50Ms, "compact")}, ` : "";
  const text = `Code sets ${escapeMarkdownText(family.ttlText)}; live keys: ${live}${formatShare(figures.noTtlShare)} without TTL`;
  return setsTtl && figures.keysWithoutTtl > 0 && figures.noTtlShare >= 0.01 ? `⚠ ${text}` : text;
}

/** A disagreement between the code and the live keyspace, reported as an information diagnostic. */
export interface Mismatch {
  familyId: string;
  kind: "ttl-missing-live" | "no-writer" | "over-budget";
  message: string;
}

/** Mismatches between the families in code and what Redis holds. */
export function findMismatches(
  families: readonly SnapshotFamily[],
  figures: ReadonlyMap<string | undefined, LiveFigures>,
  budgets: Readonly<Record<string, number>>,
): Mismatch[] {
  const mismatches: Mismatch[] = [];
  for (const family of families) {
    const live = figures.get(family.id);
    if (!live || live.keys === 0) continue;
    const codeSetsTtl = family.ttlsMs.length > 0 && family.ttlsMs.every((ms) => ms !== null);
    if (codeSetsTtl && live.keysWithoutTtl > 0 && live.noTtlShare >= 0.01) {
      mismatches.push({
        familyId: family.id,
        kind: "ttl-missing-live",
        message: `${escapeText(family.label)}: the code always sets a TTL (${escapeText(family.ttlText)}), but ${formatCount(live.keysWithoutTtl)} live keys (${formatShare(live.noTtlShare)}) have none: a write without expiry (a plain SET drops the TTL) or keys from another writer.`,
      });
    }
    if (family.writes === 0 && family.kind === "redis") {
      mismatches.push({
        familyId: family.id,
        kind: "no-writer",
        message: `${escapeText(family.label)}: ${live.source === "estimate" ? "≈" : ""}${formatCount(live.keys)} keys live in Redis, but no code in this workspace writes this pattern (another service, or dead keys).`,
      });
    }
    const budget = budgets[family.pattern] ?? budgets[family.label];
    if (budget !== undefined && live.memoryBytes !== undefined && live.memoryBytes > budget) {
      mismatches.push({
        familyId: family.id,
        kind: "over-budget",
        message: `${escapeText(family.label)}: ${formatBytes(live.memoryBytes)} in Redis, over its budget of ${formatBytes(budget)}.`,
      });
    }
  }
  return mismatches;
}

/** Families most worth a look first: findings, then keys without TTL, then memory, then keys. */
export function rankByRisk<T extends Pick<SnapshotFamily, "id" | "findings" | "label">>(
  families: readonly T[],
  figures: ReadonlyMap<string | undefined, LiveFigures>,
): T[] {
  const score = (family: T) => {
    const live = figures.get(family.id);
    return [family.findings, live?.keysWithoutTtl ?? 0, live?.memoryBytes ?? 0, live?.keys ?? 0];
  };
  return [...families].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sb[i]! - sa[i]!;
    return a.label.localeCompare(b.label);
  });
}
