// The configuration file (`cachewise.config.json` or a `cachewise` key in package.json):
// its shape, and validation with messages that say what is wrong and where.
import type { Severity } from "../model/finding";
import type { OptionsSchema, RuleDefinition } from "../model/rule";
import type { CacheLayer } from "../model/cache-layers";
import { readCacheLayers } from "./cache-layers";
import { findPolicyProblem, type DataClass, type FamilyDeclaration } from "../program-model/policy";

export type RuleSetting = Severity | [Severity] | [Severity, Record<string, unknown>];

export interface CachewiseConfig {
  /** Rule id → severity, or [severity, options]. */
  rules: Record<string, RuleSetting>;
  /** Glob-free path fragments to skip (matched against paths relative to the config). */
  ignore: string[];
  /** Files larger than this many bytes are skipped with a note. */
  maxFileBytes: number;
  /** Declared cache families: owners, data classes, runbooks (`cachewise families --check`, require-cache-family-owner, require-ttl-policy). */
  families: FamilyDeclaration[] | undefined;
  /** Data classes beyond (or replacing) the defaults. */
  dataClasses: Record<string, DataClass> | undefined;
  /** Project cache layers the analyzer cannot see into, declared by where their key, loader and TTL are. */
  cacheLayers: CacheLayer[];
}

/** One rule as it will run: severity and complete options. */
export interface ResolvedRule {
  rule: RuleDefinition<any>;
  severity: Exclude<Severity, "off">;
  options: Record<string, unknown>;
}

export const DEFAULT_MAX_FILE_BYTES = 1_000_000;
const SEVERITIES = ["off", "warn", "error"];
const TOP_LEVEL_KEYS = new Set([
  "$schema",
  "rules",
  "ignore",
  "maxFileBytes",
  "families",
  "dataClasses",
  "cacheLayers",
]);

export class ConfigError extends Error {}

/**
 * Validates a parsed configuration object; throws ConfigError naming the file and the key. Paths in it
 * (`cacheLayers[].function`) are relative to `baseDir`, the configuration's folder.
 */
export function validateConfig(
  raw: unknown,
  source: string,
  rules: ReadonlyArray<RuleDefinition<any>>,
  baseDir = ".",
): CachewiseConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ConfigError(`${source}: the configuration must be a JSON object`);
  const object = raw as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!TOP_LEVEL_KEYS.has(key))
      throw new ConfigError(
        `${source}: unknown key "${key}" (expected one of: rules, ignore, maxFileBytes, families, dataClasses, cacheLayers)`,
      );
  }
  const config: CachewiseConfig = {
    rules: {},
    ignore: [],
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    families: undefined,
    dataClasses: undefined,
    cacheLayers: [],
  };
  const layers = readCacheLayers(object.cacheLayers, baseDir);
  if ("problem" in layers) throw new ConfigError(`${source}: ${layers.problem}`);
  config.cacheLayers = layers.layers;
  const policyProblem = findPolicyProblem(object.families, object.dataClasses);
  if (policyProblem) throw new ConfigError(`${source}: ${policyProblem}`);
  config.families = object.families as FamilyDeclaration[] | undefined;
  config.dataClasses = object.dataClasses as Record<string, DataClass> | undefined;
  if (object.ignore !== undefined) {
    if (!Array.isArray(object.ignore) || !object.ignore.every((p) => typeof p === "string"))
      throw new ConfigError(`${source}: "ignore" must be an array of strings`);
    config.ignore = object.ignore as string[];
  }
  if (object.maxFileBytes !== undefined) {
    // A byte count: `0.5` would skip every file.
    if (!Number.isSafeInteger(object.maxFileBytes) || (object.maxFileBytes as number) < 1)
      throw new ConfigError(
        `${source}: "maxFileBytes" must be a positive whole number of bytes, got ${JSON.stringify(object.maxFileBytes)}`,
      );
    config.maxFileBytes = object.maxFileBytes as number;
  }
  if (object.rules !== undefined) {
    if (typeof object.rules !== "object" || object.rules === null || Array.isArray(object.rules))
      throw new ConfigError(`${source}: "rules" must be an object of rule id → setting`);
    for (const [id, setting] of Object.entries(object.rules as Record<string, unknown>)) {
      const bareId = id.startsWith("cachewise/") ? id.slice("cachewise/".length) : id;
      const rule = rules.find((r) => r.id === bareId);
      if (!rule)
        throw new ConfigError(`${source}: unknown rule "${id}" (known rules: ${rules.map((r) => r.id).join(", ")})`);
      config.rules[bareId] = validateRuleSetting(setting, `${source}: rules["${id}"]`, rule);
    }
  }
  return config;
}

