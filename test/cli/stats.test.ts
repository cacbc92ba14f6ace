// `cachewise stats --prometheus <url>` against a real Prometheus server (Debian's `prometheus` package) that scrapes,
// every second, a metrics endpoint the test starts (its own process) with cachewise/runtime's metric names: counters that grow at
// fixed rates, so that the figures are known. Proves the per-family figures, "no data" for a family without
// operations (never zeros), absent figures where they cannot be computed, the keys of no family, families Prometheus
// has that the code does not, and escaping of labels from the code and from Prometheus.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  runStatsCaptured,
  startMetricsTarget,
  startPrometheus,
  type PrometheusProcess,
  type TargetSeries,
} from "../metrics/prometheus-harness";
import { writeProject } from "../helpers";
import { fetchHitRatioHistory } from "../../analyzer/src/metrics/family-stats";
import { parsePrometheusUrl } from "../../analyzer/src/metrics/prometheus-client";

const EVIL = "evil\u001b[31m:{id}";
const OTHER = 'other"\\{x}\n';

/** Per family: counters' rates per second (by result), and the verified and stale reads'. */
const RATES: Array<{ family: string; results: Record<string, number>; verified?: number; stale?: number }> = [
  // 10 hits, 5 misses, 0.5 errors and 2 writes a second: hit ratio 2/3, 0.5 / 17.5 of the operations failed.
  // Half a hit a second verified against the source, 0.02 stale: 4 % of them. (Its histogram is below.)
  { family: "user:{id}", results: { hit: 10, miss: 5, error: 0.5, ok: 2 }, verified: 0.5, stale: 0.02 },
  // Only misses, no histogram, not verified: hit ratio 0, p99 and stale reads absent.
  { family: "cart:{id}", results: { miss: 4 } },
  // Written only: no hit ratio.
  { family: EVIL, results: { ok: 3 } },
  // Verified, never stale: the counter of stale reads does not exist yet, the share is 0.
  { family: "unmatched", results: { hit: 1, miss: 1 }, verified: 1 },
  // Not in the code; a label PromQL and the exposition format must escape.
  { family: OTHER, results: { hit: 3, miss: 1 } },
];

const OPERATIONS = { name: "cache_operations_total", kind: "counter" } as const;
// The JavaScript exporter's name: no `_seconds` (the Collector's, with it, is read by the promtool test).
const DURATION = { name: "cache_operation_duration", kind: "histogram" } as const;
const VERIFIED = { name: "cache_verified_reads_total", kind: "counter" } as const;
const STALE = { name: "cache_stale_reads_total", kind: "counter" } as const;

function buildSeries(): TargetSeries[] {
  const series: TargetSeries[] = [];
  for (const { family, results, verified, stale } of RATES) {
    for (const [result, rate] of Object.entries(results))
      series.push({
        name: OPERATIONS.name,
        type: OPERATIONS,
        labels: { cache_family: family, cache_operation: "get", cache_result: result },
        rate,
      });
    if (verified !== undefined)
      series.push({ name: VERIFIED.name, type: VERIFIED, labels: { cache_family: family }, rate: verified });
    if (stale !== undefined)
      series.push({ name: STALE.name, type: STALE, labels: { cache_family: family }, rate: stale });
  }
  // A series that exists but does not move: the family had no operation in the window.
  series.push({
    name: OPERATIONS.name,
    type: OPERATIONS,
    labels: { cache_family: "idle:{id}", cache_operation: "get", cache_result: "hit" },
    value: 42,
  });
  // 10 operations a second: half under 1 ms, 98 % under 5 ms, all under 10 ms; p99 = 5 + 5 × (0.99 − 0.98) / 0.02 = 7.5 ms.
  const labels = { cache_family: "user:{id}", cache_operation: "get" };
  for (const [le, share] of [
    ["0.001", 0.5],
    ["0.005", 0.98],
    ["0.01", 1],
    ["+Inf", 1],
  ] as const)
    series.push({ name: `${DURATION.name}_bucket`, type: DURATION, labels: { ...labels, le }, rate: 10 * share });
  series.push({ name: `${DURATION.name}_count`, type: DURATION, labels, rate: 10 });
  series.push({ name: `${DURATION.name}_sum`, type: DURATION, labels, rate: 0.02 });
  return series;
}

const CODE = [
  'import { Redis } from "ioredis";',
  "const redis = new Redis();",
  "declare function load(id: string): Promise<string>;",
  ...["user", "cart", "session", "idle"].flatMap((name) => [
    `export async function get_${name}(id: string) {`,
    `  const cached = await redis.get(\`${name}:\${id}\`);`,
    "  if (cached) return cached;",
    "  const value = await load(id);",
    `  await redis.set(\`${name}:\${id}\`, value, "EX", 60);`,
    "  return value;",
    "}",
  ]),
  "export async function get_evil(id: string) {",
  "  const cached = await redis.get(`evil\\x1b[31m:${id}`);",
  "  if (cached) return cached;",
  "  const value = await load(id);",
  '  await redis.set(`evil\\x1b[31m:${id}`, value, "EX", 60);',
  "  return value;",
  "}",
  "",
].join("\n");

