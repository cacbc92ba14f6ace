// `cachewise families` as functions: the inventory of cache families across the analysed
// programs, with configuration (owner, data class), and its reporters. Never prints. Keys, names
// and paths come from the analysed code: the pretty and Markdown reporters escape them (format/escape),
// JSON keeps them raw.
import * as path from "node:path";
import { formatDuration } from "../format/duration";
import { escapeMarkdownText, escapeText, formatMarkdownCode } from "../format/escape";
import { buildProgramModel } from "../program-model/build-program-model";
import { isTestFile } from "../program-model/file-kinds";
import {
  DEFAULT_DATA_CLASSES,
  findDeclaration,
  findEffectiveRole,
  listDataClasses,
  type DataClass,
  type FamilyDeclaration,
} from "../program-model/policy";
import { formatPrometheusRules, type AlertFamily } from "../metrics/alert-rules";
import { UNMEASURED_KINDS } from "../metrics/metric-names";
import { EXISTS_FIELD, type Span } from "../model/cache-model";
import type { CacheFamily, FamilySiteRef, FamilyTtl } from "../model/program-model";
import { suggestMatch } from "../rules/require-cache-family-owner";
import { isErrorProblem } from "../analyze/analyze-files";
import { runCheck, type CheckOptions } from "./run";

export interface FamilyRow {
  family: CacheFamily;
  declaration: FamilyDeclaration | undefined;
}

export interface FamiliesResult {
  rows: FamilyRow[];
  /** Families the configuration does not declare (for `--check`). */
  undeclared: FamilyRow[];
  warnings: string[];
  /** Errors in what the run was given (a missing path, a broken tsconfig): the inventory covers the rest. */
  errors: string[];
  /** Files that did not parse or could not be analysed: their caches are missing from the inventory. */
  unanalysed: Array<{ file: string; message: string }>;
  unresolvedLibraries: string[];
  /** Whether the configuration declares families at all. */
  hasDeclarations: boolean;
  /** The configuration's data classes (the defaults apply under them). */
  dataClasses: Record<string, DataClass> | undefined;
}

export interface FamiliesOptions extends Omit<CheckOptions, "ruleOverrides" | "skipRules"> {
  /** Keep the caches of tests, fixtures, scripts, migrations and seeds (`--include-tests`); left out by default. */
  includeTests?: boolean;
}

export function runFamilies(options: FamiliesOptions): FamiliesResult {
  const { includeTests, ...check } = options;
  const result = runCheck({ ...check, ruleOverrides: {}, skipRules: true });
  const declarations = result.config.families ?? [];
  // Judged by the path under the working directory, so that a checkout under a `scripts/` folder still counts.
  const isService = (file: string) =>
    includeTests || !isTestFile(path.relative(options.cwd, file).split(path.sep).join("/"));
  const families = mergeFamilies(
    result.programs.map((models) => buildProgramModel(models.filter((model) => isService(model.file))).families),
  );
  const rows = families.map((family) => ({ family, declaration: findDeclaration(family, declarations) }));
  return {
    rows,
    undeclared: rows.filter((row) => !row.declaration),
    warnings: result.warnings,
    errors: result.errors,
    unanalysed: result.files.flatMap((file) =>
      file.problems.filter(isErrorProblem).map((problem) => ({ file: file.file, message: problem.message })),
    ),
    unresolvedLibraries: result.unresolvedLibraries,
    hasDeclarations: declarations.length > 0,
    dataClasses: result.config.dataClasses,
  };
}

/** The families of several programs, by label: a family seen by two programs of a monorepo (a Redis key written by two services) is one family. */
export function mergeFamilies(programs: ReadonlyArray<readonly CacheFamily[]>): CacheFamily[] {
  const merged = new Map<string, CacheFamily>();
  for (const families of programs) {
    for (const family of families) {
      const existing = merged.get(family.id);
      if (!existing) merged.set(family.id, structuredClone(family));
      else mergeInto(existing, family);
    }
  }
  return [...merged.values()].sort((a, b) => a.label.localeCompare(b.label));
}

