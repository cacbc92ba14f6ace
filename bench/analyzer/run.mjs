#!/usr/bin/env node
// Analyzer benchmark: measures, on one generated project and in one run,
//   1. tsc --noEmit                      (reference for the cachewise CLI)
//   2. cachewise check --format json     (dist/cli.js)
//   3. eslint, typed baseline            (typescript-eslint recommendedTypeChecked)
//   4. eslint, typed baseline + cachewise/eslint-plugin recommended
// Each command runs --runs times, interleaved round-robin. Reports the median wall
// time and the maximum peak RSS per command, then the target ratios. Writes the same
// data to bench/.results/analyzer-<lines>.json.
//
// Exit status: 0 when every command ran (even if a target is missed; a benchmark
// reports, it does not assert), 1 when a command itself failed, 2 on bad usage.
//
// Usage: node bench/analyzer/run.mjs [--lines 100000] [--runs 3] [--project DIR]
//        node bench/analyzer/run.mjs --families [--runs 3] [--max-families 10000] [--one-file-writes 65000]
//                                    [--one-file-families 6500] [--cli dist/cli.js] [--label families]
// --families measures how `cachewise check` grows with the number of cache families instead (see families.mjs).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { generateProject, generatorHash, GENERATOR_VERSION, PROJECT_MARKER } from "./generate-project.mjs";
import { runFamiliesBenchmark } from "./families.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..");
const PROBE = join(HERE, "rss-probe.cjs");
const RESULTS_DIR = join(REPO_ROOT, "bench", ".results");
const ESLINT_HEAP_MB = 4096;

const TARGETS = {
  cachewiseVsTscWall: 0.8,
  cachewiseVsTscRss: 1.0,
  eslintPluginOverhead: 0.15,
};

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

const { values: args } = parseArgs({
  options: {
    lines: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    project: { type: "string" },
    families: { type: "boolean", default: false },
    "max-families": { type: "string", default: "10000" },
    "one-file-writes": { type: "string", default: "65000" },
    "one-file-families": { type: "string", default: "6500" },
    cli: { type: "string" },
    label: { type: "string", default: "families" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(`usage: node bench/analyzer/run.mjs [--lines 100000] [--runs 3] [--project DIR]
       node bench/analyzer/run.mjs --families [--runs 3] [--max-families 10000] [--one-file-writes 65000] [--one-file-families 6500] [--cli dist/cli.js] [--label families]`);
  process.exit(0);
}
const LINES = Number.parseInt(args.lines, 10);
const RUNS = Number.parseInt(args.runs, 10);
if (!Number.isInteger(LINES) || LINES < 5_000 || !Number.isInteger(RUNS) || RUNS < 1) {
  console.error("--lines must be an integer >= 5000 and --runs an integer >= 1");
  process.exit(2);
}

// Results are named after the line count, or after the directory given with --project.
const RESULT_NAME = args.project ? basename(resolve(args.project)) : String(LINES);

// ---------------------------------------------------------------------------
// Project
// ---------------------------------------------------------------------------

function ensureProject() {
  if (args.project) {
    const dir = resolve(args.project);
    if (!existsSync(join(dir, "tsconfig.json"))) {
      console.error(`--project ${dir} has no tsconfig.json`);
      process.exit(2);
    }
    return { dir, meta: readMeta(dir) };
  }
  const dir = join(REPO_ROOT, "bench", ".generated", `project-${LINES}`);
  const meta = readMeta(dir);
  const fresh =
    meta &&
    meta.generatorVersion === GENERATOR_VERSION &&
    meta.generatorHash === generatorHash() &&
    meta.requestedLines === LINES &&
    existsSync(join(dir, "tsconfig.json"));
  if (fresh) {
    return { dir, meta };
  }
  log(meta ? `project ${dir} is stale, regenerating` : `generating ${dir}`);
  const generated = generateProject({ lines: LINES, out: dir });
  return { dir: generated.outDir, meta: generated.meta };
}

function readMeta(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, PROJECT_MARKER), "utf8"));
  } catch {
    return null;
  }
}

