// `cachewise check` as a function: paths and options in, results out. Never prints.
import * as fs from "node:fs";
import * as path from "node:path";
import { analyzeFiles, type FileResult } from "../analyze/analyze-files";
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
  createDefaultProject,
  createProgram,
  discoverFolder,
  findNearestTsconfig,
  readTsconfig,
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
  /** Problems that did not stop the run: a tsconfig skipped, a base config not installed. */
  warnings: string[];
  /** The file models of each program analysed. */
  programs: FileCacheModel[][];
  /** Families found and cache-like calls that could not be resolved. */
  coverage: Coverage;
  config: CachewiseConfig;
}

/** Loads `--config`, else `cachewise.config.json`, else package.json's `cachewise` key, from cwd. */
export function loadConfig(cwd: string, configFile: string | undefined): CachewiseConfig {
  const candidates = configFile ? [path.resolve(cwd, configFile)] : [path.join(cwd, "cachewise.config.json")];
  for (const candidate of candidates) {
    if (!fs.existsSync(candidate)) {
      if (configFile) throw new ConfigError(`${configFile}: configuration file not found`);
      continue;
    }
    return validateConfig(
      parseJson(candidate),
      path.relative(cwd, candidate) || candidate,
      RULES,
      path.dirname(candidate),
    );
  }
  const packageJson = path.join(cwd, "package.json");
  if (fs.existsSync(packageJson)) {
    const parsed = parseJson(packageJson) as { cachewise?: unknown };
    if (parsed.cachewise !== undefined) return validateConfig(parsed.cachewise, "package.json#cachewise", RULES, cwd);
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

function parseJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${file}: invalid JSON (${(error as Error).message})`);
  }
}

export function runCheck(options: CheckOptions): CheckResult {
  const config = loadConfig(options.cwd, options.configFile);
  const rules = options.skipRules ? [] : resolveRules(RULES, config, options.ruleOverrides);
  const programs: FileCacheModel[][] = [];
  const notes: DiscoveryNote[] = [];
  const targets = (options.paths.length > 0 ? options.paths : ["."]).map((p) => path.resolve(options.cwd, p));
  for (const target of targets) {
    if (!fs.existsSync(target))
      throw new ConfigError(`${path.relative(options.cwd, target) || target}: no such file or directory`);
  }
  const warnings: string[] = [];
  const projects = collectProjects(options, targets, warnings);
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
  const analysed = new Set<string>();
  const files: FileResult[] = [];
  const unresolved = new Set<string>();
  let done = 0;
  let familyCount = 0;
  const total = projects.reduce((sum, p) => sum + p.rootNames.length, 0);
  for (const spec of projects) {
    const program = createProgram(spec, config.maxFileBytes, notes);
    const checker = program.getTypeChecker();
    const sourceFiles = program.getRootFileNames().flatMap((name) => {
      const sourceFile = program.getSourceFile(name);
      const file = path.resolve(name);
      if (
        !sourceFile ||
        sourceFile.isDeclarationFile ||
        analysed.has(file) ||
        !isTarget(file) ||
        isIgnored(file) ||
        file.includes(`${path.sep}node_modules${path.sep}`)
      )
        return [];
      analysed.add(file);
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
    done += sourceFiles.length;
    files.push(...analysis.files);
    programs.push(analysis.models);
    if (!options.skipRules) familyCount += analysis.getProgramModel().families.length;
    analysis.unresolvedLibraries.forEach((m) => unresolved.add(m));
  }
  for (const note of notes) {
    if (isTarget(note.file) && !analysed.has(note.file))
      files.push({
        file: note.file,
        findings: [],
        problems: [{ kind: "skipped", message: note.message, line: 1, column: 1 }],
      });
  }
  if (workspace.unresolved.size > 0)
    warnings.push(
      `workspace package${workspace.unresolved.size === 1 ? "" : "s"} ${[...workspace.unresolved].sort().join(", ")}: no source entry found (package.json \`exports\`/\`main\` point at files that do not exist), so imports of ${workspace.unresolved.size === 1 ? "it" : "them"} were not followed`,
    );
  files.sort((a, b) => a.file.localeCompare(b.file));
  const coverage = summariseCoverage(programs.flat(), familyCount, options.cwd);
  return { files, notes, unresolvedLibraries: [...unresolved].sort(), rules, warnings, programs, config, coverage };
}

/** `--project` as given; otherwise every tsconfig under the paths, plus a plain project for files none covers. */
export function collectProjects(
  options: Pick<CheckOptions, "cwd" | "projects">,
  targets: string[],
  warnings: string[],
): ProjectSpec[] {
  if (options.projects.length > 0) return options.projects.map((p) => readTsconfig(path.resolve(options.cwd, p)));
  const specs: ProjectSpec[] = [];
  const seenConfigs = new Set<string>();
  const looseFiles: string[] = [];
  for (const target of targets) {
    if (fs.statSync(target).isFile()) {
      const tsconfig = findNearestTsconfig(target);
      if (tsconfig && !seenConfigs.has(tsconfig)) {
        seenConfigs.add(tsconfig);
        specs.push(readTsconfig(tsconfig));
      }
      looseFiles.push(target);
      continue;
    }
    const { tsconfigs, sourceFiles } = discoverFolder(target);
    // A folder inside a project: use the tsconfig above it.
    if (tsconfigs.length === 0) {
      const above = findNearestTsconfig(path.join(target, "index.ts"));
      if (above) tsconfigs.push(above);
    }
    const queue = [...tsconfigs];
    while (queue.length > 0) {
      const tsconfig = queue.shift()!;
      if (seenConfigs.has(tsconfig)) continue;
      seenConfigs.add(tsconfig);
      // In a monorepo one broken tsconfig must not stop the others: skip it and say so.
      try {
        const spec = readTsconfig(tsconfig);
        // A solution-style tsconfig (`"files": []` plus `references`, as Nx writes them) lists no files
        // itself: analyse the projects it references instead.
        if (spec.rootNames.length === 0 && spec.projectReferences?.length) {
          for (const reference of spec.projectReferences) {
            const target =
              fs.existsSync(reference.path) && fs.statSync(reference.path).isDirectory()
                ? path.join(reference.path, "tsconfig.json")
                : reference.path;
            if (fs.existsSync(target)) queue.push(path.resolve(target));
          }
          continue;
        }
        specs.push(spec);
      } catch (error) {
        if (!(error instanceof ConfigError) || tsconfigs.length === 1) throw error;
        warnings.push(`${error.message}; skipped`);
      }
    }
    looseFiles.push(...sourceFiles);
  }
  const covered = new Set(specs.flatMap((s) => s.rootNames.map((f) => path.resolve(f))));
  const uncovered = looseFiles.filter((f) => !covered.has(f) && !f.endsWith(".d.ts"));
  if (uncovered.length > 0) specs.push(createDefaultProject(uncovered));
  return specs;
}
