// `cachewise stats --prometheus <url>`: per cache family of the analysed code, the hit ratio, miss rate, error ratio,
// p99 latency and stale-read ratio measured at run time (cachewise/runtime's metrics in Prometheus) over a window.
// Read-only; four queries whatever the number of families; any failure to ask Prometheus is one line naming the
// server and exit code 2. Family labels come from the code and from Prometheus: escaped before they are printed.
import { describeError } from "../analyze/analyze-files";
import { escapeText } from "../format/escape";
import { formatPercent, formatHitRatio, formatLatency, formatRate, parseWindow } from "../metrics/figure-text";
import { fetchFamilyFigures, type FamilyFigures } from "../metrics/family-stats";
import { UNMATCHED_FAMILY, UNMEASURED_KINDS } from "../metrics/metric-names";
import {
  DEFAULT_TIMEOUT_MS,
  parsePrometheusUrl,
  PrometheusError,
  type PrometheusServer,
} from "../metrics/prometheus-client";
import { ConfigError } from "../config/config";
import { runFamilies } from "./families";
import { createArgReader, UsageError } from "./read-args";

export const STATS_USAGE = `Usage: cachewise stats --prometheus <url> [paths...] [options]

Shows, per cache family of the project, what cachewise/runtime measured in production: hit ratio,
misses per second, share of failed operations, p99 latency and share of stale reads, over a
window, from Prometheus's HTTP API (read-only: four queries, whatever the number of families).
A family without operations in the window shows "no data"; a figure that cannot be computed is
left out.

Options:
  --prometheus <url>       http(s)://[user:password@]host:9090[/prefix]
  --window <duration>      how far back: 30s, 5m, 1h (default), 1d
  --project <tsconfig>     the families of this project (repeatable); default: the tsconfigs under the paths
  --config <file>          configuration file
  --format text|json       output (default text)
  --timeout <ms>           timeout of each query (default ${DEFAULT_TIMEOUT_MS})`;

export interface StatsIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

interface StatsArgs {
  help: boolean;
  url: string | undefined;
  windowSeconds: number;
  windowText: string;
  paths: string[];
  projects: string[];
  configFile: string | undefined;
  format: "text" | "json";
  timeoutMs: number;
}