function mergeInto(target: CacheFamily, other: CacheFamily): void {
  const key = (ref: { siteId: string }) => ref.siteId;
  for (const list of ["reads", "writes", "invalidations"] as const) {
    const seen = new Set(target[list].map(key));
    for (const ref of other[list]) if (!seen.has(key(ref))) target[list].push(ref);
  }
  const ttlSeen = new Set(target.ttls.map((t) => t.siteId));
  for (const ttl of other.ttls) if (!ttlSeen.has(ttl.siteId)) target.ttls.push(ttl);
  for (const entity of other.entities) {
    const known = target.entities.find((e) => e.entity === entity.entity);
    if (!known) target.entities.push(entity);
    else
      known.fields =
        known.fields && entity.fields ? [...new Set([...known.fields, ...entity.fields])].sort() : undefined;
  }
  for (const strategy of other.strategies) if (!target.strategies.includes(strategy)) target.strategies.push(strategy);
  for (const tag of other.tags) if (!target.tags.includes(tag)) target.tags.push(tag);
  if (
    target.maxStalenessMs !== undefined &&
    (other.maxStalenessMs === undefined || other.maxStalenessMs > target.maxStalenessMs)
  )
    target.maxStalenessMs = other.maxStalenessMs;
}

// ---- reporters ---------------------------------------------------------------

/** Invalidations of the family itself: a delete whose key could not be read is not listed under every family. */
export function precise(family: CacheFamily): CacheFamily["invalidations"] {
  return family.invalidations.filter((ref) => !ref.wildcard);
}

/** A cache call as the inventory lists it. */
export interface ListedSite {
  /** The cache call itself: inside a generic wrapper, not at the wrapper's calls. */
  span: Span;
  method: string;
  function: string;
  /** The calls of the generic wrapper that give this call its key (empty for a call with its own key). */
  calledAt: Span[];
  /** A write that replaces the cached value (it does not fill a miss): an invalidation too. */
  invalidates: boolean;
}

export interface FamilyListing {
  reads: ListedSite[];
  writes: ListedSite[];
  /** Invalidations that are not writes (deletes, expiries, tag revalidations); writes that invalidate are marked. */
  invalidations: ListedSite[];
  ttls: Array<FamilyTtl & { at: Span }>;
  /** Invalidations, writes that replace the value included. */
  invalidationCount: number;
}

const sameLine = (a: Span, b: Span) => a.file === b.file && a.line === b.line;

/** Each location once, at the cache call, with the wrapper calls it stands for. */
function listSites(refs: readonly FamilySiteRef[]): ListedSite[] {
  const listed: ListedSite[] = [];
  for (const ref of refs) {
    const span = ref.wrapped?.span ?? ref.span;
    let site = listed.find((other) => sameLine(other.span, span));
    if (!site) {
      site = {
        span,
        method: ref.method,
        function: ref.wrapped?.enclosingFunction ?? ref.enclosingFunction,
        calledAt: [],
        invalidates: false,
      };
      listed.push(site);
    }
    if (ref.wrapped && !site.calledAt.some((at) => sameLine(at, ref.span))) site.calledAt.push(ref.span);
  }
  const byPosition = (a: Span, b: Span) => a.file.localeCompare(b.file) || a.start - b.start;
  for (const site of listed) site.calledAt.sort(byPosition);
  return listed.sort((a, b) => byPosition(a.span, b.span));
}

/** What `families` lists of a family: the cache calls themselves, each location once (the model keeps the sites rules judge). */
export function listFamily(family: CacheFamily): FamilyListing {
  const writeIds = new Set(family.writes.map((write) => write.siteId));
  const invalidating = precise(family);
  const writes = listSites(family.writes);
  const rewrites = listSites(invalidating.filter((ref) => writeIds.has(ref.siteId)));
  const others = listSites(invalidating.filter((ref) => !writeIds.has(ref.siteId)));
  for (const write of writes)
    write.invalidates = [...rewrites, ...others].some((invalidation) => sameLine(invalidation.span, write.span));
  const invalidations = others.filter(
    (invalidation) => !writes.some((write) => sameLine(write.span, invalidation.span)),
  );
  // A TTL given at a wrapper's call is the wrapper's write's: listed there, once.
  const wrappedWrites = new Map(family.writes.filter((ref) => ref.wrapped).map((ref) => [ref.siteId, ref]));
  const ttls: FamilyListing["ttls"] = [];
  for (const ttl of family.ttls) {
    const write = wrappedWrites.get(ttl.siteId);
    const at = write?.wrapped && sameLine(write.span, ttl.span) ? write.wrapped.span : ttl.span;
    const known = ttls.some(
      (other) => sameLine(other.at, at) && other.kind === ttl.kind && other.ms === ttl.ms && other.text === ttl.text,
    );
    if (!known) ttls.push({ ...ttl, at });
  }
  return {
    reads: listSites(family.reads),
    writes,
    invalidations,
    ttls,
    invalidationCount: invalidations.length + writes.filter((write) => write.invalidates).length,
  };
}

