// Shared test helpers: temporary projects inside the repository (so that node_modules
// resolves), and an in-process CLI runner that captures output.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { runCli } from "../analyzer/src/cli/main";
import { runKeyspaceCli } from "../analyzer/src/cli/keyspace";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = path.join(REPO_ROOT, "test", "fixtures");

/**
 * Writes files into a fresh folder under test-output/ (or `root`) and returns its path. The folder is
 * removed after the test that wrote it (after the suite, when written in a `describe` body): node:test's
 * `after`, called inside a running test, registers on that test, as `t.after` does.
 */
export function writeProject(
  name: string,
  files: Record<string, string>,
  root = path.join(REPO_ROOT, "test-output", "projects"),
): string {
  const directory = path.join(root, `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  after(() => fs.rmSync(directory, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(directory, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return directory;
}

export const STRICT_TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  },
  include: ["src"],
});

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCliCaptured(argv: string[], cwd = REPO_ROOT): CliRun {
  let stdout = "";
  let stderr = "";
  const code = runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdoutIsTty: false,
    stderrIsTty: false,
    cwd,
  });
  return { code, stdout, stderr };
}

/** (rule, file relative to `base`, line, column) tuples from ESLint-shaped JSON. */
/**
 * `cachewise check . --format json` in `dir` (which must not end in an internal error), as one entry per finding:
 * `at` is `"<rule> <file>:<line>"`, or `"<file>:<line>"` with only the findings of `rule` when one is given.
 */
export function checkFindings(dir: string, rule?: string): Array<{ at: string; message: string }> {
  const run = runCliCaptured(["check", ".", "--format", "json"], dir);
  assert.notEqual(run.code, 2, run.stderr);
  const results = JSON.parse(run.stdout) as Array<{
    filePath: string;
    messages: Array<{ ruleId: string | null; line: number; message: string }>;
  }>;
  return results.flatMap((result) =>
    result.messages
      .filter((m) => (rule === undefined ? m.ruleId : m.ruleId === rule))
      .map((m) => {
        const where = `${path.relative(dir, result.filePath)}:${m.line}`;
        return { at: rule === undefined ? `${m.ruleId} ${where}` : where, message: m.message };
      }),
  );
}

export function toTuples(
  results: Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number; column: number }> }>,
  base: string,
): string[] {
  return results
    .flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId)
        .map(
          (m) => `${m.ruleId!.replace(/^cachewise\//, "")} ${path.relative(base, r.filePath)}:${m.line}:${m.column}`,
        ),
    )
    .sort();
}

/**
 * Checks `dir` with `cachewise check` and with ESLint (`lintWithPlugin`'s recommended config): no internal error, the
 * CLI's (rule, file, line, column) set is `expected` (in any order), and ESLint's is the same. Tuples for which `keep`
 * is false are left out of both. Returns the CLI's run (its JSON for further checks).
 */
export async function expectBothHosts(
  dir: string,
  expected: string[],
  keep: (tuple: string) => boolean = () => true,
): Promise<CliRun> {
  const cli = runCliCaptured(["check", ".", "--format", "json"], dir);
  assert.notEqual(cli.code, 2, cli.stderr);
  const fromCli = toTuples(JSON.parse(cli.stdout), dir).filter(keep);
  assert.deepEqual(fromCli, [...expected].sort());
  const fromEslint = toTuples((await lintWithPlugin(dir)) as never, dir).filter(keep);
  assert.deepEqual(fromEslint, fromCli);
  return cli;
}

/**
 * Lints a project's TypeScript files (`.ts`, `.tsx`) under src/ with the built plugin (dist/, as users load it): its recommended config, or only
 * `rules` when given, with `settings` (`{ cachewise: { cacheLayers } }`) when given.
 */
export async function lintWithPlugin(
  projectDir: string,
  options: { rules?: Record<string, string>; settings?: Record<string, unknown> } = {},
): Promise<ESLint.LintResult[]> {
  const plugin = (await import(pathToFileURL(path.join(REPO_ROOT, "dist", "eslint-plugin.js")).href)).default;
  const eslint = new ESLint({
    cwd: projectDir,
    // Most projects have no `.tsx` file: a pattern that matches nothing is fine.
    errorOnUnmatchedPattern: false,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts", "**/*.tsx"],
        languageOptions: {
          parser: tseslint.parser as never,
          parserOptions: { projectService: true, tsconfigRootDir: projectDir },
        },
        ...(options.settings ? { settings: options.settings } : {}),
        ...(options.rules ? { plugins: { cachewise: plugin }, rules: options.rules } : {}),
      },
      ...(options.rules ? [] : [plugin.configs.recommended]),
    ],
  });
  return eslint.lintFiles(["src/**/*.ts", "src/**/*.tsx"]);
}

/**
 * Lints a project's JavaScript files under src/ (and its TypeScript files with `withTypeScript`) with the built
 * plugin's recommended config, through the TypeScript parser and the project's `allowJs` tsconfig.
 */
export async function lintJavaScriptProject(
  projectDir: string,
  options: { sourceType?: "commonjs" | "module"; withTypeScript?: boolean } = {},
): Promise<ESLint.LintResult[]> {
  const plugin = (await import(pathToFileURL(path.join(REPO_ROOT, "dist", "eslint-plugin.js")).href)).default;
  const parserOptions = { projectService: true, tsconfigRootDir: projectDir };
  const eslint = new ESLint({
    cwd: projectDir,
    overrideConfigFile: true,
    overrideConfig: [
      ...(options.withTypeScript
        ? [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser as never, parserOptions } }]
        : []),
      {
        files: ["**/*.js"],
        languageOptions: {
          sourceType: options.sourceType ?? "commonjs",
          parser: tseslint.parser as never,
          parserOptions,
        },
      },
      plugin.configs.recommended,
    ],
  });
  return eslint.lintFiles(options.withTypeScript ? ["src/**/*.ts", "src/**/*.js"] : ["src/**/*.js"]);
}

/** Runs `cachewise keyspace` in-process (from the repository, with no environment) and captures its output. */
export async function runKeyspaceCaptured(argv: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runKeyspaceCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: REPO_ROOT,
    env: {},
  });
  return { code, stdout, stderr };
}
