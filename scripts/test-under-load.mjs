// Runs the README's test command several times in a row while busy loops keep the machine's cores occupied, to show
// that the suite holds on a busy CI machine (issue 15). Each busy loop is a child process that spins until the end.
// The 1-minute load average is sampled every 30 s; the summary gives, per run, the result, the test counts from the
// spec reporter's totals, the duration and the load (min/median/max). Stops at the first failing run.
//
//   node scripts/test-under-load.mjs [--runs 3] [--busy-loops 2] [--log-dir test-output/under-load]
//
// Exit code: 0 when every run passed, 1 when one failed (its log is kept in the log folder).
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "busy-loops": { type: "string", default: "2" },
    "log-dir": { type: "string", default: "test-output/under-load" },
  },
});
const runs = positiveInteger(values.runs, "--runs");
const busyLoops = nonNegativeInteger(values["busy-loops"], "--busy-loops");
const logDir = values["log-dir"];
mkdirSync(logDir, { recursive: true });

function positiveInteger(text, name) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return value;
}
function nonNegativeInteger(text, name) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be 0 or a positive integer, got ${text}`);
  return value;
}

const loops = Array.from({ length: busyLoops }, () =>
  spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
);
const stopLoops = () => {
  for (const loop of loops) loop.kill("SIGKILL");
};
process.on("exit", stopLoops);
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    stopLoops();
    process.exit(130);
  });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

function runOnce(index) {
  return new Promise((resolve) => {
    const log = join(logDir, `run-${index}.log`);
    const out = createWriteStream(log);
    const loads = [loadavg()[0]];
    const sampler = setInterval(() => loads.push(loadavg()[0]), 30_000);
    const started = Date.now();
    const child = spawn("npm", ["test"], { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk) => {
      out.write(chunk);
      tail = (tail + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (code) => {
      clearInterval(sampler);
      loads.push(loadavg()[0]);
      out.end();
      // The spec reporter ends with "ℹ tests N", "ℹ pass N", "ℹ fail N".
      const count = (name) => Number(new RegExp(`\\u2139 ${name} (\\d+)`).exec(tail)?.[1] ?? NaN);
      resolve({
        index,
        code,
        log,
        seconds: Math.round((Date.now() - started) / 1000),
        tests: count("tests"),
        pass: count("pass"),
        fail: count("fail"),
        load: { min: Math.min(...loads), median: median(loads), max: Math.max(...loads) },
      });
    });
  });
}

console.log(`npm test × ${runs}, with ${busyLoops} busy loop(s); logs in ${logDir}`);
let failed = false;
for (let index = 1; index <= runs && !failed; index++) {
  const result = await runOnce(index);
  const load = `load ${result.load.min.toFixed(1)}–${result.load.max.toFixed(1)} (median ${result.load.median.toFixed(1)})`;
  console.log(
    `run ${index}: exit ${result.code}, ${result.tests} tests, ${result.pass} pass, ${result.fail} fail, ` +
      `${result.seconds} s, ${load}`,
  );
  failed = result.code !== 0;
  if (failed) console.log(`run ${index} failed: see ${result.log}`);
}
stopLoops();
process.exit(failed ? 1 : 0);
