// `cachewise keyspace`: the editor's keyspace profile in the terminal, grouped by the cache
// families of the project when paths or --project are given. Read-only (the connection is opened
// without writes), SCAN-based, a sampled estimate by default and a full profile with --full.
import { TTL_HISTOGRAM_LABELS } from "../keyspace/aggregate";
import {
  KeyspaceConfigError,
  KeyspaceConnectionError,
  openKeyspaceConnection,
  parseRedisUrl,
  readSentinelMasters,
  redactRedisUrl,
  type KeyspaceConnection,
  type KeyspaceConnectionConfig,
} from "../keyspace/connection";
import { estimateKeyspace } from "../keyspace/estimate-keyspace";
import { parseMemcachedAddress } from "../keyspace/memcached-socket";
import { formatDuration } from "../format/duration";
import { escapeText } from "../format/escape";
import { formatBytes } from "../keyspace/figure-format";
import type {
  GroupStats,
  KeyspaceEstimate,
  KeyspaceProfile,
  NamespaceEstimate,
  NamespaceNode,
} from "../keyspace/keyspace-model";
import { profileKeyspace } from "../keyspace/profile-keyspace";
import {
  MissingPermissionError,
  isConnectionLostError,
  isPermissionError,
  isUnknownCommandError,
} from "../keyspace/redis-errors";
import { createKeyMatcher } from "../program-model/match-keys";
import type { CacheFamily } from "../model/program-model";
import { describeTtls, runFamilies } from "./families";
import { runMemcachedKeyspace } from "./keyspace-memcached";
import { createArgReader, UsageError } from "./read-args";

export const KEYSPACE_USAGE = `Usage: cachewise keyspace --redis <url> [paths...] [options]
       cachewise keyspace --memcached <host:port> [paths...] [options]

Profiles a live Redis keyspace (read-only: SCAN, TYPE, PTTL, MEMORY USAGE, OBJECT IDLETIME; never
KEYS) and groups it by the cache families of the project when paths or --project are given.

Options:
  --redis <url>            redis://[user@]host:port[/db] (or ?db=N) or rediss:// (TLS); password from
                           REDISCLI_AUTH or CACHEWISE_REDIS_PASSWORD, or in the URL
  --cluster                Redis Cluster: every master is scanned, in parallel
  --sentinel <name>        Sentinel mode: the URL names a Sentinel, <name> the master group
  --user <name>            ACL user name
  --db <index>             database index (the same as the URL's, if it names one); the server
                           must have it
  --sample <n>             sampled estimate: n keys inspected (default 10000), 3n key names counted for the shares
  --full                   full profile: every key, with memory (memory is never extrapolated from samples)
  --speed gentle|fast      full profile pacing (default gentle: lowest latency impact)
  --project <tsconfig>     group by the families of this project (repeatable)
  --delimiter <text>       namespace delimiter (default ":")
  --format pretty|json     output (default pretty)
  --timeout <ms>           timeout of each command (default 5000)

Memcached (read-only: version, stats, stats settings and one lru_crawler metadump all; every item):
  --memcached <host:port>  profile a Memcached server (port 11211 when left out)
  --max-keys <n>           stop the dump after n items (default 5000000); the figures say they are partial
  --max-time <seconds>     stop the dump after this long (default 300); the figures say they are partial`;

export interface KeyspaceIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

interface KeyspaceArgs {
  url: string | undefined;
  memcached: string | undefined;
  maxKeys: number | undefined;
  maxTimeSeconds: number | undefined;
  cluster: boolean;
  sentinel: string | undefined;
  user: string | undefined;
  db: number | undefined;
  sample: number;
  full: boolean;
  speed: "gentle" | "fast";
  projects: string[];
  paths: string[];
  delimiter: string;
  format: "pretty" | "json";
  timeoutMs: number;
  help: boolean;
  /** Options given on the command line, to reject the ones that contradict each other. */
  given: Set<string>;
}