function writeEslintConfigs(projectDir) {
  const pluginPath = join(REPO_ROOT, "dist", "eslint-plugin.js");
  const common = (extendsList) => `export default defineConfig({
  files: ["**/*.ts"],
  extends: [${extendsList}],
  languageOptions: {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: ${JSON.stringify(projectDir)},
    },
  },
});
`;
  const baseline = join(projectDir, "eslint.baseline.config.mjs");
  writeFileSync(
    baseline,
    `// Generated by bench/analyzer/run.mjs: typed ESLint baseline.
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

${common("tseslint.configs.recommendedTypeChecked")}`,
  );
  const withPlugin = join(projectDir, "eslint.cachewise.config.mjs");
  writeFileSync(
    withPlugin,
    `// Generated by bench/analyzer/run.mjs: typed ESLint baseline + cachewise rules.
// The plugin is imported by absolute file URL: the generated project is not a dependent
// of the cachewise package, so "cachewise/eslint-plugin" would not resolve from here.
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";
import cachewise from ${JSON.stringify(pathToFileURL(pluginPath).href)};

const recommended = cachewise?.configs?.recommended;
if (!recommended) {
  throw new Error("cachewise/eslint-plugin does not export configs.recommended");
}

${common("tseslint.configs.recommendedTypeChecked, recommended")}`,
  );
  return { baseline, withPlugin, pluginPath };
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

function log(message) {
  process.stderr.write(`${message}\n`);
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[mid];
}

function nodeOptionsFor(tool) {
  const probe = /\s/.test(PROBE) ? `"${PROBE}"` : PROBE;
  const parts = [`--require ${probe}`];
  if (tool.heapMb) parts.push(`--max-old-space-size=${tool.heapMb}`);
  return parts.join(" ");
}

function runOnce(tool, runIndex, logDir) {
  return new Promise((resolvePromise) => {
    const rssFile = join(os.tmpdir(), `cachewise-bench-${process.pid}-${tool.id}-${runIndex}.rss`);
    rmSync(rssFile, { force: true });
    const stdoutPath = join(logDir, `${tool.id}.stdout`);
    const out = openSync(stdoutPath, "w");
    const env = { ...process.env, NODE_OPTIONS: nodeOptionsFor(tool), CACHEWISE_BENCH_RSS_FILE: rssFile };
    let stderr = "";
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, tool.args, { cwd: tool.cwd, env, stdio: ["ignore", out, "pipe"] });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      stderr = (stderr + chunk).slice(-16_384);
    });
    const finish = (code, signal, spawnError) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      closeSync(out);
      let maxRssKiB = null;
      // CPU time (user + system) of the spawned process itself: steadier than wall time on a busy machine.
      let cpuMs = null;
      try {
        const lines = readFileSync(rssFile, "utf8").trim().split("\n").filter(Boolean);
        const rows = lines.map((line) => line.split(" ").map(Number));
        const own = rows.find(([pid]) => pid === child.pid);
        maxRssKiB = own ? own[1] : Math.max(...rows.map(([, kib]) => kib));
        if (own && own.length >= 4) cpuMs = (own[2] + own[3]) / 1000;
      } catch {
        // no probe output: the process died before its exit handlers ran
      }
      rmSync(rssFile, { force: true });
      writeFileSync(join(logDir, `${tool.id}.stderr`), stderr);
      const ok = !spawnError && signal === null && tool.okCodes.includes(code);
      let outputTail;
      if (!ok) {
        // tsc reports diagnostics on stdout, so show both streams.
        let stdoutText = "";
        try {
          stdoutText = readFileSync(stdoutPath, "utf8");
        } catch {
          // ignore
        }
        outputTail = [stderr.slice(-3_000), stdoutText.slice(-3_000)]
          .filter((t) => t.trim().length > 0)
          .join("\n--- stdout ---\n");
      }
      resolvePromise({
        run: runIndex + 1,
        wallMs,
        cpuMs,
        maxRssKiB,
        exitCode: code,
        signal,
        ok,
        outputTail,
        stdoutPath,
      });
    };
    let done = false;
    child.on("error", (error) => {
      if (!done) {
        done = true;
        stderr += String(error);
        finish(null, null, error);
      }
    });
    child.on("close", (code, signal) => {
      if (!done) {
        done = true;
        finish(code, signal, null);
      }
    });
  });
}

