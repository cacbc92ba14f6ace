// The real extension in a real VS Code (code-server + Chromium), against a copy of
// examples/cache-demo and a Redis seeded with keys of the demo's families: CodeLens, hover, the
// sidebar views, the Problems panel, the read-only guarantee (MONITOR sees no write), workspace
// trust, a least-privilege user (NOPERM), the run-time figures of the instrumented demo service from a real
// Prometheus (CodeLens, hover with its chart, Families view), and Redis going away and coming back. Then the mocha
// suite inside the extension host.
//   npm run build && node --import tsx --test --test-reporter=spec test/extension-ui/extension.test.ts
// Every test tears down what it started (code-server's process group, Chromium, redis-server,
// redis-cli MONITOR), also when it fails.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { ensureCodeServer } from "../../scripts/vscode/provision.mjs";
import { packageExtension, stageExtensionForDevelopment } from "../../scripts/package-extension.mjs";
import { DEMO_KEYSPACE, seedDemoKeyspace } from "../extension/host/demo-keyspace.mjs";
import { startRedisServer, type RedisProcess } from "../keyspace/redis-harness";
import { launchBrowser, openWorkbench, screenshot, type LaunchedBrowser } from "./browser";
import { REPO_ROOT, startCodeServer, TEST_OUTPUT, type RunningCodeServer } from "./code-server";
import { formatBytes } from "../../analyzer/src/keyspace/figure-format";
import { formatHitRatio, formatLatency, formatPercent, formatRate } from "../../analyzer/src/metrics/figure-text";
import { buildHitRatioChart } from "../../extension/src/stats/metrics-text";
import { startDemoService, WINDOW, type DemoService } from "./measured-demo";
import { runExtensionHostTests } from "./run-extension-host-tests";
import { isInstalled } from "./smoke-extension";

/** The name the extension gives its Redis connection (CLIENT SETNAME), see connection-manager.ts. */
const CLIENT_NAME = "cachewise-vscode";
/** CodeLens and analysis take 10–30 s on a loaded 2-core machine: wait for conditions, generously. */
const UI_WAIT_MS = 90_000;
const CACHEWISE_CONTAINER = '.sidebar .composite[id="workbench.view.extension.cachewise"]';
const RESTRICTED_MODE_STATUS = '.statusbar-item[id="status.workspaceTrust"]';
const HOST_TESTS = path.join(REPO_ROOT, "dist-test", "extension-host-tests.cjs");

/**
 * Commands that change data or server state. The extension may send none of them unless
 * `cachewise.redis.allowWrites` is on (it is off here). Subcommands are checked separately.
 */
const WRITE_COMMANDS = new Set([
  "set",
  "setex",
  "psetex",
  "setnx",
  "mset",
  "msetnx",
  "setrange",
  "append",
  "getset",
  "getdel",
  "getex",
  "del",
  "unlink",
  "expire",
  "pexpire",
  "expireat",
  "pexpireat",
  "persist",
  "rename",
  "renamenx",
  "move",
  "copy",
  "restore",
  "migrate",
  "incr",
  "incrby",
  "incrbyfloat",
  "decr",
  "decrby",
  "hset",
  "hmset",
  "hsetnx",
  "hdel",
  "hincrby",
  "hincrbyfloat",
  "lpush",
  "rpush",
  "lpushx",
  "rpushx",
  "lpop",
  "rpop",
  "lset",
  "lrem",
  "ltrim",
  "linsert",
  "lmove",
  "rpoplpush",
  "blpop",
  "brpop",
  "blmove",
  "sadd",
  "srem",
  "spop",
  "smove",
  "sinterstore",
  "sunionstore",
  "sdiffstore",
  "zadd",
  "zrem",
  "zincrby",
  "zpopmin",
  "zpopmax",
  "zremrangebyscore",
  "zremrangebyrank",
  "zremrangebylex",
  "zunionstore",
  "zinterstore",
  "zrangestore",
  "xadd",
  "xdel",
  "xtrim",
  "xgroup",
  "xack",
  "xclaim",
  "xautoclaim",
  "xsetid",
  "pfadd",
  "pfmerge",
  "setbit",
  "bitop",
  "bitfield",
  "geoadd",
  "georadius",
  "georadiusbymember",
  "flushdb",
  "flushall",
  "swapdb",
  "shutdown",
  "debug",
  "bgsave",
  "save",
  "bgrewriteaof",
  "replicaof",
  "slaveof",
  "failover",
  "publish",
  "function",
  "fcall",
]);
const WRITE_SUBCOMMANDS: Record<string, ReadonlySet<string>> = {
  config: new Set(["set", "resetstat", "rewrite"]),
  script: new Set(["flush", "kill"]),
  client: new Set(["kill", "pause", "no-evict"]),
  acl: new Set(["setuser", "deluser", "save", "load"]),
  memory: new Set(["purge"]),
  cluster: new Set(["addslots", "delslots", "failover", "forget", "meet", "reset", "setslot", "flushslots"]),
};

const missing = ["playwright-core", "mocha", "@vscode/vsce"].filter((name) => !isInstalled(name));
const redisMissing =
  spawnSync("redis-server", ["--version"]).status !== 0
    ? "redis-server is not installed (apt-get install -y redis-server)"
    : undefined;
