// Workspace packages of a monorepo, resolved to their sources. Without `node_modules` (or with it, when a
// package's `types` point at a `dist/` that was never built) an import of `@acme/cache` does not resolve, and
// whatever cache client that package builds is invisible to the program. Here the monorepo's own packages are
// found by their package.json names and an unresolved import of one is served from its source entry.
import * as fs from "node:fs";
import * as path from "node:path";
import { ts } from "ts-morph";

const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git", "dist", "build", "out", "coverage", ".next", ".turbo"]);
/** How deep below the workspace root package.json files are looked for (`packages/x/y/package.json` is 3). */
const MAX_PACKAGE_DEPTH = 4;
const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const BUILT_FOLDERS = new Set(["dist", "build", "lib", "out", "esm", "cjs"]);
const CONDITIONS = ["types", "typescript", "source", "development", "import", "node", "module", "require", "default"];

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: {
    exports?: unknown;
    main?: string;
    module?: string;
    types?: string;
    typings?: string;
    source?: string;
  };
}

export interface WorkspaceResolution {
  /** The workspace packages by name. */
  packages: ReadonlyMap<string, WorkspacePackage>;
  /** Resolves `@acme/cache` or `@acme/cache/redis` to a source file of the workspace, if it has one. */
  resolve(specifier: string): string | undefined;
  /** Workspace packages imported by the program whose source entry could not be found. */
  readonly unresolved: Set<string>;
}

/** The folder holding `pnpm-workspace.yaml`, a package.json with `workspaces`, or `.git`, above `start`. */
export function findWorkspaceRoot(start: string): string | undefined {
  let current = path.resolve(start);
  let fallback: string | undefined;
  for (;;) {
    if (fs.existsSync(path.join(current, "pnpm-workspace.yaml"))) return current;
    const manifest = readManifest(path.join(current, "package.json"));
    if (manifest && "workspaces" in manifest) return current;
    if (fallback === undefined && fs.existsSync(path.join(current, ".git"))) fallback = current;
    const parent = path.dirname(current);
    if (parent === current) return fallback;
    current = parent;
  }
}

function readManifest(file: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every named package.json under the workspace root (not in node_modules or build output). */
export function findWorkspacePackages(root: string): Map<string, WorkspacePackage> {
  const packages = new Map<string, WorkspacePackage>();
  const visit = (dir: string, depth: number): void => {
    const manifest = readManifest(path.join(dir, "package.json"));
    if (manifest && typeof manifest.name === "string" && !packages.has(manifest.name))
      packages.set(manifest.name, { name: manifest.name, dir, manifest: manifest as WorkspacePackage["manifest"] });
    if (depth >= MAX_PACKAGE_DEPTH) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith(".") || SKIPPED_DIRECTORIES.has(entry.name)) continue;
      visit(path.join(dir, entry.name), depth + 1);
    }
  };
  visit(root, 0);
  return packages;
}

/** `@acme/cache/redis` → [`@acme/cache`, `./redis`]; `lodash` → [`lodash`, `.`]. */
function splitSpecifier(specifier: string): [string, string] {
  const parts = specifier.split("/");
  const nameLength = specifier.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, nameLength).join("/");
  const rest = parts.slice(nameLength).join("/");
  return [name, rest ? `./${rest}` : "."];
}

/** The target strings of an `exports` value for one subpath, in condition order. */
function readExportTargets(exportsField: unknown, subpath: string): string[] {
  if (typeof exportsField === "string") return subpath === "." ? [exportsField] : [];
  if (!exportsField || typeof exportsField !== "object" || Array.isArray(exportsField)) return [];
  const map = exportsField as Record<string, unknown>;
  const keys = Object.keys(map);
  // Conditions only (`{ import, require }`): the map of the `.` entry.
  if (keys.length > 0 && keys.every((key) => !key.startsWith("."))) return subpath === "." ? flatten(map) : [];
  if (subpath in map) return flatten(map[subpath]);
  for (const key of keys) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length) {
      const middle = subpath.slice(prefix.length, subpath.length - suffix.length);
      return flatten(map[key]).map((target) => target.replaceAll("*", middle));
    }
  }
  return [];
}