// Optional, best-effort interpretation of the last run's output. ESLint's JSON formatter
// and `cachewise check --format json` both print ESLint's JSON shape (an array of
// per-file results with `messages`).
function describeOutput(tool, stdoutPath) {
  let text;
  try {
    text = readFileSync(stdoutPath, "utf8");
  } catch {
    return undefined;
  }
  if (text.length === 0) return undefined;
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { stdoutBytes: text.length };
  }
  if (Array.isArray(data) && data.every((file) => file && Array.isArray(file.messages))) {
    let errors = 0;
    let warnings = 0;
    let cachewise = 0;
    const byRule = {};
    for (const file of data) {
      for (const message of file.messages) {
        if (message.severity === 2) errors++;
        else warnings++;
        const rule = message.ruleId ?? "(fatal)";
        byRule[rule] = (byRule[rule] ?? 0) + 1;
        if (rule.startsWith("cachewise/")) cachewise++;
      }
    }
    const out = {
      files: data.length,
      filesWithMessages: data.filter((f) => f.messages.length > 0).length,
      errors,
      warnings,
      byRule,
    };
    if (tool.id.startsWith("eslint")) out.cachewiseMessages = cachewise;
    else out.findings = errors + warnings;
    return out;
  }
  return { stdoutBytes: text.length };
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