const distMissing = ["dist/extension.cjs", "dist/analysis-server.cjs"].find(
  (file) => !fs.existsSync(path.join(REPO_ROOT, file)),
);

describe(
  "the Cachewise extension in VS Code",
  {
    skip:
      missing.length > 0
        ? `not installed: ${missing.join(", ")}`
        : (redisMissing ?? (distMissing ? `${distMissing} is missing: run npm run build` : false)),
    timeout: 900_000,
  },
  () => {
    let vsixPath: string;
    let redis: RedisProcess;

    before(async () => {
      // A cold install takes about 2 min; keep it out of the first test's time.
      await ensureCodeServer();
      vsixPath = packageExtension(path.join(TEST_OUTPUT, "vsix", "cachewise.vsix"));
      redis = await startRedisServer("extension-ui");
      seedDemoKeyspace(redis.port);
    });

    after(async () => {
      await redis?.stop();
    });

    const userConnection = () => ({
      "cachewise.redis.connections": [{ name: "local", url: `redis://127.0.0.1:${redis.port}` }],
    });

    test("(f) in Restricted Mode, a connection from workspace settings is ignored: the extension does not connect", async () => {
      const workspace = copyDemoWorkspace("restricted");
      fs.mkdirSync(path.join(workspace, ".vscode"));
      fs.writeFileSync(
        path.join(workspace, ".vscode", "settings.json"),
        `${JSON.stringify(userConnection(), null, 2)}\n`,
      );
      const server = await startCodeServer({ workspace, vsixPath, trust: true });
      let browser: LaunchedBrowser | undefined;
      try {
        browser = await launchBrowser();
        const { page } = browser;
        await openWorkbench(page, server.url());
        await page.locator(RESTRICTED_MODE_STATUS).waitFor({ timeout: UI_WAIT_MS });
        await openFile(page, ["src", "users", "user-service.ts"]);
        // Proof that the extension is active and has decided: its log says why it does not connect.
        // (VS Code hides workspace values of restricted settings from extensions in Restricted Mode,
        // so the extension cannot tell the user which connections it ignored.)
        await waitUntil(
          () => readExtensionLog(server).includes("no Redis connection in user settings (Restricted Mode"),
          "the extension's log line about Restricted Mode",
          UI_WAIT_MS,
        );
        await page.locator('.activitybar .action-item a[aria-label^="Cachewise"]').click();
        await page
          .locator(".pane-body", { hasText: "No Redis connection is configured" })
          .waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "extension-restricted-mode");
        // Give a (wrong) connection attempt time to show up before looking.
        await page.waitForTimeout(3000);
        assert.doesNotMatch(redisCli(redis.port, "CLIENT", "LIST"), new RegExp(`name=${CLIENT_NAME}\\b`));
        assert.equal(
          await page.locator(".statusbar-item", { hasText: "local" }).count(),
          0,
          "no Cachewise Redis status item",
        );
        assert.doesNotMatch(readExtensionLog(server), /connected to local/);
      } finally {
        await browser?.close();
        await server.stop();
      }
    });

    test("(i) a least-privilege user (no MEMORY USAGE, INFO or scripting): the figure says no permission, the rest works, each notice once", async () => {
      const restricted = await startRedisServer("extension-ui-least-privilege");
      let server: RunningCodeServer | undefined;
      let browser: LaunchedBrowser | undefined;
      try {
        seedDemoKeyspace(restricted.port);
        // What a managed service's read-only role often allows: reads, but no MEMORY, INFO or EVAL.
        const acl = redisCli(
          restricted.port,
          "ACL",
          "SETUSER",
          "default",
          "reset",
          "on",
          "nopass",
          "~*",
          "&*",
          "-@all",
          "+@read",
          "+@connection",
          "-memory",
          "-info",
          "-@scripting",
        );
        assert.match(acl, /^OK/);
        assert.match(redisCli(restricted.port, "MEMORY", "USAGE", "demo:user:1"), /NOPERM/);
        server = await startCodeServer({
          workspace: copyDemoWorkspace("least-privilege"),
          vsixPath,
          // Short refreshes: several INFO attempts (each denied) happen while the test watches.
          userSettings: {
            "cachewise.redis.connections": [{ name: "least", url: `redis://127.0.0.1:${restricted.port}` }],
            "cachewise.redis.refreshIntervalSeconds": 5,
          },
        });
        browser = await launchBrowser();
        const { page } = browser;
        await openWorkbench(page, server.url());
        await openFile(page, ["src", "users", "user-service.ts"]);
        await page
          .locator(".monaco-editor .codelens-decoration a", {
            hasText: new RegExp(`demo:user:\\{id\\} · ≈?${DEMO_KEYSPACE.users} keys`),
          })
          .first()
          .waitFor({ timeout: UI_WAIT_MS });
        await runCommand(page, "Cachewise: Run Full Keyspace Profile");
        // Exact counts and TTLs from the full profile; no memory figure, since MEMORY USAGE was denied.
        const exact = new RegExp(
          `^demo:user:\\{id\\} · ${DEMO_KEYSPACE.users} keys · TTL p50 \\S+ · ${DEMO_KEYSPACE.usersWithoutTtl} without TTL$`,
        );
        await page
          .locator(".monaco-editor .codelens-decoration a", { hasText: exact })
          .first()
          .waitFor({ timeout: UI_WAIT_MS });
        const line = page.locator(".monaco-editor .view-line", { hasText: "await redis.get(userKey(id))" });
        // The call also carries a diagnostic (require-cache-fallback), so the editor keeps other, hidden hover
        // widgets in the page: wait for the visible one. A hover can be dropped while the editor re-renders the
        // line (CodeLens refresh after a profile), so move away and hover again, as a user would.
        const hover = page
          .locator(".monaco-hover:visible", { hasText: "demo:user:{id}" })
          .filter({ hasText: /without TTL/ });
        for (let attempt = 1; ; attempt++) {
          await line.locator("span span", { hasText: /^get$/ }).first().hover();
          try {
            await hover.first().waitFor({ timeout: 10_000 });
            break;
          } catch (error) {
            if (attempt === 3) throw error;
            await page.mouse.move(5, 5);
          }
        }
        assert.match(
          (await hover.first().textContent()) ?? "",
          new RegExp(
            `${DEMO_KEYSPACE.users} keys · ${DEMO_KEYSPACE.usersWithoutTtl} without TTL .* memory: no permission`,
          ),
        );
        await screenshot(page, "extension-least-privilege-hover");
        await page.mouse.move(5, 5);
        await page.keyboard.press("Escape");
        // Connected, without the used-memory figure INFO would give.
        const status = page.locator(".statusbar-item", { has: page.locator(".codicon-database"), hasText: "least" });
        await status.waitFor({ timeout: UI_WAIT_MS });
        assert.doesNotMatch((await status.textContent()) ?? "", /disconnected|\d (B|KB|MB)\b/);
        // Let a few refreshes (each with a denied INFO) pass, then count what was shown.
        await page.waitForTimeout(12_000);
        await runCommand(page, "Notifications: Show Notifications");
        const items = page.locator(".notifications-center .notification-list-item");
        await items.first().waitFor({ timeout: UI_WAIT_MS });
        const messages = await page.locator(".notifications-center .notification-list-item-message").allTextContents();
        await screenshot(page, "extension-least-privilege-notifications");
        assert.ok(
          messages.some((m) => /MEMORY USAGE is not permitted/.test(m)),
          messages.join("\n"),
        );
        assert.ok(
          messages.some((m) => /INFO is not permitted/.test(m)),
          messages.join("\n"),
        );
        assert.equal(new Set(messages).size, messages.length, `a notice was shown twice:\n${messages.join("\n")}`);
        assert.ok(messages.length <= 3, `${messages.length} notifications:\n${messages.join("\n")}`);
      } finally {
        await browser?.close();
        await server?.stop();
        await restricted.stop();
      }
    });

    describe("a trusted workspace with a connection in user settings", () => {
      let server: RunningCodeServer | undefined;
      let browser: LaunchedBrowser | undefined;
      let monitor: RedisMonitor | undefined;
      let page: Page;
      // The instrumented demo service for test (i), started alongside the session; awaited there.
      let demoStarting: Promise<DemoService> | undefined;

      before(async () => {
        demoStarting = startDemoService();
        demoStarting.catch(() => undefined);
        // MONITOR on its own connection sees every command of the whole session, from activation on.
        // The rate-limit keys expire after 60 s: seed again so that every family has live keys.
        seedDemoKeyspace(redis.port);
        monitor = await startMonitor(redis.port, path.join(TEST_OUTPUT, "extension-ui", "redis-monitor.log"));
        const workspace = copyDemoWorkspace("trusted");
        server = await startCodeServer({ workspace, vsixPath, userSettings: userConnection() });
        browser = await launchBrowser();
        page = browser.page;
        await openWorkbench(page, server.url());
      });

      after(async () => {
        await browser?.close();
        await server?.stop();
        monitor?.stop();
        await demoStarting?.then(
          (demo) => demo.stop(),
          () => undefined,
        );
        if (server) process.stderr.write(`code-server run folder: ${server.runDir}\n`);
      });

      test("(a) the CodeLens above a cache call names the family and its live figures", async () => {
        await openFile(page, ["src", "users", "user-service.ts"]);
        const lens = page.locator(".monaco-editor .codelens-decoration a", {
          hasText: /demo:user:\{id\} · ≈?\d+ keys/,
        });
        await lens.first().waitFor({ timeout: UI_WAIT_MS });
        const title = (await lens.first().textContent())?.trim() ?? "";
        assert.match(title, new RegExp(`^demo:user:\\{id\\} · ≈?${DEMO_KEYSPACE.users} keys · .*without TTL`));
        await screenshot(page, "extension-codelens");
      });

      test("(b) a hover on a cache call shows the family pattern and its figures", async () => {
        const hover = page
          .locator(".monaco-hover:visible", { hasText: "demo:user:{id}" })
          .filter({ hasText: /without TTL/ });
        await hoverGetUserRead(page, hover);
        const text = (await hover.first().textContent()) ?? "";
        assert.match(text, /demo:user:\{id\}/);
        assert.match(text, new RegExp(`≈?${DEMO_KEYSPACE.users} keys`));
        assert.match(text, /without TTL/);
        await screenshot(page, "extension-hover");
        await page.mouse.move(5, 5);
        await page.keyboard.press("Escape");
      });

      test("(a2) clicking the CodeLens reveals its family in the Families view", async () => {
        await page
          .locator(".monaco-editor .codelens-decoration a", { hasText: /demo:user:\{id\} · / })
          .first()
          .click();
        await page.locator(CACHEWISE_CONTAINER).waitFor({ timeout: UI_WAIT_MS });
        await viewRows(page, "Families")
          .and(page.locator(".selected"))
          .filter({ hasText: "demo:user:{id}" })
          .waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "extension-reveal-family");
      });

      test("(c) the Cachewise container shows the Families and Keyspace views; a key shows type and TTL and opens read-only", async () => {
        // Clicking the icon of the container that is already open would close the sidebar.
        if (!(await page.locator(CACHEWISE_CONTAINER).isVisible()))
          await page.locator('.activitybar .action-item a[aria-label^="Cachewise"]').click();
        await page.locator(CACHEWISE_CONTAINER).waitFor({ timeout: UI_WAIT_MS });
        const families = viewRows(page, "Families");
        await families.filter({ hasText: "demo:user:{id}" }).first().waitFor({ timeout: UI_WAIT_MS });
        for (const family of ["demo:session:{token}", "demo:rate:{ip}", "demo:user-sessions:{userId}"])
          assert.equal(await families.filter({ hasText: family }).count(), 1, `${family} in the Families view`);

        const keyspace = viewRows(page, "Keyspace");
        await keyspace.filter({ hasText: `local (redis://127.0.0.1:${redis.port})` }).waitFor({ timeout: UI_WAIT_MS });
        const demo = rowLabelled(keyspace, "demo:");
        await demo.waitFor({ timeout: UI_WAIT_MS });
        for (const namespace of ["legacy:", "tmp:"])
          await rowLabelled(keyspace, namespace).waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "extension-sidebar");

        await demo.click();
        const sessionSets = rowLabelled(keyspace, "user-sessions:");
        await sessionSets.click();
        const setKey = keyspace.filter({ hasText: /set · no TTL/ });
        await setKey.first().waitFor({ timeout: UI_WAIT_MS });
        await rowLabelled(keyspace, "user:").click();
        const userKey = keyspace.filter({ hasText: /string · TTL \d/ });
        await userKey.first().waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "extension-keyspace-keys");

        await userKey.first().click();
        const valueTab = page.locator(".tabs-container .tab", { hasText: /demo:user:\d+/ });
        await valueTab.waitFor({ timeout: UI_WAIT_MS });
        await page
          .locator(".monaco-editor .view-line", { hasText: "# key: demo:user:" })
          .waitFor({ timeout: UI_WAIT_MS });
        await page
          .locator(".monaco-editor .view-line", { hasText: '"email"' })
          .first()
          .waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "extension-key-value");
      });

      test("(d) the Problems panel lists cachewise findings", async () => {
        await page.keyboard.press("Control+Shift+M");
        const marker = page.locator(".markers-panel .monaco-list-row", { hasText: "require-cache-ttl" });
        await marker.first().waitFor({ timeout: UI_WAIT_MS });
        assert.match((await marker.first().textContent()) ?? "", /cachewise/);
        // The status bar's problem counter: the demo has 13 findings (one per deliberate mistake): 10 errors and the
        // warnings of require-client-timeouts, require-stampede-protection and require-cache-fallback (recommended as
        // `warn`).
        await page
          .locator(".statusbar-item", { hasText: /10\s*3/ })
          .first()
          .waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "extension-problems");
      });

      test("(d2) a full profile from the command palette turns the sampled CodeLens into exact figures with memory", async () => {
        // The value document replaced the file's preview tab: open the file again.
        await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
        await openFile(page, ["src", "users", "user-service.ts"]);
        await runCommand(page, "Cachewise: Run Full Keyspace Profile");
        const exact = new RegExp(
          `^demo:user:\\{id\\} · ${DEMO_KEYSPACE.users} keys · TTL p50 \\S+ · ${DEMO_KEYSPACE.usersWithoutTtl} without TTL · [\\d.]+ (B|KB)$`,
        );
        const lens = page.locator(".monaco-editor .codelens-decoration a", { hasText: exact });
        await lens.first().waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "extension-full-profile");
        // `cachewise keyspace` in the terminal prints the same figures for the family (the same profiler).
        const cli = spawnSync(
          process.execPath,
          [
            path.join(REPO_ROOT, "dist", "cli.js"),
            "keyspace",
            "--redis",
            `redis://127.0.0.1:${redis.port}`,
            "--full",
            "--format",
            "json",
            path.join(REPO_ROOT, "examples", "cache-demo"),
          ],
          { encoding: "utf8" },
        );
        assert.equal(cli.status, 0, cli.stderr);
        const users = (
          JSON.parse(cli.stdout) as {
            families: Array<{
              family: string | null;
              stats: { keys: number; keysWithoutTtl: number; memory: { totalBytes: number } };
            }>;
          }
        ).families.find((f) => f.family === "demo:user:{id}")!;
        const lensText = (await lens.first().textContent()) ?? "";
        assert.equal(users.stats.keys, DEMO_KEYSPACE.users);
        assert.equal(users.stats.keysWithoutTtl, DEMO_KEYSPACE.usersWithoutTtl);
        assert.ok(
          lensText.endsWith(` · ${formatBytes(users.stats.memory.totalBytes)}`),
          `${lensText} vs ${users.stats.memory.totalBytes} bytes from the CLI`,
        );
      });

      test("(e) read-only: MONITOR saw the extension's reads and not a single write command", () => {
        assert.ok(monitor, "MONITOR was not started");
        const commands = monitor.read();
        const ours = commands.find(
          (c) =>
            c.args[0]?.toLowerCase() === "client" &&
            c.args[1]?.toLowerCase() === "setname" &&
            c.args[2] === CLIENT_NAME,
        );
        assert.ok(
          ours,
          `the extension's connection (CLIENT SETNAME ${CLIENT_NAME}) is not in the MONITOR log ${monitor.file}`,
        );
        const fromExtension = commands.filter((c) => c.client === ours.client || c.client === "lua");
        // The session did scan, inspect keys and read a value: the log must show that, or it proves nothing.
        for (const read of ["scan", "type", "pttl", "memory", "getrange"])
          assert.ok(
            fromExtension.some((c) => c.args[0]?.toLowerCase() === read),
            `no ${read.toUpperCase()} from the extension in ${monitor.file}`,
          );
        const writes = commands.filter((c) => isWriteCommand(c.args));
        assert.deepEqual(
          writes.map((c) => c.line),
          [],
          `write commands reached Redis (full log: ${monitor.file})`,
        );
      });

      test("(m) with cachewise.metrics.prometheusUrl, the CodeLens, the hover (figures and hit-ratio chart) and the Families view show the figures Prometheus has for the family", async () => {
        assert.ok(server && demoStarting);
        const demo = await demoStarting;
        // The demo service under its load generator, scraped by a real Prometheus; the figures are frozen from here on.
        const measured = await demo.measure();
        const expected = await expectedFigures(measured.query, "demo:user:{id}");
        // In the workspace's settings: code-server (4.139.1) does not notice a user settings.json written by another
        // process while it runs, but it watches the workspace folder, as for any file.
        const settingsFile = path.join(server.workspace, ".vscode", "settings.json");
        fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
        fs.writeFileSync(
          settingsFile,
          `${JSON.stringify({ "cachewise.metrics.prometheusUrl": measured.prometheusUrl, "cachewise.metrics.window": WINDOW }, null, 2)}\n`,
        );
        try {
          if (!(await page.locator(".explorer-folders-view").isVisible()))
            await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
          await openFile(page, ["src", "users", "user-service.ts"]);
          const summary = `${formatHitRatio(expected.hitRatio)} hits · p99 ${formatLatency(expected.p99Seconds)} · ${formatPercent(expected.staleReadRatio)} stale`;
          const lens = page.locator(".monaco-editor .codelens-decoration a", { hasText: /^demo:user:\{id\} · / });
          await waitUntilAsync(
            async () => ((await lens.first().textContent()) ?? "").endsWith(` · ${summary}`),
            `the CodeLens to end with " · ${summary}"`,
            UI_WAIT_MS,
          ).catch(async (error: Error) => {
            throw new Error(`${error.message}; it reads "${await lens.first().textContent()}"`);
          });
          await page.mouse.move(5, 5); // off the explorer row, whose tooltip would cover the editor
          await screenshot(page, "extension-metrics-codelens");

          const hover = page
            .locator(".monaco-hover:visible", { hasText: "demo:user:{id}" })
            .filter({ hasText: `Production (last ${WINDOW})` })
            .filter({ has: page.locator('img[src^="data:image/svg+xml;base64,"]') });
          await hoverGetUserRead(page, hover);
          const cells = await hover.first().locator("table tbody tr").last().locator("td").allTextContents();
          assert.deepEqual(
            cells.map((cell) => cell.trim()),
            [
              formatHitRatio(expected.hitRatio),
              formatRate(expected.missesPerSecond),
              "0%",
              formatLatency(expected.p99Seconds),
              formatPercent(expected.staleReadRatio),
            ],
          );
          // The chart: an SVG the browser decoded and laid out, whose last point (the last 10 min: the load) is the
          // hit ratio above, after 6 h of history in one line (a point every 10 min, none missing).
          const image = hover.first().locator('img[src^="data:image/svg+xml;base64,"]');
          const { src, naturalWidth, width, height } = await image.evaluate((element) => {
            const img = element as unknown as {
              src: string;
              naturalWidth: number;
              getBoundingClientRect(): { width: number; height: number };
            };
            const box = img.getBoundingClientRect();
            return { src: img.src, naturalWidth: img.naturalWidth, width: box.width, height: box.height };
          });
          assert.equal(naturalWidth, 240, "the chart image did not decode");
          assert.ok(width > 0 && height > 0, `the chart is not laid out (${width}×${height})`);
          const svg = Buffer.from(src.slice(src.indexOf(",") + 1), "base64").toString();
          const runs = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]!.split(" "));
          assert.equal(runs.length, 1, svg);
          assert.equal(runs[0]!.length, 6 * 6 + 1, svg);
          const lastY = Number(runs[0]!.at(-1)!.split(",")[1]);
          const expectedY = Number(
            /points="[\d.]+,([\d.]+)/.exec(
              buildHitRatioChart([
                [0, expected.hitRatio],
                [1, expected.hitRatio],
              ]),
            )![1],
          );
          assert.ok(Math.abs(lastY - expectedY) <= 0.1, `last point at y=${lastY}, the hit ratio is at y=${expectedY}`);
          const caption = /Hit ratio over the last 6 h \(([\d.]+)% – ([\d.]+)%\)/.exec(
            (await hover.first().textContent()) ?? "",
          );
          assert.ok(caption, "the chart's caption");
          // From the lowest point to the highest: the load's hit ratio is one of them, the history's 90 % the top.
          assert.ok(Number(caption[1]) <= expected.hitRatio * 100 + 0.05 && Number(caption[2]) >= 89.9, caption[0]);
          // The hover is taller than it may be (the diagnostic, the family, the TTL table come first): scroll it, with
          // the mouse in it as a user would, until the chart and its caption are in view, for the screenshot.
          const box = (await hover.first().boundingBox())!;
          await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
          const chartCaption = hover.first().getByText(/^Hit ratio over the last/);
          for (let i = 0; i < 20; i++) {
            const below = (await chartCaption.boundingBox())!;
            if (below.y + below.height <= box.y + box.height) break;
            await page.mouse.wheel(0, 100);
          }
          await screenshot(page, "extension-metrics-hover");
          await page.mouse.move(5, 5);
          await page.keyboard.press("Escape");

          await page.locator('.activitybar .action-item a[aria-label^="Cachewise"]').click();
          await page.locator(CACHEWISE_CONTAINER).waitFor({ timeout: UI_WAIT_MS });
          const families = viewRows(page, "Families");
          await families
            .filter({ hasText: "demo:user:{id}" })
            .filter({ hasText: summary })
            .first()
            .waitFor({ timeout: UI_WAIT_MS });
          // Sorted by stale reads: the verified families first, in the order of their stale-read ratio in Prometheus.
          const staleOrder = (
            await measured.query(
              `sort_desc(sum by (cache_family) (rate(cache_stale_reads_total[${WINDOW}])) / sum by (cache_family) (rate(cache_verified_reads_total[${WINDOW}])))`,
            )
          )
            // A family without verified reads in the window has no ratio (0/0), as in the extension.
            .filter((sample) => Number.isFinite(sample.value))
            .map((sample) => sample.labels.cache_family!);
          assert.ok(staleOrder.length >= 2, `stale-read ratios: ${staleOrder.join(", ")}`);
          await runCommand(page, "Cachewise: Sort Families by Risk or Stale Reads");
          await waitUntilAsync(
            async () => (await familyLabels(families)).slice(0, staleOrder.length).join("|") === staleOrder.join("|"),
            `the Families view to start with ${staleOrder.join(", ")}`,
            UI_WAIT_MS,
          ).catch(async (error: Error) => {
            throw new Error(`${error.message}; it shows ${(await familyLabels(families)).join(", ")}`);
          });
          // Wide enough for the figures: drag the sidebar's edge, then double-click it back to its size.
          const sidebar = (await page.locator(".part.sidebar").boundingBox())!;
          const edge = { x: sidebar.x + sidebar.width, y: sidebar.y + sidebar.height / 2 };
          await page.mouse.move(edge.x, edge.y);
          await page.mouse.down();
          await page.mouse.move(edge.x + 500, edge.y, { steps: 5 });
          await page.mouse.up();
          await screenshot(page, "extension-metrics-families");
          await runCommand(page, "Cachewise: Sort Families by Risk or Stale Reads");
          await page.mouse.dblclick(edge.x + 500, edge.y);
          await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
        } finally {
          // Back to the session the other tests expect: no run-time figures, no reads of Prometheus.
          fs.rmSync(settingsFile);
        }
      });

      test("(g) Redis down: the status bar says disconnected without a storm of notifications, and it reconnects when Redis is back", async () => {
        const port = redis.port;
        await page
          .locator(".statusbar-item", { has: page.locator(".codicon-database"), hasText: "local" })
          .waitFor({ timeout: UI_WAIT_MS });
        await redis.stop();
        const disconnected = page.locator(".statusbar-item", { hasText: "disconnected" });
        await disconnected.waitFor({ timeout: UI_WAIT_MS });
        assert.match((await disconnected.textContent()) ?? "", /local: disconnected/);
        // Let the reconnect attempts and a refresh tick or two happen before counting notifications.
        await page.waitForTimeout(8000);
        const toasts = await page.locator(".notifications-toasts .notification-toast").count();
        await screenshot(page, "extension-redis-down");
        assert.ok(toasts <= 1, `${toasts} notifications while Redis was down`);

        redis = await startRedisServer("extension-ui-restarted", [], port);
        seedDemoKeyspace(redis.port);
        await page
          .locator(".statusbar-item", { has: page.locator(".codicon-database"), hasText: "local" })
          .waitFor({ timeout: UI_WAIT_MS });
        assert.equal(await disconnected.count(), 0);
        await waitUntil(() => countExtensionClients(port) === 1, "the extension's connection in CLIENT LIST", 30_000);
        await screenshot(page, "extension-redis-reconnected");
      });

      test("(g2) a long outage: after ioredis gives up, the extension's own backoff reconnects, with one connection and no notification storm", async () => {
        assert.ok(server);
        const port = redis.port;
        const failuresBefore = countMatches(readExtensionLog(server), /retrying in/g);
        await redis.stop();
        await page.locator(".statusbar-item", { hasText: "disconnected" }).waitFor({ timeout: UI_WAIT_MS });
        // ioredis retries about 10 times over ~20 s, then ends the client; the manager takes over.
        await waitUntil(
          () => countMatches(readExtensionLog(server!), /retrying in/g) > failuresBefore,
          "the extension's own reconnect attempt",
          UI_WAIT_MS,
        );
        const toasts = await page.locator(".notifications-toasts .notification-toast").count();
        assert.ok(toasts <= 1, `${toasts} notifications while Redis was down`);
        redis = await startRedisServer("extension-ui-restarted-again", [], port);
        seedDemoKeyspace(redis.port);
        await page
          .locator(".statusbar-item", { has: page.locator(".codicon-database"), hasText: "local" })
          .waitFor({ timeout: UI_WAIT_MS });
        await waitUntil(
          () => countExtensionClients(port) === 1,
          "exactly one extension connection in CLIENT LIST",
          30_000,
        );
      });
    });

    test("(h) the mocha suite inside the extension host passes (activation, CodeLens, diagnostics, connected API)", async () => {
      const build = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-extension-tests.mjs")], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      });
      assert.equal(build.status, 0, build.stderr);
      seedDemoKeyspace(redis.port);
      const result = await runExtensionHostTests({
        extensionDevelopmentPath: stageExtensionForDevelopment(),
        extensionTestsPath: HOST_TESTS,
        workspace: copyDemoWorkspace("host-tests"),
        userSettings: userConnection(),
        timeoutMs: 300_000,
        onLog: () => undefined,
      });
      const output = result.log.filter((line) => !line.includes("ENOTFOUND")).join("\n");
      assert.equal(result.exitCode, 0, `${output}\nlogs: ${result.runDir}`);
      assert.match(output, /\b8 passing\b/);
    });
  },
);

