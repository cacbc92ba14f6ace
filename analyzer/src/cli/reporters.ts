// Reporters: a plain map from format name to a function of the results. None prints. The pretty
// report escapes every string from the analysed code (messages quote keys and names, paths) with
// `escapeText`; JSON and SARIF keep them raw (their own escaping is enough).
import { PRISMA_BY_SHAPE } from "../extract/entities/prisma";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ResolvedRule } from "../config/config";
import { escapeText } from "../format/escape";
import { formatCoverage } from "./coverage";
import type { CheckResult } from "./run";
import { isErrorProblem, type ReportedFinding, type SuppressedFinding } from "../analyze/analyze-files";

export type Format = "pretty" | "json" | "sarif";
export const FORMATS: Format[] = ["pretty", "json", "sarif"];

export interface ReportContext {
  cwd: string;
  color: boolean;
  version: string;
}

/** ESLint's JSON formatter shape, so existing tooling consumes it; ruleId is the bare id. */
export function formatJson(result: CheckResult): string {
  return JSON.stringify(toLintResults(result));
}

/** The results in ESLint's `LintResult` shape (what `--format json` prints and the programmatic `check()` returns). */
export function toLintResults(result: CheckResult) {
  return result.files.map((file) => {
    const messages = [
      ...file.problems.map((problem) => ({
        ruleId: null,
        fatal: isErrorProblem(problem) ? (true as const) : undefined,
        severity: isErrorProblem(problem) ? (2 as const) : (1 as const),
        message: problem.message,
        line: problem.line,
        column: problem.column,
      })),
      ...file.findings.map(toLintMessage),
    ];
    const errorCount = messages.filter((m) => m.severity === 2).length;
    return {
      filePath: file.file,
      messages,
      suppressedMessages: (file.suppressed ?? []).map((finding) => ({
        ...toLintMessage(finding),
        suppressions: [{ kind: "directive" as const, justification: finding.justification }],
      })),
      errorCount,
      fatalErrorCount: file.problems.filter(isErrorProblem).length,
      warningCount: messages.length - errorCount,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      usedDeprecatedRules: [],
    };
  });
}

function toLintMessage(finding: ReportedFinding) {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity === "error" ? (2 as const) : (1 as const),
    message: finding.message,
    line: finding.span.line,
    column: finding.span.column,
    endLine: finding.span.endLine,
    endColumn: finding.span.endColumn,
    messageId: finding.messageId,
    ...(finding.suggestions.length > 0
      ? {
          suggestions: finding.suggestions.map((s) => ({
            messageId: s.messageId,
            fix: { range: [s.edits[0]!.start, s.edits[0]!.end] as [number, number], text: s.edits[0]!.text },
          })),
        }
      : {}),
  };
}

/** SARIF 2.1.0 for code-scanning uploads. */
export function formatSarif(result: CheckResult, context: ReportContext): string {
  const rules = result.rules.map((resolved: ResolvedRule) => ({
    id: resolved.rule.id,
    shortDescription: { text: resolved.rule.description },
    help: { text: `${resolved.rule.description} See eslint-plugin/docs/rules/${resolved.rule.id}.md.` },
    defaultConfiguration: { level: resolved.severity === "error" ? "error" : "warning" },
  }));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const toUri = (file: string) => path.relative(context.cwd, file).split(path.sep).map(encodeURIComponent).join("/");
  // A finding an `eslint-disable` comment covers stays, marked as suppressed in source (code scanning hides it).
  const results = result.files.flatMap((file) =>
    [...file.findings, ...(file.suppressed ?? [])].map((finding) => ({
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? 0,
      level: finding.severity === "error" ? "error" : "warning",
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(file.file), uriBaseId: "%SRCROOT%" },
            region: {
              startLine: finding.span.line,
              startColumn: finding.span.column,
              endLine: finding.span.endLine,
              endColumn: finding.span.endColumn,
            },
          },
        },
      ],
      ...("justification" in finding
        ? { suppressions: [{ kind: "inSource", justification: (finding as SuppressedFinding).justification }] }
        : {}),
    })),
  );
  const notifications = [
    ...result.files.flatMap((file) =>
      file.problems.map((problem) => ({
        level: isErrorProblem(problem) ? "error" : "note",
        message: { text: problem.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: toUri(file.file), uriBaseId: "%SRCROOT%" },
              region: { startLine: problem.line, startColumn: problem.column },
            },
          },
        ],
      })),
    ),
    ...(result.unresolvedLibraries.length > 0
      ? [{ level: "warning", message: { text: partialTypesWarning(result.unresolvedLibraries) } }]
      : []),
  ];
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "cachewise",
            version: context.version,
            informationUri: "https://www.npmjs.com/package/cachewise",
            rules,
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(context.cwd + path.sep).href } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

