// `cachewise families --format prometheus-rules`: the rule file passes Prometheus's own checker (`promtool check
// rules`), and Prometheus's rule unit tests (`promtool test rules`) show which alerts fire on given series: a miss
// spike against the family's baseline fires, a family whose miss ratio was always high or that is nearly idle does
// not; a p99 jump fires, a p99 always as high does not; an error burst and stale reads over the data class's
// threshold fire, a few errors or tolerated stale reads do not. Family labels, owners and runbooks with quotes, backslashes, newlines and Go template braces come back
// unchanged in the alerts' labels and annotations. Needs Debian's `prometheus` package (promtool).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { formatPrometheusRules, type AlertFamily } from "../../analyzer/src/metrics/alert-rules";
import { formatPromqlString } from "../../analyzer/src/metrics/promql";
import { REPO_ROOT, STRICT_TSCONFIG, runCliCaptured, writeProject } from "../helpers";

const PROMTOOL = "/usr/bin/promtool";

function promtool(args: string[], cwd: string): { code: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: "utf8", timeout: 20_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

function makeDir(): string {
  const dir = path.join(
    REPO_ROOT,
    "test-output",
    "prometheus-rules",
    `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const HOSTILE_FAMILY = 'we"ird\\{{ .Value }}\n}}:{id}';
const HOSTILE_OWNER = 'team "{{ $labels.x }}" \\ \u202e\n- root: #1';
const HOSTILE_RUNBOOK = "https://runbooks.example/cache?f={{x}}&g=1";

const FAMILIES: AlertFamily[] = [
  // Misses jump from 1 % to 33 % at more than a read per second: the spike fires. Then its cache goes down.
  {
    family: HOSTILE_FAMILY,
    owner: HOSTILE_OWNER,
    runbook: HOSTILE_RUNBOOK,
    dataClass: "transactional",
    maxStaleReadRatio: 0,
  },
  // A miss ratio of 30 % all day long is its baseline: no spike. A few errors: no burst.
  { family: "cart:{id}", owner: "checkout", runbook: undefined, dataClass: "static", maxStaleReadRatio: 0.05 },
  // From no miss to all misses, at a read every ten seconds: too idle to page.
  {
    family: "idle:{id}",
    owner: undefined,
    runbook: undefined,
    dataClass: undefined,
    maxStaleReadRatio: undefined,
  },
];

/** `metric{labels}` as promtool's input series read it (PromQL's syntax). */
function series(metric: string, labels: Record<string, string>): string {
  const body = Object.entries(labels)
    .map(([name, value]) => `${name}=${formatPromqlString(value)}`)
    .join(", ");
  return `${metric}{${body}}`;
}

const ops = (family: string, result: string) =>
  series("cache_operations_total", { cache_family: family, cache_operation: "get", cache_result: result });

/** The duration histogram's buckets (+Inf and the count take the largest). */
function histogram(
  name: string,
  family: string,
  buckets: Record<string, string>,
): Array<{ series: string; values: string }> {
  const labels = { cache_family: family, cache_operation: "get" };
  const all = Object.values(buckets).at(-1)!;
  return [
    ...Object.entries(buckets).map(([le, values]) => ({
      series: series(`${name}_bucket`, { ...labels, le }),
      values,
    })),
    { series: series(`${name}_bucket`, { ...labels, le: "+Inf" }), values: all },
    { series: series(`${name}_count`, labels), values: all },
  ];
}

// One sample a minute. The baseline is "the last day", as far as there is data: two hours of it here (a day of
// samples would make promtool evaluate 1,500 steps), then the spike at minute 120.
const INPUT = [
  // 10 hits/s all along; misses 0.1/s for two hours, then 5/s.
  { series: ops(HOSTILE_FAMILY, "hit"), values: "0+600x180" },
  { series: ops(HOSTILE_FAMILY, "miss"), values: "0+6x120 1020+300x60" },
  // From minute 150, 20 errors/s: more than half of the operations.
  { series: ops(HOSTILE_FAMILY, "error"), values: "0x150 1200+1200x30" },
  // A hit a second verified against the source; one stale at minute 156: the transactional class tolerates none.
  { series: series("cache_verified_reads_total", { cache_family: HOSTILE_FAMILY }), values: "0+60x180" },
  { series: series("cache_stale_reads_total", { cache_family: HOSTILE_FAMILY }), values: "0x155 1x25" },
  // 10 operations/s, 98 % under 5 ms (p99 7.5 ms) for two hours, then all between 10 and 100 ms (p99 99 ms).
  // Under the Collector's name (`_seconds`; the stats test reads the JavaScript exporter's, without it).
  ...histogram("cache_operation_duration_seconds", HOSTILE_FAMILY, {
    "0.005": "0+588x120 70560x60",
    "0.01": "0+600x120 72000x60",
    "0.1": "0+600x180",
  }),
  // p99 99 ms all along: slow, but not slower than usual.
  ...histogram("cache_operation_duration", "cart:{id}", { "0.005": "0x180", "0.01": "0x180", "0.1": "0+600x180" }),
  // 7 hits/s and 3 misses/s all day, and 0.05 errors/s.
  { series: ops("cart:{id}", "hit"), values: "0+420x180" },
  { series: ops("cart:{id}", "miss"), values: "0+180x180" },
  { series: ops("cart:{id}", "error"), values: "0+3x180" },
  // 2 stale reads of 60 verified a minute (3.3 %): the static class tolerates 5 %.
  { series: series("cache_verified_reads_total", { cache_family: "cart:{id}" }), values: "0+60x180" },
  { series: series("cache_stale_reads_total", { cache_family: "cart:{id}" }), values: "0+2x180" },
  // 0.1 reads/s, all hits for a day, then all misses.
  { series: ops("idle:{id}", "hit"), values: "0+6x120 720x60" },
  { series: ops("idle:{id}", "miss"), values: "0x120 6+6x60" },
];

const hostileLabels = (alertname: string, severity: string) => ({
  alertname,
  cache_family: HOSTILE_FAMILY,
  severity,
  owner: HOSTILE_OWNER,
  data_class: "transactional",
});

describe("cachewise families --format prometheus-rules", () => {
  it("passes promtool check rules, and the miss-spike, error-burst and stale-read alerts fire exactly where they must", () => {
    const dir = makeDir();
    try {
      fs.writeFileSync(path.join(dir, "rules.yml"), formatPrometheusRules(FAMILIES) + "\n");
      const check = promtool(["check", "rules", "rules.yml"], dir);
      assert.equal(check.code, 0, check.output);
      // 10 recording rules; 4 alerts for each of two families with a stale-read threshold, 3 for the idle one.
      assert.match(check.output, /SUCCESS: 21 rules found/);

      const annotations = (summary: string, description: string) => ({
        summary: `${summary}: ${HOSTILE_FAMILY}`,
        description,
        owner: HOSTILE_OWNER,
        runbook_url: HOSTILE_RUNBOOK,
      });
      const tests = {
        rule_files: ["rules.yml"],
        evaluation_interval: "1m",
        tests: [
          {
            interval: "1m",
            input_series: INPUT,
            alert_rule_test: [
              // Before the spike: nothing.
              { eval_time: "115m", alertname: "CacheMissRateSpike", exp_alerts: [] },
              { eval_time: "115m", alertname: "CacheErrorBurst", exp_alerts: [] },
              { eval_time: "115m", alertname: "CacheStaleReads", exp_alerts: [] },
              {
                eval_time: "140m",
                alertname: "CacheMissRateSpike",
                exp_alerts: [
                  {
                    exp_labels: hostileLabels("CacheMissRateSpike", "warning"),
                    exp_annotations: annotations(
                      "Miss ratio of the cache family far above its own daily baseline",
                      "The miss ratio over 5 minutes is more than 2× the family's ratio over the last day and 10 points above it, at 1 or more reads per second.",
                    ),
                  },
                ],
              },
              { eval_time: "140m", alertname: "CacheErrorBurst", exp_alerts: [] },
              { eval_time: "115m", alertname: "CacheLatencyJump", exp_alerts: [] },
              {
                eval_time: "140m",
                alertname: "CacheLatencyJump",
                exp_alerts: [
                  {
                    exp_labels: hostileLabels("CacheLatencyJump", "warning"),
                    exp_annotations: annotations(
                      "p99 latency of the cache family far above its own daily median",
                      "The p99 operation latency over 5 minutes is more than 2× the median of the last day's and 5 ms above it.",
                    ),
                  },
                ],
              },
              {
                eval_time: "160m",
                alertname: "CacheErrorBurst",
                exp_alerts: [
                  {
                    exp_labels: hostileLabels("CacheErrorBurst", "critical"),
                    exp_annotations: annotations(
                      "Most operations of the cache family fail: the cache is likely down",
                      "More than 50 % of the family's operations over 2 minutes failed, at 0.1 or more errors per second.",
                    ),
                  },
                ],
              },
              {
                eval_time: "165m",
                alertname: "CacheStaleReads",
                exp_alerts: [
                  {
                    exp_labels: hostileLabels("CacheStaleReads", "warning"),
                    exp_annotations: annotations(
                      "Stale reads of the cache family above its data class's threshold",
                      'More than 0 % of the hits the run-time verification compared with the source over 15 minutes were stale (data class "transactional").',
                    ),
                  },
                ],
              },
            ],
          },
        ],
      };
      // JSON is YAML: promtool reads it as it is.
      fs.writeFileSync(path.join(dir, "tests.yml"), JSON.stringify(tests, null, 1));
      const test = promtool(["test", "rules", "tests.yml"], dir);
      assert.equal(test.code, 0, test.output);
      assert.match(test.output, /SUCCESS/);
    } finally {
      if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes the analysed project's families with their declared owner, runbook and data-class threshold", () => {
    const dir = writeProject("prometheus-rules", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/cache.ts": [
        'import { Redis } from "ioredis";',
        'import { LRUCache } from "lru-cache";',
        "const redis = new Redis();",
        "const sessions = new LRUCache<string, string>({ max: 100, ttl: 60_000 });",
        "declare function load(id: string): Promise<string>;",
        "export async function getUser(id: string) {",
        "  const cached = await redis.get(`user:${id}`);",
        "  if (cached) return cached;",
        "  const user = await load(id);",
        "  await redis.set(`user:${id}`, user, 'EX', 300);",
        "  return user;",
        "}",
        "export async function getPrice(sku: string) {",
        "  const cached = await redis.get(`price:${sku}`);",
        "  if (cached) return cached;",
        "  const price = await load(sku);",
        "  await redis.set(`price:${sku}`, price, 'EX', 30);",
        "  return price;",
        "}",
        "export function remember(id: string, value: string) {",
        "  sessions.set(`session:${id}`, value);",
        "  return sessions.get(`session:${id}`);",
        "}",
        "",
      ].join("\n"),
      "cachewise.config.json": JSON.stringify({
        families: [
          { match: "user:*", owner: "accounts", class: "profile", runbook: "https://runbooks.example/user" },
          { match: "price:*", owner: "catalog", class: "pricing" },
        ],
        // A class declared under a built-in name keeps the built-in stale-read threshold (1 % for profile).
        dataClasses: {
          profile: { minTtl: "1m", maxTtl: "2h" },
          pricing: { maxTtl: "1m", maxStaleReadRatio: 0.005 },
        },
      }),
    });
    const run = runCliCaptured(["families", ".", "--format", "prometheus-rules"], dir);
    assert.equal(run.code, 0, run.stderr);
    fs.writeFileSync(path.join(dir, "rules.yml"), run.stdout);
    const check = promtool(["check", "rules", "rules.yml"], dir);
    assert.equal(check.code, 0, check.output);
    // 10 recording rules, 4 alerts for each of the two families with a data class, 3 for the session cache.
    assert.match(check.output, /SUCCESS: 21 rules found/);
    const alertsOf = (family: string) => {
      const start = run.stdout.indexOf(`      # "${family}"`);
      assert.ok(start >= 0, `no rules for ${family}`);
      const end = run.stdout.indexOf('      # "', start + 1);
      return run.stdout.slice(start, end < 0 ? undefined : end);
    };
    const user = alertsOf("user:{id}");
    assert.equal(user.match(/owner: "accounts"/g)?.length, 8, "owner as a label and an annotation of each alert");
    assert.equal(user.match(/runbook_url: "https:\/\/runbooks.example\/user"/g)?.length, 4);
    assert.match(user, /cache_stale_read_ratio:rate15m\{cache_family=\\"user:\{id\}\\"\} > 0.01"/);
    assert.ok(
      alertsOf("price:{sku}").includes('cache_stale_read_ratio:rate15m{cache_family=\\"price:{sku}\\"} > 0.005"'),
    );
    const session = alertsOf("sessions session:{id}");
    assert.match(session, /# no stale-read alert: no data class declared/);
    assert.doesNotMatch(session, /CacheStaleReads|owner: "[^n]/);
    assert.match(session, /owner: "no owner declared in the cachewise configuration"/);
  });

  it("passes promtool's lint for families that declare no owner, runbook or data class", () => {
    // Alerts of one name are told apart by their static labels: without an owner, only the family differs.
    const bare = (family: string): AlertFamily => ({
      family,
      owner: undefined,
      runbook: undefined,
      dataClass: undefined,
      maxStaleReadRatio: undefined,
    });
    const dir = makeDir();
    try {
      fs.writeFileSync(
        path.join(dir, "rules.yml"),
        formatPrometheusRules([bare("user:{id}"), bare("session:{token}"), bare(HOSTILE_FAMILY)]) + "\n",
      );
      const check = promtool(["check", "rules", "rules.yml"], dir);
      assert.equal(check.code, 0, check.output);
      assert.match(check.output, /SUCCESS: 19 rules found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a stale-read threshold that is not a share from 0 to 1", () => {
    const dir = writeProject("prometheus-rules-config", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": "export const a = 1;\n",
      "cachewise.config.json": JSON.stringify({ dataClasses: { hot: { maxStaleReadRatio: 5 } } }),
    });
    const run = runCliCaptured(["families", ".", "--format", "prometheus-rules"], dir);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      "cachewise: cachewise.config.json: dataClasses.hot.maxStaleReadRatio must be a share of the verified reads, from 0 to 1\n",
    );
  });
});
