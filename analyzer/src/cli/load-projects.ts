// Finds the TypeScript projects to analyse and builds their programs with ts-morph's
// own compiler. The only place besides run.ts that touches ts-morph.
import * as fs from "node:fs";
import * as path from "node:path";
import { getLibFiles, libFolderInMemoryPath } from "@ts-morph/common";
import { ts } from "ts-morph";
import { formatAnalysisError, isStackOverflow } from "../analyze/analyze-files";
import { ConfigError } from "../config/config";
import { toResolvedModule, type WorkspaceResolution } from "./workspace-packages";

const SOURCE_EXTENSIONS = /\.(?:[cm]?[jt]sx?)$/;
export const DECLARATION_FILE = /\.d\.(?:[^./\\]+\.)?[cm]?ts$/;
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git", "dist", "build", "out", "coverage", ".next", ".turbo"]);

export interface ProjectSpec {
  /** The tsconfig, or undefined for a plain JavaScript/TypeScript folder without one. */
  tsconfig: string | undefined;
  rootNames: string[];
  options: ts.CompilerOptions;
  projectReferences: readonly ts.ProjectReference[] | undefined;
  /** Problems that did not stop the analysis (an `extends` that could not be resolved). */
  warnings?: string[];
  /** The monorepo's own packages, served from their sources when an import of one does not resolve. */
  workspace?: WorkspaceResolution;
  /** Neither `files` nor `include` is set, own or inherited: the file list is TypeScript's default, every file below. */
  implicitFiles?: boolean;
}

/** TS6053 "File '…' not found.", which is what an unresolvable `extends` reports. */
const MISSING_FILE_DIAGNOSTIC = 6053;
/** TS5083 "Cannot read file '…'.", what an `extends` of a path that is not there yet reports (a rig in node_modules, `.svelte-kit/`). */
const UNREADABLE_FILE_DIAGNOSTIC = 5083;

export interface DiscoveryNote {
  file: string;
  message: string;
  /** `skipped` on purpose (too large, binary), or an `analysis-error`: the file could not be read or parsed. */
  kind: "skipped" | "analysis-error";
}

