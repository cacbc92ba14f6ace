// A long-lived analysis of one workspace for the editor: the first analysis extracts every file;
// after a save only the changed files and the files that import them are extracted again, on a
// program that reuses the unchanged source files, and the whole-program rules run on the kept
// models. Returns plain snapshots; never prints. Uses ts-morph's compiler (the CLI host side).
import * as fs from "node:fs";
import * as path from "node:path";
import { checkModelWithDirectives, extractModel, type FileProblem } from "../analyze/analyze-files";
import { readDisableDirectives, type DisableDirective } from "../analyze/disable-directives";
import { resolveRules, type CachewiseConfig, type ResolvedRule } from "../config/config";
import type { ExtractionHost } from "../extract/host";
import { buildProgramModel } from "../program-model/build-program-model";
import { findDeclaration } from "../program-model/policy";
import type { FileCacheModel, Span } from "../model/cache-model";
import type { CacheFamily, ProgramModel } from "../model/program-model";
import { formatMessage } from "../model/rule";
import type {
  SnapshotFamily,
  SnapshotFinding,
  SnapshotProblem,
  SnapshotRange,
  SnapshotSite,
  WorkspaceSnapshot,
} from "../model/workspace-snapshot";
import { RULES } from "../rule-registry";
import { describeBound, describeTtls, mergeFamilies, precise } from "./families";
import { createCheckedProgram, ts, type DiscoveryNote, type ProjectSpec, type SourceFileCache } from "./load-projects";
import { collectProjects, loadConfig } from "./run";
import { createWorkspaceResolution, findWorkspaceRoot } from "./workspace-packages";

interface ProjectState {
  spec: ProjectSpec;
  program: ts.Program;
  sourceFiles: SourceFileCache;
  /** Extracted models of the analysed files, by absolute file name. */
  models: Map<string, FileCacheModel>;
  problems: Map<string, FileProblem[]>;
  /** The `eslint-disable` comments of each analysed file (only files that have some). */
  directives: Map<string, DisableDirective[]>;
  /** File → files of the project that import it. */
  importers: Map<string, Set<string>>;
  /** File → the project files it imports (to update `importers` when it changes). */
  imports: Map<string, Set<string>>;
  programModel: ProgramModel | undefined;
}

export interface SessionOptions {
  /** The workspace folder. */
  root: string;
  configFile?: string;
}

const RULE_MESSAGES = new Map(RULES.map((rule) => [rule.id, rule.messages]));

export class AnalysisSession {
  private projects: ProjectState[] = [];
  private config: CachewiseConfig | undefined;
  private rules: ResolvedRule[] = [];
  private warnings: string[] = [];
  private notes: DiscoveryNote[] = [];
  private version = 0;

  constructor(private readonly options: SessionOptions) {}

  /** Analyses the whole workspace from scratch (also after a configuration or tsconfig change). */
  analyzeAll(): WorkspaceSnapshot {
    const started = performance.now();
    const { root } = this.options;
    this.config = loadConfig(root, this.options.configFile);
    this.rules = resolveRules(RULES, this.config, {});
    this.warnings = [];
    this.notes = [];
    const specs = collectProjects({ cwd: root, projects: [] }, [root], this.warnings);
    const workspace = createWorkspaceResolution(findWorkspaceRoot(root));
    for (const spec of specs) {
      this.warnings.push(...(spec.warnings ?? []));
      spec.workspace = workspace;
    }
    const claimed = new Set<string>();
    this.projects = specs.map((spec) => {
      const sourceFiles: SourceFileCache = new Map();
      // A file nested too deeply for TypeScript's binder is left out with a note, not the whole project.
      const { program } = createCheckedProgram(spec, this.config!.maxFileBytes, this.notes, { sourceFiles });
      const state: ProjectState = {
        spec,
        program,
        sourceFiles,
        models: new Map(),
        problems: new Map(),
        directives: new Map(),
        importers: new Map(),
        imports: new Map(),
        programModel: undefined,
      };
      for (const sourceFile of this.listAnalysedFiles(program)) {
        const file = path.resolve(sourceFile.fileName);
        // A file in two projects (overlapping tsconfigs) is analysed once, by the first.
        if (claimed.has(file)) continue;
        claimed.add(file);
        this.extract(state, sourceFile);
      }
      indexImports(state, [...state.models.keys(), ...state.problems.keys()]);
      return state;
    });
    const analysed = this.projects.reduce((sum, p) => sum + p.models.size + p.problems.size, 0);
    return this.takeSnapshot(started, analysed);
  }

