// `cachewise check` as a function: paths and options in, results out. Never prints.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  analyzeFiles,
  describeError,
  formatAnalysisError,
  isHostMismatch,
  type AnalysisStage,
  type FileResult,
} from "../analyze/analyze-files";
import {
  ConfigError,
  resolveRules,
  validateConfig,
  type CachewiseConfig,
  type ResolvedRule,
  type RuleSetting,
  DEFAULT_MAX_FILE_BYTES,
} from "../config/config";
import type { ExtractionHost } from "../extract/host";
import type { FileCacheModel } from "../model/cache-model";
import { RULES } from "../rule-registry";
import {
  createCheckedProgram,
  DECLARATION_FILE,
  discoverProjects,
  listUncovered,
  ts,
  type DiscoveryNote,
  type ProjectSpec,
} from "./load-projects";
import { summariseCoverage, type Coverage } from "./coverage";
import { createWorkspaceResolution, findWorkspaceRoot } from "./workspace-packages";

export interface CheckOptions {
  cwd: string;
  paths: string[];
  projects: string[];
  configFile: string | undefined;
  ruleOverrides: Record<string, RuleSetting>;
  onProgress?: (done: number, total: number) => void;
  /** Extract only, run no rule (for `cachewise families`). */
  skipRules?: boolean;
}

export interface CheckResult {
  files: FileResult[];
  notes: DiscoveryNote[];
  unresolvedLibraries: string[];
  rules: ResolvedRule[];
  /** Problems that did not stop the run: a base config not installed, a referenced project not there. */
  warnings: string[];
  /**
   * Errors in what the run was given that did not stop it: a path that does not exist, a tsconfig that does not
   * parse. The report covers the rest; the CLI exits 2 after it.
   */
  errors: string[];
  /** How many files each project analysed, in the order analysed. */
  projectCoverage: ProjectCoverage[];
  /** Source files under the paths that no `--project` includes: not analysed. */
  notCovered: string[];
  /** The file models of each program analysed. */
  programs: FileCacheModel[][];
  /** Families found and cache-like calls that could not be resolved. */
  coverage: Coverage;
  config: CachewiseConfig;
}

export interface ProjectCoverage {
  /** The tsconfig, or undefined for the files no tsconfig includes (analysed with default options). */
  tsconfig: string | undefined;
  files: number;
}

/** Loads `--config`, else `cachewise.config.json`, else package.json's `cachewise` key, from cwd. */
export function loadConfig(cwd: string, configFile: string | undefined): CachewiseConfig {
  const candidates = configFile ? [path.resolve(cwd, configFile)] : [path.join(cwd, "cachewise.config.json")];
  for (const candidate of candidates) {
    if (!fs.existsSync(candidate)) {
      if (configFile) throw new ConfigError(`${configFile}: configuration file not found`);
      continue;
    }
    const name = path.relative(cwd, candidate) || candidate;
    return validateConfig(parseJson(candidate, name), name, RULES, path.dirname(candidate));
  }
  const packageJson = path.join(cwd, "package.json");
  if (fs.existsSync(packageJson)) {
    const parsed = parseJson(packageJson, "package.json") as { cachewise?: unknown } | null;
    if (parsed?.cachewise !== undefined) return validateConfig(parsed.cachewise, "package.json#cachewise", RULES, cwd);
  }
  return {
    rules: {},
    ignore: [],
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    families: undefined,
    dataClasses: undefined,
    cacheLayers: [],
  };
}

