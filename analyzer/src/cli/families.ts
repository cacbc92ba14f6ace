// `cachewise families` as functions: the inventory of cache families across the analysed
// programs, with configuration (owner, data class), and its reporters. Never prints.
import * as path from "node:path";
import { formatDuration } from "../format/duration";
import { buildProgramModel } from "../program-model/build-program-model";
import { findDeclaration, findEffectiveRole, type FamilyDeclaration } from "../program-model/policy";
import { EXISTS_FIELD, type Span } from "../model/cache-model";
import type { CacheFamily } from "../model/program-model";
import { suggestMatch } from "../rules/require-cache-family-owner";
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
  unresolvedLibraries: string[];
  /** Whether the configuration declares families at all. */
  hasDeclarations: boolean;
}

export function runFamilies(options: Omit<CheckOptions, "ruleOverrides" | "skipRules">): FamiliesResult {
  const result = runCheck({ ...options, ruleOverrides: {}, skipRules: true });
  const declarations = result.config.families ?? [];
  const families = mergeFamilies(result.programs.map((models) => buildProgramModel(models).families));
  const rows = families.map((family) => ({ family, declaration: findDeclaration(family, declarations) }));
  return {
    rows,
    undeclared: rows.filter((row) => !row.declaration),
    warnings: result.warnings,
    unresolvedLibraries: result.unresolvedLibraries,
    hasDeclarations: declarations.length > 0,
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

export type FamiliesFormat = "pretty" | "json" | "markdown";
export const FAMILIES_FORMATS: FamiliesFormat[] = ["pretty", "json", "markdown"];

export function formatFamilies(format: FamiliesFormat, result: FamiliesResult, cwd: string): string {
  const where = (span: Span) => `${path.relative(cwd, span.file).split(path.sep).join("/")}:${span.line}`;
  if (format === "json")
    return JSON.stringify(
      result.rows.map((row) => toJson(row, where)),
      null,
      2,
    );
  const table = result.rows.map((row) => summarize(row));
  // Markdown is read on a code host: link to the line (`path#L12`).
  if (format === "markdown")
    return formatMarkdown(
      result,
      table,
      (span) => `${path.relative(cwd, span.file).split(path.sep).join("/")}#L${span.line}`,
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
  return {
    family: family.label + (family.tags.length > 0 ? ` [${family.tags.join(", ")}]` : ""),
    kind: family.library ? `${family.kind} (${family.library})` : family.kind,
    role: describeRole(row).role,
    ttl: describeTtls(family),
    bound: describeBound(family),
    strategy: family.strategies.join(", ") || "—",
    entities: family.entities.map((e) => e.displayName).join(", ") || "—",
    counts: `${family.reads.length}/${family.writes.length}/${precise(family).length}`,
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
    Math.min(48, Math.max(title.length, ...table.map((row) => row[key].length))),
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
        .map(([key], i) => cell(row[key], widths[i]!))
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
    for (const ttl of family.ttls)
      lines.push(
        `  ttl ${ttl.kind === "set" && ttl.ms !== undefined ? formatDuration(ttl.ms) : ttl.kind} at ${where(ttl.span)}`,
      );
    for (const ref of family.reads)
      lines.push(`  read         ${ref.method} at ${where(ref.span)} (${ref.enclosingFunction})`);
    for (const ref of family.writes)
      lines.push(`  write        ${ref.method} at ${where(ref.span)} (${ref.enclosingFunction})`);
    for (const ref of precise(family).filter((i) => !family.writes.some((w) => w.siteId === i.siteId)))
      lines.push(`  invalidation ${ref.method} at ${where(ref.span)} (${ref.enclosingFunction})`);
    for (const entity of family.entities)
      lines.push(
        `  depends on   ${entity.displayName} (${entity.orm}${describeColumns(entity.fields)}), read at ${where(entity.span)}`,
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
  return lines.join("\n");
}

function formatMarkdown(result: FamiliesResult, table: Summary[], where: (span: Span) => string): string {
  const escape = (text: string) => text.replace(/\|/g, "\\|");
  const lines = ["## Cache families", ""];
  if (table.length === 0) return [...lines, "No cache families found."].join("\n");
  lines.push(
    "| Family | Kind | Role | TTL | Bound | Strategy | Entities | Reads / writes / invalidations | Class | Owner |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  result.rows.forEach((row, index) => {
    const s = table[index]!;
    const first = row.family.writes[0] ?? row.family.reads[0];
    const family = first ? `[\`${escape(s.family)}\`](${where(first.span)})` : `\`${escape(s.family)}\``;
    lines.push(
      `| ${family} | ${escape(s.kind)} | ${s.role} | ${escape(s.ttl)} | ${escape(s.bound)} | ${escape(s.strategy)} | ${escape(s.entities)} | ${s.counts} | ${escape(s.dataClass)} | ${escape(s.owner)} |`,
    );
  });
  if (result.hasDeclarations && result.undeclared.length > 0) {
    lines.push(
      "",
      `**${result.undeclared.length} undeclared famil${result.undeclared.length === 1 ? "y" : "ies"}:** ${result.undeclared.map((row) => `\`${escape(row.family.label)}\``).join(", ")}`,
    );
  }
  return lines.join("\n");
}

/** The family's role: declared in the configuration, else read from the code, with why. */
function describeRole(row: FamilyRow): { role: string; evidence: string } {
  return findEffectiveRole(row.family, row.declaration ? [row.declaration] : []);
}

function toJson(row: FamilyRow, where: (span: Span) => string): unknown {
  const { family, declaration } = row;
  const role = describeRole(row);
  const ref = (r: { span: Span; method: string; enclosingFunction: string }) => ({
    location: where(r.span),
    method: r.method,
    function: r.enclosingFunction,
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
    ttls: family.ttls.map((ttl) => ({
      kind: ttl.kind,
      ms: ttl.ms === Infinity ? null : ttl.ms,
      text: ttl.text,
      unit: ttl.unit,
      location: where(ttl.span),
    })),
    maxStalenessMs: family.maxStalenessMs === Infinity ? null : family.maxStalenessMs,
    bound: family.bound,
    strategies: family.strategies,
    entities: family.entities.map((e) => ({
      entity: e.entity,
      name: e.displayName,
      orm: e.orm,
      columns: e.fields?.filter((f) => f !== EXISTS_FIELD) ?? null,
      readByKey: e.readByKey,
      location: where(e.span),
    })),
    reads: family.reads.map(ref),
    writes: family.writes.map(ref),
    invalidations: precise(family).map(ref),
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

/** `, columns name, plan`, `, existence only`, or nothing when the whole row is held. */
function describeColumns(fields: readonly string[] | undefined): string {
  if (!fields) return "";
  const columns = fields.filter((field) => field !== EXISTS_FIELD);
  return columns.length > 0 ? `, columns ${columns.join(", ")}` : ", existence only";
}
