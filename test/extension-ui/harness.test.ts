// Proves the harness end to end with a throwaway extension: provision, package a .vsix, install it
// into code-server, see its CodeLens in Chromium, run a mocha suite inside the extension host, and
// check that a failing suite fails the script. Every test tears its processes down, even on failure.
//   node --import tsx --test --test-reporter=spec test/extension-ui/harness.test.ts
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureCodeServer } from "../../scripts/vscode/provision.mjs";
import { launchBrowser, openFileFromExplorer, openWorkbench, screenshot, type LaunchedBrowser } from "./browser";
import { listGroupMembers, REPO_ROOT, startCodeServer, type RunningCodeServer } from "./code-server";
import { runExtensionHostTests } from "./run-extension-host-tests";
import {
  isInstalled,
  packageVsix,
  SMOKE_LENS_TITLE,
  writeSmokeExtension,
  type SmokeExtension,
} from "./smoke-extension";

/** Status-bar entry that VS Code shows while the workspace is untrusted. */
const RESTRICTED_MODE_STATUS = '.statusbar-item[id="status.workspaceTrust"]';

const missing = ["playwright-core", "mocha", "@vscode/vsce"].filter((name) => !isInstalled(name));

describe(
  "extension UI harness",
  { skip: missing.length > 0 ? `not installed: ${missing.join(", ")}` : false, timeout: 600_000 },
  () => {
    let smoke: SmokeExtension;
    let vsixPath: string;

    before(async () => {
      // Provision first so that a cold install (about 2 min) is not charged to the first test.
      await ensureCodeServer();
      smoke = writeSmokeExtension();
      vsixPath = packageVsix(smoke.extensionDir);
    });

    describe("an installed .vsix in the workbench", () => {
      let server: RunningCodeServer | undefined;
      let browser: LaunchedBrowser | undefined;

      after(async () => {
        await browser?.close();
        await server?.stop();
      });

      test("shows the extension's CodeLens on line 1 of a .ts file", async () => {
        server = await startCodeServer({ workspace: smoke.workspaceDir, vsixPath });
        browser = await launchBrowser();
        const { page } = browser;
        await openWorkbench(page, server.url());
        await openFileFromExplorer(page, "sample.ts");
        // CodeLens shows 10–20 s after the file opens on a loaded 2-core machine.
        const lens = page.locator(".monaco-editor .codelens-decoration a", { hasText: SMOKE_LENS_TITLE });
        await lens.first().waitFor({ timeout: 90_000 });
        assert.equal((await lens.first().textContent())?.trim(), SMOKE_LENS_TITLE);
        const file = await screenshot(page, "harness-smoke-codelens");
        assert.ok(file.startsWith(path.join(REPO_ROOT, "test-output", "screenshots")));
      });

      test("stop() leaves no process of code-server's group behind", async () => {
        assert.ok(server, "the previous test did not start code-server");
        await browser?.close();
        await server.stop();
        assert.deepEqual(listGroupMembers(server.pgid), []);
      });
    });

    test("an unpackaged extension loaded through the payload shows its CodeLens", async () => {
      const server = await startCodeServer({
        workspace: smoke.workspaceDir,
        extensionDevelopmentPath: smoke.extensionDir,
      });
      let browser: LaunchedBrowser | undefined;
      try {
        browser = await launchBrowser();
        const { page } = browser;
        await openWorkbench(page, server.url());
        assert.match(await page.title(), /Extension Development Host/);
        await openFileFromExplorer(page, "sample.ts");
        await page
          .locator(".monaco-editor .codelens-decoration a", { hasText: SMOKE_LENS_TITLE })
          .first()
          .waitFor({ timeout: 90_000 });
      } finally {
        await browser?.close();
        await server.stop();
      }
    });

    test("trust: true opens the folder in Restricted Mode", async () => {
      const server = await startCodeServer({ workspace: smoke.workspaceDir, trust: true });
      let browser: LaunchedBrowser | undefined;
      try {
        browser = await launchBrowser();
        const { page } = browser;
        await openWorkbench(page, server.url());
        await page.locator(RESTRICTED_MODE_STATUS).waitFor({ timeout: 60_000 });
        await screenshot(page, "harness-smoke-restricted-mode");
      } finally {
        await browser?.close();
        await server.stop();
      }
    });

    test("a passing suite inside the extension host reports exit code 0", async () => {
      const lines: string[] = [];
      const result = await runExtensionHostTests({
        extensionDevelopmentPath: smoke.extensionDir,
        extensionTestsPath: smoke.passingTestsPath,
        workspace: smoke.workspaceDir,
        onLog: (line) => lines.push(line),
      });
      assert.equal(result.exitCode, 0, result.log.join("\n"));
      assert.ok(
        result.log.some((line) => /\b2 passing\b/.test(line)),
        `mocha's summary was not forwarded:\n${result.log.join("\n")}`,
      );
      // onLog streams the same lines as they arrive, minus the offline-gallery noise.
      assert.ok(lines.some((line) => /\b2 passing\b/.test(line)));
      assert.ok(lines.every((line) => result.log.includes(line)));
    });

    test("a failing suite makes the script exit non-zero", async () => {
      const script = path.join(REPO_ROOT, "test", "extension-ui", "run-extension-host-tests.ts");
      const args = [
        "--import",
        "tsx",
        script,
        "--extension",
        smoke.extensionDir,
        "--tests",
        smoke.failingTestsPath,
        "--workspace",
        smoke.workspaceDir,
      ];
      const { code, stderr } = await runNode(args);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /1 failing/);
      assert.match(stderr, /extension-host tests FAILED/);
    });
  },
);

function runNode(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stderr }));
  });
}