describe("cachewise stats against a real Prometheus", () => {
  let prometheus: PrometheusProcess;
  let target: { address: string; stop(): Promise<void> };
  // Written in the suite's body: removed after the suite.
  // No @types/node to load: the analysis, run by each command, stays quick.
  const tsconfig = JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, include: ["src"] });
  const project = writeProject("stats", { "tsconfig.json": tsconfig, "src/cache.ts": CODE });
  before(async () => {
    target = await startMetricsTarget(buildSeries());
    prometheus = await startPrometheus(target.address);
    // Prometheus applies its targets a few seconds after it starts. Then four scrapes: a 5-second window holds at
    // least four samples of every series.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await fetch(
        `${prometheus.url}/api/v1/query?query=${encodeURIComponent("count_over_time(up[5s])")}`,
      );
      const body = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
      if (Number(body.data.result[0]?.value[1] ?? 0) >= 4) break;
      if (Date.now() > deadline) throw new Error("Prometheus did not scrape four times within 15 s");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  after(async () => {
    await prometheus?.stop();
    await target?.stop();
  });

  it("shows each family's figures, no data where there were no operations, and leaves out what cannot be computed", async () => {
    const run = await runStatsCaptured(
      ["--prometheus", prometheus.url, "--window", "5s", "--format", "json", "."],
      project,
    );
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.prometheus, `${prometheus.url}/`);
    assert.equal(report.windowSeconds, 5);
    const byFamily = new Map<string, Record<string, unknown>>(report.families.map((f: any) => [f.family, f]));
    assert.deepEqual([...byFamily.keys()].sort(), ["cart:{id}", EVIL, "idle:{id}", "session:{id}", "user:{id}"].sort());
    // Rates are Prometheus's extrapolation over scrapes a few milliseconds apart: within 5 %. Ratios of series
    // scraped together are exact.
    const near = (actual: unknown, expected: number, what: string) =>
      assert.ok(
        Math.abs((actual as number) - expected) <= expected * 0.05,
        `${what}: ${actual} is not ${expected} ± 5 %`,
      );
    const user = byFamily.get("user:{id}")!;
    assert.equal(user.data, true, run.stdout);
    assert.ok(Math.abs((user.hitRatio as number) - 2 / 3) < 1e-9, `hit ratio ${user.hitRatio}`);
    assert.ok(Math.abs((user.errorRatio as number) - 0.5 / 17.5) < 1e-9, `error ratio ${user.errorRatio}`);
    assert.ok(Math.abs((user.p99Seconds as number) - 0.0075) < 1e-9, `p99 ${user.p99Seconds}`);
    near(user.missesPerSecond, 5, "misses per second");
    near(user.operationsPerSecond, 17.5, "operations per second");
    assert.ok(Math.abs((user.staleReadRatio as number) - 0.04) < 1e-9, `stale read ratio ${user.staleReadRatio}`);

    const cart = byFamily.get("cart:{id}")!;
    assert.deepEqual(Object.keys(cart).sort(), [
      "data",
      "errorRatio",
      "family",
      "hitRatio",
      "kind",
      "missesPerSecond",
      "operationsPerSecond",
    ]);
    assert.equal(cart.hitRatio, 0);
    assert.equal(cart.errorRatio, 0);

    const evil = byFamily.get(EVIL)!;
    assert.deepEqual(Object.keys(evil).sort(), ["data", "errorRatio", "family", "kind", "operationsPerSecond"]);

    // A family no operation touched, and one whose counter did not move in the window: no data, no figure at all.
    assert.deepEqual(byFamily.get("session:{id}"), { family: "session:{id}", kind: "redis", data: false });
    assert.deepEqual(byFamily.get("idle:{id}"), { family: "idle:{id}", kind: "redis", data: false });

    assert.ok(Math.abs(report.unmatched.hitRatio - 0.5) < 1e-9);
    assert.equal(report.unmatched.staleReadRatio, 0);
    assert.deepEqual(report.otherFamilies, [OTHER]);
  });

  it("prints a table with the same figures, labels escaped", async () => {
    const run = await runStatsCaptured(["--prometheus", prometheus.url, "--window=5s", "."], project);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /\u001b/);
    const lines = run.stdout.split("\n");
    assert.equal(lines[0], `Prometheus ${prometheus.url}/, over the last 5s: 3 of 5 families with data`);
    const row = (family: string) => lines.find((line) => line.startsWith(`${family} `))?.replace(/ +/g, " ");
    assert.match(row("user:{id}")!, /^user:\{id\} 66\.7% [\d.]+ 2\.86% 7\.5 ms 4%$/);
    assert.match(row("cart:{id}")!, /^cart:\{id\} 0\.0% [\d.]+ 0% — —$/);
    assert.equal(row("evil\\x1b[31m:{id}"), "evil\\x1b[31m:{id} — — 0% — —");
    assert.equal(row("session:{id}"), "session:{id} no data");
    assert.equal(row("idle:{id}"), "idle:{id} no data");
    assert.match(row("(unmatched:")!, /^\(unmatched: keys of no family\) 50\.0% /);
    assert.ok(
      run.stdout.includes('1 other family has figures in Prometheus but not in this code: "other\\"\\\\{x}\\n"'),
      run.stdout,
    );
  });

  it("reads a family's hit ratio over time for the hover's chart, its label escaped into the query", async () => {
    const server = parsePrometheusUrl(prometheus.url);
    const range = { hours: 4 / 3600, stepSeconds: 2 };
    const other = await fetchHitRatioHistory(server, OTHER, range, { timeoutMs: 5000 });
    assert.ok(other.length >= 2, JSON.stringify(other));
    for (const [, ratio] of other) assert.ok(Math.abs(ratio - 0.75) < 1e-9, `${ratio}`);
    const user = await fetchHitRatioHistory(server, "user:{id}", range, { timeoutMs: 5000 });
    assert.ok(user.length >= 2);
    for (const [, ratio] of user) assert.ok(Math.abs(ratio - 2 / 3) < 1e-9, `${ratio}`);
    // Written only: no read, no point.
    assert.deepEqual(await fetchHitRatioHistory(server, EVIL, range, { timeoutMs: 5000 }), []);
  });
});