/** Reads and parses a tsconfig; a missing or broken one (a JSON syntax error included) is a configuration error. */
export function readTsconfig(tsconfigPath: string): ProjectSpec {
  const absolute = path.resolve(tsconfigPath);
  if (!fs.existsSync(absolute)) throw new ConfigError(`${tsconfigPath}: tsconfig not found`);
  // Reading a FIFO or a device would block or never end.
  if (!fs.statSync(absolute).isFile()) throw new ConfigError(`${tsconfigPath}: not a regular file`);
  const errors: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    absolute,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => errors.push(diagnostic),
    },
  );
  // An `extends` of a package that is not installed (a shared `@acme/tsconfig` before `npm ci`) loses
  // only compiler options: the files are still known, so analyse them and say what is missing.
  const missingBase = (d: ts.Diagnostic) =>
    (d.code === MISSING_FILE_DIAGNOSTIC || d.code === UNREADABLE_FILE_DIAGNOSTIC) && parsed !== undefined;
  // The JSON's own syntax errors (a file cut off mid-object) are not in `errors`: TypeScript reads what it can.
  const syntax = parsed ? ts.getConfigFileParsingDiagnostics(parsed) : [];
  const fatal = [...new Set([...errors, ...syntax, ...(parsed?.errors ?? [])])].filter(
    (d) => d.code !== 18003 && d.category === ts.DiagnosticCategory.Error && !missingBase(d),
  );
  if (!parsed || fatal.length > 0) {
    const describe = (d: ts.Diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (!d.file || d.start === undefined || path.resolve(d.file.fileName) !== absolute) return text;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${text} (line ${line + 1}, column ${character + 1})`;
    };
    const reason = fatal.map(describe).join("; ") || "could not be parsed";
    throw new ConfigError(`${tsconfigPath}: ${reason}`);
  }

  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
  // SvelteKit writes `.svelte-kit/tsconfig.json` on `svelte-kit sync`, with the `$lib` alias in it: before that,
  // every `$lib/…` import resolves nowhere and the caches and databases behind it are not seen. Its default is src/lib.
  const missingSvelteKit = parsed.errors.some(
    (d) =>
      missingBase(d) &&
      /[\\/]\.svelte-kit[\\/]tsconfig\.json/.test(ts.flattenDiagnosticMessageText(d.messageText, " ")),
  );
  if (missingSvelteKit && !options.paths?.["$lib"] && !options.paths?.["$lib/*"]) {
    const lib = path.join(path.dirname(absolute), "src", "lib");
    options.paths = { ...options.paths, $lib: [lib], "$lib/*": [path.join(lib, "*")] };
  }
  const warnings = parsed.errors
    .filter(missingBase)
    .map(
      (d) =>
        `${tsconfigPath}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")} (a base config that is not installed?); analysed without it${missingSvelteKit ? " (`$lib` read as src/lib, SvelteKit's default)" : ""}`,
    );
  return {
    tsconfig: absolute,
    rootNames: parsed.fileNames,
    options,
    projectReferences: parsed.projectReferences,
    warnings,
    // `raw` holds the `files` and `include` inherited through `extends` too.
    implicitFiles: parsed.raw?.files == null && parsed.raw?.include == null,
  };
}

/** A project for a folder without tsconfig: every source file, JavaScript included. */
export function createDefaultProject(files: string[]): ProjectSpec {
  return {
    tsconfig: undefined,
    rootNames: files,
    options: {
      allowJs: true,
      checkJs: false,
      noEmit: true,
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.Preserve,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      jsx: ts.JsxEmit.Preserve,
      skipLibCheck: true,
      experimentalDecorators: true,
      strict: true,
    },
    projectReferences: undefined,
  };
}

/**
 * Walks folders for tsconfig.json files and source files, skipping node_modules and
 * build output, and visiting each real directory once so that symlink loops end.
 */
export function discoverFolder(root: string): { tsconfigs: string[]; sourceFiles: string[] } {
  const tsconfigs: string[] = [];
  const sourceFiles: string[] = [];
  const visited = new Set<string>();
  const walk = (directory: string): void => {
    let real: string;
    try {
      real = fs.realpathSync(directory);
    } catch {
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(directory, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = fs.statSync(full);
          isDirectory = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          continue;
        }
      }
      if (isDirectory) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith(".")) walk(full);
      } else if (isFile) {
        if (entry.name === "tsconfig.json") tsconfigs.push(full);
        else if (SOURCE_EXTENSIONS.test(entry.name) && !DECLARATION_FILE.test(entry.name)) sourceFiles.push(full);
      }
    }
  };
  walk(root);
  return { tsconfigs, sourceFiles };
}

