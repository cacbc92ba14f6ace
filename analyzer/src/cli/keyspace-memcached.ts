// `cachewise keyspace --memcached host:port`: the items of a Memcached server from one
// `lru_crawler metadump all`, grouped by the project's Memcached families (memjs, memcached,
// @keyv/memcache) and by namespace, in the same tables and JSON shape as a Redis full profile.
// Read-only. A dump cut short is printed as partial with the number of items read.
import { TTL_BUCKETS, TTL_HISTOGRAM_LABELS } from "../keyspace/aggregate";
import { formatDuration } from "../format/duration";
import { escapeText } from "../format/escape";
import type { GroupStats } from "../keyspace/keyspace-model";
import { MemcachedConnectionError } from "../keyspace/memcached-socket";
import { MetadumpUnavailableError, profileMemcached } from "../keyspace/profile-memcached";
import type { MemcachedProfile } from "../keyspace/profile-memcached";
import { createKeyMatcher } from "../program-model/match-keys";
import type { CacheFamily } from "../model/program-model";
import { describeTtls } from "./families";
import {
  familyName,
  flattenNamespaces,
  formatInt,
  formatMeasuredBytes,
  formatTable,
  toStatsJson,
  type KeyspaceIo,
} from "./keyspace";

export interface MemcachedKeyspaceArgs {
  address: string;
  delimiter: string;
  format: "pretty" | "json";
  timeoutMs: number;
  maxKeys: number | undefined;
  maxTimeMs: number | undefined;
}

/**
 * Profiles the Memcached at `args.address` and prints it; resolves to the exit code: 0 for a
 * complete profile or one stopped by --max-keys/--max-time (it says so), 2 when the server could
 * not be profiled or went away during the dump (the items read so far are printed, marked partial).
 */
export async function runMemcachedKeyspace(
  args: MemcachedKeyspaceArgs,
  families: readonly CacheFamily[],
  io: KeyspaceIo,
): Promise<number> {
  const memcachedFamilies = families.filter((f) => f.kind === "remote-kv");
  const matcher = createKeyMatcher(
    memcachedFamilies.map((f) => ({ id: f.id, pattern: f.pattern })),
    args.delimiter,
  );
  const labels = new Map(memcachedFamilies.map((f) => [f.id, f]));
  let profile: MemcachedProfile;
  try {
    profile = await profileMemcached(args.address, {
      classify: (key) => matcher.match(key),
      delimiter: args.delimiter,
      timeoutMs: args.timeoutMs,
      maxKeys: args.maxKeys,
      maxTimeMs: args.maxTimeMs,
    });
  } catch (error) {
    const message =
      error instanceof MemcachedConnectionError || error instanceof MetadumpUnavailableError
        ? error.message
        : `${args.address}: ${(error as Error).message}`;
    io.stderr(`cachewise: ${escapeText(message)}\n`);
    return 2;
  }
  io.stdout(
    (args.format === "json"
      ? JSON.stringify(toMemcachedProfileJson(profile, labels), null, 2)
      : formatMemcachedProfile(profile, labels, families.length > 0)) + "\n",
  );
  if (profile.stopReason === "connection-lost" || profile.stopReason === "timeout") {
    io.stderr(
      `cachewise: ${escapeText(profile.stopDetail ?? "")}: the figures above are partial (${formatInt(profile.itemsRead)} items read)\n`,
    );
    return 2;
  }
  return 0;
}

/** The first line of a Memcached profile: what was read, and whether it is all of it. */
export function describeMemcachedCoverage(profile: MemcachedProfile): string {
  const seconds = (profile.durationMs / 1000).toFixed(2);
  const head = `Memcached profile of ${escapeText(profile.nodes[0]?.node ?? profile.connection)} (${escapeText(profile.server.version)}): ${formatInt(profile.total.keys)} items in ${seconds} s from lru_crawler metadump`;
  const expired = profile.vanished > 0 ? `, ${formatInt(profile.vanished)} expired during the dump (not counted)` : "";
  if (profile.complete) return `${head}${expired}`;
  const atStart =
    profile.keysAtStart === undefined ? "" : ` of about ${formatInt(profile.keysAtStart)} the server held at the start`;
  return `${head}${expired}\nPARTIAL: ${escapeText(profile.stopDetail ?? profile.stopReason)}; the figures cover the ${formatInt(profile.itemsRead)} items read${atStart}, not the whole server`;
}

