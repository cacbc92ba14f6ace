// The many-families variant of the analyzer benchmark (`node bench/analyzer/run.mjs --families`): how
// `cachewise check` grows with the number of cache families. Measures, in one run and round-robin:
//   families-0          the same project without families: the fixed cost (Node, TypeScript, the lib files)
//   families-100        100 families in 100 files: the baseline
//   families-<N>        N families in N files (default 10,000)
//   one-file-<W>-<F>    W writes of F families in one file (default 65,000 writes, 6,500 families)
// and prints the time per family (and per write) of each against the baseline's: the wall time less the fixed
// cost, divided by the number of families (or writes). Linear growth keeps the ratio near 1; the target is 2.
// The same is printed for CPU time (user + system of the measured process), which other work on a busy machine
// disturbs less than wall time.
// Nothing is asserted on time (a benchmark reports): the exit status is 1 only when a command failed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { FAMILIES_MARKER, familiesGeneratorHash, generateFamilies } from "./generate-families.mjs";

export const FAMILIES_TARGET = 2;

/**
 * @param {object} options
 * @param {string} options.repoRoot
 * @param {string} options.cliPath        the cachewise CLI to measure (`--cli`, default dist/cli.js)
 * @param {number} options.runs
 * @param {string} options.label        names the results: bench/.results/analyzer-<label>.json and logs-<label>/
 * @param {number} options.maxFamilies
 * @param {number} options.oneFileWrites
 * @param {number} options.oneFileFamilies
 * @param {Function} options.runOnce      run.mjs's measurement of one command (wall time, peak RSS)
 * @param {Function} options.median
 * @param {Function} options.log
 * @param {object} options.gitInfo
 */
