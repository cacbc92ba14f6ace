// Governance of cache families: which families the team has declared (with an owner, a data
// class, a runbook), and the data classes' TTL ranges. Plain data in, plain answers out.
import { FAMILY_ROLES, type FamilyRole } from "../model/program-model";
import { parseDuration } from "../extract/instances";
import type { CacheFamily } from "../model/program-model";
import { normalizePattern } from "./key-patterns";

/** One entry of the configuration's `families`. */
export interface FamilyDeclaration {
  /** A glob (`*` matches anything) over the family's pattern (`user:*`), label, or `tag:<tag>`. */
  match: string;
  owner?: string;
  /** A data class name: one of `dataClasses` or the defaults (`static`, `profile`, `transactional`). */
  class?: string;
  runbook?: string;
  /** What the family is for, when the code cannot show it (overrides the role cachewise reads from the code). */
  role?: FamilyRole;
}

/** A data class: the TTL range its families must use, whether writes must invalidate them, and the stale reads they tolerate. */
export interface DataClass {
  /** Durations: a number of seconds, or a string such as `30s`, `5m`, `1h`, `7d`. */
  minTtl?: number | string;
  maxTtl?: number | string;
  invalidateOnWrite?: boolean;
  /**
   * The share of verified reads that may be stale (0 to 1) before the family's stale-read alert fires
   * (`cachewise families --format prometheus-rules`): the run-time verification compares a sample of hits with the
   * source (`cache_verified_reads_total`) and counts those that differed (`cache_stale_reads_total`), so the ratio
   * does not depend on the sampling rate. 0: any stale read fires it.
   */
  maxStaleReadRatio?: number;
}

/**
 * The classic guidance: reference data long, profile and settings medium, transactional data short and always
 * invalidated. Stale reads: a transactional one is a bug, one profile read in a hundred may lag a change, reference
 * data is read long after it changes, so one read in twenty may be stale.
 */
export const DEFAULT_DATA_CLASSES: Record<string, DataClass> = {
  static: { minTtl: "1h", maxTtl: "7d", invalidateOnWrite: false, maxStaleReadRatio: 0.05 },
  profile: { minTtl: "1m", maxTtl: "1h", invalidateOnWrite: false, maxStaleReadRatio: 0.01 },
  transactional: { minTtl: "1s", maxTtl: "60s", invalidateOnWrite: true, maxStaleReadRatio: 0 },
};