/** Finds the nearest tsconfig.json above a file. */
export function findNearestTsconfig(file: string): string | undefined {
  let directory = path.dirname(path.resolve(file));
  for (;;) {
    const candidate = path.join(directory, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Finds the projects for the paths: the given tsconfigs, or every tsconfig.json under them (the one
 * above a folder that has none), following `references`. Each source file is owned by exactly one
 * project, so none is analysed twice and none is lost to a tsconfig that only points at others.
 * A broken tsconfig that was not named with `--project` goes to `errors` (the run fails, after its report).
 */
export function discoverProjects(
  targets: string[],
  explicitProjects: string[],
  warnings: string[],
  errors: string[] = warnings,
): ProjectSpec[] {
  const explicit = explicitProjects.length > 0;
  const starts = [...explicitProjects];
  const sourceFiles: string[] = [];
  for (const target of targets) {
    if (fs.statSync(target).isFile()) {
      const tsconfig = explicit ? undefined : findNearestTsconfig(target);
      if (tsconfig) starts.push(tsconfig);
      sourceFiles.push(target);
      continue;
    }
    const found = discoverFolder(target);
    // A folder inside a project: use the tsconfig above it.
    const above = found.tsconfigs.length === 0 ? findNearestTsconfig(path.join(target, "index.ts")) : undefined;
    if (!explicit) starts.push(...found.tsconfigs, ...(above ? [above] : []));
    sourceFiles.push(...found.sourceFiles);
  }
  const projects = readProjectGraph(starts, explicit, warnings, errors);
  const owners = assignFiles(projects);
  const specs = projects.flatMap((spec) => {
    const owned = spec.rootNames.filter((file) => owners.get(file) === spec);
    if (owned.length === 0) return [];
    // Declaration files stay roots of every project that includes them: they declare globals and modules.
    const declarations = spec.rootNames.filter((file) => DECLARATION_FILE.test(file));
    return [{ ...spec, rootNames: [...owned, ...declarations] }];
  });
  if (explicit) return specs;
  const uncovered = [...new Set(sourceFiles)].filter((file) => !owners.has(file) && !DECLARATION_FILE.test(file));
  if (uncovered.length > 0) specs.push(createDefaultProject(uncovered));
  return specs;
}

/** The source files under the paths that none of the projects lists (with `--project`, they are not analysed). */
export function listUncovered(targets: string[], specs: ProjectSpec[]): string[] {
  const covered = new Set(specs.flatMap((spec) => spec.rootNames.map((file) => path.resolve(file))));
  const files = targets.flatMap((target) =>
    fs.statSync(target).isFile() ? [target] : discoverFolder(target).sourceFiles,
  );
  return [...new Set(files)].filter(
    (file) => SOURCE_EXTENSIONS.test(file) && !DECLARATION_FILE.test(file) && !covered.has(file),
  );
}

/**
 * Reads the tsconfigs and, depth first, the projects they reference, each once (cycles end). A referenced project
 * that is not there (not built or checked out yet) is skipped with a warning. A tsconfig that is there but broken
 * (a syntax error, an invalid option) ends the run when `--project` named it; found under the paths or through
 * `references`, it goes to `errors` and the others are analysed: one or many tsconfigs, the same answer.
 */
function readProjectGraph(starts: string[], explicit: boolean, warnings: string[], errors: string[]): ProjectSpec[] {
  const seen = new Set<string>();
  const projects: ProjectSpec[] = [];
  const visit = (tsconfig: string, referrer: string | undefined, written: string): void => {
    const key = realPath(tsconfig);
    if (seen.has(key)) return;
    seen.add(key);
    if (referrer !== undefined && !fs.existsSync(tsconfig)) {
      warnings.push(`${referrer}: the referenced project ${written} was not found; skipped`);
      return;
    }
    let spec: ProjectSpec;
    try {
      spec = readTsconfig(tsconfig);
    } catch (error) {
      if (!(error instanceof ConfigError) || (explicit && referrer === undefined)) throw error;
      errors.push(
        `${error.message}; skipped: ${explicit ? "its files were not analysed" : "its files were analysed without it (default compiler options, unless another tsconfig includes them)"}`,
      );
      return;
    }
    projects.push({ ...spec, rootNames: spec.rootNames.map((file) => path.resolve(file)) });
    for (const reference of spec.projectReferences ?? [])
      visit(ts.resolveProjectReferencePath(reference), spec.tsconfig, reference.originalPath ?? reference.path);
  };
  for (const start of starts) visit(path.resolve(start), undefined, start);
  return projects;
}

/**
 * The project that analyses each source file: a project that names its files (or has no references)
 * before a solution-style one, whose implicit file list only keeps what its references leave; then the
 * deepest tsconfig, the one of the package itself; then the first found.
 */
function assignFiles(projects: ProjectSpec[]): Map<string, ProjectSpec> {
  const isSolutionStyle = (spec: ProjectSpec) =>
    spec.implicitFiles === true && (spec.projectReferences?.length ?? 0) > 0;
  const depth = (spec: ProjectSpec) => path.dirname(spec.tsconfig ?? "").split(path.sep).length;
  const ranked = projects
    .map((spec, order) => ({ spec, order }))
    .sort(
      (a, b) =>
        Number(isSolutionStyle(a.spec)) - Number(isSolutionStyle(b.spec)) ||
        depth(b.spec) - depth(a.spec) ||
        a.order - b.order,
    );
  const owners = new Map<string, ProjectSpec>();
  for (const { spec } of ranked)
    for (const file of spec.rootNames) if (!DECLARATION_FILE.test(file) && !owners.has(file)) owners.set(file, spec);
  return owners;
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** Source files parsed earlier, by file name, with the stat they were read at: an editor session re-parses only what changed. */
export type SourceFileCache = Map<string, { mtimeMs: number; size: number; sourceFile: ts.SourceFile }>;

/** What a later program of the same project can reuse from the previous one. */
export interface ProgramReuse {
  oldProgram?: ts.Program;
  sourceFiles: SourceFileCache;
}

/**
 * Creates a program; files too large or binary are left out of the roots with a note, and so are files that
 * cannot be read or that TypeScript's parser cannot parse (nested too deeply): each is its own problem.
 */
export function createProgram(
  spec: ProjectSpec,
  maxFileBytes: number,
  notes: DiscoveryNote[],
  reuse?: ProgramReuse,
  excluded: ReadonlySet<string> = new Set(),
): ts.Program {
  const rootNames = spec.rootNames.filter((file) => {
    if (excluded.has(file)) return false;
    const note = checkReadable(file, maxFileBytes);
    if (note) notes.push({ file, ...note });
    return note === undefined;
  });
  const host = createCompilerHost(spec.options, notes, reuse?.sourceFiles, spec.workspace);
  if (excluded.size > 0) {
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, ...rest) =>
      excluded.has(path.resolve(fileName)) ? undefined : getSourceFile(fileName, ...rest);
  }
  return ts.createProgram({
    rootNames,
    options: spec.options,
    host,
    projectReferences: spec.projectReferences,
    oldProgram: reuse?.oldProgram,
  });
}

/**
 * Creates the program and its type checker. TypeScript's binder, which runs when the checker is created, is
 * recursive: one file nested too deeply for it (a chain of a thousand method calls) overflows the stack and would
 * lose every file of the project. When that happens, the files that overflow the binder on their own are found,
 * noted as analysis errors, and the program is built again without them, from the same parsed files (bound files
 * stay bound; a file that failed to parse the first time is not tried again). `excluded` files are left out from
 * the start (an editor session passes the files it already knows overflow the binder).
 */
export function createCheckedProgram(
  spec: ProjectSpec,
  maxFileBytes: number,
  notes: DiscoveryNote[],
  reuse: ProgramReuse = { sourceFiles: new Map() },
  excluded: ReadonlySet<string> = new Set(),
): { program: ts.Program; checker: ts.TypeChecker } {
  const notesBefore = notes.length;
  const program = createProgram(spec, maxFileBytes, notes, reuse, excluded);
  try {
    return { program, checker: program.getTypeChecker() };
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    const unbindable = program
      .getSourceFiles()
      .filter((file) => !libTexts.has(file.fileName) && overflowsBinder(file))
      .map((file) => path.resolve(file.fileName));
    if (unbindable.length === 0) throw error;
    const failed = notes.slice(notesBefore).flatMap((note) => (note.kind === "analysis-error" ? [note.file] : []));
    for (const file of unbindable)
      notes.push({ file, kind: "analysis-error", message: formatAnalysisError("binding", error) });
    const retry = createProgram(spec, maxFileBytes, [], reuse, new Set([...excluded, ...unbindable, ...failed]));
    return { program: retry, checker: retry.getTypeChecker() };
  }
}

/** Whether binding this file alone, in a program of its own (no imports, no default library), overflows the stack. */
function overflowsBinder(file: ts.SourceFile): boolean {
  const copy = ts.createSourceFile(file.fileName, file.text, file.languageVersion, true);
  const host: ts.CompilerHost = {
    getSourceFile: (fileName) => (fileName === file.fileName ? copy : undefined),
    fileExists: (fileName) => fileName === file.fileName,
    readFile: (fileName) => (fileName === file.fileName ? file.text : undefined),
    getDefaultLibFileName: () => "lib.d.ts",
    writeFile: () => {},
    getCurrentDirectory: () => path.dirname(file.fileName),
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
  };
  const alone = ts.createProgram({
    rootNames: [file.fileName],
    options: { noLib: true, noResolve: true, allowJs: true, noEmit: true },
    host,
  });
  try {
    alone.getTypeChecker();
    return false;
  } catch (error) {
    return isStackOverflow(error);
  }
}

// ts-morph ships the compiler's lib .d.ts files in memory rather than on disk; serve them
// from there, parsed once per target and shared by every program of the run.
const libTexts = new Map(
  getLibFiles().map((file) => [path.posix.join(libFolderInMemoryPath, file.fileName), file.text]),
);
const libSourceFiles = new Map<string, ts.SourceFile>();

function createCompilerHost(
  options: ts.CompilerOptions,
  notes: DiscoveryNote[],
  cache?: SourceFileCache,
  workspace?: WorkspaceResolution,
): ts.CompilerHost {
  const host: ts.CompilerHost & { useSourceOfProjectReferenceRedirect?(): boolean } = ts.createCompilerHost(
    options,
    true,
  );
  // Read the sources of referenced projects, as the editor does, not their build output: a root file
  // of a referenced project would otherwise be dropped for a .d.ts that may not be built.
  host.useSourceOfProjectReferenceRedirect = () => true;
  if (workspace && workspace.packages.size > 0) resolveWorkspaceImports(host, options, workspace);
  const getSourceFile = readSourceFileSafely(host.getSourceFile.bind(host), notes);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getDefaultLibLocation = () => libFolderInMemoryPath;
  host.getDefaultLibFileName = (opts) => path.posix.join(libFolderInMemoryPath, ts.getDefaultLibFileName(opts));
  host.fileExists = (fileName) => libTexts.has(fileName) || fileExists(fileName);
  host.readFile = (fileName) => libTexts.get(fileName) ?? readFile(fileName);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const text = libTexts.get(fileName);
    if (text === undefined) {
      if (!cache) return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      // The same SourceFile object for an unchanged file lets the compiler reuse the old program's structure.
      let stat: fs.Stats;
      try {
        stat = fs.statSync(fileName);
      } catch {
        cache.delete(fileName);
        return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      }
      const cached = cache.get(fileName);
      if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.sourceFile;
      const sourceFile = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      if (sourceFile) cache.set(fileName, { mtimeMs: stat.mtimeMs, size: stat.size, sourceFile });
      return sourceFile;
    }
    const languageVersion =
      typeof languageVersionOrOptions === "object"
        ? languageVersionOrOptions.languageVersion
        : languageVersionOrOptions;
    const cacheKey = `${fileName}:${languageVersion}`;
    let sourceFile = libSourceFiles.get(cacheKey);
    if (!sourceFile) {
      sourceFile = ts.createSourceFile(fileName, text, languageVersionOrOptions, true);
      libSourceFiles.set(cacheKey, sourceFile);
    }
    return sourceFile;
  };
  return host;
}

/**
 * Resolves imports as the compiler does, then serves a workspace package's import that did not resolve (not
 * installed, or its `types` point at an unbuilt `dist/`) from the package's source entry.
 */
function resolveWorkspaceImports(host: ts.CompilerHost, options: ts.CompilerOptions, workspace: WorkspaceResolution) {
  const resolutionCache = ts.createModuleResolutionCache(
    host.getCurrentDirectory(),
    (fileName) => host.getCanonicalFileName(fileName),
    options,
  );
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions, sourceFile) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(sourceFile, literal, compilerOptions);
      const result = ts.resolveModuleName(
        literal.text,
        containingFile,
        compilerOptions,
        host,
        resolutionCache,
        redirectedReference,
        mode,
      );
      if (result.resolvedModule || literal.text.startsWith(".") || path.isAbsolute(literal.text)) return result;
      const file = workspace.resolve(literal.text);
      return file ? { resolvedModule: toResolvedModule(file) } : result;
    });
}

