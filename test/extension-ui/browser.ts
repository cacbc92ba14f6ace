// Drives Debian's Chromium with playwright-core (which downloads no browser) against code-server.
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { TEST_OUTPUT } from "./code-server";

export const CHROMIUM_PATH = process.env.CACHEWISE_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that keep a headless Chromium in a container from sandboxing, using a GPU, or calling home. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  /** Closes Chromium; idempotent. */
  close(): Promise<void>;
}

/** Chromium with a fresh profile under test-output/browser-profiles/, so no state leaks between runs. */
export async function launchBrowser(options: { headless?: boolean } = {}): Promise<LaunchedBrowser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium (or set CACHEWISE_CHROMIUM)`);
  const profileDir = path.join(
    TEST_OUTPUT,
    "browser-profiles",
    `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`,
  );
  fs.mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed: Promise<void> | undefined;
  return {
    context,
    page,
    close() {
      closed ??= context.close().finally(() => fs.rmSync(profileDir, { recursive: true, force: true }));
      return closed;
    },
  };
}

/** Opens the workbench and waits until the explorer shows the folder's files. */
export async function openWorkbench(page: Page, url: string, timeoutMs = 90_000): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: timeoutMs });
  await page.locator(".monaco-workbench").waitFor({ timeout: timeoutMs });
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: timeoutMs });
}

/** Opens a file from the explorer (a top-level row) and waits for its editor tab. */
export async function openFileFromExplorer(page: Page, fileName: string, timeoutMs = 60_000): Promise<void> {
  const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${fileName}"]`);
  await row.waitFor({ timeout: timeoutMs });
  await row.click();
  await page.locator(`.tabs-container .tab[aria-label*="${fileName}"]`).waitFor({ timeout: timeoutMs });
}

/** Saves a full-page PNG under test-output/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(TEST_OUTPUT, "screenshots", `${name.replace(/[^\w.-]+/g, "-")}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}