// The workspace copies go once every suite has stopped its code-server (root hooks run last); the run
// folders under test-output/vscode-runs/ and the screenshots stay, for debugging.
const workspaceCopies: string[] = [];
after(() => {
  for (const copy of workspaceCopies) fs.rmSync(copy, { recursive: true, force: true });
});

/** A copy of examples/cache-demo under test-output/, so that nothing in the repository changes (node_modules still resolves upward). */
function copyDemoWorkspace(name: string): string {
  const parent = path.join(
    TEST_OUTPUT,
    "ui-workspaces",
    `${name}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`,
  );
  workspaceCopies.push(parent);
  const workspace = path.join(parent, "cache-demo");
  fs.cpSync(path.join(REPO_ROOT, "examples", "cache-demo"), workspace, { recursive: true });
  return workspace;
}

/** Opens a file by expanding its folders in the explorer, then waits for its tab. */
async function openFile(page: Page, segments: string[]): Promise<void> {
  for (const [i, segment] of segments.entries()) {
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${segment}"]`);
    await row.waitFor({ timeout: UI_WAIT_MS });
    const expanded = await row.getAttribute("aria-expanded");
    if (i === segments.length - 1 || expanded !== "true") await row.click();
  }
  await page.locator(`.tabs-container .tab[aria-label*="${segments.at(-1)}"]`).waitFor({ timeout: UI_WAIT_MS });
}