/** Reads a JSON file: one that cannot be read (permissions, a folder, a FIFO that would block) is not "invalid JSON". */
function parseJson(file: string, name: string): unknown {
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) throw new ConfigError(`${name}: could not be read (not a regular file)`);
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${name}: could not be read (${describeError(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${name}: invalid JSON (${(error as Error).message})`);
  }
}

export function runCheck(options: CheckOptions): CheckResult {
  const config = loadConfig(options.cwd, options.configFile);
  const rules = options.skipRules ? [] : resolveRules(RULES, config, options.ruleOverrides);
  const programs: FileCacheModel[][] = [];
  const notes: DiscoveryNote[] = [];
  const errors: string[] = [];
  // A path that is not there is an error of the run (exit 2), but the paths that are there are still analysed.
  const targets = (options.paths.length > 0 ? options.paths : ["."]).flatMap((p) => {
    const target = path.resolve(options.cwd, p);
    const problem = findPathProblem(target);
    if (problem) errors.push(`${path.relative(options.cwd, target) || target}: ${problem}`);
    return problem ? [] : [target];
  });
  if (targets.length === 0) throw new ConfigError(errors.join("; "));
  const warnings: string[] = [];
  const projects = collectProjects(options, targets, warnings, errors);
  const workspace = createWorkspaceResolution(findWorkspaceRoot(targets[0] ?? options.cwd));
  for (const spec of projects) {
    warnings.push(...(spec.warnings ?? []));
    spec.workspace = workspace;
  }
  const isTarget = (file: string) => targets.some((t) => file === t || file.startsWith(t + path.sep));
  const isIgnored = (file: string) => {
    const relative = path.relative(options.cwd, file).split(path.sep).join("/");
    return config.ignore.some(
      (fragment) => relative === fragment || relative.startsWith(fragment.replace(/\/$/, "") + "/"),
    );
  };
  const isAnalysable = (file: string) =>
    isTarget(file) && !isIgnored(file) && !file.includes(`${path.sep}node_modules${path.sep}`);
  const analysed = new Set<string>();
  const files: FileResult[] = [];
  const unresolved = new Set<string>();
  let done = 0;
  let familyCount = 0;
  const total = projects.reduce((sum, p) => sum + p.rootNames.length, 0);
  const projectCoverage: ProjectCoverage[] = [];
  for (const spec of projects) {
    const notesBefore = notes.length;
    // A project that TypeScript or cachewise cannot get through (a stack overflow in the compiler's binder) is the
    // problem of that project's files; the other projects are still analysed.
    let stage: AnalysisStage = "building the program";
    let outcome;
    try {
      const { program, checker } = createCheckedProgram(spec, config.maxFileBytes, notes);
      stage = "extracting";
      const sourceFiles = program.getRootFileNames().flatMap((name) => {
        const sourceFile = program.getSourceFile(name);
        const file = path.resolve(name);
        if (!sourceFile || sourceFile.isDeclarationFile || analysed.has(file) || !isAnalysable(file)) return [];
        return [sourceFile];
      });
      const base = done;
      // ts-morph bundles its own copy of the compiler; its declarations differ only nominally from `typescript`'s.
      const host = { ts, program, checker, cacheLayers: config.cacheLayers } as unknown as ExtractionHost;
      const analysis = analyzeFiles(
        host,
        sourceFiles as unknown as Parameters<typeof analyzeFiles>[1],
        rules,
        options.cwd,
        (n) => options.onProgress?.(base + n, total),
      );
      stage = "building the program model";
      const families = options.skipRules ? 0 : analysis.getProgramModel().families.length;
      outcome = { sourceFiles, analysis, families };
    } catch (error) {
      if (isHostMismatch(error)) throw error;
      const message = formatAnalysisError(stage, error);
      for (const file of spec.rootNames)
        if (!analysed.has(file) && isAnalysable(file) && !DECLARATION_FILE.test(file))
          notes.push({ file, kind: "analysis-error", message });
    }
    const { sourceFiles = [], analysis, families = 0 } = outcome ?? {};
    // Files skipped or not analysable count for the project that would have analysed them: they are listed too.
    const extracted = new Set(sourceFiles.map((sourceFile) => path.resolve(sourceFile.fileName)));
    const notedFiles = new Set(
      notes
        .slice(notesBefore)
        .filter((note) => isAnalysable(note.file) && !extracted.has(note.file))
        .map((note) => note.file),
    ).size;
    for (const file of extracted) analysed.add(file);
    done += sourceFiles.length;
    if (sourceFiles.length + notedFiles > 0)
      projectCoverage.push({ tsconfig: spec.tsconfig, files: sourceFiles.length + notedFiles });
    if (!analysis) continue;
    files.push(...analysis.files);
    programs.push(analysis.models);
    familyCount += families;
    analysis.unresolvedLibraries.forEach((m) => unresolved.add(m));
  }
  // One entry per file: a file that could not be read is noted before TypeScript tries (and fails) again.
  const noted = new Set<string>();
  for (const note of notes) {
    if (isAnalysable(note.file) && !analysed.has(note.file) && !noted.has(note.file)) {
      noted.add(note.file);
      files.push({
        file: note.file,
        findings: [],
        problems: [{ kind: note.kind, message: note.message, line: 1, column: 1 }],
      });
    }
  }
  if (workspace.unresolved.size > 0)
    warnings.push(
      `workspace package${workspace.unresolved.size === 1 ? "" : "s"} ${[...workspace.unresolved].sort().join(", ")}: no source entry found (package.json \`exports\`/\`main\` point at files that do not exist), so imports of ${workspace.unresolved.size === 1 ? "it" : "them"} were not followed`,
    );
  files.sort((a, b) => a.file.localeCompare(b.file));
  const coverage = summariseCoverage(programs.flat(), familyCount, options.cwd);
  return {
    files,
    notes,
    unresolvedLibraries: [...unresolved].sort(),
    rules,
    warnings,
    errors,
    projectCoverage,
    notCovered: options.projects.length > 0 ? listUncovered(targets, projects).filter((file) => !isIgnored(file)) : [],
    programs,
    config,
    coverage,
  };
}

/** `--project` as given, or every tsconfig under the paths, with their references (see `discoverProjects`). */
export function collectProjects(
  options: Pick<CheckOptions, "cwd" | "projects">,
  targets: string[],
  warnings: string[],
  errors: string[] = warnings,
): ProjectSpec[] {
  const explicit = options.projects.map((p) => path.resolve(options.cwd, p));
  return discoverProjects(targets, explicit, warnings, errors);
}

/** Why a path given on the command line cannot be analysed, or undefined when it can. */
function findPathProblem(target: string): string | undefined {
  try {
    fs.statSync(target);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : describeError(error);
  }
}
