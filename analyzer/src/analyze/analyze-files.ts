// Runs extraction and the configured rules over source files of one program. Knows
// nothing about ts-morph or ESLint: the host passes `{ ts, program, checker }`.
import * as path from "node:path";
import type * as TS from "typescript";
import type { ResolvedRule } from "../config/config";
import { extractFileModel, getUnresolvedLibraryImports } from "../extract/extract-file";
import { findSuppression, readDisableDirectives, type DisableDirective } from "./disable-directives";
import type { ExtractionHost } from "../extract/host";
import { buildProgramModel } from "../program-model/build-program-model";
import type { FileCacheModel, Span } from "../model/cache-model";
import type { ProgramModel } from "../model/program-model";
import type { Finding } from "../model/finding";
import { formatMessage } from "../model/rule";

/** A finding with its severity and rendered message, as hosts print it. */
export interface ReportedFinding extends Finding {
  severity: "warn" | "error";
  message: string;
}

/**
 * A file-level problem that is not a rule finding: a syntax error, a file cachewise could not analyse (unreadable,
 * nested too deeply for the parser, a failure of cachewise itself), or a file skipped on purpose (too large, binary).
 */
export interface FileProblem {
  kind: "parse-error" | "analysis-error" | "skipped";
  message: string;
  line: number;
  column: number;
}

/** Where the analysis of a file failed: the message of an analysis error names it. */
export type AnalysisStage =
  | "reading"
  | "parsing"
  | "binding"
  | "building the program"
  | "extracting"
  | "building the program model"
  | `rule ${string}`;

/** Problems that mean the file was not checked: they count as errors, as a syntax error does. */
export function isErrorProblem(problem: Pick<FileProblem, "kind">): boolean {
  return problem.kind === "parse-error" || problem.kind === "analysis-error";
}

/** `Analysis error (reading): EACCES: permission denied, open`: the stage and the reason, on one line. */
export function formatAnalysisError(stage: AnalysisStage, error: unknown): string {
  return `Analysis error (${stage}): ${describeError(error)}`;
}

/** The file's problem for an error at one stage of its analysis. */
export function toAnalysisError(stage: AnalysisStage, error: unknown): FileProblem {
  return { kind: "analysis-error", message: formatAnalysisError(stage, error), line: 1, column: 1 };
}

/**
 * One line for an error: a system error without the path it names (the report names the file), a stack
 * overflow with what it means here.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split("\n")[0]!;
  if (isStackOverflow(error)) return "the code is nested too deeply to analyse (the call stack overflowed)";
  const { path: file } = error as NodeJS.ErrnoException;
  const message = error.message.split("\n")[0]!;
  return file ? message.replace(` '${file}'`, "") : message;
}

/** The injected compiler is not the one that parsed the files, or a version not supported: every file would fail. */
export function isHostMismatch(error: unknown): boolean {
  return error instanceof Error && /unsupported TypeScript|does not match the compiler/.test(error.message);
}

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /Maximum call stack size exceeded/.test(error.message);
}

export interface FileResult {
  file: string;
  findings: ReportedFinding[];
  problems: FileProblem[];
  /** Findings an `eslint-disable` comment suppresses (ESLint's `suppressedMessages`). */
  suppressed?: SuppressedFinding[];
}

export interface SuppressedFinding extends ReportedFinding {
  /** The comment's text after `-- `, or "". */
  justification: string;
}

export interface ProgramAnalysis {
  files: FileResult[];
  /** Cache library modules imported but not resolvable: type information is partial. */
  unresolvedLibraries: string[];
}

/** Renders a span as `relative/path.ts:line` for messages, relative to `cwd`. */
export function createLocationFormatter(cwd: string): (span: Span) => string {
  return (span) =>
    `${path.relative(cwd, span.file).split(path.sep).join("/") || path.basename(span.file)}:${span.line}`;
}

/**
 * Runs every rule over one source file's model, with the file's `eslint-disable` comments applied: what they cover goes to `suppressed`. A rule that
 * fails on the file loses its own findings there, not the other rules' (`onRuleError` hears of it); without
 * `onRuleError` the error is thrown.
 */
export function checkModelWithDirectives(
  model: FileCacheModel,
  rules: ResolvedRule[],
  cwd: string,
  getProgramModel: () => ProgramModel,
  directives: readonly DisableDirective[],
  onRuleError?: (problem: FileProblem) => void,
): { findings: ReportedFinding[]; suppressed: SuppressedFinding[] } {
  const all = runRules(model, rules, cwd, getProgramModel, onRuleError);
  if (directives.length === 0) return { findings: all, suppressed: [] };
  const findings: ReportedFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of all) {
    const directive = findSuppression(directives, finding.ruleId, finding.span.start, finding.span.line);
    if (directive) suppressed.push({ ...finding, justification: directive.justification });
    else findings.push(finding);
  }
  return { findings, suppressed };
}

