// Runs the extension-host test suite (test/extension/host/) in a desktop VS Code downloaded by
// @vscode/test-electron, for contributors with a display and network access (the CI machines here
// cannot download VS Code: there, test/extension-ui/extension.test.ts runs the same suite in
// code-server). Needs redis-server and redis-cli on PATH.
//
//   node scripts/run-extension-tests-electron.mjs [--vscode-version stable|insiders|1.90.0]
//
// It builds dist/ and dist-test/, starts its own redis-server on a free loopback port (never
// touching a Redis you run: the suite's seed flushes the database), seeds the demo keyspace, opens
// a copy of examples/cache-demo with one user-level connection, and exits non-zero on failure.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runTests } from "@vscode/test-electron";
import { seedDemoKeyspace } from "../test/extension/host/demo-keyspace.mjs";
import { stageExtensionForDevelopment } from "./package-extension.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { "vscode-version": { type: "string", default: "stable" } } });

for (const script of ["scripts/build.mjs", "scripts/build-extension-tests.mjs"]) {
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Everything the run writes stays in one folder under test-output/.
const runDir = path.join(root, "test-output", "electron-runs", new Date().toISOString().replace(/[:.]/g, "-"));
const workspace = path.join(runDir, "cache-demo");
const userDataDir = path.join(runDir, "user-data");
fs.cpSync(path.join(root, "examples", "cache-demo"), workspace, { recursive: true });

const port = await findFreePort();
const redisDir = path.join(runDir, "redis");
fs.mkdirSync(redisDir, { recursive: true });
const redis = spawn(
  "redis-server",
  ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir],
  { stdio: "ignore" },
);
// Stop it by its PID whatever happens below.
const stopRedis = () => {
  if (redis.exitCode === null && redis.signalCode === null) redis.kill("SIGTERM");
};
process.on("exit", stopRedis);

let exitCode = 1;
try {
  await waitForRedis(port);
  seedDemoKeyspace(port);
  fs.mkdirSync(path.join(userDataDir, "User"), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, "User", "settings.json"),
    `${JSON.stringify(
      {
        "cachewise.redis.connections": [{ name: "local", url: `redis://127.0.0.1:${port}` }],
        "workbench.startupEditor": "none",
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "chat.disableAIFeatures": true,
        "git.openRepositoryInParentFolders": "never",
      },
      null,
      2,
    )}\n`,
  );
  await runTests({
    version: values["vscode-version"],
    extensionDevelopmentPath: stageExtensionForDevelopment(),
    extensionTestsPath: path.join(root, "dist-test", "extension-host-tests.cjs"),
    // --disable-extensions turns off installed extensions only; the built-in TypeScript language stays.
    launchArgs: [
      workspace,
      "--disable-extensions",
      "--disable-workspace-trust",
      `--user-data-dir=${userDataDir}`,
      "--skip-welcome",
      "--skip-release-notes",
    ],
  });
  exitCode = 0;
} catch (error) {
  process.stderr.write(
    `extension-host tests failed: ${error instanceof Error ? error.message : String(error)}\nrun folder: ${runDir}\n`,
  );
} finally {
  stopRedis();
}
process.exit(exitCode);

function findFreePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
}

async function waitForRedis(redisPort) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (redis.exitCode !== null)
      throw new Error(`redis-server exited with ${redis.exitCode} (is port ${redisPort} free?)`);
    if (spawnSync("redis-cli", ["-p", String(redisPort), "PING"], { encoding: "utf8" }).stdout.trim() === "PONG")
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis-server on ${redisPort} did not answer PING within 10 s`);
}