/** A readable report: findings grouped by file, then a summary. */
export function formatPretty(result: CheckResult, context: ReportContext): string {
  const paint = (code: string, text: string) => (context.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let filesWithProblems = 0;
  for (const file of result.files) {
    if (file.findings.length === 0 && file.problems.length === 0) continue;
    if (file.findings.length > 0 || file.problems.some(isErrorProblem)) filesWithProblems++;
    lines.push("", paint("4", escapeText(path.relative(context.cwd, file.file) || file.file)));
    for (const problem of file.problems) {
      const isError = isErrorProblem(problem);
      if (isError) errors++;
      lines.push(
        `  ${`${problem.line}:${problem.column}`.padEnd(8)} ${isError ? paint("31", "error") : paint("2", "note ")}  ${escapeText(problem.message)}`,
      );
    }
    for (const finding of file.findings) {
      if (finding.severity === "error") errors++;
      else warnings++;
      const level = finding.severity === "error" ? paint("31", "error") : paint("33", "warn ");
      lines.push(
        `  ${`${finding.span.line}:${finding.span.column}`.padEnd(8)} ${level}  ${escapeText(finding.message)}  ${paint("2", finding.ruleId)}`,
      );
    }
  }
  // Files skipped on purpose (too large, binary) were not checked: the summary says so rather than counting them clean.
  const skipped = result.files.filter((file) => file.problems.some((problem) => problem.kind === "skipped")).length;
  const analysed = result.files.length - skipped;
  const total = errors + warnings;
  const files = (count: number) => `${count} file${count === 1 ? "" : "s"}`;
  const notChecked = skipped > 0 ? ` ${files(skipped)} skipped (see the notes above).` : "";
  lines.push("");
  for (const line of formatProjectCoverage(result, context.cwd)) lines.push(paint("2", line));
  lines.push(paint("2", formatCoverage(result.coverage)));
  if (total === 0 && analysed === 0) lines.push(paint("33;1", `✖ No file was analysed.${notChecked}`));
  else if (total === 0) lines.push(paint("32", `✔ No caching problems in ${files(analysed)}.${notChecked}`));
  else
    lines.push(
      paint(
        errors > 0 ? "31;1" : "33;1",
        `✖ ${total} problem${total === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}) in ${filesWithProblems} of ${files(analysed)}.${notChecked}`,
      ),
    );
  return lines.join("\n");
}

/** One line per project: how many files it analysed, and how many no tsconfig (or no `--project`) includes. */
export function formatProjectCoverage(
  result: Pick<CheckResult, "projectCoverage" | "notCovered">,
  cwd: string,
): string[] {
  const files = (count: number) => `${count} file${count === 1 ? "" : "s"}`;
  const lines = result.projectCoverage.map((project) =>
    project.tsconfig === undefined
      ? `not in any tsconfig: ${files(project.files)} (analysed with default options)`
      : `${escapeText(path.relative(cwd, project.tsconfig) || project.tsconfig)}: ${files(project.files)}`,
  );
  if (result.notCovered.length > 0)
    lines.push(`not in the given projects: ${files(result.notCovered.length)} (not analysed)`);
  return lines;
}

export function partialTypesWarning(modules: string[]): string {
  const libraries = modules.filter((module) => module !== PRISMA_BY_SHAPE);
  const parts: string[] = [];
  if (libraries.length > 0)
    parts.push(
      `could not resolve ${libraries.join(", ")} (dependencies not installed?); libraries were identified by import specifier and call shape`,
    );
  if (libraries.length < modules.length)
    parts.push(
      "the Prisma client has no types (not generated yet? run `prisma generate`); its queries were recognised by their call shape",
    );
  return `type information is partial: ${parts.join("; ")}.`;
}

export function formatResult(format: Format, result: CheckResult, context: ReportContext): string {
  switch (format) {
    case "json":
      return formatJson(result);
    case "sarif":
      return formatSarif(result, context);
    default:
      return formatPretty(result, context);
  }
}

/** Error-level findings, parse errors and files that could not be analysed make the run fail. */
export function countErrors(result: CheckResult): number {
  return result.files.reduce(
    (sum, file) =>
      sum + file.findings.filter((f) => f.severity === "error").length + file.problems.filter(isErrorProblem).length,
    0,
  );
}
