// A real OpenTelemetry SDK for the runtime tests: a MeterProvider read by the Prometheus exporter (no HTTP server),
// so that the tests see exactly what Prometheus would scrape.
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";

export interface TestMeter {
  provider: MeterProvider;
  /** The exposition text a scrape would return now. */
  scrape(): Promise<string>;
  /** The samples of a scrape: `name{label="value",…}` (labels sorted, `otel_scope_*` left out) → value. */
  samples(): Promise<Map<string, number>>;
}

export function createTestMeter(): TestMeter {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const scrape = async () => {
    const { resourceMetrics } = await exporter.collect();
    return new PrometheusSerializer().serialize(resourceMetrics);
  };
  return {
    provider,
    scrape,
    async samples() {
      const samples = new Map<string, number>();
      for (const line of (await scrape()).split("\n")) {
        const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!match || match[1] === "target_info") continue;
        const labels = [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
          .filter(([, name]) => !name!.startsWith("otel_scope_"))
          .map(([, name, value]) => `${name}="${value}"`)
          .sort();
        samples.set(`${match[1]}{${labels.join(",")}}`, Number(match[3]));
      }
      return samples;
    },
  };
}

/** The key of a `cache_operations_total` sample. */
export function operationSample(family: string, operation: string, result: string): string {
  return `cache_operations_total{cache_family="${family}",cache_operation="${operation}",cache_result="${result}"}`;
}

/** The `cache_operations_total` samples only, for exact comparison. */
export function operationSamples(samples: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...samples].filter(([key]) => key.startsWith("cache_operations_total{")).sort());
}