/** The first declaration matching a family, in configuration order. */
export function findDeclaration(
  family: CacheFamily,
  declarations: readonly FamilyDeclaration[],
): FamilyDeclaration | undefined {
  const candidates = [family.pattern, family.label, ...family.tags.map((tag) => `tag:${tag}`)].map(normalizePattern);
  return declarations.find((declaration) => {
    const pattern = globToRegExp(normalizePattern(declaration.match));
    return candidates.some((candidate) => pattern.test(candidate));
  });
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/**
 * The defaults, then the configuration's classes over them, by name. A Map of own entries: a name such as `toString`,
 * `constructor` or `__proto__` is a class only when declared (an `in` test or a property read would find Object's
 * members, and the rule would run with no range at all).
 */
export function listDataClasses(dataClasses: Readonly<Record<string, DataClass>> | undefined): Map<string, DataClass> {
  return new Map([...Object.entries(DEFAULT_DATA_CLASSES), ...Object.entries(dataClasses ?? {})]);
}

/** A duration setting in milliseconds: numbers are seconds. */
export function toMilliseconds(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value * 1000;
  return parseDuration(value);
}

/** Validates `families` and `dataClasses` from a configuration or rule options; returns a message for the first problem. */
export function findPolicyProblem(families: unknown, dataClasses: unknown): string | undefined {
  if (families !== undefined) {
    if (!Array.isArray(families)) return `"families" must be an array of { match, owner?, class?, runbook?, role? }`;
    for (const [index, entry] of families.entries()) {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry))
        return `families[${index}] must be an object`;
      const record = entry as Record<string, unknown>;
      if (typeof record.match !== "string" || record.match === "")
        return `families[${index}].match must be a non-empty string`;
      for (const key of Object.keys(record))
        if (!["match", "owner", "class", "runbook", "role"].includes(key))
          return `families[${index}]: unknown key "${key}"`;
      for (const key of ["owner", "class", "runbook"])
        if (record[key] !== undefined && typeof record[key] !== "string")
          return `families[${index}].${key} must be a string`;
      if (record.role !== undefined && !FAMILY_ROLES.includes(record.role as FamilyRole))
        return `families[${index}].role must be one of ${FAMILY_ROLES.join(", ")}`;
    }
  }
  if (dataClasses !== undefined) {
    if (typeof dataClasses !== "object" || dataClasses === null || Array.isArray(dataClasses))
      return `"dataClasses" must be an object of class name → { minTtl?, maxTtl?, invalidateOnWrite?, maxStaleReadRatio? }`;
    for (const [name, spec] of Object.entries(dataClasses as Record<string, unknown>)) {
      if (typeof spec !== "object" || spec === null) return `dataClasses.${name} must be an object`;
      const record = spec as Record<string, unknown>;
      for (const key of Object.keys(record))
        if (!["minTtl", "maxTtl", "invalidateOnWrite", "maxStaleReadRatio"].includes(key))
          return `dataClasses.${name}: unknown key "${key}"`;
      for (const key of ["minTtl", "maxTtl"]) {
        const value = record[key];
        if (
          value !== undefined &&
          (typeof value === "number" ? value < 0 : typeof value !== "string" || parseDuration(value) === undefined)
        )
          return `dataClasses.${name}.${key} must be seconds or a duration such as "5m"`;
      }
      if (record.invalidateOnWrite !== undefined && typeof record.invalidateOnWrite !== "boolean")
        return `dataClasses.${name}.invalidateOnWrite must be a boolean`;
      const stale = record.maxStaleReadRatio;
      if (stale !== undefined && !(typeof stale === "number" && stale >= 0 && stale <= 1))
        return `dataClasses.${name}.maxStaleReadRatio must be a share of the verified reads, from 0 to 1`;
      const min = toMilliseconds(record.minTtl as DataClass["minTtl"]);
      const max = toMilliseconds(record.maxTtl as DataClass["maxTtl"]);
      if (min !== undefined && max !== undefined && min > max)
        return `dataClasses.${name}: minTtl (${JSON.stringify(record.minTtl)}) is longer than maxTtl (${JSON.stringify(record.maxTtl)}): no TTL could satisfy it`;
    }
  }
  const classes = listDataClasses(dataClasses as Record<string, DataClass> | undefined);
  for (const [index, entry] of ((families as FamilyDeclaration[] | undefined) ?? []).entries()) {
    if (entry.class !== undefined && !classes.has(entry.class))
      return `families[${index}].class "${entry.class}" is not a data class (known: ${[...classes.keys()].join(", ")})`;
  }
  return undefined;
}

/** A family's role as the rules and `families` use it: declared in the configuration, else read from the code. */
export function findEffectiveRole(
  family: CacheFamily,
  declarations: readonly FamilyDeclaration[],
): { role: FamilyRole; evidence: string } {
  const declaration = declarations.length > 0 ? findDeclaration(family, declarations) : undefined;
  if (declaration?.role)
    return { role: declaration.role, evidence: `declared in the configuration ("${declaration.match}")` };
  return { role: family.role, evidence: family.roleEvidence };
}

/** The `families` option of the rules that decide from a family's role (the CLI fills it from the configuration). */
export const FAMILIES_OPTION = {
  type: "array",
  items: { type: "object" },
  description:
    "Declared families: `{ match, role?, owner?, class?, runbook? }`; a declared `role` overrides the one read from the code (the CLI reads them from the configuration's `families`).",
} as const;