/** Runs a command from the command palette by its title. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: UI_WAIT_MS });
  await input.fill(`>${title}`);
  await page
    .locator(".quick-input-widget .monaco-list-row", { hasText: title })
    .first()
    .waitFor({ timeout: UI_WAIT_MS });
  await page.keyboard.press("Enter");
}

/** Tree rows of one view of the open container. */
function viewRows(page: Page, viewName: string): Locator {
  return page
    .locator(".pane", { has: page.locator(`.pane-header[aria-label^="${viewName}"]`) })
    .locator(".pane-body .monaco-list-row");
}

/** The row whose label is exactly `label` (namespaces like `user:` and `user-sessions:` share prefixes). */
function rowLabelled(rows: Locator, label: string): Locator {
  return rows
    .filter({
      has: rows
        .page()
        .locator(".label-name", { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }),
    })
    .first();
}

/** The extension's own log (its "Cachewise" output channel) in a code-server run folder. */
function readExtensionLog(server: RunningCodeServer): string {
  const logsDir = path.join(server.runDir, "user-data", "logs");
  if (!fs.existsSync(logsDir)) return "";
  const files = fs
    .readdirSync(logsDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(path.join("cachewise.cachewise", "Cachewise.log")));
  return files.map((file) => fs.readFileSync(path.join(logsDir, file), "utf8")).join("\n");
}