export function parseStatsArgs(argv: readonly string[]): StatsArgs {
  const parsed: StatsArgs = {
    help: false,
    url: undefined,
    windowSeconds: 3600,
    windowText: "1h",
    paths: [],
    projects: [],
    configFile: undefined,
    format: "text",
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
  const reader = createArgReader(argv);
  for (let next = reader.next(); next; next = reader.next()) {
    const { arg, flag, inline } = next;
    switch (flag) {
      case "-h":
      case "--help":
        parsed.help = true;
        break;
      case "--prometheus":
        parsed.url = reader.takeValue(flag, inline);
        break;
      case "--window": {
        const text = reader.takeValue(flag, inline);
        const seconds = parseWindow(text);
        if (seconds === undefined)
          throw new UsageError(`--window expects a duration of whole seconds such as 30s, 5m, 1h or 1d, got "${text}"`);
        parsed.windowSeconds = seconds;
        parsed.windowText = text;
        break;
      }
      case "--project":
      case "-p":
        parsed.projects.push(reader.takeValue(flag, inline));
        break;
      case "--config":
      case "-c":
        parsed.configFile = reader.takeValue(flag, inline);
        break;
      case "--format":
      case "-f": {
        const value = reader.takeValue(flag, inline);
        if (value !== "text" && value !== "json")
          throw new UsageError(`unknown format "${value}" (expected text or json)`);
        parsed.format = value;
        break;
      }
      case "--timeout":
        parsed.timeoutMs = reader.takeInteger(flag, inline, 1);
        break;
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option "${flag}"`);
        parsed.paths.push(arg);
    }
  }
  return parsed;
}

/** One row of the report: a family of the code, or the keys of no family. */
interface StatsRow {
  family: string;
  kind: string;
  figures: FamilyFigures | undefined;
}

/** Runs `cachewise stats`; resolves to the exit code (0, or 2 for usage, configuration and Prometheus errors). */
export async function runStatsCli(argv: string[], io: StatsIo): Promise<number> {
  let args: StatsArgs;
  try {
    args = parseStatsArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`cachewise: ${escapeText(error.message)}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(STATS_USAGE + "\n");
    return 0;
  }
  if (!args.url) {
    io.stderr("cachewise: stats needs --prometheus <url>\n");
    return 2;
  }
  let server: PrometheusServer;
  try {
    server = parsePrometheusUrl(args.url);
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error;
    io.stderr(`cachewise: --prometheus: ${escapeText(error.message)}\n`);
    return 2;
  }
  let families: Array<{ label: string; kind: string }>;
  try {
    const result = runFamilies({
      cwd: io.cwd,
      paths: args.paths,
      projects: args.projects,
      configFile: args.configFile,
    });
    for (const error of result.errors) io.stderr(`cachewise: error: ${escapeText(error)}\n`);
    if (result.errors.length > 0) return 2;
    families = result.rows
      .map((row) => row.family)
      .filter((family) => !UNMEASURED_KINDS.includes(family.kind))
      .map((family) => ({ label: family.label, kind: family.kind }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`cachewise: ${escapeText(describeError(error))}\n`);
    return 2;
  }
  let figures: Map<string, FamilyFigures>;
  try {
    figures = await fetchFamilyFigures(server, args.windowSeconds, { timeoutMs: args.timeoutMs });
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error;
    // The message may quote the server's reply.
    io.stderr(`cachewise: ${escapeText(error.message)}\n`);
    return 2;
  }
  const rows: StatsRow[] = families.map((family) => ({
    family: family.label,
    kind: family.kind,
    figures: figures.get(family.label),
  }));
  const known = new Set([...families.map((f) => f.label), UNMATCHED_FAMILY]);
  const unmatched = figures.get(UNMATCHED_FAMILY);
  const others = [...figures.keys()].filter((family) => !known.has(family)).sort();
  io.stdout(
    (args.format === "json"
      ? JSON.stringify(toStatsJson(server, args, rows, unmatched, others), null, 2)
      : formatStats(server, args, rows, unmatched, others)) + "\n",
  );
  return 0;
}

function toStatsJson(
  server: PrometheusServer,
  args: StatsArgs,
  rows: StatsRow[],
  unmatched: FamilyFigures | undefined,
  others: string[],
) {
  return {
    prometheus: server.shown,
    window: args.windowText,
    windowSeconds: args.windowSeconds,
    families: rows.map((row) => ({
      family: row.family,
      kind: row.kind,
      data: row.figures !== undefined,
      ...row.figures,
    })),
    unmatched: unmatched ?? null,
    /** Families Prometheus has figures for that the analysed code does not have (another service's, or renamed). */
    otherFamilies: others,
  };
}

function formatStats(
  server: PrometheusServer,
  args: StatsArgs,
  rows: StatsRow[],
  unmatched: FamilyFigures | undefined,
  others: string[],
): string {
  const withData = rows.filter((row) => row.figures).length;
  const lines = [
    `Prometheus ${server.shown}, over the last ${args.windowText}: ${withData} of ${rows.length} famil${rows.length === 1 ? "y" : "ies"} with data`,
  ];
  if (rows.length === 0 && !unmatched) {
    lines.push("", "No cache families found in the code.");
    return lines.map(escapeText).join("\n");
  }
  const header = ["Family", "Hit ratio", "Misses/s", "Errors", "p99", "Stale reads"];
  const cells = (name: string, figures: FamilyFigures | undefined): string[] => {
    if (!figures) return [name, "no data"];
    const absent = "—";
    return [
      name,
      figures.hitRatio === undefined ? absent : formatHitRatio(figures.hitRatio),
      figures.missesPerSecond === undefined ? absent : formatRate(figures.missesPerSecond),
      formatPercent(figures.errorRatio),
      figures.p99Seconds === undefined ? absent : formatLatency(figures.p99Seconds),
      figures.staleReadRatio === undefined ? absent : formatPercent(figures.staleReadRatio),
    ];
  };
  const table = [
    header,
    ...rows.map((row) => cells(escapeText(row.family), row.figures)),
    ...(unmatched ? [cells(`(${UNMATCHED_FAMILY}: keys of no family)`, unmatched)] : []),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0)));
  lines.push("");
  for (const row of table)
    lines.push(
      row
        .map((cell, i) => (i === 0 || row.length === 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join("  ")
        .trimEnd(),
    );
  lines.push(
    "",
    "Errors: share of the operations that failed. Stale reads: share of the hits verified against the source that were stale. —: no reads (hit ratio, misses), no duration histogram (p99), or no run-time verification (stale reads).",
  );
  if (others.length > 0)
    lines.push(
      `${others.length} other famil${others.length === 1 ? "y has" : "ies have"} figures in Prometheus but not in this code: ${others
        .slice(0, 5)
        .map((family) => JSON.stringify(family))
        .join(", ")}${others.length > 5 ? ", …" : ""}`,
    );
  return lines.map(escapeText).join("\n");
}