export function validateRuleSetting(setting: unknown, where: string, rule: RuleDefinition<any>): RuleSetting {
  const list = Array.isArray(setting) ? setting : [setting];
  const [given, options] = list;
  // ESLint's numeric severities too: 0, 1, 2 (numbers in a configuration, digits on the command line).
  const severity = typeof given === "number" || /^[012]$/.test(String(given)) ? SEVERITIES[Number(given)] : given;
  if (typeof severity !== "string" || !SEVERITIES.includes(severity)) {
    throw new ConfigError(
      `${where}: severity must be "off", "warn" or "error" (or 0, 1, 2), got ${JSON.stringify(given)}`,
    );
  }
  if (list.length > 2) throw new ConfigError(`${where}: expected [severity, options]`);
  if (options !== undefined) {
    validateOptions(options, rule.schema, where);
    const problem = rule.validateOptions?.(options as Record<string, unknown>);
    if (problem) throw new ConfigError(`${where}: ${problem}`);
  }
  return (options === undefined ? severity : [severity, options]) as RuleSetting;
}

function validateOptions(options: unknown, schema: OptionsSchema, where: string): void {
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new ConfigError(`${where}: options must be an object`);
  for (const [key, value] of Object.entries(options)) {
    // Own keys only: `toString` is not an option.
    const property = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (!property)
      throw new ConfigError(`${where}: unknown option "${key}" (known: ${Object.keys(schema.properties).join(", ")})`);
    const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    const ok =
      property.type === "array"
        ? Array.isArray(value) &&
          value.every((v) => (property.items.type === "object" ? isObject(v) : typeof v === "string"))
        : property.type === "object"
          ? isObject(value)
          : property.type === "integer"
            ? Number.isSafeInteger(value)
            : property.type === "number"
              ? typeof value === "number" && Number.isFinite(value)
              : typeof value === property.type &&
                (property.type !== "string" || !property.enum || property.enum.includes(value as string));
    const expected =
      property.type === "array"
        ? `an array of ${property.items.type === "object" ? "objects" : "strings"}`
        : property.type === "integer"
          ? "a whole number"
          : `a${property.type === "object" ? "n" : ""} ${property.type}`;
    if (!ok) throw new ConfigError(`${where}: option "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
    const isNumeric = property.type === "number" || property.type === "integer";
    if (isNumeric && property.minimum !== undefined && (value as number) < property.minimum) {
      throw new ConfigError(`${where}: option "${key}" must be at least ${property.minimum}`);
    }
    if (isNumeric && property.maximum !== undefined && (value as number) > property.maximum) {
      throw new ConfigError(`${where}: option "${key}" must be at most ${property.maximum}`);
    }
  }
}

/** Merges recommended severities, the config file and command-line overrides into the rules to run. */
export function resolveRules(
  rules: ReadonlyArray<RuleDefinition<any>>,
  config: CachewiseConfig,
  overrides: Record<string, RuleSetting>,
): ResolvedRule[] {
  const resolved: ResolvedRule[] = [];
  for (const rule of rules) {
    const setting = overrides[rule.id] ?? config.rules[rule.id] ?? rule.recommended;
    const [severity, options] = Array.isArray(setting) ? setting : [setting, undefined];
    if (severity === "off") continue;
    const merged: Record<string, unknown> = { ...rule.defaultOptions, ...(options ?? {}) };
    // Governance rules read the configuration's family declarations unless their options give their own.
    if (
      "families" in rule.schema.properties &&
      (options as Record<string, unknown> | undefined)?.families === undefined &&
      config.families
    )
      merged.families = config.families;
    if (
      "dataClasses" in rule.schema.properties &&
      (options as Record<string, unknown> | undefined)?.dataClasses === undefined &&
      config.dataClasses
    )
      merged.dataClasses = config.dataClasses;
    resolved.push({ rule, severity, options: merged });
  }
  return resolved;
}
