// Runs an extension's test suite inside code-server's extension host, the same contract as
// @vscode/test-electron: the host `require`s `extensionTestsPath` and awaits its exported `run()`.
// code-server has no --extensionDevelopmentPath flag, but with the smoke-test driver on, the
// workbench honours a `payload` query parameter and reports the result to `window.codeAutomationExit`.
//
//   node --import tsx test/extension-ui/run-extension-host-tests.ts --extension <dir> --tests <file> --workspace <dir>
//
// mocha's "N passing" is not a line CI recognises, so the script's exit code is the verdict.
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { format, parseArgs } from "node:util";
import { launchBrowser } from "./browser";
import { REPO_ROOT, startCodeServer } from "./code-server";

export interface ExtensionHostTestOptions {
  /** Folder with the extension's package.json. */
  extensionDevelopmentPath: string;
  /** Compiled tests entry (CommonJS) exporting `run(): Promise<void>`. */
  extensionTestsPath: string;
  /** Folder opened in the window the tests run in. */
  workspace: string;
  userSettings?: Record<string, unknown>;
  trust?: boolean;
  /** Whole run, from starting code-server to the exit report. */
  timeoutMs?: number;
  /** Receives every forwarded log line as it arrives; default: stderr. */
  onLog?: (line: string) => void;
}

export interface ExtensionHostTestResult {
  /** 0 when `run()` resolved; non-zero when it rejected or the extension host failed. */
  exitCode: number;
  /** Lines forwarded from the workbench and extension host (mocha's reporter output among them). */
  log: string[];
  /** code-server's run folder: its log and the workbench logs handed over at exit are there. */
  runDir: string;
  durationMs: number;
}

export class ExtensionHostTestTimeoutError extends Error {}

export async function runExtensionHostTests(options: ExtensionHostTestOptions): Promise<ExtensionHostTestResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 180_000;
  const extensionDevelopmentPath = path.resolve(REPO_ROOT, options.extensionDevelopmentPath);
  const extensionTestsPath = path.resolve(REPO_ROOT, options.extensionTestsPath);
  for (const required of [path.join(extensionDevelopmentPath, "package.json"), extensionTestsPath]) {
    if (!fs.existsSync(required)) throw new Error(`${required} does not exist`);
  }
  const log: string[] = [];
  const onLog = options.onLog ?? ((line: string) => process.stderr.write(`${line}\n`));
  const record = (line: string) => {
    log.push(line);
    if (!isKnownNoise(line)) onLog(line);
  };

  const server = await startCodeServer({
    workspace: options.workspace,
    smokeTestDriver: true,
    userSettings: options.userSettings,
    trust: options.trust,
  });
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    browser = await launchBrowser();
    const { page } = browser;
    const exited = new Promise<number>((resolve) => {
      void page.exposeFunction(
        "codeAutomationExit",
        (code: number, logs?: Array<{ relativePath: string; contents: string }>) => {
          saveWorkbenchLogs(server.runDir, logs);
          resolve(code);
        },
      );
    });
    await page.exposeFunction("codeAutomationLog", (level: string, args: unknown[]) => {
      record(`[${level}] ${formatLogArgs(args)}`);
    });
    page.on("pageerror", (error) => record(`[pageerror] ${error.message}`));

    const url = server.url(options.workspace, [
      ["extensionDevelopmentPath", server.toRemoteUri(extensionDevelopmentPath)],
      ["extensionTestsPath", server.toRemoteUri(extensionTestsPath)],
    ]);
    const remainingMs = () => timeoutMs - (performance.now() - started);
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          reject(
            new ExtensionHostTestTimeoutError(
              `extension-host tests did not report an exit code within ${Math.round(timeoutMs / 1000)} s ` +
                `(either run() never settled, or the payload was ignored: is the smoke-test driver on, and does ${extensionTestsPath} export run()?). ` +
                `Last lines:\n${log
                  .filter((line) => !isKnownNoise(line))
                  .slice(-20)
                  .join("\n")}\ncode-server log: ${server.logFile}`,
            ),
          );
        },
        Math.max(0, remainingMs()),
      );
    });
    await Promise.race([
      page.goto(url, { waitUntil: "domcontentloaded", timeout: Math.max(1000, remainingMs()) }),
      timedOut,
    ]);
    const exitCode = await Promise.race([exited, timedOut]);
    return { exitCode, log, runDir: server.runDir, durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
}

/** The workbench hands over its log files with the exit code; keep them next to code-server's log. */
function saveWorkbenchLogs(runDir: string, logs: Array<{ relativePath: string; contents: string }> | undefined): void {
  for (const { relativePath, contents } of logs ?? []) {
    const file = path.join(runDir, "workbench-logs", path.normalize(relativePath).replace(/^(\.\.[/\\])+/, ""));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
}

/** Harmless on an offline machine (see the guide); still kept in `log` and the workbench logs. */
function isKnownNoise(line: string): boolean {
  return line.includes("ENOTFOUND open-vsx.org");
}

/** The workbench forwards console calls unformatted (mocha's reporter logs `"%d passing (%s)", 2, "57ms"`). */
function formatLogArgs(args: unknown): string {
  return format(...(Array.isArray(args) ? args : [args]));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      extension: { type: "string" },
      tests: { type: "string" },
      workspace: { type: "string" },
      timeout: { type: "string" },
      trust: { type: "boolean", default: false },
    },
  });
  if (!values.extension || !values.tests || !values.workspace) {
    process.stderr.write(
      "usage: node --import tsx test/extension-ui/run-extension-host-tests.ts --extension <dir> --tests <file> --workspace <dir> [--timeout <s>] [--trust]\n",
    );
    return 2;
  }
  try {
    const result = await runExtensionHostTests({
      extensionDevelopmentPath: values.extension,
      extensionTestsPath: values.tests,
      workspace: values.workspace,
      trust: values.trust,
      timeoutMs: values.timeout ? Number(values.timeout) * 1000 : undefined,
    });
    const verdict = result.exitCode === 0 ? "passed" : `FAILED (exit code ${result.exitCode})`;
    process.stderr.write(
      `extension-host tests ${verdict} in ${(result.durationMs / 1000).toFixed(1)} s; logs in ${result.runDir}\n`,
    );
    return result.exitCode === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `extension-host tests could not run: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  process.exitCode = await main(process.argv.slice(2));
}