function runRules(
  model: FileCacheModel,
  rules: ResolvedRule[],
  cwd: string,
  getProgramModel: () => ProgramModel,
  onRuleError?: (problem: FileProblem) => void,
): ReportedFinding[] {
  const formatLocation = createLocationFormatter(cwd);
  const findings: ReportedFinding[] = [];
  for (const { rule, severity, options } of rules) {
    try {
      for (const finding of rule.check(model, { options, formatLocation, getProgramModel })) {
        findings.push({
          ...finding,
          severity,
          message: formatMessage(rule.messages[finding.messageId] ?? finding.messageId, finding.data),
        });
      }
    } catch (error) {
      if (!onRuleError) throw error;
      onRuleError(toAnalysisError(`rule ${rule.id}`, error));
    }
  }
  return findings.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
}

/**
 * Analyses the given files of a program; syntax errors are reported and the file skipped.
 * Every file is extracted first, so that whole-program rules see the whole program.
 */
export function analyzeFiles(
  host: ExtractionHost,
  files: readonly TS.SourceFile[],
  rules: ResolvedRule[],
  cwd: string,
  onProgress?: (done: number, total: number) => void,
): ProgramAnalysis & { models: FileCacheModel[]; getProgramModel: () => ProgramModel } {
  const results: FileResult[] = [];
  const models: FileCacheModel[] = [];
  const parsed: Array<{ result: FileResult; model: FileCacheModel; sourceFile: TS.SourceFile }> = [];
  files.forEach((sourceFile, index) => {
    const { model, problems } = extractModel(host, sourceFile);
    if (!model) {
      results.push({ file: sourceFile.fileName, findings: [], problems });
    } else {
      const result: FileResult = { file: sourceFile.fileName, findings: [], problems: [] };
      models.push(model);
      parsed.push({ result, model, sourceFile });
      results.push(result);
    }
    onProgress?.(index + 1, files.length);
  });
  let programModel: ProgramModel | undefined;
  const getProgramModel = () => (programModel ??= buildProgramModel(models));
  for (const { result, model, sourceFile } of parsed) {
    const directives = readDisableDirectives(host.ts, sourceFile);
    const checked = checkModelWithDirectives(model, rules, cwd, getProgramModel, directives, (problem) =>
      result.problems.push(problem),
    );
    result.findings = checked.findings;
    if (checked.suppressed.length > 0) result.suppressed = checked.suppressed;
  }
  return { files: results, unresolvedLibraries: getUnresolvedLibraryImports(host), models, getProgramModel };
}

/**
 * TypeScript's "… can only be used in TypeScript files" (type annotations, type aliases, `import type`, interfaces…)
 * in a `.js` file: the file parsed, with its annotations read as TypeScript's. JavaScript typed with Flow
 * (`function f(options: Options): Cache`) is such a file, and is analysed like any other; ESLint's TypeScript parser
 * does not stop on them either.
 */
const TYPESCRIPT_ONLY_IN_JAVASCRIPT = new Set([
  8002, 8003, 8004, 8005, 8006, 8008, 8009, 8010, 8011, 8012, 8013, 8016, 8017, 8037,
]);

/** The model of one file, or its first syntax error (like ESLint, one per file: later ones are usually consequences of the first). */
export function extractModel(
  host: ExtractionHost,
  sourceFile: TS.SourceFile,
): { model: FileCacheModel | undefined; problems: FileProblem[] } {
  const syntaxErrors = host.program
    .getSyntacticDiagnostics(sourceFile)
    .filter((diagnostic) => !TYPESCRIPT_ONLY_IN_JAVASCRIPT.has(diagnostic.code));
  if (syntaxErrors.length > 0) return { model: undefined, problems: [toProblem(host, syntaxErrors[0]!)] };
  try {
    return { model: extractFileModel(host, sourceFile), problems: [] };
  } catch (error) {
    // A bug of ours on one file is that file's problem: the others are still analysed. A compiler of the wrong
    // version would fail on every file: that ends the run.
    if (!(error instanceof Error) || isHostMismatch(error)) throw error;
    const problem = toAnalysisError("extracting", error);
    if (!isStackOverflow(error)) problem.message += "; please report it";
    return { model: undefined, problems: [problem] };
  }
}

function toProblem(host: ExtractionHost, diagnostic: TS.Diagnostic): FileProblem {
  const message = host.ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  const position =
    diagnostic.file && diagnostic.start !== undefined
      ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
      : { line: 0, character: 0 };
  return {
    kind: "parse-error",
    message: `Parsing error: ${message}`,
    line: position.line + 1,
    column: position.character + 1,
  };
}
