// Starts a real VS Code (code-server 4.139.1, VS Code 1.139.1) for the extension UI tests.
// Everything a run writes (config, user data, extensions, XDG folders, TMPDIR, the log) goes into
// one folder under test-output/vscode-runs/, so runs never touch the home directory or each other.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCodeServer, withNodeOnPath } from "../../scripts/vscode/provision.mjs";
import { findFreePort } from "../free-port";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TEST_OUTPUT = path.join(REPO_ROOT, "test-output");

/** Settings that keep the workbench quiet and deterministic: no welcome page, no chat, no update or telemetry traffic. */
export const QUIET_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  "workbench.startupEditor": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": "off",
  "security.workspace.trust.enabled": false,
  // VS Code for the Web (code-server) saves a dirty file 1 s after an edit; the desktop does not. While
  // that save waits for its participants (onWillSaveTextDocument in the extension host), the workbench
  // skips any other save of the file (it takes it for a participant saving), so a test's
  // `document.save()` that comes more than 1 s after its edit (a busy machine, an extension host
  // reported unresponsive) returns false. The tests save explicitly.
  "files.autoSave": "off",
  // Test workspaces live inside this repository; the "open the parent repository?" toast would cover the editor.
  "git.openRepositoryInParentFolders": "never",
};

export interface CodeServerOptions {
  /** Folder opened by default; absolute or relative to the repository. */
  workspace: string;
  /** A packaged extension to install before the server starts. */
  vsixPath?: string;
  /** An unpackaged extension loaded through the smoke-test driver's `payload` (implies `smokeTestDriver`). */
  extensionDevelopmentPath?: string;
  /** Merged over QUIET_USER_SETTINGS. */
  userSettings?: Record<string, unknown>;
  /** Starts with `--vscode-option enable-smoke-test-driver`, which makes the workbench honour `payload`. */
  smokeTestDriver?: boolean;
  /** Keeps workspace trust on (for tests of restricted mode); off by default. */
  trust?: boolean;
  /** How long to wait for `/healthz`; code-server answers in about a second on an idle machine. */
  startTimeoutMs?: number;
}

export type Payload = ReadonlyArray<readonly [string, string]>;

export interface RunningCodeServer {
  port: number;
  /** Process group of the server and its children (the server's pid: it leads its own session). */
  pgid: number;
  /** Folder with config.yaml, user-data-dir, extensions-dir, XDG_*, TMPDIR and code-server.log. */
  runDir: string;
  logFile: string;
  workspace: string;
  /** Workbench URL for `folder` (default: the workspace), with the dev-extension payload when there is one, plus `payload`. */
  url(folder?: string, payload?: Payload): string;
  /** `vscode-remote://` URI of a path on this server, as the payload expects. */
  toRemoteUri(absolutePath: string): string;
  /** Stops the whole process group (code-server leaves a file-watcher child behind otherwise). Idempotent. */
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const { nodeBin, codeServerBin } = await ensureCodeServer({ quietWhenCached: true });
  const workspace = path.resolve(REPO_ROOT, options.workspace);
  if (!fs.existsSync(workspace)) throw new Error(`workspace ${workspace} does not exist`);
  const extensionDevelopmentPath = options.extensionDevelopmentPath
    ? path.resolve(REPO_ROOT, options.extensionDevelopmentPath)
    : undefined;
  const smokeTestDriver = options.smokeTestDriver === true || extensionDevelopmentPath !== undefined;