/**
 * TypeScript's `getSourceFile`, made to fail for one file only: a file it cannot read (its `sys.readFile` swallows
 * the error and the file silently drops out of the program) or cannot parse (its recursive parser overflows the stack
 * on a file nested thousands deep, as `tsc` does) is left out of the program, with a note that says why.
 */
function readSourceFileSafely(getSourceFile: ts.CompilerHost["getSourceFile"], notes: DiscoveryNote[]) {
  return (...[fileName, languageVersion, onError, shouldCreate]: Parameters<ts.CompilerHost["getSourceFile"]>) => {
    let readError: unknown;
    const noteError = (message: string) => {
      readError = new Error(message);
      onError?.(message);
    };
    let sourceFile: ts.SourceFile | undefined;
    try {
      sourceFile = getSourceFile(fileName, languageVersion, noteError, shouldCreate);
    } catch (error) {
      notes.push({
        file: path.resolve(fileName),
        kind: "analysis-error",
        message: formatAnalysisError("parsing", error),
      });
      return undefined;
    }
    if (sourceFile && readError === undefined) return sourceFile;
    // TypeScript asks for files that exist (roots, resolved imports): one it could not read is a problem, unless it
    // is really not there (a `/// <reference>` to nothing, a file deleted since it was listed).
    readError ??= findReadError(fileName);
    if (readError !== undefined)
      notes.push({
        file: path.resolve(fileName),
        kind: "analysis-error",
        message: formatAnalysisError("reading", readError),
      });
    return undefined;
  };
}

