// `cachewise keyspace` against a real redis-server: figures grouped by the demo's families, exact
// on a full profile, the same shares from an exhaustive sample, JSON shape, and clear errors.
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { runKeyspaceCli } from "../../analyzer/src/cli/keyspace";
import { formatBytes } from "../../analyzer/src/keyspace/figure-format";
import { findFreePort } from "../free-port";
import { startRedisServer, type RedisProcess } from "../keyspace/redis-harness";
import { REPO_ROOT } from "../helpers";

const DEMO = path.join(REPO_ROOT, "examples", "cache-demo");

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runKeyspaceCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: REPO_ROOT,
    env: {},
  });
  return { code, stdout, stderr };
}

describe("cachewise keyspace", () => {
  let server: RedisProcess;
  let url: string;

  before(async () => {
    server = await startRedisServer("cli-keyspace");
    url = `redis://127.0.0.1:${server.port}`;
    const redis = new Redis(server.port, "127.0.0.1");
    const pipeline = redis.pipeline();
    for (let i = 0; i < 30; i++)
      pipeline.set(`demo:user:${i}`, JSON.stringify({ id: i, name: `user ${i}` }), "EX", 3600);
    for (let i = 30; i < 40; i++) pipeline.set(`demo:user:${i}`, JSON.stringify({ id: i }));
    for (let i = 0; i < 20; i++)
      pipeline.hset(`demo:session:tok${i}`, { user: String(i), at: "2026-11-26" }).expire(`demo:session:tok${i}`, 1800);
    for (let i = 0; i < 5; i++) pipeline.set(`legacy:report:${i}`, "x".repeat(100));
    pipeline.set(Buffer.from([0x6c, 0x65, 0x67, 0x61, 0x63, 0x79, 0x3a, 0xff]), "binary key");
    await pipeline.exec();
    await redis.quit();
  });
  after(() => server?.stop());

  it("a full profile groups keys by the project's families, exactly, with memory", async () => {
    const result = await run(["--redis", url, "--full", "--format", "json", DEMO]);
    assert.equal(result.code, 0, result.stderr);
    const profile = JSON.parse(result.stdout);
    const byFamily = Object.fromEntries(
      profile.families.map(
        (f: {
          family: string | null;
          stats: { keys: number; keysWithoutTtl: number; memory: { totalBytes: number } | null };
        }) => [f.family ?? "none", f.stats],
      ),
    );
    assert.equal(byFamily["demo:user:{id}"].keys, 40);
    assert.equal(byFamily["demo:user:{id}"].keysWithoutTtl, 10);
    assert.equal(byFamily["demo:session:{token}"].keys, 20);
    assert.equal(byFamily["demo:session:{token}"].keysWithoutTtl, 0);
    assert.equal(byFamily.none.keys, 6);
    assert.ok(byFamily["demo:user:{id}"].memory.totalBytes > 40 * 20);
    assert.equal(profile.total.keys, 66);
    assert.equal(profile.complete, true);
  });

  it("the sampled estimate of a small keyspace is exhaustive and gives the same shares", async () => {
    const result = await run(["--redis", url, "--sample", "1000", "--format", "json", DEMO]);
    assert.equal(result.code, 0, result.stderr);
    const estimate = JSON.parse(result.stdout);
    assert.equal(estimate.exhaustive, true);
    const users = estimate.families.find((f: { family: string | null }) => f.family === "demo:user:{id}");
    assert.equal(users.estimate.sampledKeys, 40);
    assert.equal(Math.round(users.estimate.noTtlShare * 100), 25);
  });

  it("prints a readable table, binary keys escaped, without a project: namespaces only", async () => {
    const grouped = await run(["--redis", url, "--full", DEMO]);
    assert.equal(grouped.code, 0, grouped.stderr);
    assert.match(grouped.stdout, /demo:user:\{id\}\s+40\s+10\s/);
    // Sizes and TTLs read as in the editor's CodeLens and hovers (one formatter for both).
    const json = await run(["--redis", url, "--full", "--format", "json", DEMO]);
    const users = (
      JSON.parse(json.stdout) as {
        families: Array<{ family: string | null; stats: { memory: { totalBytes: number } } }>;
      }
    ).families.find((f) => f.family === "demo:user:{id}")!;
    const userRow = grouped.stdout.split("\n").find((line) => line.startsWith("demo:user:{id}"))!;
    assert.ok(
      userRow.includes(` ${formatBytes(users.stats.memory.totalBytes)} `),
      `${userRow} vs ${users.stats.memory.totalBytes} bytes`,
    );
    assert.match(userRow, / \d+(\.\d)?m /, "TTL p50 in the editor's short form");
    assert.match(grouped.stdout, /\(no family in code\)\s+6\s/);
    const plain = await run(["--redis", url, "--full"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(!plain.stdout.includes("Family"));
    assert.match(plain.stdout, /legacy\s+6\s+6\s/);
  });

  it("an unreachable Redis is a clear error with exit code 2, in bounded time", async () => {
    const port = await findFreePort();
    const started = Date.now();
    const result = await run(["--redis", `redis://127.0.0.1:${port}`, "--timeout", "1000"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(Date.now() - started < 10_000);
  });

  it("rejects bad usage", async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(["--redis", url, "--speed", "warp"])).code, 2);
    assert.equal((await run(["--help"])).code, 0);
  });
});