async function main() {
  const { dir: projectDir, meta } = ensureProject();
  const tsconfig = join(projectDir, "tsconfig.json");
  const srcDir = join(projectDir, "src");
  const configs = writeEslintConfigs(projectDir);
  const cliPath = join(REPO_ROOT, "dist", "cli.js");
  const tscBin = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  const eslintBin = join(REPO_ROOT, "node_modules", "eslint", "bin", "eslint.js");

  const tools = [
    {
      id: "tsc",
      label: "tsc --noEmit",
      args: [tscBin, "--noEmit", "-p", tsconfig],
      cwd: REPO_ROOT,
      okCodes: [0],
    },
    {
      id: "cachewise",
      label: "cachewise check",
      args: [cliPath, "check", "--project", tsconfig, "--format", "json"],
      cwd: REPO_ROOT,
      okCodes: [0, 1],
      skip: existsSync(cliPath) ? null : `${cliPath} not found (run npm run build)`,
    },
    {
      id: "eslint",
      label: "eslint typed baseline",
      args: [eslintBin, "--config", configs.baseline, "--format", "json", srcDir],
      cwd: projectDir,
      okCodes: [0, 1],
      heapMb: ESLINT_HEAP_MB,
    },
    {
      id: "eslintCachewise",
      label: "eslint baseline + cachewise",
      args: [eslintBin, "--config", configs.withPlugin, "--format", "json", srcDir],
      cwd: projectDir,
      okCodes: [0, 1],
      heapMb: ESLINT_HEAP_MB,
      skip: existsSync(configs.pluginPath) ? null : `${configs.pluginPath} not found (run npm run build)`,
    },
  ];

  const logDir = join(RESULTS_DIR, `logs-${RESULT_NAME}`);
  mkdirSync(logDir, { recursive: true });
  log(`project: ${projectDir} (${meta?.lines ?? "?"} lines, ${meta?.files ?? "?"} files)`);
  for (const tool of tools) {
    if (tool.skip) log(`skipping ${tool.label}: ${tool.skip}`);
  }

  const results = new Map(tools.map((t) => [t.id, []]));
  const failed = new Set();
  for (let run = 0; run < RUNS; run++) {
    for (const tool of tools) {
      if (tool.skip || failed.has(tool.id)) continue;
      const r = await runOnce(tool, run, logDir);
      results.get(tool.id).push(r);
      const rss = r.maxRssKiB === null ? "?" : `${(r.maxRssKiB / 1024).toFixed(0)} MiB`;
      log(
        `[run ${run + 1}/${RUNS}] ${tool.label.padEnd(28)} ${(r.wallMs / 1000).toFixed(2).padStart(8)} s  ${rss.padStart(9)}  exit ${r.exitCode ?? r.signal}`,
      );
      if (!r.ok) {
        failed.add(tool.id);
        log(
          `  ${tool.label} FAILED (exit ${r.exitCode}, signal ${r.signal}); output tail:\n${indentText(r.outputTail ?? "", 4)}`,
        );
      }
    }
  }

  // Summaries
  const summary = {};
  for (const tool of tools) {
    const runs = results.get(tool.id);
    const good = runs.filter((r) => r.ok);
    const rssValues = good.map((r) => r.maxRssKiB).filter((v) => v !== null);
    summary[tool.id] = {
      label: tool.label,
      command: ["node", ...tool.args].join(" "),
      cwd: tool.cwd,
      status: tool.skip ? "skipped" : failed.has(tool.id) ? "failed" : "ok",
      skipReason: tool.skip ?? undefined,
      runs: runs.map(({ stdoutPath, ...rest }) => rest),
      medianWallMs: good.length > 0 && !failed.has(tool.id) ? round(median(good.map((r) => r.wallMs)), 1) : null,
      minWallMs: good.length > 0 ? round(Math.min(...good.map((r) => r.wallMs)), 1) : null,
      maxWallMs: good.length > 0 ? round(Math.max(...good.map((r) => r.wallMs)), 1) : null,
      maxRssKiB: rssValues.length > 0 && !failed.has(tool.id) ? Math.max(...rssValues) : null,
      output: good.length > 0 ? describeOutput(tool, good[good.length - 1].stdoutPath) : undefined,
    };
  }

  const s = (id) => summary[id];
  const ratio = (name, description, value, target, unit = "ratio") => ({
    name,
    description,
    value: value === null ? null : round(value, 4),
    target,
    unit,
    verdict: value === null ? "n/a" : value <= target ? "PASS" : "FAIL",
  });
  const div = (a, b) => (a === null || b === null || b === 0 ? null : a / b);
  const ratios = [
    ratio(
      "cachewiseVsTscWall",
      "cachewise check / tsc --noEmit (median wall)",
      div(s("cachewise").medianWallMs, s("tsc").medianWallMs),
      TARGETS.cachewiseVsTscWall,
    ),
    ratio(
      "cachewiseVsTscRss",
      "cachewise check / tsc --noEmit (peak RSS)",
      div(s("cachewise").maxRssKiB, s("tsc").maxRssKiB),
      TARGETS.cachewiseVsTscRss,
    ),
    ratio(
      "eslintPluginOverhead",
      "(eslint+cachewise - eslint) / eslint (median wall)",
      s("eslintCachewise").medianWallMs === null || s("eslint").medianWallMs === null
        ? null
        : (s("eslintCachewise").medianWallMs - s("eslint").medianWallMs) / s("eslint").medianWallMs,
      TARGETS.eslintPluginOverhead,
      "fraction",
    ),
  ];

  printReport(tools, summary, ratios, meta, projectDir);

  const report = {
    benchmark: "cachewise-analyzer",
    createdAt: new Date().toISOString(),
    lines: meta?.lines ?? null,
    runsPerCommand: RUNS,
    order: "round-robin, interleaved",
    project: { dir: projectDir, ...meta },
    machine: {
      node: process.version,
      platform: `${process.platform} ${os.release()} ${process.arch}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
    },
    git: gitInfo(),
    targets: TARGETS,
    tools: summary,
    ratios,
    failed: [...failed],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonPath = join(RESULTS_DIR, `analyzer-${RESULT_NAME}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults written to ${jsonPath}`);
  process.exitCode = failed.size > 0 ? 1 : 0;
}

function printReport(tools, summary, ratios, meta, projectDir) {
  const rows = [["command", "status", "runs", "median wall", "min..max wall", "peak RSS", "output"]];
  for (const tool of tools) {
    const t = summary[tool.id];
    const sec = (ms) => (ms === null ? "-" : `${(ms / 1000).toFixed(2)} s`);
    rows.push([
      t.label,
      t.status,
      String(t.runs.length),
      sec(t.medianWallMs),
      t.minWallMs === null ? "-" : `${(t.minWallMs / 1000).toFixed(2)}..${(t.maxWallMs / 1000).toFixed(2)} s`,
      t.maxRssKiB === null ? "-" : `${(t.maxRssKiB / 1024).toFixed(0)} MiB`,
      outputNote(t.output),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const fmt = (r) =>
    r.map((cell, c) => (c >= 2 && c <= 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
  console.log(
    `\ncachewise analyzer benchmark: ${meta?.lines ?? "?"} lines / ${meta?.files ?? "?"} files (${projectDir})`,
  );
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${RUNS} run(s) per command, round-robin\n`);
  console.log(fmt(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log(fmt(r));
  console.log("");
  for (const r of ratios) {
    const value =
      r.value === null ? "n/a" : r.unit === "fraction" ? `${(r.value * 100).toFixed(1)} %` : r.value.toFixed(3);
    const target = r.unit === "fraction" ? `<= ${(r.target * 100).toFixed(0)} %` : `<= ${r.target.toFixed(2)}`;
    console.log(`${r.description.padEnd(52)} ${value.padStart(9)}  (target ${target})  ${r.verdict}`);
  }
  for (const tool of tools) {
    const t = summary[tool.id];
    if (t.status === "skipped") console.log(`note: ${t.label} skipped: ${t.skipReason}`);
    if (t.status === "failed")
      console.log(`note: ${t.label} FAILED; see bench/.results/logs-${RESULT_NAME}/${tool.id}.stdout|stderr`);
  }
}

function outputNote(output) {
  if (!output) return "";
  if (output.findings !== undefined) return `${output.findings} findings`;
  if (output.errors !== undefined) {
    const cw = output.cachewiseMessages > 0 ? `, ${output.cachewiseMessages} cachewise/*` : "";
    return `${output.errors} errors, ${output.warnings} warnings${cw}`;
  }
  return "";
}

function gitInfo() {
  const run = (...a) => {
    const r = spawnSync("git", a, { cwd: REPO_ROOT, encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  return { commit: run("rev-parse", "HEAD"), dirty: (run("status", "--porcelain") ?? "").length > 0 };
}

function indentText(text, n) {
  return text
    .split("\n")
    .map((line) => " ".repeat(n) + line)
    .join("\n");
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function mainFamilies() {
  const numbers = ["max-families", "one-file-writes", "one-file-families"].map((name) =>
    Number.parseInt(args[name], 10),
  );
  if (numbers.some((n) => !Number.isInteger(n) || n < 1) || numbers[2] > numbers[1]) {
    console.error(
      "--max-families, --one-file-writes and --one-file-families must be integers >= 1, with no more families than writes",
    );
    process.exit(2);
  }
  const [maxFamilies, oneFileWrites, oneFileFamilies] = numbers;
  if (!/^[\w.-]+$/.test(args.label)) {
    console.error("--label must be letters, digits, '.', '-' or '_'");
    process.exit(2);
  }
  process.exitCode = await runFamiliesBenchmark({
    repoRoot: REPO_ROOT,
    cliPath: resolve(args.cli ?? join(REPO_ROOT, "dist", "cli.js")),
    runs: RUNS,
    label: args.label,
    maxFamilies,
    oneFileWrites,
    oneFileFamilies,
    runOnce,
    median,
    log,
    gitInfo: gitInfo(),
  });
}

(args.families ? mainFamilies() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
