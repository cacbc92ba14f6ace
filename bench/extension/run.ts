// Extension benchmark: the editor-side costs, measured in one run on the generated 100k-line project.
//   1. Re-analysis after one saved file (the analysis process the extension runs, over IPC), against
//      the full analysis of the same session as the baseline: median and p95 over many saves, for
//      leaf files and for a module many files import.
//   2. CodeLens work from the latest profile: `provideCodeLenses` (ranges from the snapshot) and
//      `resolveCodeLens` (the title from the profile's figures), for every file of the project.
// Prints a table; asserts nothing (targets: one saved file ≤ 300 ms, a CodeLens resolve ≤ 50 ms).
//
// Usage: npm run build && node --import tsx bench/extension/run.ts [--lines 100000] [--saves 20]
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { TTL_HISTOGRAM_LABELS } from "../../analyzer/src/keyspace/aggregate";
import type { GroupStats, KeyspaceProfile } from "../../analyzer/src/keyspace/keyspace-model";
import type { AnalysisRequest, AnalysisResponse } from "../../analyzer/src/model/analysis-protocol";
import type { WorkspaceSnapshot } from "../../analyzer/src/model/workspace-snapshot";
import { collectFigures, formatLensTitle } from "../../extension/src/stats/family-figures";
// @ts-expect-error -- a plain .mjs module without declarations
import { generateProject } from "../analyzer/generate-project.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..", "..");
const { values: args } = parseArgs({
  options: { lines: { type: "string", default: "100000" }, saves: { type: "string", default: "20" } },
});
const LINES = Number(args.lines);
const SAVES = Number(args.saves);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const server = path.join(REPO_ROOT, "dist", "analysis-server.cjs");
if (!fs.existsSync(server)) {
  console.error("dist/analysis-server.cjs is missing: run `npm run build` first");
  process.exit(2);
}
// A fresh copy: the benchmark edits files.
const dir = path.join(REPO_ROOT, "bench", ".generated", `extension-${LINES}`);
fs.rmSync(dir, { recursive: true, force: true });
generateProject({ lines: LINES, out: dir });
const files = fs
  .readdirSync(path.join(dir, "src"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => path.join(dir, "src", f))
  .sort();

const child = fork(server, [], {
  execArgv: ["--max-old-space-size=3072"],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
let nextId = 1;
const pending = new Map<number, (response: AnalysisResponse) => void>();
child.on("message", (message) => {
  const response = message as AnalysisResponse;
  pending.get(response.id)?.(response);
  pending.delete(response.id);
});
function request(
  body:
    | Omit<Extract<AnalysisRequest, { method: "analyzeAll" }>, "id">
    | Omit<Extract<AnalysisRequest, { method: "update" }>, "id">,
): Promise<{ snapshot: WorkspaceSnapshot; ms: number }> {
  const id = nextId++;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    pending.set(id, (response) =>
      response.snapshot
        ? resolve({ snapshot: response.snapshot, ms: performance.now() - started })
        : reject(new Error(response.error ?? "no snapshot")),
    );
    child.send({ ...body, id });
  });
}

const full = await request({ method: "analyzeAll", root: dir });
console.log(
  `project: ${dir} (${LINES} lines requested, ${full.snapshot.totalFiles} files analysed), ${full.snapshot.findings.length} findings, ${full.snapshot.families.length} families, ${full.snapshot.sites.length} cache sites`,
);

// The most imported module, to show the cost of re-extracting importers.
const importCounts = new Map<string, number>();
for (const file of files) {
  for (const match of fs.readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g)) {
    const target = path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, ".ts"));
    importCounts.set(target, (importCounts.get(target) ?? 0) + 1);
  }
}
const [hub, hubImporters] = [...importCounts].sort((a, b) => b[1] - a[1])[0] ?? [files[0]!, 0];

async function measureSaves(targets: string[]): Promise<{ ms: number[]; extracted: number[] }> {
  const ms: number[] = [];
  const extracted: number[] = [];
  for (const [i, file] of targets.entries()) {
    fs.appendFileSync(file, `\n// saved ${i}\n`);
    const result = await request({ method: "update", root: dir, files: [file] });
    ms.push(result.ms);
    extracted.push(result.snapshot.analysedFiles);
  }
  return { ms, extracted };
}
// Files few others import (what most saves touch): spread over the project.
const leastImported = [...files]
  .sort((a, b) => (importCounts.get(a) ?? 0) - (importCounts.get(b) ?? 0) || a.localeCompare(b))
  .slice(0, Math.max(SAVES, Math.floor(files.length / 4)));