export function parseKeyspaceArgs(argv: string[]): KeyspaceArgs {
  const parsed: KeyspaceArgs = {
    url: undefined,
    memcached: undefined,
    maxKeys: undefined,
    maxTimeSeconds: undefined,
    cluster: false,
    sentinel: undefined,
    user: undefined,
    db: undefined,
    sample: 10_000,
    full: false,
    speed: "gentle",
    projects: [],
    paths: [],
    delimiter: ":",
    format: "pretty",
    timeoutMs: 5000,
    help: false,
    given: new Set(),
  };
  const reader = createArgReader(argv);
  // An option given twice with different values is a contradiction, not "the last one wins".
  const values = new Map<string, string>();
  const takeValue = (flag: string, inline: string | undefined) => {
    const value = reader.takeValue(flag, inline);
    const earlier = values.get(flag);
    if (earlier !== undefined && earlier !== value && flag !== "--project" && flag !== "-p")
      throw new UsageError(`${flag} is given twice ("${shownValue(flag, earlier)}" and "${shownValue(flag, value)}")`);
    values.set(flag, value);
    return value;
  };
  const takeNumber = (flag: string, inline: string | undefined, min: number) => {
    const value = takeValue(flag, inline);
    return reader.takeInteger(flag, value, min);
  };
  for (let next = reader.next(); next; next = reader.next()) {
    const { arg, flag, inline } = next;
    if (flag.startsWith("-")) parsed.given.add(flag);
    switch (flag) {
      case "-h":
      case "--help":
        parsed.help = true;
        break;
      case "--redis":
        parsed.url = takeValue(flag, inline);
        break;
      case "--memcached":
        parsed.memcached = takeValue(flag, inline);
        break;
      case "--max-keys":
        parsed.maxKeys = takeNumber(flag, inline, 1);
        break;
      case "--max-time":
        parsed.maxTimeSeconds = takeNumber(flag, inline, 1);
        break;
      case "--cluster":
        parsed.cluster = true;
        break;
      case "--sentinel":
        parsed.sentinel = takeValue(flag, inline);
        break;
      case "--user":
        parsed.user = takeValue(flag, inline);
        break;
      case "--db":
        parsed.db = takeNumber(flag, inline, 0);
        break;
      case "--sample":
        parsed.sample = takeNumber(flag, inline, 1);
        break;
      case "--full":
        parsed.full = true;
        break;
      case "--speed": {
        const value = takeValue(flag, inline);
        if (value !== "gentle" && value !== "fast")
          throw new UsageError(`--speed expects gentle or fast, got "${value}"`);
        parsed.speed = value;
        break;
      }
      case "--project":
      case "-p":
        parsed.projects.push(takeValue(flag, inline));
        break;
      case "--delimiter":
        parsed.delimiter = takeValue(flag, inline);
        break;
      case "--format":
      case "-f": {
        const value = takeValue(flag, inline);
        if (value !== "pretty" && value !== "json")
          throw new UsageError(`unknown format "${value}" (expected pretty, json)`);
        parsed.format = value;
        break;
      }
      case "--timeout":
        parsed.timeoutMs = takeNumber(flag, inline, 1);
        break;
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option "${flag}"`);
        parsed.paths.push(arg);
    }
  }
  const conflicts: Array<[string, string, string]> = [
    ["--sample", "--full", "--full inspects every key; --sample sizes the default sampled estimate"],
    ["--cluster", "--sentinel", "a Sentinel watches one master, not a cluster"],
  ];
  for (const [a, b, why] of conflicts)
    if (parsed.given.has(a) && parsed.given.has(b))
      throw new UsageError(`${a} and ${b} contradict each other (${why})`);
  if (parsed.given.has("--memcached")) {
    // A metadump lists every item: sampling, pacing and the Redis connection options do not apply.
    for (const flag of ["--redis", "--cluster", "--sentinel", "--user", "--db", "--sample", "--speed"])
      if (parsed.given.has(flag)) throw new UsageError(`${flag} does not apply to --memcached`);
    return parsed;
  }
  for (const flag of ["--max-keys", "--max-time"])
    if (parsed.given.has(flag)) throw new UsageError(`${flag} bounds a --memcached profile only`);
  if (parsed.given.has("--speed") && !parsed.full)
    throw new UsageError("--speed paces a full profile: add --full, or leave --speed out for a sampled estimate");
  return parsed;
}

/** An option's value as messages may show it: a URL's password hidden. */
function shownValue(flag: string, value: string): string {
  return flag === "--redis" ? redactRedisUrl(value) : value;
}

/** The command-line option behind a connection setting, for messages. */
const OPTION_OF_SETTING: Record<KeyspaceConfigError["setting"], string> = {
  url: "--redis",
  db: "--db",
  username: "--user",
  mode: "--sentinel",
};

/** Runs `cachewise keyspace`; resolves to the exit code (0, or 2 for usage and connection errors). */
export async function runKeyspaceCli(argv: string[], io: KeyspaceIo): Promise<number> {
  let args: KeyspaceArgs;
  try {
    args = parseKeyspaceArgs(argv);
  } catch (error) {
    io.stderr(`cachewise: ${(error as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(KEYSPACE_USAGE + "\n");
    return 0;
  }
  if (args.memcached !== undefined) return runMemcachedCli(args, io);
  if (!args.url) {
    io.stderr("cachewise: keyspace needs --redis <url> or --memcached <host:port>\n");
    return 2;
  }
  const config: KeyspaceConnectionConfig = {
    name: "",
    url: args.url,
    mode: args.cluster ? "cluster" : args.sentinel ? "sentinel" : undefined,
    sentinelName: args.sentinel,
    username: args.user,
    db: args.db,
    commandTimeoutMs: args.timeoutMs,
    connectTimeoutMs: args.timeoutMs,
  };
  const misfit = checkConnectionArgs(args.url, args);
  if (misfit) {
    io.stderr(`cachewise: ${misfit}\n`);
    return 2;
  }
  const families = readFamilies(args, io);
  if (!families) return 2;
  const redisFamilies = families.filter((f) => f.kind === "redis");
  const matcher = createKeyMatcher(
    redisFamilies.map((f) => ({ id: f.id, pattern: f.pattern })),
    args.delimiter,
  );
  const password = io.env.CACHEWISE_REDIS_PASSWORD ?? io.env.REDISCLI_AUTH;
  let connection: KeyspaceConnection;
  try {
    connection = await openKeyspaceConnection(config, {
      password,
      allowWrites: false,
      connectionName: "cachewise-cli",
      maxReconnectAttempts: 0,
    });
  } catch (error) {
    const message =
      error instanceof KeyspaceConfigError
        ? `${OPTION_OF_SETTING[error.setting]}: ${error.detail}`
        : (error as Error).message;
    // Errors from the server may quote its bytes.
    io.stderr(`cachewise: ${escapeText(message)}\n`);
    return 2;
  }
  try {
    const classify = (key: string) => matcher.match(key);
    const labels = new Map(redisFamilies.map((f) => [f.id, f]));
    if (args.full) {
      const profile = await profileKeyspace(connection, { classify, delimiter: args.delimiter, speed: args.speed });
      io.stdout(
        (args.format === "json"
          ? JSON.stringify(toProfileJson(profile, connection.server, labels), null, 2)
          : formatProfile(profile, connection.server, labels, families.length > 0)) + "\n",
      );
    } else {
      const estimate = await estimateKeyspace(connection, {
        classify,
        delimiter: args.delimiter,
        sampleSize: args.sample,
      });
      io.stdout(
        (args.format === "json"
          ? JSON.stringify(toEstimateJson(estimate, connection.server, labels), null, 2)
          : formatEstimate(estimate, connection.server, labels, families.length > 0)) + "\n",
      );
    }
    return 0;
  } catch (error) {
    io.stderr(
      `cachewise: ${escapeText(await explainFailure(error, connection, args.full ? "full profile" : "sampled estimate"))}\n`,
    );
    return 2;
  } finally {
    await connection.close();
  }
}

/** The project's families when paths or --project are given; undefined (after saying why) when they cannot be read. */
function readFamilies(args: KeyspaceArgs, io: KeyspaceIo): CacheFamily[] | undefined {
  if (args.paths.length === 0 && args.projects.length === 0) return [];
  try {
    const result = runFamilies({ cwd: io.cwd, paths: args.paths, projects: args.projects, configFile: undefined });
    return result.rows.map((row) => row.family);
  } catch (error) {
    io.stderr(`cachewise: ${(error as Error).message}\n`);
    return undefined;
  }
}

async function runMemcachedCli(args: KeyspaceArgs, io: KeyspaceIo): Promise<number> {
  try {
    parseMemcachedAddress(args.memcached!);
  } catch (error) {
    io.stderr(`cachewise: --memcached: ${escapeText((error as Error).message)}\n`);
    return 2;
  }
  const families = readFamilies(args, io);
  if (!families) return 2;
  return runMemcachedKeyspace(
    {
      address: args.memcached!,
      delimiter: args.delimiter,
      format: args.format,
      timeoutMs: args.timeoutMs,
      maxKeys: args.maxKeys,
      maxTimeMs: args.maxTimeSeconds === undefined ? undefined : args.maxTimeSeconds * 1000,
    },
    families,
    io,
  );
}

/**
 * What is wrong with the connection options before anything is opened: a URL that does not
 * parse, or a database or user that `--db`/`--user` contradict. Undefined when they fit.
 */
function checkConnectionArgs(url: string, args: KeyspaceArgs): string | undefined {
  let parsed;
  try {
    parsed = parseRedisUrl(url);
  } catch (error) {
    if (error instanceof KeyspaceConfigError) return `--redis: ${error.detail}`;
    throw error;
  }
  if (args.db !== undefined && parsed.db !== undefined && args.db !== parsed.db)
    return `--db ${args.db} contradicts database ${parsed.db} in --redis (${parsed.dbSource})`;
  if (args.user !== undefined && parsed.username !== undefined && args.user !== parsed.username)
    return `--user "${args.user}" contradicts user "${parsed.username}" in --redis`;
  const db = args.db ?? parsed.db;
  if (args.cluster && db) return `--cluster: Redis Cluster only has database 0 (database ${db} was given)`;
  return undefined;
}

/** A profile's failure as one line that names the server and, where the user can act, what to do. */
async function explainFailure(error: unknown, connection: KeyspaceConnection, what: string): Promise<string> {
  const message = (error as Error).message?.split("\n")[0] ?? String(error);
  // These name the server themselves.
  if (error instanceof MissingPermissionError || error instanceof KeyspaceConnectionError) return message;
  if (isConnectionLostError(error))
    return `lost the connection to ${connection.server} during the ${what} (${message}): the figures so far are incomplete, so none are shown`;
  const unknown = /unknown command '(scan|type|pttl|dbsize)'/i.exec(message);
  if (unknown && isUnknownCommandError(error)) {
    // A Sentinel answers PING and INFO like a server, but none of the keyspace commands.
    const masters = await readSentinelMasters(connection);
    const node = connection.listScanTargets()[0]?.node ?? connection.server;
    const command = unknown[1].toUpperCase();
    if (masters)
      return `${node} is a Redis Sentinel, not a data node (it does not know ${command}): use --sentinel <master>${masters.length > 0 ? ` (it monitors ${masters.join(", ")})` : ""}`;
    return `${node} does not know ${command}: it looks like a Redis Sentinel, not a data node; if so, use --sentinel <master name>`;
  }
  if (/timed out/i.test(message)) return `${connection.server} did not answer in time during the ${what} (${message})`;
  if (isPermissionError(error)) return `${connection.server} refused a command to this user (${message})`;
  return `${connection.server}: ${message}`;
}

// ---- output ----------------------------------------------------------------------

const NO_FAMILY = "(no family in code)";

export function familyName(id: string | undefined, labels: ReadonlyMap<string, CacheFamily>): string {
  return id === undefined ? NO_FAMILY : (labels.get(id)?.label ?? id);
}

/** `12,345`. */
export function formatInt(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Sizes as the editor shows them (CodeLens, hovers), or `—` when not measured. */
export function formatMeasuredBytes(bytes: number | undefined): string {
  return bytes === undefined ? "—" : formatBytes(bytes);
}

function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Cells hold family labels from the code and key names and types from Redis: escaped before they are measured. */
export function formatTable(header: string[], rawRows: string[][], rightAligned: Set<number>): string {
  const rows = rawRows.map((cells) => cells.map(escapeText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function describeTypes(types: Record<string, number>): string {
  return Object.entries(types)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type} ${n}`)
    .join(", ");
}

function formatProfile(
  profile: KeyspaceProfile,
  server: string,
  labels: ReadonlyMap<string, CacheFamily>,
  grouped: boolean,
): string {
  const lines: string[] = [];
  const refused =
    profile.notPermitted > 0
      ? `, ${formatInt(profile.notPermitted)} not permitted for this user (every figure covers only the ${formatInt(profile.total.keys)} permitted keys)`
      : "";
  lines.push(
    `Full profile of ${escapeText(server)}: ${formatInt(profile.total.keys)} keys in ${(profile.durationMs / 1000).toFixed(2)} s${profile.complete ? "" : " (cancelled: partial)"}, ${profile.vanished} vanished during the scan${refused}, ${profile.nodes.length} node${profile.nodes.length === 1 ? "" : "s"}`,
  );
  lines.push(
    `Memory ${formatMeasuredBytes(profile.total.memory?.totalBytes)} · ${formatInt(profile.total.keysWithoutTtl)} keys without TTL · access metric: ${profile.accessMetric}`,
  );
  const row = (name: string, stats: GroupStats, codeTtl: string) => [
    name,
    formatInt(stats.keys),
    formatInt(stats.keysWithoutTtl),
    stats.ttlP50Ms === undefined ? "—" : formatDuration(stats.ttlP50Ms, "compact"),
    formatMeasuredBytes(stats.memory?.totalBytes),
    formatMeasuredBytes(stats.memory?.averageBytes),
    describeTypes(stats.types),
    codeTtl,
  ];
  if (grouped) {
    lines.push(
      "",
      formatTable(
        ["Family", "Keys", "No TTL", "TTL p50", "Memory", "Avg", "Types", "TTL in code"],
        profile.families.map((g) =>
          row(familyName(g.family, labels), g.stats, g.family ? describeTtls(labels.get(g.family)!) : "—"),
        ),
        new Set([1, 2, 4, 5]),
      ),
    );
  }
  lines.push(
    "",
    formatTable(
      ["Namespace", "Keys", "No TTL", "TTL p50", "Memory", "Avg", "Types"],
      flattenNamespaces(profile.namespaces, 2).map((n) => row(n.path || "(all)", n.stats, "").slice(0, 7)),
      new Set([1, 2, 4, 5]),
    ),
  );
  const largest = profile.total.largestKeys;
  if (largest.length > 0)
    lines.push(
      "",
      "Largest keys:",
      ...largest.map(
        (k) => `  ${formatBytes(k.bytes).padStart(9)}  ${escapeText(k.type).padEnd(6)}  ${escapeText(k.displayKey)}`,
      ),
    );
  for (const notice of profile.notices) lines.push(`note: ${escapeText(notice)}`);
  return lines.join("\n");
}

export function flattenNamespaces(root: NamespaceNode, depth: number): NamespaceNode[] {
  const out: NamespaceNode[] = [];
  const walk = (node: NamespaceNode, level: number) => {
    for (const child of node.children) {
      out.push(child);
      if (level < depth) walk(child, level + 1);
    }
  };
  walk(root, 1);
  return out;
}

function formatEstimate(
  estimate: KeyspaceEstimate,
  server: string,
  labels: ReadonlyMap<string, CacheFamily>,
  grouped: boolean,
): string {
  const lines: string[] = [];
  const seconds = (estimate.durationMs / 1000).toFixed(2);
  const refused = estimate.keysNotPermitted > 0 || estimate.inspectedNotPermitted > 0;
  const sample = estimate.exhaustive
    ? refused
      ? `all ${formatInt(estimate.keyspaceKeys)} keys scanned in ${seconds} s: ${formatInt(estimate.totalKeys)} permitted for this user and inspected, ${formatInt(estimate.keysNotPermitted)} not permitted (exact shares of the permitted keys only)`
      : `all ${formatInt(estimate.totalKeys)} keys inspected in ${seconds} s (the whole keyspace: exact shares)`
    : refused
      ? `${formatInt(estimate.inspectedKeys + estimate.inspectedNotPermitted)} of ${formatInt(estimate.keyspaceKeys)} keys sampled in ${seconds} s, ${formatInt(estimate.inspectedNotPermitted)} of them not permitted for this user: ≈${formatInt(estimate.keysNotPermitted)} keys not permitted in all, the shares cover only the ≈${formatInt(estimate.totalKeys)} permitted keys (from the ${formatInt(estimate.inspectedKeys)} inspected); 95% intervals`
      : `${formatInt(estimate.sampledKeys)} key names of ${formatInt(estimate.totalKeys)} sampled, ${formatInt(estimate.inspectedKeys)} of them inspected for type and TTL, in ${seconds} s; 95% intervals`;
  lines.push(
    `Sampled estimate of ${escapeText(server)}: ${sample}; memory needs --full (it is never extrapolated from samples)`,
  );
  const rows = (items: Array<{ name: string; e: KeyspaceEstimate["families"][number]["estimate"] }>) =>
    items.map(({ name, e }) => [
      name,
      `≈${formatInt(e.estimatedKeys)}`,
      `${formatInt(e.estimatedKeysLow)}–${formatInt(e.estimatedKeysHigh)}`,
      `${formatPercent(e.share)} ±${formatPercent((e.shareHigh - e.shareLow) / 2)}`,
      formatPercent(e.noTtlShare),
      describeTypes(e.types),
    ]);
  const header = ["", "Keys", "95% interval", "Share", "No TTL", "Types (sample)"];
  if (grouped)
    lines.push(
      "",
      formatTable(
        ["Family", ...header.slice(1)],
        rows(estimate.families.map((g) => ({ name: familyName(g.family, labels), e: g.estimate }))),
        new Set([1, 2, 3, 4]),
      ),
    );
  const namespaces: NamespaceEstimate[] = [];
  const walk = (node: NamespaceEstimate, level: number) => {
    for (const child of node.children) {
      namespaces.push(child);
      if (level < 2) walk(child, level + 1);
    }
  };
  walk(estimate.namespaces, 1);
  lines.push(
    "",
    formatTable(
      ["Namespace", ...header.slice(1)],
      rows(namespaces.map((n) => ({ name: n.path, e: n.estimate }))),
      new Set([1, 2, 3, 4]),
    ),
  );
  for (const notice of estimate.notices) lines.push(`note: ${escapeText(notice)}`);
  return lines.join("\n");
}

export function toStatsJson(stats: GroupStats): unknown {
  return {
    keys: stats.keys,
    types: stats.types,
    keysWithoutTtl: stats.keysWithoutTtl,
    ttlP50Ms: stats.ttlP50Ms ?? null,
    ttlHistogram: Object.fromEntries(TTL_HISTOGRAM_LABELS.map((label, i) => [label, stats.ttlHistogram[i] ?? 0])),
    memory: stats.memory ?? null,
    largestKeys: stats.largestKeys.map((k) => ({ key: k.displayKey, bytes: k.bytes, type: k.type })),
    idle: stats.idle ?? null,
    frequency: stats.frequency ?? null,
    sampleKeys: stats.sampleKeys,
  };
}

function toProfileJson(profile: KeyspaceProfile, server: string, labels: ReadonlyMap<string, CacheFamily>): unknown {
  const namespaces = (node: NamespaceNode): unknown => ({
    path: node.path,
    segment: node.segment,
    isPattern: node.isPattern,
    stats: toStatsJson(node.stats),
    children: node.children.map(namespaces),
  });
  return {
    mode: "full",
    connection: server,
    durationMs: profile.durationMs,
    complete: profile.complete,
    vanished: profile.vanished,
    notPermitted: profile.notPermitted,
    keysAtStart: profile.keysAtStart ?? null,
    accessMetric: profile.accessMetric,
    permissions: profile.permissions,
    nodes: profile.nodes,
    notices: profile.notices,
    total: toStatsJson(profile.total),
    families: profile.families.map((g) => ({
      family: g.family === undefined ? null : familyName(g.family, labels),
      stats: toStatsJson(g.stats),
    })),
    namespaces: namespaces(profile.namespaces),
  };
}

function toEstimateJson(estimate: KeyspaceEstimate, server: string, labels: ReadonlyMap<string, CacheFamily>): unknown {
  const withHistogram = <T extends { ttlHistogram: number[] }>(e: T) => ({
    ...e,
    ttlHistogram: Object.fromEntries(TTL_HISTOGRAM_LABELS.map((label, i) => [label, e.ttlHistogram[i] ?? 0])),
  });
  const namespaces = (node: NamespaceEstimate): unknown => ({
    path: node.path,
    segment: node.segment,
    isPattern: node.isPattern,
    estimate: withHistogram(node.estimate),
    children: node.children.map(namespaces),
  });
  return {
    mode: "sample",
    connection: server,
    durationMs: estimate.durationMs,
    sampledKeys: estimate.sampledKeys,
    inspectedKeys: estimate.inspectedKeys,
    totalKeys: estimate.totalKeys,
    exhaustive: estimate.exhaustive,
    vanished: estimate.vanished,
    keysNotPermitted: estimate.keysNotPermitted,
    inspectedNotPermitted: estimate.inspectedNotPermitted,
    keyspaceKeys: estimate.keyspaceKeys,
    notices: estimate.notices,
    total: withHistogram(estimate.total),
    families: estimate.families.map((g) => ({
      family: g.family === undefined ? null : familyName(g.family, labels),
      estimate: withHistogram(g.estimate),
    })),
    namespaces: namespaces(estimate.namespaces),
  };
}