  const runDir = createRunDir();
  const dirs = {
    userData: path.join(runDir, "user-data"),
    extensions: path.join(runDir, "extensions"),
    config: path.join(runDir, "xdg-config"),
    data: path.join(runDir, "xdg-data"),
    cache: path.join(runDir, "xdg-cache"),
    tmp: path.join(runDir, "tmp"),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(runDir, "code-server.log");

  const port = await findFreePort();
  const configFile = path.join(runDir, "config.yaml");
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  writeUserSettings(dirs.userData, {
    ...QUIET_USER_SETTINGS,
    ...(options.trust ? { "security.workspace.trust.enabled": true } : {}),
    ...options.userSettings,
  });

  const env = {
    ...withNodeOnPath(nodeBin),
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
    // The server must not inherit this repository's test runner flags (e.g. `--import tsx`).
    NODE_OPTIONS: "",
  };
  const commonArgs = ["--config", configFile, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions];

  if (options.vsixPath) {
    const vsixPath = path.resolve(REPO_ROOT, options.vsixPath);
    await runToCompletion(codeServerBin, [...commonArgs, "--install-extension", vsixPath], env, logFile, 120_000);
  }

  const args = [
    ...commonArgs,
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--auth",
    "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-getting-started-override",
    ...(options.trust ? [] : ["--disable-workspace-trust"]),
    ...(smokeTestDriver ? ["--vscode-option", "enable-smoke-test-driver"] : []),
    workspace,
  ];
  const log = fs.openSync(logFile, "a");
  fs.writeSync(log, `$ ${codeServerBin} ${args.join(" ")}\n`);
  // `detached` makes Node call setsid(2) in the child: code-server leads a new session and process
  // group, so stop() can signal the group, and a Ctrl-C in the terminal does not reach it half-way.
  const child = spawn(codeServerBin, args, { cwd: runDir, env, detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${codeServerBin} (see ${logFile})`);
  trackGroup(pgid);

  let stopped: Promise<void> | undefined;
  const server: RunningCodeServer = {
    port,
    pgid,
    runDir,
    logFile,
    workspace,
    toRemoteUri: (absolutePath) => `vscode-remote://127.0.0.1:${port}${path.resolve(absolutePath)}`,
    url(folder = workspace, payload = []) {
      const fullPayload: Array<readonly [string, string]> = [...payload];
      if (extensionDevelopmentPath && !payload.some(([key]) => key === "extensionDevelopmentPath")) {
        fullPayload.unshift(["extensionDevelopmentPath", server.toRemoteUri(extensionDevelopmentPath)]);
      }
      const query = new URLSearchParams({ folder: path.resolve(REPO_ROOT, folder) });
      if (fullPayload.length > 0) query.set("payload", JSON.stringify(fullPayload));
      return `http://127.0.0.1:${port}/?${query}`;
    },
    stop() {
      stopped ??= stopProcessGroup(pgid).finally(() => liveGroups.delete(pgid));
      return stopped;
    },
  };

  try {
    await waitForHealthz(port, child, logFile, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Groups of servers not stopped yet: killed if the test process exits or is interrupted without calling stop(). */
const liveGroups = new Set<number>();
let areExitHooksInstalled = false;

function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (areExitHooksInstalled) return;
  areExitHooksInstalled = true;
  const killAll = () => {
    for (const group of liveGroups) signalGroup(group, "SIGKILL");
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      // Keep the default outcome (die by the signal) unless someone else handles it; Playwright
      // does, for the browsers it launched.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Run folders kept for debugging (about 3 MB each); older ones are deleted when a new run starts. */
const KEPT_RUNS = 30;

function createRunDir(): string {
  const runsDir = path.join(TEST_OUTPUT, "vscode-runs");
  fs.mkdirSync(runsDir, { recursive: true });
  // Names start with an ISO timestamp, so they sort by age.
  for (const old of fs.readdirSync(runsDir).sort().slice(0, -KEPT_RUNS))
    fs.rmSync(path.join(runsDir, old), { recursive: true, force: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const runDir = path.join(runsDir, `${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`);
  fs.mkdirSync(runDir);
  return runDir;
}

function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const file = path.join(userDataDir, "User", "settings.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

async function waitForHealthz(port: number, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = `exited with ${code ?? signal}`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server ${exited} before answering /healthz:\n${readTail(logFile)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(
    `code-server did not answer http://127.0.0.1:${port}/healthz within ${timeoutMs} ms:\n${readTail(logFile)}`,
  );
}

function runToCompletion(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, "a");
    fs.writeSync(log, `$ ${command} ${args.join(" ")}\n`);
    const child = spawn(command, args, { env, detached: true, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    const timer = setTimeout(() => {
      if (child.pid) signalGroup(child.pid, "SIGKILL");
      reject(
        new Error(
          `${path.basename(command)} ${args.at(-2)} ${args.at(-1)} took longer than ${timeoutMs} ms:\n${readTail(logFile)}`,
        ),
      );
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      // The installer can leave helpers running; they belong to its group.
      if (child.pid) signalGroup(child.pid, "SIGKILL");
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${path.basename(command)} ${args.at(-2)} ${args.at(-1)} exited with ${code ?? signal}:\n${readTail(logFile)}`,
          ),
        );
    });
  });
}

/** SIGTERM to the group, then SIGKILL to whatever is still alive after a grace period. */
export async function stopProcessGroup(pgid: number, graceMs = 5000): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  if (await waitUntil(() => listGroupMembers(pgid).length === 0, graceMs)) return;
  signalGroup(pgid, "SIGKILL");
  if (await waitUntil(() => listGroupMembers(pgid).length === 0, 5000)) return;
  throw new Error(`processes ${listGroupMembers(pgid).join(", ")} of group ${pgid} survived SIGKILL`);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Live (non-zombie) processes in a group, from /proc. `kill(-pgid, 0)` is not enough: in a
 * container whose init does not reap, orphaned zombies keep the group "alive" forever.
 */
export function listGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after "(comm)": state ppid pgrp ...; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") members.push(Number(entry));
  }
  return members;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await delay(100);
  }
  return condition();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function readTail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${file})`;
  }
}
