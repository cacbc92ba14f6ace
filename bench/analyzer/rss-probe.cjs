"use strict";
// Preloaded into every benchmarked Node process via
//   NODE_OPTIONS="--require <abs path>/bench/analyzer/rss-probe.cjs"
// On exit it appends "<pid> <maxRSS KiB> <user CPU µs> <system CPU µs>" to the file named by
// CACHEWISE_BENCH_RSS_FILE.
// process.resourceUsage().maxRSS is ru_maxrss (KiB on Linux). Child processes inherit
// NODE_OPTIONS, so several lines may appear; the runner picks the line of the pid it spawned.
const target = process.env.CACHEWISE_BENCH_RSS_FILE;
let isMainThread = true;
try {
  isMainThread = require("node:worker_threads").isMainThread;
} catch {
  // worker_threads unavailable: assume main thread
}
if (target && isMainThread) {
  process.on("exit", () => {
    try {
      const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
      require("node:fs").appendFileSync(target, `${process.pid} ${maxRSS} ${userCPUTime} ${systemCPUTime}\n`);
    } catch {
      // never let the probe change the measured process's exit status
    }
  });
}