export type FamiliesFormat = "pretty" | "json" | "markdown" | "prometheus-rules";
export const FAMILIES_FORMATS: FamiliesFormat[] = ["pretty", "json", "markdown", "prometheus-rules"];

export function formatFamilies(format: FamiliesFormat, result: FamiliesResult, cwd: string): string {
  const where = (span: Span) => `${path.relative(cwd, span.file).split(path.sep).join("/")}:${span.line}`;
  if (format === "json") return JSON.stringify(toFamilyEntries(result, cwd), null, 2);
  if (format === "prometheus-rules") return formatPrometheusRules(toAlertFamilies(result));
  const table = result.rows.map((row) => summarize(row));
  // Markdown is read on a code host: link to the line (`path#L12`), each path segment URL-encoded
  // so that a space or a parenthesis in a file name does not end the link.
  if (format === "markdown")
    return formatMarkdown(
      result,
      table,
      (span) => `${path.relative(cwd, span.file).split(path.sep).map(encodeURIComponent).join("/")}#L${span.line}`,
    );
  return formatPretty(result, table, where);
}

interface Summary {
  family: string;
  kind: string;
  role: string;
  ttl: string;
  bound: string;
  strategy: string;
  entities: string;
  counts: string;
  owner: string;
  dataClass: string;
}

function summarize(row: FamilyRow): Summary {
  const { family, declaration } = row;
  const listing = listFamily(family);
  return {
    family: family.label + (family.tags.length > 0 ? ` [${family.tags.join(", ")}]` : ""),
    kind: family.library ? `${family.kind} (${family.library})` : family.kind,
    role: describeRole(row).role,
    ttl: describeTtls(family),
    bound: describeBound(family),
    strategy: family.strategies.join(", ") || "—",
    entities: family.entities.map((e) => e.displayName).join(", ") || "—",
    counts: `${listing.reads.length}/${listing.writes.length}/${listing.invalidationCount}`,
    owner: declaration?.owner ?? (declaration ? "—" : "undeclared"),
    dataClass: declaration?.class ?? "—",
  };
}

/** Distinct TTLs, normalised to one unit: `5 min`, `5 min, none`. */
export function describeTtls(family: CacheFamily): string {
  const seen: string[] = [];
  for (const ttl of family.ttls) {
    const text =
      ttl.kind === "none"
        ? "none"
        : ttl.kind === "keep"
          ? "keep"
          : ttl.kind === "unknown" || ttl.ms === undefined
            ? "unknown"
            : formatDuration(ttl.ms);
    if (!seen.includes(text)) seen.push(text);
  }
  return seen.join(", ") || "—";
}

export function describeBound(family: CacheFamily): string {
  const bound = family.bound;
  if (!bound || bound.kind === "unknown") return family.kind === "redis" ? "—" : "unknown";
  if (bound.kind === "none") return "unbounded";
  return bound.kind === "entries" ? `${bound.value ?? bound.text} entries` : `${bound.value ?? bound.text} bytes`;
}