const step = Math.max(1, Math.floor(leastImported.length / SAVES));
const leafTargets = leastImported.filter((_, i) => i % step === 0).slice(0, SAVES);
const leaves = await measureSaves(leafTargets);
const hubs = await measureSaves(Array.from({ length: Math.min(5, SAVES) }, () => hub));

// CodeLens: ranges per file from the snapshot, titles from a profile that has figures for every family.
const snapshot = full.snapshot;
const stats = (keys: number): GroupStats => ({
  keys,
  types: { string: keys },
  ttlHistogram: TTL_HISTOGRAM_LABELS.map(() => Math.floor(keys / TTL_HISTOGRAM_LABELS.length)),
  keysWithoutTtl: Math.floor(keys / 10),
  ttlP50Ms: 300_000,
  memory: { totalBytes: keys * 120, averageBytes: 120, keysMeasured: keys },
  largestKeys: [],
  idle: undefined,
  frequency: undefined,
  sampleKeys: [],
});
const profile = {
  connection: "bench",
  startedAt: new Date(),
  durationMs: 0,
  complete: true,
  vanished: 0,
  notPermitted: 0,
  keysAtStart: 0,
  accessMetric: "idle",
  nodes: [],
  permissions: { memory: "granted", idle: "granted", info: "granted", script: "granted" },
  notices: [],
  total: stats(1_000_000),
  families: snapshot.families.map((family, i) => ({ family: family.id, stats: stats(1000 + i) })),
  namespaces: { segment: "", path: "", isPattern: false, stats: stats(1_000_000), children: [] },
} as KeyspaceProfile;
const figuresStarted = performance.now();
const figures = collectFigures(profile, undefined, TTL_HISTOGRAM_LABELS);
const figuresMs = performance.now() - figuresStarted;
const families = new Map(snapshot.families.map((f) => [f.id, f]));
const provideMs: number[] = [];
const resolveMs: number[] = [];
for (const file of new Set(snapshot.sites.map((s) => s.file))) {
  const started = performance.now();
  const lenses = snapshot.sites
    .filter((s) => s.file === file)
    .flatMap((s) => s.familyIds.map((id) => families.get(id)).filter((f) => f !== undefined));
  provideMs.push(performance.now() - started);
  for (const family of lenses) {
    const resolveStarted = performance.now();
    formatLensTitle(family, figures.get(family.id), "connected");
    resolveMs.push(performance.now() - resolveStarted);
  }
}
child.kill();

const row = (name: string, values: number[], extra = "") =>
  `${name.padEnd(44)} ${quantile(values, 0.5).toFixed(1).padStart(9)} ms ${quantile(values, 0.95).toFixed(1).padStart(9)} ms ${extra}`;
console.log("");
console.log(`${"".padEnd(44)} ${"median".padStart(12)} ${"p95".padStart(12)}`);
console.log(`${"full analysis (baseline)".padEnd(44)} ${full.ms.toFixed(0).padStart(9)} ms`);
console.log(
  row(
    `save of a file (${leaves.ms.length} saves, ≤${Math.max(...leafTargets.map((f) => importCounts.get(f) ?? 0))} importers)`,
    leaves.ms,
    `re-extracted ${quantile(leaves.extracted, 0.5)} file(s); ${(quantile(leaves.ms, 0.5) / full.ms).toFixed(3)}× the full analysis`,
  ),
);
console.log(
  row(
    `save of the most imported module (${hubImporters} importers)`,
    hubs.ms,
    `re-extracted ${quantile(hubs.extracted, 0.5)} files; ${(quantile(hubs.ms, 0.5) / full.ms).toFixed(3)}× the full analysis`,
  ),
);
console.log(row(`provideCodeLenses, per file (${provideMs.length} files)`, provideMs));
console.log(
  row(
    `resolveCodeLens, per lens (${resolveMs.length} lenses)`,
    resolveMs,
    `p99 ${quantile(resolveMs, 0.99).toFixed(3)} ms`,
  ),
);
console.log(`${"figures from a profile (once per profile)".padEnd(44)} ${figuresMs.toFixed(1).padStart(9)} ms`);
console.log("");
console.log(
  `targets: one saved file ≤ 300 ms (median here ${quantile(leaves.ms, 0.5).toFixed(0)} ms); a CodeLens resolve ≤ 50 ms (p99 here ${quantile(resolveMs, 0.99).toFixed(3)} ms)`,
);