  /**
   * Re-analyses after files changed on disk: their projects get a new program that reuses the
   * unchanged source files, and the changed files plus their direct importers are extracted again.
   * A file no project lists (a new file) triggers a full analysis, as a tsconfig change does.
   */
  update(changedFiles: readonly string[]): WorkspaceSnapshot {
    if (this.projects.length === 0 || this.config === undefined) return this.analyzeAll();
    const started = performance.now();
    const changed = changedFiles.map((file) => path.resolve(file));
    if (changed.some((file) => /(^|[\\/])(tsconfig[^\\/]*\.json|cachewise\.config\.json|package\.json)$/.test(file)))
      return this.analyzeAll();
    // A file that had a note (unreadable, too large, nested too deeply to parse or bind) may be fine now: the notes
    // are only rebuilt by a full analysis.
    const noted = new Set(this.notes.map((note) => note.file));
    if (changed.some((file) => noted.has(file))) return this.analyzeAll();
    let extracted = 0;
    for (const file of changed) {
      const owner = this.projects.find(
        (project) =>
          project.models.has(file) ||
          project.problems.has(file) ||
          project.spec.rootNames.some((name) => path.resolve(name) === file),
      );
      if (
        !owner &&
        fs.existsSync(file) &&
        /\.[cm]?[jt]sx?$/.test(file) &&
        !file.includes(`${path.sep}node_modules${path.sep}`)
      )
        return this.analyzeAll();
    }
    for (const project of this.projects) {
      const mine = changed.filter((file) => project.models.has(file) || project.problems.has(file));
      if (mine.length === 0) continue;
      // The files with a note stay out (none of them changed): a save neither binds a file known to overflow the
      // binder again nor notes a skipped file twice.
      project.program = createCheckedProgram(
        project.spec,
        this.config.maxFileBytes,
        this.notes,
        { oldProgram: project.program, sourceFiles: project.sourceFiles },
        noted,
      ).program;
      const affected = new Set(mine);
      for (const file of mine) for (const importer of project.importers.get(file) ?? []) affected.add(importer);
      for (const file of affected) {
        project.models.delete(file);
        project.problems.delete(file);
        project.directives.delete(file);
        const sourceFile = project.program.getSourceFile(file);
        if (!sourceFile || !fs.existsSync(file)) continue;
        this.extract(project, sourceFile);
        extracted++;
      }
      // Only the changed files' own imports can have changed.
      indexImports(project, mine);
      project.programModel = undefined;
    }
    return this.takeSnapshot(started, extracted);
  }

  private listAnalysedFiles(program: ts.Program): ts.SourceFile[] {
    const { root } = this.options;
    const ignore = this.config!.ignore;
    return program.getRootFileNames().flatMap((name) => {
      const sourceFile = program.getSourceFile(name);
      const file = path.resolve(name);
      const relative = path.relative(root, file).split(path.sep).join("/");
      if (
        !sourceFile ||
        sourceFile.isDeclarationFile ||
        relative.startsWith("..") ||
        file.includes(`${path.sep}node_modules${path.sep}`)
      )
        return [];
      if (ignore.some((fragment) => relative === fragment || relative.startsWith(fragment.replace(/\/$/, "") + "/")))
        return [];
      return [sourceFile];
    });
  }

  private extract(state: ProjectState, sourceFile: ts.SourceFile): void {
    // ts-morph bundles its own copy of the compiler; its declarations differ only nominally from `typescript`'s.
    const host = {
      ts,
      program: state.program,
      checker: state.program.getTypeChecker(),
      cacheLayers: this.config?.cacheLayers ?? [],
    } as unknown as ExtractionHost;
    const result = extractModel(host, sourceFile as unknown as Parameters<typeof extractModel>[1]);
    const file = path.resolve(sourceFile.fileName);
    if (result.model) state.models.set(file, result.model);
    else state.problems.set(file, result.problems);
    const directives = readDisableDirectives(host.ts, sourceFile as unknown as Parameters<typeof extractModel>[1]);
    if (directives.length > 0) state.directives.set(file, directives);
    else state.directives.delete(file);
  }