export function formatMemcachedProfile(
  profile: MemcachedProfile,
  labels: ReadonlyMap<string, CacheFamily>,
  grouped: boolean,
): string {
  const lines = [describeMemcachedCoverage(profile)];
  const total = profile.total;
  lines.push(
    `Size ${formatMeasuredBytes(total.memory?.totalBytes)} (item sizes with Memcached's per-item overhead) · ${formatInt(total.keysWithoutTtl)} items never expire · idle p50 ${total.idle ? formatDuration(total.idle.p50Seconds * 1000, "compact") : "—"}`,
  );
  const row = (name: string, stats: GroupStats) => [
    name,
    formatInt(stats.keys),
    formatInt(stats.keysWithoutTtl),
    stats.ttlP50Ms === undefined ? "—" : formatDuration(stats.ttlP50Ms, "compact"),
    formatMeasuredBytes(stats.memory?.totalBytes),
    formatMeasuredBytes(stats.memory?.averageBytes),
    stats.idle ? formatDuration(stats.idle.p50Seconds * 1000, "compact") : "—",
  ];
  const header = ["Items", "Never expire", "TTL p50", "Size", "Avg", "Idle p50"];
  const histogram = (name: string, stats: GroupStats) => [name, ...stats.ttlHistogram.map((n) => formatInt(n))];
  const histogramHeader = [...TTL_BUCKETS.map((b) => b.label), "never"];
  const right = new Set([1, 2, 4, 5]);
  const allRight = new Set(histogramHeader.map((_, i) => i + 1));
  if (grouped) {
    lines.push(
      "",
      formatTable(
        ["Family", ...header, "TTL in code"],
        profile.families.map((g) => [
          ...row(familyName(g.family, labels), g.stats),
          g.family ? describeTtls(labels.get(g.family)!) : "—",
        ]),
        right,
      ),
      "",
      "Remaining TTL per family:",
      formatTable(
        ["Family", ...histogramHeader],
        profile.families.map((g) => histogram(familyName(g.family, labels), g.stats)),
        allRight,
      ),
    );
  } else {
    lines.push("", "Remaining TTL:", formatTable(["", ...histogramHeader], [histogram("(all)", total)], allRight));
  }
  lines.push(
    "",
    formatTable(
      ["Namespace", ...header],
      flattenNamespaces(profile.namespaces, 2).map((n) => row(n.path || "(all)", n.stats)),
      right,
    ),
  );
  if (total.largestKeys.length > 0)
    lines.push(
      "",
      "Largest items:",
      ...total.largestKeys.map((k) => `  ${formatMeasuredBytes(k.bytes).padStart(9)}  ${escapeText(k.displayKey)}`),
    );
  for (const notice of profile.notices) lines.push(`note: ${escapeText(notice)}`);
  return lines.join("\n");
}

export function toMemcachedProfileJson(profile: MemcachedProfile, labels: ReadonlyMap<string, CacheFamily>): unknown {
  const namespaces = (node: MemcachedProfile["namespaces"]): unknown => ({
    path: node.path,
    segment: node.segment,
    isPattern: node.isPattern,
    stats: toStatsJson(node.stats),
    children: node.children.map(namespaces),
  });
  return {
    mode: "memcached",
    connection: profile.nodes[0]?.node ?? profile.connection,
    version: profile.server.version,
    durationMs: profile.durationMs,
    complete: profile.complete,
    stopReason: profile.stopReason,
    stopDetail: profile.stopDetail ?? null,
    itemsRead: profile.itemsRead,
    expiredDuringDump: profile.vanished,
    keysAtStart: profile.keysAtStart ?? null,
    dumpBytes: profile.dumpBytes,
    server: profile.server,
    ttlHistogramLabels: TTL_HISTOGRAM_LABELS,
    notices: profile.notices,
    total: toStatsJson(profile.total),
    families: profile.families.map((g) => ({
      family: g.family === undefined ? null : familyName(g.family, labels),
      stats: toStatsJson(g.stats),
    })),
    namespaces: namespaces(profile.namespaces),
  };
}
