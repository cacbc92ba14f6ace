// The demo as a running service: a small HTTP API over the demo's own modules (unchanged), with cache metrics on
// a second port. Run from the repository root (see examples/cache-demo/README.md):
//   node --import tsx --import ./examples/cache-demo/service/prisma-hook.mjs examples/cache-demo/service/server.ts
// Environment: PORT (3000), METRICS_PORT (9464), REDIS_URL, CACHEWISE_FAMILIES (families JSON), VERIFY_RATE (0.1).
import { createServer } from "node:http";
import { startTelemetry } from "./telemetry.js";

const port = Number(process.env.PORT ?? 3000);
startTelemetry({
  metricsPort: Number(process.env.METRICS_PORT ?? 9464),
  familiesFile: process.env.CACHEWISE_FAMILIES ?? "demo-families.json",
  verifyRate: Number(process.env.VERIFY_RATE ?? 0.1),
});

// After the telemetry: the modules' clients are instrumented in place, so the order does not matter for them.
const { getUser, renameUser, changeEmail } = await import("../src/users/user-service.js");
const { getProduct, updatePrice } = await import("../src/catalog/pricing.js");
const { openSession, trackSession, hitRateLimit } = await import("../src/sessions/session-store.js");
const { redis } = await import("../src/infra/redis.js");

type Handler = (params: string[], query: URLSearchParams) => Promise<unknown>;

const routes: Array<[method: string, path: RegExp, handler: Handler]> = [
  ["GET", /^\/users\/([^/]+)$/, ([id]) => getUser(id!)],
  ["POST", /^\/users\/([^/]+)\/name$/, ([id], q) => renameUser(id!, q.get("value") ?? "")],
  // The demo's deliberate mistake: the row changes, the cached user:{id} does not (stale reads).
  ["POST", /^\/users\/([^/]+)\/email$/, ([id], q) => changeEmail(id!, q.get("value") ?? "")],
  ["GET", /^\/products\/([^/]+)$/, ([sku]) => getProduct(sku!)],
  ["POST", /^\/products\/([^/]+)\/price$/, ([sku], q) => updatePrice(sku!, Number(q.get("cents") ?? 0))],
  [
    "POST",
    /^\/sessions$/,
    async (_, q) => {
      // The demo's fixed-window limit: 100 sessions a minute per client address (the load generator sends one).
      if (!(await hitRateLimit(q.get("ip") ?? "local"))) return { limited: true };
      const token = Math.random().toString(36).slice(2);
      await openSession(token, q.get("user") ?? "1");
      await trackSession(q.get("user") ?? "1", token);
      return { token };
    },
  ],
];

const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  const route = routes.find(([method, path]) => method === request.method && path.test(url.pathname));
  if (!route) {
    response.writeHead(404).end();
    return;
  }
  const params = route[1].exec(url.pathname)!.slice(1).map(decodeURIComponent);
  void (async () => {
    const body = JSON.stringify((await route[2](params, url.searchParams)) ?? null);
    response.writeHead(200, { "content-type": "application/json" }).end(body);
  })().catch((error: Error) => response.writeHead(500).end(error.message));
});

server.listen(port, "127.0.0.1", () => console.log(`cache-demo on http://127.0.0.1:${port}`));
const stop = () => {
  server.close();
  redis.disconnect();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
