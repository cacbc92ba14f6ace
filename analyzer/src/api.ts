// The programmatic API, the package's "." export: `check()` and `families()` as functions, the same
// analysis as `cachewise check --format json` and `cachewise families --format json`. Never prints.
// The public types are declared here, self-contained (scripts/build.mjs emits this file's declarations
// as dist/index.d.ts); the compiler checks that the implementation returns what they promise.
import { ConfigError, validateRuleSetting, type RuleSetting } from "./config/config";
import { findRule, RULES } from "./rule-registry";
import { runFamilies, toFamilyEntries } from "./cli/families";
import { toLintResults } from "./cli/reporters";
import { runCheck } from "./cli/run";

/** A rule's severity as ESLint writes it. */
export type RuleSeverity = "off" | "warn" | "error" | 0 | 1 | 2;

export interface CheckOptions {
  /** The directory paths and the configuration are resolved from; default `process.cwd()`. */
  cwd?: string;
  /** Files or folders to analyse; default the whole `cwd`. */
  paths?: string[];
  /** The tsconfig files to analyse; default every `tsconfig.json` under the paths. */
  projects?: string[];
  /** A configuration file; default `cachewise.config.json` or `package.json#cachewise` in `cwd`. */
  configFile?: string;
  /** Rule settings over the configuration's, by rule id (with or without `cachewise/`). */
  rules?: Record<string, RuleSeverity | [RuleSeverity] | [RuleSeverity, Record<string, unknown>]>;
}

/** One finding or file problem, in ESLint's `LintMessage` shape. */
export interface LintMessage {
  /**
   * The bare rule id (`require-cache-ttl`), or null for a problem of the file itself: a syntax error or an analysis
   * error (`fatal`, severity 2: the file was not checked), or a file skipped (too large, binary).
   */
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  messageId?: string;
  fatal?: true;
  suggestions?: Array<{ messageId: string; fix: { range: [number, number]; text: string } }>;
  /** In `suppressedMessages`: the `eslint-disable` comment that covers it (`-- reason` is the justification). */
  suppressions?: Array<{ kind: "directive"; justification: string }>;
}

/** One analysed file, in ESLint's `LintResult` shape. */
export interface LintResult {
  filePath: string;
  messages: LintMessage[];
  suppressedMessages: LintMessage[];
  errorCount: number;
  fatalErrorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  usedDeprecatedRules: never[];
}

export interface CheckReport {
  /** Every analysed file, with its findings (as `cachewise check --format json` prints them). */
  results: LintResult[];
  errorCount: number;
  warningCount: number;
  /** Problems that did not stop the analysis (a base tsconfig not installed, a workspace package without sources). */
  warnings: string[];
  /**
   * Errors in what was given that did not stop the analysis of the rest: a path that does not exist (among paths
   * that do), a tsconfig that does not parse. The CLI exits 2 for them.
   */
  errors: string[];
  /** Cache libraries imported but not resolvable: type information was partial for their calls. */
  unresolvedLibraries: string[];
}

export interface FamiliesOptions extends Omit<CheckOptions, "rules"> {
  /** Keep the caches of tests, fixtures, scripts, migrations and seeds (left out by default). */
  includeTests?: boolean;
}

/** A `path:line` relative to `cwd`. */
export type Location = string;

export interface FamilySite {
  location: Location;
  method: string;
  function: string;
  calledAt?: Location[];
  invalidates?: true;
}

/** One cache family, as `cachewise families --format json` prints it. */
export interface CacheFamilyEntry {
  id: string;
  label: string;
  pattern: string | undefined;
  kind: string;
  library: string | undefined;
  role: string;
  roleEvidence: string;
  volatility: string;
  volatilityEvidence: string;
  keyDomain: string;
  keyDomainEvidence: string;
  tags: string[];
  /** `ms` is null for no expiry, absent when not known. */
  ttls: Array<{
    kind: "set" | "none" | "keep" | "unknown";
    ms?: number | null;
    text: string;
    unit: string | undefined;
    location: Location;
  }>;
  /** null when entries never go stale by expiry, absent when not known. */
  maxStalenessMs?: number | null;
  bound: { kind: string; [detail: string]: unknown } | undefined;
  strategies: string[];
  entities: Array<{
    entity: string;
    name: string;
    orm: string;
    columns: string[] | null;
    readByKey: boolean;
    location: Location;
  }>;
  reads: FamilySite[];
  writes: FamilySite[];
  invalidations: FamilySite[];
  owner: string | null;
  dataClass: string | null;
  runbook: string | null;
  declaredBy: string | null;
  /** Only when an adapter could not read something: the figures above are partial there. */
  unrecognised?: Array<{ what: string; location: Location }>;
}

/**
 * Analyses the paths and returns every file's findings. Throws an `Error` whose message names the
 * problem for a bad configuration or rule setting, a `projects` tsconfig that is missing or broken, or paths none
 * of which exist (the CLI's exit code 2); other errors in what was given are listed in `errors`.
 */
export function check(options: CheckOptions = {}): CheckReport {
  const cwd = options.cwd ?? process.cwd();
  const result = runCheck({
    cwd,
    paths: options.paths ?? [],
    projects: options.projects ?? [],
    configFile: options.configFile,
    ruleOverrides: readRuleOverrides(options.rules ?? {}),
  });
  const results: LintResult[] = toLintResults(result);
  return {
    results,
    errorCount: results.reduce((sum, file) => sum + file.errorCount, 0),
    warningCount: results.reduce((sum, file) => sum + file.warningCount, 0),
    warnings: result.warnings,
    errors: result.errors,
    unresolvedLibraries: result.unresolvedLibraries,
  };
}

/** The inventory of cache families under the paths (test code left out unless `includeTests`). */
export function families(options: FamiliesOptions = {}): CacheFamilyEntry[] {
  const cwd = options.cwd ?? process.cwd();
  const result = runFamilies({
    cwd,
    paths: options.paths ?? [],
    projects: options.projects ?? [],
    configFile: options.configFile,
    includeTests: options.includeTests,
  });
  return toFamilyEntries(result, cwd);
}

/** The rule ids `check()` knows, without the `cachewise/` prefix. */
export const ruleIds: readonly string[] = RULES.map((rule) => rule.id);

function readRuleOverrides(rules: NonNullable<CheckOptions["rules"]>): Record<string, RuleSetting> {
  const overrides: Record<string, RuleSetting> = {};
  for (const [given, setting] of Object.entries(rules)) {
    const id = given.replace(/^cachewise\//, "");
    const rule = findRule(id);
    if (!rule) throw new ConfigError(`unknown rule "${given}" (known rules: ${ruleIds.join(", ")})`);
    overrides[id] = validateRuleSetting(setting, `rules["${given}"]`, rule);
  }
  return overrides;
}