function flatten(target: unknown): string[] {
  if (typeof target === "string") return [target];
  if (Array.isArray(target)) return target.flatMap(flatten);
  if (!target || typeof target !== "object") return [];
  const map = target as Record<string, unknown>;
  const ordered = [...CONDITIONS.filter((c) => c in map), ...Object.keys(map).filter((c) => !CONDITIONS.includes(c))];
  return ordered.flatMap((condition) => flatten(map[condition]));
}

/** Source files a built path may come from: `./dist/redis.js` → `src/redis.ts`, `dist/redis.ts`, … */
function sourceCandidates(dir: string, target: string): string[] {
  const relative = target.replace(/^\.\//, "");
  const withoutExtension = relative.replace(/\.d\.[cm]?ts$/, "").replace(/\.[cm]?[jt]sx?$/, "");
  const segments = withoutExtension.split("/");
  const stems = [withoutExtension];
  if (segments.length > 1 && BUILT_FOLDERS.has(segments[0]!)) stems.push(["src", ...segments.slice(1)].join("/"));
  if (segments.length > 0 && !BUILT_FOLDERS.has(segments[0]!) && segments[0] !== "src")
    stems.push(["src", ...segments].join("/"));
  const candidates: string[] = [];
  if (/\.(?:[cm]?tsx?)$/.test(relative) && !relative.endsWith(".d.ts")) candidates.push(path.join(dir, relative));
  for (const stem of stems) {
    for (const extension of SOURCE_EXTENSIONS) candidates.push(path.join(dir, stem + extension));
    for (const extension of SOURCE_EXTENSIONS) candidates.push(path.join(dir, stem, `index${extension}`));
  }
  return candidates;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Resolution of a workspace's own packages to their sources, for the packages under `root`. */
export function createWorkspaceResolution(root: string | undefined): WorkspaceResolution {
  const packages = root ? findWorkspacePackages(root) : new Map<string, WorkspacePackage>();
  const unresolved = new Set<string>();
  const memo = new Map<string, string | undefined>();
  const resolve = (specifier: string): string | undefined => {
    if (memo.has(specifier)) return memo.get(specifier);
    const [name, subpath] = splitSpecifier(specifier);
    const found = packages.get(name);
    let result: string | undefined;
    if (found) {
      const { manifest, dir } = found;
      const targets = readExportTargets(manifest.exports, subpath);
      if (subpath === ".") {
        for (const field of [manifest.source, manifest.types, manifest.typings, manifest.module, manifest.main])
          if (typeof field === "string") targets.push(field);
        targets.push("./index.ts");
      } else if (manifest.exports === undefined) {
        targets.push(subpath);
      }
      result = targets.flatMap((target) => sourceCandidates(dir, target)).find(isFile);
      if (!result) unresolved.add(name);
    }
    memo.set(specifier, result);
    return result;
  };
  return { packages, resolve, unresolved };
}

/** The compiler's resolution result for a workspace source file. */
export function toResolvedModule(file: string): ts.ResolvedModuleFull {
  const extensions: Array<[string, ts.Extension]> = [
    [".d.ts", ts.Extension.Dts],
    [".tsx", ts.Extension.Tsx],
    [".mts", ts.Extension.Mts],
    [".cts", ts.Extension.Cts],
    [".ts", ts.Extension.Ts],
    [".jsx", ts.Extension.Jsx],
    [".mjs", ts.Extension.Mjs],
    [".cjs", ts.Extension.Cjs],
  ];
  const extension = extensions.find(([suffix]) => file.endsWith(suffix))?.[1] ?? ts.Extension.Js;
  return { resolvedFileName: file, extension, isExternalLibraryImport: false };
}
