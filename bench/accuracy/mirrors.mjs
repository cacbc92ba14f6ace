// Shared by the accuracy runners: repositories from git mirrors (bare repositories, no network at run time),
// exported at a commit into a temporary folder, and `cachewise check` run on paths of the export.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

/** The bare repository of `owner/name` under `mirrors` (`owner+name`, or a git directory one level below it). */
export function findMirror(mirrors, repository) {
  const base = join(mirrors, repository.replace("/", "+"));
  if (!existsSync(base)) return undefined;
  if (existsSync(join(base, "HEAD")) && existsSync(join(base, "objects"))) return base;
  for (const entry of readdirSync(base)) {
    const candidate = join(base, entry);
    if (
      statSync(candidate).isDirectory() &&
      existsSync(join(candidate, "HEAD")) &&
      existsSync(join(candidate, "objects"))
    )
      return candidate;
  }
  return undefined;
}

function missingBlobs(mirror, commit) {
  const git = (args, input) =>
    execFileSync("git", ["--git-dir", mirror, ...args], { input, maxBuffer: 1 << 30, encoding: "utf8" });
  const blobs = git(["ls-tree", "-r", "-z", commit])
    .split("\0")
    .filter((entry) => entry.includes(" blob "))
    .map((entry) => ({ id: entry.split("\t")[0].split(" ")[2], path: entry.slice(entry.indexOf("\t") + 1) }));
  const missing = new Set(
    git(["cat-file", "--batch-check"], blobs.map((blob) => blob.id).join("\n") + "\n")
      .split("\n")
      .filter((line) => line.endsWith(" missing"))
      .map((line) => line.split(" ")[0]),
  );
  return blobs.filter((blob) => missing.has(blob.id)).map((blob) => blob.path);
}

/**
 * What the analysis reads: sources, manifests, tsconfigs and lock files (for `--with-deps`). Images, locales, docs and
 * other assets are not extracted, which makes exports of large monorepos several times faster.
 */
const ANALYSED_FILES = [
  ...["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "prisma"].map((extension) => `*.${extension}`),
  "*package.json",
  "*tsconfig*.json",
  "*jsconfig*.json",
  "*pnpm-workspace.yaml",
  "*pnpm-lock.yaml",
  "*package-lock.json",
  "*yarn.lock",
  "*.npmrc",
  "*cachewise.config.json",
];

/** Exports `repository` at `commit` into a new temporary folder and returns it. */
export function exportCommit(mirrors, repository, commit, label) {
  const mirror = findMirror(mirrors, repository);
  if (!mirror) throw new Error(`no mirror of ${repository} under ${mirrors} (fetch it first)`);
  const dir = mkdtempSync(join(tmpdir(), `cachewise-accuracy-${label}-`));
  const gitArchive = (pathspecs) =>
    spawnSync("git", ["--git-dir", mirror, "archive", "--format=tar", commit, "--", ...pathspecs], {
      maxBuffer: 1 << 30,
    });
  let archive = gitArchive([]);
  // A fetched snapshot can lack its largest files (images, big fixtures): export everything else.
  if (archive.status !== 0 && /invalid object|cannot read/.test(String(archive.stderr)))
    archive = gitArchive(["."].concat(missingBlobs(mirror, commit).map((path) => `:(exclude,literal)${path}`)));
  if (archive.status !== 0) throw new Error(`git archive ${commit}: ${archive.stderr}`);
  const extract = spawnSync("tar", ["-x", "-C", dir, "--wildcards", "--wildcards-match-slash", ...ANALYSED_FILES], {
    input: archive.stdout,
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
  // A pattern no file matches (no `.cts` anywhere) is not an error here.
  const problems = String(extract.stderr)
    .split("\n")
    .filter((line) => line.trim() && !/Not found in archive|Exiting with failure status/.test(line));
  if (extract.status !== 0 && problems.length > 0) throw new Error(`tar: ${problems.join("; ")}`);
  return dir;
}

function findPackageRoot(path, root) {
  for (let dir = path; dir.startsWith(root); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dir === root) break;
  }
  return undefined;
}

/**
 * Runs `cli check <paths> --format json` in `root`; with `withDeps`, installs each analysed path's own package
 * (the nearest package.json at or above it) first. Returns the findings with repository-relative paths.
 */
export function runCheck(cli, root, relativePaths, { withDeps = false, label = "" } = {}) {
  const paths = relativePaths.map((path) => join(root, path)).filter((path) => existsSync(path));
  if (paths.length === 0) throw new Error(`none of ${relativePaths.join(", ")} exists at this commit`);
  if (withDeps) {
    const packages = new Set(paths.map((path) => findPackageRoot(path, root)).filter((dir) => dir !== undefined));
    for (const dir of packages) {
      const install = spawnSync(
        "npm",
        ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--legacy-peer-deps"],
        { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 },
      );
      if (install.status !== 0)
        console.error(`${label}: npm install in ${relative(root, dir) || "."} failed; analysed without it`);
    }
  }
  const result = spawnSync("node", [cli, "check", ...paths, "--format", "json"], {
    cwd: root,
    maxBuffer: 1 << 28,
    encoding: "utf8",
  });
  if (result.status !== 0 && result.status !== 1)
    throw new Error(
      `cachewise check exited with ${result.status ?? result.signal}: ${result.stderr.trim().slice(0, 500)}`,
    );
  const files = JSON.parse(result.stdout);
  const findings = [];
  for (const file of files) {
    for (const message of file.messages) {
      if (!message.ruleId) continue;
      findings.push({
        path: relative(root, file.filePath),
        line: message.line,
        rule: message.ruleId,
        message: message.message,
      });
    }
  }
  return { files: files.length, findings, stderr: result.stderr.trim() };
}