/** Why a file cannot be read now, or undefined when it can or is not there at all. */
function findReadError(fileName: string): unknown {
  try {
    fs.readFileSync(fileName);
    return new Error("TypeScript could not read the file");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : error;
  }
}

/** UTF-16 with a byte-order mark (either byte order): TypeScript decodes it, and its zero bytes are not binary. */
function hasUtf16Bom(buffer: Buffer): boolean {
  return (
    buffer.length >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))
  );
}

/**
 * Why a file is not analysed before TypeScript reads it: skipped (too large, binary, not a regular file), or an
 * analysis error (it cannot be read: permissions, a file removed since it was listed).
 */
export function checkReadable(file: string, maxFileBytes: number): Omit<DiscoveryNote, "file"> | undefined {
  try {
    const stat = fs.statSync(file);
    // Opening a FIFO waits for a writer; a device never ends.
    if (!stat.isFile()) return { kind: "skipped", message: "skipped: not a regular file" };
    if (stat.size > maxFileBytes)
      return {
        kind: "skipped",
        message: `skipped: ${stat.size} bytes is over the ${maxFileBytes}-byte limit (generated or bundled code?)`,
      };
    const fd = fs.openSync(file, "r");
    try {
      const buffer = Buffer.alloc(Math.min(stat.size, 8192));
      fs.readSync(fd, buffer, 0, buffer.length, 0);
      if (buffer.includes(0) && !hasUtf16Bom(buffer)) return { kind: "skipped", message: "skipped: binary file" };
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    return { kind: "analysis-error", message: formatAnalysisError("reading", error) };
  }
  return undefined;
}

export { ts };
