// The `cachewise` command: argv → runCheck() → reporter → exit code.
// Exit codes: 0 no error-level findings, 1 error-level findings (or a file that could not be checked), 2 usage or
// configuration error (a missing path or a broken tsconfig among others: after the report of the rest), or an
// internal error that ended the run.
import * as path from "node:path";
import { describeError } from "../analyze/analyze-files";
import { ConfigError, validateRuleSetting, type RuleSetting } from "../config/config";
import { escapeText } from "../format/escape";
import { findRule, RULES } from "../rule-registry";
import { formatCoverage } from "./coverage";
import {
  countErrors,
  formatProjectCoverage,
  formatResult,
  FORMATS,
  partialTypesWarning,
  type Format,
} from "./reporters";
import { FAMILIES_FORMATS, formatFamilies, runFamilies, type FamiliesFormat } from "./families";
import { KEYSPACE_USAGE, runKeyspaceCli } from "./keyspace";
import { runStatsCli, STATS_USAGE } from "./stats";
import { createArgReader, UsageError } from "./read-args";
import { runCheck } from "./run";

declare const CACHEWISE_VERSION: string | undefined;
const VERSION = typeof CACHEWISE_VERSION === "string" ? CACHEWISE_VERSION : "0.0.0-dev";

const USAGE = `Usage: cachewise check [paths...] [options]
       cachewise families [paths...] [--project <tsconfig>]... [--format pretty|json|markdown|prometheus-rules] [--config <file>] [--check] [--include-tests]
       cachewise keyspace --redis <url> [paths...] [--cluster] [--sample N | --full] [--project <tsconfig>]... [--format pretty|json]
       cachewise keyspace --memcached <host:port> [paths...] [--max-keys N] [--max-time S] [--project <tsconfig>]... [--format pretty|json]
       cachewise stats --prometheus <url> [paths...] [--window 1h] [--format text|json]

Finds caching mistakes in TypeScript and JavaScript. \`families\` prints the inventory of cache
families (key patterns, tags, memoized functions) with their TTLs, bounds, strategies, the
entities they depend on, and reads, writes and invalidations; --check exits 1 when the
configuration does not declare every family. The caches of tests, fixtures, scripts, migrations
and seeds are left out of the inventory unless --include-tests is given.

Options:
  --project <tsconfig>     analyse this project (repeatable); default: every tsconfig.json under the paths
  --format <name>          pretty (default), json (ESLint's JSON shape) or sarif (SARIF 2.1.0)
  --config <file>          configuration file (default: cachewise.config.json or package.json#cachewise)
  --rule <id>:<severity>   override a rule: off, warn or error, or 0, 1, 2 (repeatable)
  --debug                  print the stack trace of an internal error
  -h, --help               show this help
  -v, --version            print the version

Rules: ${RULES.map((r) => r.id).join(", ")}

${KEYSPACE_USAGE.split("\n").slice(2).join("\n")}

${STATS_USAGE.split("\n").slice(2).join("\n")}`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  cwd: string;
}

