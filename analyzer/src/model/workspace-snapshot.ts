// Plain data: what the analysis server sends the editor after each (re)analysis. Everything is
// JSON-safe and already rendered (messages, TTL texts), so that the extension needs neither the
// compiler nor the rules to show it.

/** A 1-based range in a file. */
export interface SnapshotRange {
  /** Absolute file name. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface SnapshotSuggestion {
  title: string;
  /** Edits by offsets in the file of the finding. */
  edits: Array<{ start: number; end: number; text: string }>;
}

export interface SnapshotFinding extends SnapshotRange {
  ruleId: string;
  severity: "warn" | "error";
  message: string;
  suggestions: SnapshotSuggestion[];
}

export interface SnapshotProblem extends SnapshotRange {
  /** As the CLI reports them: a syntax error, a file that could not be analysed, or one skipped on purpose. */
  kind: "parse-error" | "analysis-error" | "skipped";
  message: string;
}

/** A cache call in code (a read, write, delete, memoization) and the families it belongs to. */
export interface SnapshotSite extends SnapshotRange {
  method: string;
  operation: string;
  familyIds: string[];
  /** The TTL this call sets, as written, in milliseconds when known (`Infinity` is sent as null). */
  ttlMs: number | null | undefined;
}

export interface SnapshotFamily {
  id: string;
  label: string;
  /** `user:{id}` with prefixes, a tag, or a function name. */
  pattern: string;
  kind: string;
  library: string | undefined;
  tags: string[];
  /** `1 h, none`. */
  ttlText: string;
  /** TTLs set in code, in milliseconds; null for "no expiry". */
  ttlsMs: Array<number | null>;
  boundText: string;
  strategies: string[];
  entities: string[];
  reads: number;
  writes: number;
  invalidations: number;
  /** Where the family is written, first (for "reveal the code that writes this pattern"). */
  writeSites: SnapshotRange[];
  sites: SnapshotRange[];
  owner: string | undefined;
  dataClass: string | undefined;
  runbook: string | undefined;
  /** Findings whose message names the family. */
  findings: number;
}

export interface WorkspaceSnapshot {
  /** Increases with every analysis of the session. */
  version: number;
  root: string;
  findings: SnapshotFinding[];
  problems: SnapshotProblem[];
  families: SnapshotFamily[];
  sites: SnapshotSite[];
  /** Files (re)extracted by this analysis. */
  analysedFiles: number;
  totalFiles: number;
  durationMs: number;
  warnings: string[];
}
