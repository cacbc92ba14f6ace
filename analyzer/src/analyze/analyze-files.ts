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

/** A file-level problem that is not a rule finding (syntax error, skipped file). */
export interface FileProblem {
  kind: "parse-error" | "skipped";
  message: string;
  line: number;
  column: number;
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

/** Runs every rule over one source file's model. */
export function checkModel(
  model: FileCacheModel,
  rules: ResolvedRule[],
  cwd: string,
  getProgramModel: () => ProgramModel,
): ReportedFinding[] {
  return checkModelWithDirectives(model, rules, cwd, getProgramModel, []).findings;
}

/** `checkModel`, with the file's `eslint-disable` comments applied: what they cover goes to `suppressed`. */
export function checkModelWithDirectives(
  model: FileCacheModel,
  rules: ResolvedRule[],
  cwd: string,
  getProgramModel: () => ProgramModel,
  directives: readonly DisableDirective[],
): { findings: ReportedFinding[]; suppressed: SuppressedFinding[] } {
  const all = runRules(model, rules, cwd, getProgramModel);
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
): ReportedFinding[] {
  const formatLocation = createLocationFormatter(cwd);
  const findings: ReportedFinding[] = [];
  for (const { rule, severity, options } of rules) {
    for (const finding of rule.check(model, { options, formatLocation, getProgramModel })) {
      findings.push({
        ...finding,
        severity,
        message: formatMessage(rule.messages[finding.messageId] ?? finding.messageId, finding.data),
      });
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
    const checked = checkModelWithDirectives(model, rules, cwd, getProgramModel, directives);
    result.findings = checked.findings;
    if (checked.suppressed.length > 0) result.suppressed = checked.suppressed;
  }
  return { files: results, unresolvedLibraries: getUnresolvedLibraryImports(host), models, getProgramModel };
}

/** The model of one file, or its first syntax error (like ESLint, one per file: later ones are usually consequences of the first). */
export function extractModel(
  host: ExtractionHost,
  sourceFile: TS.SourceFile,
): { model: FileCacheModel | undefined; problems: FileProblem[] } {
  const syntaxErrors = host.program.getSyntacticDiagnostics(sourceFile);
  if (syntaxErrors.length > 0) return { model: undefined, problems: [toProblem(host, syntaxErrors[0]!)] };
  try {
    return { model: extractFileModel(host, sourceFile), problems: [] };
  } catch (error) {
    // A bug of ours on one file is that file's problem: the others are still analysed. Cancellation is not a bug.
    if (!(error instanceof Error) || /unsupported TypeScript|does not match the compiler/.test(error.message))
      throw error;
    const message = `not analysed: cachewise failed on this file (${error.message.split("\n")[0]}); please report it`;
    return { model: undefined, problems: [{ kind: "skipped", message, line: 1, column: 1 }] };
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