interface ParsedArgs {
  command: "check" | "families" | "help" | "version";
  paths: string[];
  projects: string[];
  format: Format;
  configFile: string | undefined;
  ruleOverrides: Record<string, RuleSetting>;
  /** `families --check`. */
  check: boolean;
  /** `families --include-tests`. */
  includeTests: boolean;
  familiesFormat: FamiliesFormat;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = {
    command: "check",
    paths: [],
    projects: [],
    format: "pretty",
    configFile: undefined,
    ruleOverrides: {},
    check: false,
    includeTests: false,
    familiesFormat: "pretty",
  };
  const first = argv[0];
  // A bare `cachewise` prints the help, like `-h`.
  if (first === undefined || first === "-h" || first === "--help" || first === "help")
    return { ...parsed, command: "help" };
  if (first === "-v" || first === "--version") return { ...parsed, command: "version" };
  if (first === "keyspace" || first === "stats")
    throw new UsageError(`\`cachewise ${first}\` runs asynchronously: call runCliAsync`);
  if (first !== "check" && first !== "families")
    throw new UsageError(
      `unknown command "${first}" (try \`cachewise check\`, \`cachewise families\`, \`cachewise keyspace\` or \`cachewise stats\`)`,
    );
  parsed.command = first;
  const reader = createArgReader(argv.slice(1));
  const takeValue = reader.takeValue;
  for (let next = reader.next(); next; next = reader.next()) {
    const { arg, flag, inline } = next;
    switch (flag) {
      case "-h":
      case "--help":
        return { ...parsed, command: "help" };
      case "--project":
      case "-p":
        parsed.projects.push(takeValue(flag, inline));
        break;
      case "--format":
      case "-f": {
        const value = takeValue(flag, inline);
        if (parsed.command === "families") {
          if (!FAMILIES_FORMATS.includes(value as FamiliesFormat))
            throw new UsageError(`unknown format "${value}" (expected ${FAMILIES_FORMATS.join(", ")})`);
          parsed.familiesFormat = value as FamiliesFormat;
          break;
        }
        if (!FORMATS.includes(value as Format))
          throw new UsageError(`unknown format "${value}" (expected ${FORMATS.join(", ")})`);
        parsed.format = value as Format;
        break;
      }
      case "--check":
        if (parsed.command !== "families")
          throw new UsageError(`unknown option "--check" (it belongs to \`cachewise families\`)`);
        parsed.check = true;
        break;
      case "--include-tests":
        if (parsed.command !== "families")
          throw new UsageError(`unknown option "--include-tests" (it belongs to \`cachewise families\`)`);
        parsed.includeTests = true;
        break;
      case "--config":
      case "-c":
        parsed.configFile = takeValue(flag, inline);
        break;
      case "--rule": {
        const value = takeValue(flag, inline);
        const separator = value.lastIndexOf(":");
        if (separator < 0) throw new UsageError(`--rule expects <id>:<severity>, got "${value}"`);
        const id = value.slice(0, separator).replace(/^cachewise\//, "");
        const rule = findRule(id);
        if (!rule) throw new UsageError(`unknown rule "${id}" (known rules: ${RULES.map((r) => r.id).join(", ")})`);
        parsed.ruleOverrides[id] = validateRuleSetting(value.slice(separator + 1), `--rule ${value}`, rule);
        break;
      }
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option "${flag}"`);
        parsed.paths.push(arg);
    }
  }
  return parsed;
}

/** Runs the CLI, including the asynchronous `keyspace` command, and resolves to the exit code. */
export async function runCliAsync(
  argv: string[],
  io: CliIo & { env: Record<string, string | undefined> },
): Promise<number> {
  const { args, debug } = takeDebugFlag(argv);
  if (args[0] !== "keyspace" && args[0] !== "stats") return runCli(argv, io);
  try {
    return args[0] === "stats" ? await runStatsCli(args.slice(1), io) : await runKeyspaceCli(args.slice(1), io);
  } catch (error) {
    return reportInternalError(error, io, debug);
  }
}

/**
 * Runs the CLI and returns the exit code. An error nobody expected (a bug, a compiler that fails on the whole
 * program, a closed stdout) ends the run with exit code 2 and one line on stderr; `--debug` adds the stack trace.
 */
export function runCli(argv: string[], io: CliIo): number {
  const { args, debug } = takeDebugFlag(argv);
  try {
    return runCommand(args, io);
  } catch (error) {
    return reportInternalError(error, io, debug);
  }
}

/** `--debug` is accepted anywhere on the command line, by every command. */
function takeDebugFlag(argv: string[]): { args: string[]; debug: boolean } {
  const args = argv.filter((arg) => arg !== "--debug");
  return { args, debug: args.length !== argv.length };
}

function reportInternalError(error: unknown, io: Pick<CliIo, "stderr">, debug: boolean): number {
  const reason = escapeText(describeError(error));
  if (!debug) {
    io.stderr(`cachewise: internal error: ${reason} (re-run with --debug for the stack trace)\n`);
    return 2;
  }
  io.stderr(`cachewise: internal error: ${reason}\n`);
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`${stack.split("\n").map(escapeText).join("\n")}\n`);
  return 2;
}

function runCommand(argv: string[], io: CliIo): number {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`cachewise: ${escapeText(relativeToCwd(error.message, io))}\n`);
      return 2;
    }
    throw error;
  }
  if (parsed.command === "help") {
    io.stdout(USAGE + "\n");
    return 0;
  }
  if (parsed.command === "version") {
    io.stdout(VERSION + "\n");
    return 0;
  }
  let lastProgress = 0;
  const onProgress = io.stderrIsTty
    ? (done: number, total: number) => {
        const now = Date.now();
        if (now - lastProgress < 100 && done !== total) return;
        lastProgress = now;
        io.stderr(`\rcachewise: analysed ${done}/${total} files${done === total ? "\n" : ""}`);
      }
    : undefined;
  if (parsed.command === "families") return runFamiliesCommand(parsed, io, onProgress);
  try {
    const result = runCheck({
      cwd: io.cwd,
      paths: parsed.paths,
      projects: parsed.projects,
      configFile: parsed.configFile,
      ruleOverrides: parsed.ruleOverrides,
      onProgress,
    });
    for (const warning of result.warnings) io.stderr(`cachewise: warning: ${escapeText(relativeToCwd(warning, io))}\n`);
    if (result.unresolvedLibraries.length > 0)
      io.stderr(`cachewise: warning: ${escapeText(partialTypesWarning(result.unresolvedLibraries))}\n`);
    // The pretty report says which project analysed how many files; machine formats keep their shape.
    if (parsed.format !== "pretty")
      for (const line of formatProjectCoverage(result, io.cwd)) io.stderr(`cachewise: ${line}\n`);
    // The machine formats keep their shape: what was seen goes to stderr (the pretty report ends with it).
    if (parsed.format !== "pretty") io.stderr(`cachewise: ${formatCoverage(result.coverage)}\n`);
    io.stdout(
      formatResult(parsed.format, result, {
        cwd: io.cwd,
        color: io.stdoutIsTty && parsed.format === "pretty",
        version: VERSION,
      }) + "\n",
    );
    if (reportRunErrors(result.errors, io)) return 2;
    return countErrors(result) > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`cachewise: ${escapeText(relativeToCwd(error.message, io))}\n`);
      return 2;
    }
    throw error;
  }
}

/** Errors in what the run was given that did not stop it (a missing path, a broken tsconfig): exit 2 after the report. */
function reportRunErrors(errors: readonly string[], io: CliIo): boolean {
  for (const error of errors) io.stderr(`cachewise: error: ${escapeText(relativeToCwd(error, io))}\n`);
  return errors.length > 0;
}

/** Paths under the working directory in a message, written relative to it. */
function relativeToCwd(text: string, io: Pick<CliIo, "cwd">): string {
  return text.split(`${io.cwd}/`).join("");
}

function runFamiliesCommand(
  parsed: ParsedArgs,
  io: CliIo,
  onProgress: ((done: number, total: number) => void) | undefined,
): number {
  try {
    const result = runFamilies({
      cwd: io.cwd,
      paths: parsed.paths,
      projects: parsed.projects,
      configFile: parsed.configFile,
      includeTests: parsed.includeTests,
      onProgress,
    });
    for (const warning of result.warnings) io.stderr(`cachewise: warning: ${escapeText(relativeToCwd(warning, io))}\n`);
    if (result.unresolvedLibraries.length > 0)
      io.stderr(`cachewise: warning: ${escapeText(partialTypesWarning(result.unresolvedLibraries))}\n`);
    io.stdout(formatFamilies(parsed.familiesFormat, result, io.cwd) + "\n");
    // The inventory leaves out the caches of files that could not be analysed: say which, so no one reads it as whole.
    for (const { file, message } of result.unanalysed)
      io.stderr(`cachewise: ${escapeText(path.relative(io.cwd, file) || file)}: ${escapeText(message)}\n`);
    if (result.unanalysed.length > 0)
      io.stderr(
        `cachewise: the inventory is incomplete: ${result.unanalysed.length} file${result.unanalysed.length === 1 ? "" : "s"} could not be analysed\n`,
      );
    if (reportRunErrors(result.errors, io)) return 2;
    if (parsed.check && result.unanalysed.length > 0) {
      io.stderr("cachewise: --check cannot pass on an incomplete inventory\n");
      return 1;
    }
    if (parsed.check && result.undeclared.length > 0) {
      io.stderr(
        `cachewise: ${result.undeclared.length} cache famil${result.undeclared.length === 1 ? "y is" : "ies are"} not declared in the configuration: ${result.undeclared.map((row) => escapeText(row.family.label)).join(", ")}\n`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`cachewise: ${escapeText(relativeToCwd(error.message, io))}\n`);
      return 2;
    }
    throw error;
  }
}
