// Metrics for the demo: an OpenTelemetry MeterProvider whose Prometheus exporter serves /metrics, and the demo's
// shared Redis client and product LRU instrumented by cachewise/runtime (an application imports it as
// "cachewise/runtime"; the demo imports the repository's build). Families come from the file that
// `cachewise families examples/cache-demo --format json` wrote (CACHEWISE_FAMILIES).
import { metrics } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
// The built bundle (npm run build); its types are dist/runtime.d.ts.
import { instrument } from "../../../dist/runtime.js";
import { productCache } from "../src/cache/local.js";
import { prisma } from "../src/infra/db.js";
import { redis } from "../src/infra/redis.js";

export function startTelemetry(options: { metricsPort: number; familiesFile: string; verifyRate: number }): PrometheusExporter {
  const exporter = new PrometheusExporter({ host: "127.0.0.1", port: options.metricsPort });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  const debug = (message: string, details: Record<string, unknown>) => console.error(message, JSON.stringify(details));
  instrument(redis, {
    families: options.familiesFile,
    // A demo's traffic is light: time every call (the default times one in 16, see docs/runtime-metrics.md).
    durationSampling: 1,
    logger: { debug },
    // getUser caches the row as JSON under user:{id}: compare with the row the database holds now.
    verify: {
      rate: options.verifyRate,
      families: ["demo:user:{id}"],
      load: async (key: string) => {
        const user = await prisma.user.findUnique({ where: { id: key.slice("user:".length) } });
        return user ? JSON.stringify(user) : null;
      },
    },
  });
  instrument(productCache, {
    family: "productCache",
    logger: { debug },
    verify: { rate: options.verifyRate, load: (sku: string) => prisma.product.findUnique({ where: { sku } }) },
  });
  return exporter;
}