export async function runFamiliesBenchmark(options) {
  const { repoRoot, cliPath, runs, runOnce, median, log } = options;
  if (!existsSync(cliPath)) {
    log(`${cliPath} not found (run npm run build)`);
    return 1;
  }
  const generated = join(repoRoot, "bench", ".generated");
  const projects = [
    { id: "families-0", shape: "files", families: 0, role: "fixed cost" },
    { id: "families-100", shape: "files", families: 100, role: "baseline" },
    { id: `families-${options.maxFamilies}`, shape: "files", families: options.maxFamilies },
    {
      id: `one-file-${options.oneFileWrites}-${options.oneFileFamilies}`,
      shape: "one-file",
      families: options.oneFileFamilies,
      writes: options.oneFileWrites,
    },
  ].map((project) => ({ ...project, ...ensureProject(join(generated, project.id), project, log) }));

  const resultsDir = join(repoRoot, "bench", ".results");
  const logDir = join(resultsDir, `logs-${options.label}`);
  mkdirSync(logDir, { recursive: true });
  const tools = projects.map((project) => ({
    id: project.id,
    label: project.id,
    args: [
      cliPath,
      "check",
      "--project",
      join(project.dir, "tsconfig.json"),
      "--config",
      join(project.dir, "cachewise.config.json"),
      "--format",
      "json",
    ],
    cwd: project.dir,
    okCodes: [0, 1],
  }));
  const results = new Map(tools.map((tool) => [tool.id, []]));
  const failed = new Set();
  for (let run = 0; run < runs; run++) {
    for (const tool of tools) {
      if (failed.has(tool.id)) continue;
      const r = await runOnce(tool, run, logDir);
      results.get(tool.id).push(r);
      const rss = r.maxRssKiB === null ? "?" : `${(r.maxRssKiB / 1024).toFixed(0)} MiB`;
      log(
        `[run ${run + 1}/${runs}] ${tool.label.padEnd(24)} ${(r.wallMs / 1000).toFixed(2).padStart(8)} s  ${rss.padStart(9)}  exit ${r.exitCode ?? r.signal}`,
      );
      if (!r.ok) {
        failed.add(tool.id);
        log(`  ${tool.label} FAILED (exit ${r.exitCode}, signal ${r.signal}); output tail:\n${r.outputTail ?? ""}`);
      }
    }
  }

  const rows = projects.map((project) => {
    const good = results.get(project.id).filter((r) => r.ok);
    const rss = good.map((r) => r.maxRssKiB).filter((v) => v !== null);
    return {
      ...project,
      status: failed.has(project.id) ? "failed" : "ok",
      runs: results.get(project.id).map(({ stdoutPath, ...rest }) => rest),
      medianWallMs: good.length > 0 && !failed.has(project.id) ? median(good.map((r) => r.wallMs)) : null,
      medianCpuMs:
        good.length > 0 && !failed.has(project.id) && good.every((r) => r.cpuMs !== null)
          ? median(good.map((r) => r.cpuMs))
          : null,
      maxRssKiB: rss.length > 0 ? Math.max(...rss) : null,
      findings: countFindings(good.at(-1)?.stdoutPath),
    };
  });
  const baseline = rows[1];
  // (time - the fixed cost) / families or writes, for a time field (medianWallMs, medianCpuMs).
  const perUnit = (row, time, unit) =>
    row[time] === null || rows[0][time] === null || row[unit] === 0 ? null : (row[time] - rows[0][time]) / row[unit];
  for (const row of rows) {
    row.msPerFamily = perUnit(row, "medianWallMs", "families");
    row.msPerWrite = perUnit(row, "medianWallMs", "writes");
    row.cpuMsPerFamily = perUnit(row, "medianCpuMs", "families");
    row.cpuMsPerWrite = perUnit(row, "medianCpuMs", "writes");
  }
  for (const row of rows) {
    row.ratioPerFamily = ratio(row.msPerFamily, baseline.msPerFamily);
    row.ratioPerWrite = ratio(row.msPerWrite, baseline.msPerWrite);
    row.cpuRatioPerFamily = ratio(row.cpuMsPerFamily, baseline.cpuMsPerFamily);
    row.cpuRatioPerWrite = ratio(row.cpuMsPerWrite, baseline.cpuMsPerWrite);
  }
  printFamiliesReport(rows, runs, cliPath);

  const report = {
    benchmark: "cachewise-analyzer-families",
    createdAt: new Date().toISOString(),
    cli: cliPath,
    runsPerCommand: runs,
    order: "round-robin, interleaved",
    definition:
      "time per family (write) = (median wall or CPU time - that of families-0) / families (writes); ratio = that / the same for families-100",
    target: { ratioPerFamily: FAMILIES_TARGET },
    machine: {
      node: process.version,
      platform: `${process.platform} ${os.release()} ${process.arch}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
      loadAverage: os.loadavg(),
    },
    git: options.gitInfo,
    projects: rows,
    failed: [...failed],
  };
  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, `analyzer-${options.label}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults written to ${jsonPath}`);
  return failed.size > 0 ? 1 : 0;
}

/** The project under `dir`, generated again when missing, made by another generator version, or of another size. */
function ensureProject(dir, { shape, families, writes }, log) {
  let meta = null;
  try {
    meta = JSON.parse(readFileSync(join(dir, FAMILIES_MARKER), "utf8"));
  } catch {
    // not generated yet
  }
  const fresh =
    meta &&
    meta.generatorHash === familiesGeneratorHash() &&
    meta.shape === shape &&
    meta.families === families &&
    (shape === "files" || meta.writes === writes);
  if (fresh) return { dir, writes: meta.writes, files: meta.files };
  log(meta ? `project ${dir} is stale, regenerating` : `generating ${dir}`);
  const generated = generateFamilies({ shape, families, writes, out: dir, quiet: true });
  return { dir, writes: generated.meta.writes, files: generated.meta.files };
}

function ratio(value, base) {
  return value === null || base === null || base <= 0 ? null : value / base;
}

/** Findings in the last run's ESLint-shaped JSON (best effort). */
function countFindings(stdoutPath) {
  try {
    const data = JSON.parse(readFileSync(stdoutPath, "utf8"));
    return data.reduce((sum, file) => sum + file.messages.filter((m) => m.ruleId).length, 0);
  } catch {
    return null;
  }
}

function printFamiliesReport(rows, runs, cliPath) {
  const ms = (v) => (v === null ? "-" : `${v.toFixed(2)} ms`);
  const x = (v) => (v === null ? "-" : `${v.toFixed(2)}×`);
  const s = (v) => (v === null ? "-" : `${(v / 1000).toFixed(2)} s`);
  const table = [
    [
      "project",
      "families",
      "writes",
      "files",
      "findings",
      "peak RSS",
      "wall",
      "per family",
      "vs 100",
      "per write",
      "vs 100",
      "CPU",
      "per family",
      "vs 100",
      "per write",
      "vs 100",
    ],
    ...rows.map((row) => [
      row.role ? `${row.id} (${row.role})` : row.id,
      String(row.families),
      String(row.writes),
      String(row.files),
      row.findings === null ? "-" : String(row.findings),
      row.maxRssKiB === null ? "-" : `${(row.maxRssKiB / 1024).toFixed(0)} MiB`,
      s(row.medianWallMs),
      ms(row.msPerFamily),
      x(row.ratioPerFamily),
      ms(row.msPerWrite),
      x(row.ratioPerWrite),
      s(row.medianCpuMs),
      ms(row.cpuMsPerFamily),
      x(row.cpuRatioPerFamily),
      ms(row.cpuMsPerWrite),
      x(row.cpuRatioPerWrite),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const fmt = (r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(`\ncachewise analyzer benchmark, many families (${cliPath})`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${runs} run(s) per project, round-robin\n`);
  console.log(fmt(table[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of table.slice(1)) console.log(fmt(r));
  console.log(
    "\nwall and CPU are medians; per family (write): (time - families-0's) / families (writes); vs 100: against families-100 in this run",
  );
  for (const [kind, field] of [
    ["wall", "msPerFamily"],
    ["CPU", "cpuMsPerFamily"],
  ]) {
    if (rows[1][field] !== null && rows[1][field] <= 0)
      console.log(
        `note: families-100's ${kind} time is not above families-0's: other work on the machine swamped it, no ${kind} ratio`,
      );
  }
  for (const row of rows.slice(2)) {
    for (const [kind, value] of [
      ["wall", row.ratioPerFamily],
      ["CPU", row.cpuRatioPerFamily],
    ]) {
      const verdict = value === null ? "n/a" : value <= FAMILIES_TARGET ? "PASS" : "FAIL";
      console.log(
        `${`${row.id}: ${kind} time per family / families-100's`.padEnd(60)} ${x(value).padStart(9)}  (target <= ${FAMILIES_TARGET.toFixed(2)})  ${verdict}`,
      );
    }
  }
}
