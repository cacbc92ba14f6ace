// The exact series names and labels that Prometheus scrapes through @opentelemetry/exporter-prometheus: the
// contract docs/runtime-metrics.md states and that `cachewise stats` and the generated alert rules query.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LRUCache } from "lru-cache";
import { flushVerifications, instrument } from "../../runtime/src/index";
import { createTestMeter } from "./meter";

test("the exported names are cache_operations_total, cache_operation_duration_* and cache_stale_reads_total", async () => {
  const meter = createTestMeter();
  const source = new Map([["a", "1"]]);
  const cache = instrument(new LRUCache<string, string>({ max: 10 }), {
    family: "productCache",
    meterProvider: meter.provider,
    durationSampling: 1,
    verify: { rate: 1, load: (key) => source.get(key) },
  });
  cache.set("a", "1");
  source.set("a", "2");
  cache.get("a");
  cache.get("b");
  await flushVerifications();
  const text = await meter.scrape();
  const names = new Set(
    text
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => /^[^{ ]+/.exec(line)![0]),
  );
  assert.deepEqual([...names].sort(), [
    "cache_operation_duration_bucket",
    "cache_operation_duration_count",
    "cache_operation_duration_sum",
    "cache_operations_total",
    "cache_stale_reads_total",
    "cache_verified_reads_total",
    "target_info",
  ]);
  assert.match(text, /^# TYPE cache_operations_total counter$/m);
  assert.match(text, /^# TYPE cache_operation_duration histogram$/m);
  assert.match(text, /^# UNIT cache_operation_duration s$/m);
  assert.match(text, /^# TYPE cache_stale_reads_total counter$/m);
  assert.match(
    text,
    /^cache_operations_total\{cache_family="productCache",cache_operation="get",cache_result="hit",otel_scope_name="cachewise",otel_scope_version="[^"]+"\} 1$/m,
  );
  assert.match(text, /^cache_stale_reads_total\{cache_family="productCache",otel_scope_name="cachewise",[^}]*\} 1$/m);
  // Seconds: the first bucket boundary is 10 µs.
  assert.match(
    text,
    /^cache_operation_duration_bucket\{cache_family="productCache",cache_operation="get",cache_result="miss",[^}]*le="0\.00001"\} \d$/m,
  );
});