function formatPretty(result: FamiliesResult, table: Summary[], where: (span: Span) => string): string {
  if (table.length === 0) return "No cache families found.";
  const columns: Array<[keyof Summary, string]> = [
    ["family", "Family"],
    ["kind", "Kind"],
    ["role", "Role"],
    ["ttl", "TTL"],
    ["bound", "Bound"],
    ["strategy", "Strategy"],
    ["entities", "Entities"],
    ["counts", "R/W/I"],
    ["dataClass", "Class"],
    ["owner", "Owner"],
  ];
  const widths = columns.map(([key, title]) =>
    // Measured escaped, as printed, so that the columns line up.
    Math.min(48, Math.max(title.length, ...table.map((row) => escapeText(row[key]).length))),
  );
  const cell = (text: string, width: number) =>
    text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  const lines = [
    columns.map(([, title], i) => cell(title, widths[i]!)).join("  "),
    widths.map((w) => "-".repeat(w)).join("  "),
  ];
  for (const row of table)
    lines.push(
      columns
        .map(([key], i) => cell(escapeText(row[key]), widths[i]!))
        .join("  ")
        .trimEnd(),
    );
  lines.push("", "R/W/I: reads, writes and invalidations found in code.");
  for (const row of result.rows) {
    const family = row.family;
    const role = describeRole(row);
    lines.push(
      "",
      family.label,
      `  role ${role.role}: ${role.evidence}`,
      `  volatility ${family.volatility}: ${family.volatilityEvidence}`,
      `  keys ${family.keyDomain}: ${family.keyDomainEvidence}`,
    );
    const listing = listFamily(family);
    for (const ttl of listing.ttls)
      lines.push(
        `  ttl ${ttl.kind === "set" && ttl.ms !== undefined ? formatDuration(ttl.ms) : ttl.kind} at ${where(ttl.at)}`,
      );
    const describe = (site: ListedSite) =>
      `${site.method} at ${where(site.span)} (${site.function})` +
      (site.calledAt.length > 0 ? `, called at ${site.calledAt.map(where).join(", ")}` : "") +
      (site.invalidates ? ", replacing the value" : "");
    for (const site of listing.reads) lines.push(`  read         ${describe(site)}`);
    for (const site of listing.writes) lines.push(`  write        ${describe(site)}`);
    for (const site of listing.invalidations) lines.push(`  invalidation ${describe(site)}`);
    for (const entity of family.entities)
      lines.push(
        `  depends on   ${entity.displayName} (${entity.orm}${entity.unidentifiedDriver ? ", driver not identified" : ""}${describeColumns(entity.fields)}), read at ${where(entity.span)}`,
      );
  }
  if (result.hasDeclarations && result.undeclared.length > 0) {
    lines.push(
      "",
      `${result.undeclared.length} famil${result.undeclared.length === 1 ? "y is" : "ies are"} not declared in the configuration:`,
    );
    for (const row of result.undeclared)
      lines.push(`  ${row.family.label}  → { "match": "${suggestMatch(row.family)}", "owner": "…" }`);
  }
  // Each line is escaped as a whole: the report writes no control character of its own, so any
  // there (a newline or ESC in a key, a zero-width joiner in a function name) came from the code.
  return lines.map(escapeText).join("\n");
}

function formatMarkdown(result: FamiliesResult, table: Summary[], where: (span: Span) => string): string {
  const escape = escapeMarkdownText;
  const lines = ["## Cache families", ""];
  if (table.length === 0) return [...lines, "No cache families found."].join("\n");
  lines.push(
    "| Family | Kind | Role | TTL | Bound | Strategy | Entities | Reads / writes / invalidations | Class | Owner |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  result.rows.forEach((row, index) => {
    const s = table[index]!;
    const listing = listFamily(row.family);
    const first = listing.writes[0] ?? listing.reads[0];
    const code = formatMarkdownCode(s.family, "table");
    const family = first ? `[${code}](${where(first.span)})` : code;
    lines.push(
      `| ${family} | ${escape(s.kind)} | ${escape(s.role)} | ${escape(s.ttl)} | ${escape(s.bound)} | ${escape(s.strategy)} | ${escape(s.entities)} | ${s.counts} | ${escape(s.dataClass)} | ${escape(s.owner)} |`,
    );
  });
  if (result.hasDeclarations && result.undeclared.length > 0) {
    lines.push(
      "",
      `**${result.undeclared.length} undeclared famil${result.undeclared.length === 1 ? "y" : "ies"}:** ${result.undeclared.map((row) => formatMarkdownCode(row.family.label)).join(", ")}`,
    );
  }
  return lines.join("\n");
}