function countExtensionClients(port: number): number {
  return countMatches(redisCli(port, "CLIENT", "LIST"), new RegExp(`name=${CLIENT_NAME}\\b`, "g"));
}

function countMatches(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

function redisCli(port: number, ...args: string[]): string {
  const result = spawnSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8", timeout: 10_000 });
  return result.stdout;
}

interface MonitoredCommand {
  /** `ip:port` of the client, or `lua` for commands run by a script. */
  client: string;
  args: string[];
  line: string;
}

interface RedisMonitor {
  file: string;
  read(): MonitoredCommand[];
  /** Ends redis-cli by its PID; it also ends by itself when the server stops. */
  stop(): void;
}

async function startMonitor(port: number, file: string): Promise<RedisMonitor> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.openSync(file, "w");
  const child: ChildProcess = spawn("redis-cli", ["-p", String(port), "MONITOR"], { stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", kill);
  await waitUntil(() => fs.readFileSync(file, "utf8").startsWith("OK"), "MONITOR to start", 10_000);
  return {
    file,
    read: () => parseMonitorLog(fs.readFileSync(file, "utf8")),
    stop: kill,
  };
}

/** Lines like `1764170000.123456 [0 127.0.0.1:51234] "SCAN" "0" "COUNT" "100"` (Lua: `[0 lua]`). */
function parseMonitorLog(text: string): MonitoredCommand[] {
  const commands: MonitoredCommand[] = [];
  for (const line of text.split("\n")) {
    const match = /^\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
    if (!match) continue;
    const args = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
    commands.push({ client: match[1]!, args, line });
  }
  return commands;
}

function isWriteCommand(args: string[]): boolean {
  const command = args[0]?.toLowerCase() ?? "";
  if (WRITE_COMMANDS.has(command)) return true;
  return WRITE_SUBCOMMANDS[command]?.has(args[1]?.toLowerCase() ?? "") ?? false;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Hovers `get` in getUser's `await redis.get(userKey(id))` until `hover` shows. The call also carries a diagnostic
 * (require-cache-fallback), so the editor keeps other, hidden hover widgets in the page: `hover` must select the
 * visible one. A hover can be dropped while the editor re-renders the line (a CodeLens refresh), so it moves away and
 * hovers again, as a user would.
 */
async function hoverGetUserRead(page: Page, hover: Locator): Promise<void> {
  const line = page.locator(".monaco-editor .view-line", { hasText: "await redis.get(userKey(id))" });
  for (let attempt = 1; ; attempt++) {
    await line.locator("span span", { hasText: /^get$/ }).first().hover();
    try {
      await hover.first().waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.mouse.move(5, 5);
    }
  }
}

/**
 * One family's figures over the window, asked of Prometheus with the test's own queries: hit ratio, misses a second,
 * p99 latency and the share of verified reads that were stale. Fails when the family has errors or lacks a figure.
 */
async function expectedFigures(
  query: (promql: string) => Promise<Array<{ labels: Record<string, string>; value: number }>>,
  family: string,
): Promise<{ hitRatio: number; missesPerSecond: number; p99Seconds: number; staleReadRatio: number }> {
  const of = `cache_family=${JSON.stringify(family)}`;
  const byResult = new Map(
    (await query(`sum by (cache_result) (rate(cache_operations_total{${of}}[${WINDOW}]))`)).map((s) => [
      s.labels.cache_result,
      s.value,
    ]),
  );
  const [hits, misses] = [byResult.get("hit"), byResult.get("miss")];
  assert.ok(hits !== undefined && misses !== undefined, `hits and misses of ${family}: ${[...byResult]}`);
  assert.equal(byResult.get("error"), undefined, `${family} has errors`);
  const one = async (promql: string) => {
    const result = await query(promql);
    assert.equal(result.length, 1, `${promql}: ${JSON.stringify(result)}`);
    return result[0]!.value;
  };
  const p99Seconds = await one(
    `histogram_quantile(0.99, sum by (le) (rate(cache_operation_duration_bucket{${of}}[${WINDOW}])))`,
  );
  const stale = await one(`sum(rate(cache_stale_reads_total{${of}}[${WINDOW}]))`);
  const verified = await one(`sum(rate(cache_verified_reads_total{${of}}[${WINDOW}]))`);
  assert.ok(stale > 0 && verified > 0, `stale ${stale} of verified ${verified}`);
  return { hitRatio: hits / (hits + misses), missesPerSecond: misses, p99Seconds, staleReadRatio: stale / verified };
}

async function waitUntilAsync(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The labels of a tree view's top-level rows in the order shown (list rows are positioned, not in DOM order; a family
 * revealed earlier is expanded, its call sites are rows of level 2).
 */
async function familyLabels(rows: Locator): Promise<string[]> {
  const entries = await rows.and(rows.page().locator('[aria-level="1"]')).evaluateAll((elements) =>
    elements.map((element) => {
      const row = element as unknown as {
        getAttribute(name: string): string | null;
        querySelector(selector: string): { textContent: string | null } | null;
      };
      return [Number(row.getAttribute("data-index")), row.querySelector(".label-name")?.textContent ?? ""] as const;
    }),
  );
  return [...entries].sort(([a], [b]) => a - b).map(([, label]) => label);
}