  private takeSnapshot(started: number, analysedFiles: number): WorkspaceSnapshot {
    const { root } = this.options;
    const findings: SnapshotFinding[] = [];
    const problems: SnapshotProblem[] = [];
    const sites: SnapshotSite[] = [];
    const familiesPerProject: CacheFamily[][] = [];
    const findingsPerFamily = new Map<string, number>();
    for (const project of this.projects) {
      const models = [...project.models.values()];
      const programModel = (project.programModel ??= buildProgramModel(models));
      familiesPerProject.push(programModel.families);
      for (const model of models) {
        const siteAt = new Map(model.sites.map((site) => [site.calleeSpan.start, site.id]));
        const directives = project.directives.get(path.resolve(model.file)) ?? [];
        for (const finding of checkModelWithDirectives(model, this.rules, root, () => programModel, directives)
          .findings) {
          // A rule that does not know the families (a file-scope rule) reports at a cache site: its families.
          const siteId = siteAt.get(finding.span.start);
          const familyIds = finding.familyIds ?? (siteId ? programModel.familiesOfSite.get(siteId) : undefined) ?? [];
          for (const familyId of new Set(familyIds))
            findingsPerFamily.set(familyId, (findingsPerFamily.get(familyId) ?? 0) + 1);
          const messages = RULE_MESSAGES.get(finding.ruleId) ?? {};
          findings.push({
            ...toRange(finding.span),
            ruleId: finding.ruleId,
            severity: finding.severity,
            message: finding.message,
            suggestions: finding.suggestions.map((s) => ({
              title: formatMessage(messages[s.messageId] ?? s.messageId, s.data),
              edits: s.edits,
            })),
          });
        }
        for (const site of model.sites) {
          const familyIds = programModel.familiesOfSite.get(site.id) ?? [];
          const ttlMs = site.ttl.kind === "set" ? site.ttl.ms : site.ttl.kind === "none" ? null : undefined;
          sites.push({ ...toRange(site.span), method: site.method, operation: site.operation, familyIds, ttlMs });
        }
      }
      for (const [file, list] of project.problems) {
        for (const problem of list)
          problems.push({
            file,
            line: problem.line,
            column: problem.column,
            endLine: problem.line,
            endColumn: problem.column,
            kind: problem.kind,
            message: problem.message,
          });
      }
    }
    for (const note of this.notes)
      problems.push({
        file: note.file,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        kind: note.kind,
        message: note.message,
      });
    const declarations = this.config?.families ?? [];
    const families = mergeFamilies(familiesPerProject).map((family): SnapshotFamily => {
      const declaration = findDeclaration(family, declarations);
      const refs = [...family.reads, ...family.writes, ...precise(family)];
      return {
        id: family.id,
        label: family.label,
        pattern: family.pattern,
        kind: family.kind,
        library: family.library,
        tags: family.tags,
        ttlText: describeTtls(family),
        ttlsMs: family.ttls
          .filter((t) => t.kind === "none" || (t.kind === "set" && t.ms !== undefined))
          .map((t) => (t.kind === "none" ? null : t.ms!)),
        boundText: describeBound(family),
        strategies: family.strategies,
        entities: family.entities.map((e) => e.displayName),
        reads: family.reads.length,
        writes: family.writes.length,
        invalidations: precise(family).length,
        writeSites: family.writes.map((ref) => toRange(ref.span)),
        sites: dedupeRanges(refs.map((ref) => toRange(ref.span))),
        owner: declaration?.owner,
        dataClass: declaration?.class,
        runbook: declaration?.runbook,
        findings: findingsPerFamily.get(family.id) ?? 0,
      };
    });
    const totalFiles = this.projects.reduce((sum, p) => sum + p.models.size + p.problems.size, 0);
    return {
      version: ++this.version,
      root,
      findings: findings.sort(compareRanges),
      problems,
      families,
      sites: sites.sort(compareRanges),
      analysedFiles,
      totalFiles,
      durationMs: Math.round(performance.now() - started),
      warnings: this.warnings,
    };
  }
}

/** Records the imports of `files` (replacing what was known of them) and the reverse edges. */
function indexImports(state: ProjectState, files: readonly string[]): void {
  const checker = state.program.getTypeChecker();
  for (const file of files) {
    for (const target of state.imports.get(file) ?? []) state.importers.get(target)?.delete(file);
    const targets = new Set<string>();
    const sourceFile = state.program.getSourceFile(file);
    for (const statement of sourceFile?.statements ?? []) {
      if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier)
        continue;
      const declaration = checker.getSymbolAtLocation(statement.moduleSpecifier)?.valueDeclaration;
      if (!declaration || !ts.isSourceFile(declaration)) continue;
      const target = path.resolve(declaration.fileName);
      targets.add(target);
      const list = state.importers.get(target) ?? new Set<string>();
      list.add(file);
      state.importers.set(target, list);
    }
    state.imports.set(file, targets);
  }
}

function toRange(span: Span): SnapshotRange {
  return { file: span.file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
}

function compareRanges(a: SnapshotRange, b: SnapshotRange): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

function dedupeRanges(ranges: SnapshotRange[]): SnapshotRange[] {
  const seen = new Set<string>();
  return ranges
    .filter((r) => {
      const key = `${r.file}:${r.line}:${r.column}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(compareRanges);
}