/** The family's role: declared in the configuration, else read from the code, with why. */
function describeRole(row: FamilyRow): { role: string; evidence: string } {
  return findEffectiveRole(row.family, row.declaration ? [row.declaration] : []);
}

/** The inventory as `families --format json` prints it (and the programmatic `families()` returns it). */
export function toFamilyEntries(result: FamiliesResult, cwd: string) {
  const where = (span: Span) => `${path.relative(cwd, span.file).split(path.sep).join("/")}:${span.line}`;
  return result.rows.map((row) => toJson(row, where));
}

function toJson(row: FamilyRow, where: (span: Span) => string) {
  const { family, declaration } = row;
  const role = describeRole(row);
  const listing = listFamily(family);
  const ref = (site: ListedSite) => ({
    location: where(site.span),
    method: site.method,
    function: site.function,
    ...(site.calledAt.length > 0 ? { calledAt: site.calledAt.map(where) } : {}),
    ...(site.invalidates ? { invalidates: true as const } : {}),
  });
  return {
    id: family.id,
    label: family.label,
    pattern: family.pattern,
    kind: family.kind,
    library: family.library,
    role: role.role,
    roleEvidence: role.evidence,
    volatility: family.volatility,
    volatilityEvidence: family.volatilityEvidence,
    keyDomain: family.keyDomain,
    keyDomainEvidence: family.keyDomainEvidence,
    tags: family.tags,
    ttls: listing.ttls.map((ttl) => ({
      kind: ttl.kind,
      ms: ttl.ms === Infinity ? null : ttl.ms,
      text: ttl.text,
      unit: ttl.unit,
      location: where(ttl.at),
    })),
    maxStalenessMs: family.maxStalenessMs === Infinity ? null : family.maxStalenessMs,
    bound: family.bound,
    strategies: family.strategies,
    entities: family.entities.map((e) => ({
      entity: e.entity,
      name: e.displayName,
      orm: e.orm,
      ...(e.unidentifiedDriver ? { driverIdentified: false } : {}),
      columns: e.fields?.filter((f) => f !== EXISTS_FIELD) ?? null,
      readByKey: e.readByKey,
      location: where(e.span),
    })),
    reads: listing.reads.map(ref),
    writes: listing.writes.map(ref),
    invalidations: listing.invalidations.map(ref),
    owner: declaration?.owner ?? null,
    dataClass: declaration?.class ?? null,
    runbook: declaration?.runbook ?? null,
    declaredBy: declaration?.match ?? null,
    // Only when an adapter could not read something: the figures above are partial there.
    ...(family.unrecognised.length > 0
      ? { unrecognised: family.unrecognised.map((fact) => ({ what: fact.what, location: where(fact.span) })) }
      : {}),
  };
}

/**
 * The families the run-time module measures (shared and in-process stores: memoizers and framework caches are not
 * instrumented), with the owner, runbook and stale-read threshold of their declaration's data class. A class declared
 * in the configuration under a built-in name keeps the built-in threshold unless it sets its own.
 */
export function toAlertFamilies(result: FamiliesResult): AlertFamily[] {
  const classes = listDataClasses(result.dataClasses);
  return result.rows
    .filter((row) => !UNMEASURED_KINDS.includes(row.family.kind))
    .map(({ family, declaration }) => {
      const name = declaration?.class;
      const builtIn =
        name !== undefined && Object.hasOwn(DEFAULT_DATA_CLASSES, name) ? DEFAULT_DATA_CLASSES[name] : undefined;
      return {
        family: family.label,
        owner: declaration?.owner,
        runbook: declaration?.runbook,
        dataClass: name,
        maxStaleReadRatio:
          name === undefined ? undefined : (classes.get(name)?.maxStaleReadRatio ?? builtIn?.maxStaleReadRatio),
      };
    });
}

/** `, columns name, plan`, `, existence only`, or nothing when the whole row is held. */
function describeColumns(fields: readonly string[] | undefined): string {
  if (!fields) return "";
  const columns = fields.filter((field) => field !== EXISTS_FIELD);
  return columns.length > 0 ? `, columns ${columns.join(", ")}` : ", existence only";
}
