// The instrumented demo service end to end: a real redis-server, the families file written by the real CLI, the
// service started as its README says, requests that go through the demo's own modules, and the Prometheus text its
// /metrics endpoint serves. Then the load generator runs against it for two seconds.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { findFreePort } from "../free-port";
import { REPO_ROOT, runCliCaptured, writeProject } from "../helpers";
import { startRedisServer, type RedisProcess } from "../keyspace/redis-harness";

const SERVICE = path.join(REPO_ROOT, "examples", "cache-demo", "service");
let redis: RedisProcess;
let service: ChildProcess;
let port: number;
let metricsPort: number;

before(async () => {
  redis = await startRedisServer("runtime-demo");
  const families = runCliCaptured(["families", "examples/cache-demo", "--format", "json"]);
  assert.equal(families.code, 0, families.stderr);
  const dir = writeProject("runtime-demo", { "families.json": families.stdout });
  [port, metricsPort] = [await findFreePort(), await findFreePort()];
  service = spawn(
    process.execPath,
    ["--import", "tsx", "--import", path.join(SERVICE, "prisma-hook.mjs"), path.join(SERVICE, "server.ts")],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        CACHEWISE_FAMILIES: path.join(dir, "families.json"),
        VERIFY_RATE: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  service.stderr!.on("data", (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 20_000);
    service.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.includes("cache-demo on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    service.once("exit", (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
  });
});

after(async () => {
  if (service?.exitCode === null) {
    const exited = new Promise((resolve) => service.once("exit", resolve));
    process.kill(service.pid!, "SIGTERM");
    await exited;
  }
  await redis?.stop();
});

async function call(method: string, pathname: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { method });
  assert.equal(response.status, 200, `${method} ${pathname}`);
  return response.json();
}

async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(cache_[a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1]!.endsWith("_bucket")) continue;
    const labels = match[2]!.replace(/,?otel_scope_[a-z]+="[^"]*"/g, "");
    samples.set(`${match[1]}{${labels}}`, Number(match[3]));
  }
  return samples;
}

const ops = (family: string, operation: string, result: string) =>
  `cache_operations_total{cache_family="${family}",cache_operation="${operation}",cache_result="${result}"}`;

test("the demo's requests show up per family on /metrics, stale reads included", async () => {
  assert.deepEqual(await call("GET", "/users/1"), { id: "1", name: "User 1", email: "user1@example.com" }); // miss, set
  await call("GET", "/users/1"); // hit, fresh
  await call("POST", "/users/1/email?value=new%40example.com"); // the row changes; user:1 stays (the demo's mistake)
  for (let i = 0; i < 3; i++)
    assert.deepEqual(await call("GET", "/users/1"), { id: "1", name: "User 1", email: "user1@example.com" }); // stale
  await call("GET", "/products/sku-1"); // miss, set
  await call("GET", "/products/sku-1"); // hit
  await call("POST", "/products/sku-1/price?cents=5"); // delete
  assert.deepEqual(await call("GET", "/products/sku-1"), { sku: "sku-1", name: "Product 1", cents: 5 }); // miss, set
  const samples = await scrape();
  const figures = Object.fromEntries([...samples].filter(([key]) => !key.includes("_duration_")).sort());
  assert.deepEqual(figures, {
    [ops("demo:user:{id}", "get", "hit")]: 4,
    [ops("demo:user:{id}", "get", "miss")]: 1,
    [ops("demo:user:{id}", "set", "ok")]: 1,
    [ops("productCache", "delete", "ok")]: 1,
    [ops("productCache", "get", "hit")]: 1,
    [ops("productCache", "get", "miss")]: 2,
    [ops("productCache", "set", "ok")]: 2,
    'cache_stale_reads_total{cache_family="demo:user:{id}"}': 3,
    'cache_stale_reads_total{cache_family="productCache"}': 0,
    'cache_verified_reads_total{cache_family="demo:user:{id}"}': 4,
    'cache_verified_reads_total{cache_family="productCache"}': 1,
  });
  assert.equal(
    samples.get(
      'cache_operation_duration_count{cache_family="demo:user:{id}",cache_operation="get",cache_result="hit"}',
    ),
    4,
  );
});

test("a session opened through the demo's redis.multi() counts its queued writes under the session family", async () => {
  const token = (await call("POST", "/sessions?user=7&ip=10.0.0.9")) as { token?: string };
  assert.equal(typeof token.token, "string");
  const samples = await scrape();
  const figures = Object.fromEntries(
    [...samples].filter(([key]) => key.startsWith("cache_operations_total") && /session|rate/.test(key)).sort(),
  );
  assert.deepEqual(figures, {
    // INCR, then EXPIRE on the first hit of the window.
    [ops("demo:rate:{ip}", "set", "ok")]: 2,
    // HSET and EXPIRE queued in the transaction, counted when it ran.
    [ops("demo:session:{token}", "set", "ok")]: 2,
    [ops("demo:user-sessions:{userId}", "set", "ok")]: 1,
  });
});

test("the load generator runs against the service without a failed request", async () => {
  const before = [...(await scrape())]
    .filter(([k]) => k.startsWith("cache_operations_total"))
    .reduce((a, [, v]) => a + v, 0);
  const load = spawn(
    process.execPath,
    [path.join(SERVICE, "load.mjs"), "--url", `http://127.0.0.1:${port}`, "--seconds", "2", "--rate", "50"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  load.stdout!.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve) => load.once("exit", resolve));
  assert.equal(code, 0, output);
  const counts = JSON.parse(output) as { sent: number; ok: number; failed: number };
  assert.ok(counts.sent >= 20 && counts.ok === counts.sent, output);
  const afterLoad = [...(await scrape())]
    .filter(([k]) => k.startsWith("cache_operations_total"))
    .reduce((a, [, v]) => a + v, 0);
  assert.ok(afterLoad >= before + counts.sent * 0.5, `${before} → ${afterLoad} for ${counts.sent} requests`);
});
