// Issue "recall on real services", through the CLI: cache clients reached the ways real services reach them (an init
// function and a getter, a Proxy facade, a client created in an async init method, a factory taking the key prefix,
// an object spreading a cache into itself, clients injected by NestJS, a client from a singleton helper's callback, a
// wrapper whose callers give the TTL, a workspace package re-exporting the client library), keys read together by
// MGET, a batch loader whose key function leaves out a field its batch function reads, a module Map filled with a Set
// built from a Kysely query and written in a Kysely transaction, server actions registered at module scope (each its
// own path), a SvelteKit app whose `$lib` alias is not generated yet, and what the analysis says it could not see. The
// fixture project test/fixtures/recall is also in the parity test, so the ESLint host reports the same findings.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { FIXTURES, STRICT_TSCONFIG, runCliCaptured, writeProject } from "../helpers";

interface Message {
  ruleId: string | null;
  line: number;
}

const source = (...text: string[]) => `${text.join("\n")}\n`;

describe("recall: cache clients found however they are reached", () => {
  const dir = path.join(FIXTURES, "recall");
  let findings: string[] = [];
  let families: Array<{ pattern: string; ttls: Array<{ kind: string }> }> = [];
  before(() => {
    // require-cache-fallback's findings on these cache-asides (unguarded ioredis calls) are not what this suite is about.
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-fallback:off"], dir);
    findings = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>)
      .flatMap((result) =>
        result.messages
          .filter((m) => m.ruleId)
          .map((m) => `${m.ruleId} ${path.relative(dir, result.filePath)}:${m.line}`),
      )
      .sort();
    families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], dir).stdout) as typeof families;
  });

  it("reports the positive twins and nothing on the negatives", () => {
    assert.deepEqual(
      findings,
      [
        "require-cache-ttl src/accounts/profile.ts:9",
        "require-cache-ttl src/billing/invoices.ts:17",
        "require-invalidation-on-write src/catalog/products.ts:14",
        "require-invalidation-on-write src/plans/actions.ts:17",
        "require-complete-cache-key src/pricing/loaders.ts:26",
        "require-invalidation-on-write src/access/grants.ts:24",
        "require-cache-ttl src/reports/controls.ts:23",
        "require-cache-ttl src/teams/members.service.ts:21",
        "require-invalidation-on-write src/teams/members.service.ts:44",
        "require-invalidation-on-write src/teams/teams.ts:14",
        // The clients behind the cache families above, found at their construction: ioredis defaults.
        "require-client-timeouts src/billing/invoices.ts:9",
        "require-client-timeouts src/infra/facade.ts:7",
        "require-client-timeouts src/infra/fetch-cached.ts:4",
        "require-client-timeouts src/infra/lazy-redis.ts:7",
      ].sort(),
    );
  });

  it("knows that a client reached through a getter, a facade or an init method sets no expiry of its own", () => {
    const ttlOf = (pattern: string) => families.find((f) => f.pattern === pattern)?.ttls.map((t) => t.kind);
    assert.deepEqual(ttlOf("profile:{accountId}"), ["none"]);
    assert.deepEqual(ttlOf("invoice:{invoiceId}"), ["none"]);
    assert.deepEqual(ttlOf("product:{productId}"), ["set"]);
  });

  it("reads the TTL a caller passes to a wrapper whose TTL is its parameter", () => {
    const summary = families.find((f) => f.pattern === "summary:{accountId}");
    assert.deepEqual(
      summary?.ttls.map((t) => t.kind),
      ["set"],
    );
    assert.equal((summary?.ttls[0] as { ms?: number } | undefined)?.ms, 86_400_000);
  });

  it("keeps the key prefix a factory was called with", () => {
    const patterns = families.map((f) => f.pattern);
    assert.ok(patterns.includes("ntf:digest:{accountId}"), patterns.join(", "));
    assert.ok(!patterns.includes("digest:{accountId}"));
  });
});

describe("recall: a workspace package that re-exports the client library", () => {
  const files: Record<string, string> = {
    "pnpm-workspace.yaml": 'packages: ["packages/*", "apps/*"]\n',
    "packages/kv/package.json": JSON.stringify({
      name: "@shop/kv",
      main: "./dist/index.js",
      types: "./dist/index.d.ts",
    }),
    "packages/kv/src/index.ts": source('export * from "@upstash/redis";'),
    "apps/api/package.json": JSON.stringify({ name: "api", private: true, type: "module" }),
    "apps/api/tsconfig.json": STRICT_TSCONFIG,
    "apps/api/src/pages.ts": source(
      'import { Redis } from "@shop/kv";',
      "const redis = Redis.fromEnv();",
      "declare function loadPage(slug: string): Promise<{ title: string }>;",
      "export async function publicPage(slug: string) {",
      "  const cached = await redis.get<{ title: string }>(`page:${slug}`);",
      "  if (cached) return cached;",
      "  const page = await loadPage(slug);",
      "  await redis.set(`page:${slug}`, page);",
      "  return page;",
      "}",
      "export async function pageViews(slug: string) {",
      "  return redis.get(`views:${slug}`);",
      "}",
    ),
  };
  const root = writeProject("recall-workspace", files);
  let patterns: string[] = [];
  before(() => {
    const run = runCliCaptured(["families", "apps/api", "--format", "json"], root);
    patterns = (JSON.parse(run.stdout) as Array<{ pattern: string; library: string }>).map(
      (f) => `${f.pattern} ${f.library}`,
    );
  });

  it("follows the package's sources (its dist/ was never built) to the library it re-exports", () => {
    assert.ok(patterns.includes("page:{slug} upstash-redis"), patterns.join(", "));
  });
});

describe("recall: what could not be seen is said", () => {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "orders", private: true, type: "module" }),
    "tsconfig.json": STRICT_TSCONFIG,
    "src/orders.ts": source(
      'import { CacheClient } from "@vendor/cache-sdk";',
      'import { Redis } from "ioredis";',
      "const cacheService = new CacheClient();",
      "const redis = new Redis();",
      "export async function order(id: string) {",
      "  const hit = await cacheService.get(`order:${id}`);",
      "  if (hit) return hit;",
      "  await cacheService.set(`order:${id}`, { id });",
      '  await redis.set(`seen:${id}`, "1", "EX", 60);',
      "  return { id };",
      "}",
    ),
    "src/refunds.ts": source(
      'import { CacheClient } from "@vendor/cache-sdk";',
      "const cacheService = new CacheClient();",
      "// A Map used as a cache is read by the map-cache pass: not an unresolved call.",
      "const localCache = new Map<string, number>();",
      "export function refundCount(id: string) {",
      "  return localCache.get(id) ?? 0;",
      "}",
      "export async function dropRefund(id: string) {",
      "  await cacheService.del(`refund:${id}`);",
      "}",
    ),
  };
  const root = writeProject("recall-unresolved", files);

  it("prints the families found and the unresolved cache-like calls at the end of the report", () => {
    const run = runCliCaptured(["check", "."], root);
    assert.match(
      run.stdout,
      /1 cache family found; 3 cache-like calls on receivers that could not be identified \(cacheService\.\{del,get,set\} × 3 in src\/\*\.ts\)/,
    );
  });

  it("keeps the machine formats valid and says it on stderr", () => {
    const run = runCliCaptured(["check", ".", "--format", "json"], root);
    assert.ok(Array.isArray(JSON.parse(run.stdout)));
    assert.match(run.stderr, /cachewise: 1 cache family found; 3 cache-like calls/);
  });
});

describe("recall: a SvelteKit app before `svelte-kit sync` (its generated tsconfig, with `$lib`, is not there)", () => {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "board", private: true, type: "module" }),
    "tsconfig.json": JSON.stringify({
      extends: "./.svelte-kit/tsconfig.json",
      compilerOptions: { strict: true, moduleResolution: "bundler", module: "esnext", target: "es2022" },
    }),
    "src/lib/server/store.ts": source('import { Redis } from "ioredis";', "export const store = new Redis();"),
    "src/routes/boards/+page.server.ts": source(
      'import { store } from "$lib/server/store";',
      "export async function load({ params }: { params: { board: string } }) {",
      "  const hit = await store.get(`board:${params.board}`);",
      "  if (hit) return JSON.parse(hit) as unknown;",
      "  const board = { id: params.board };",
      "  await store.set(`board:${params.board}`, JSON.stringify(board));",
      "  return board;",
      "}",
    ),
    "src/routes/lanes/+page.server.ts": source(
      'import { store } from "$lib/server/store";',
      "export async function load({ params }: { params: { lane: string } }) {",
      "  const hit = await store.get(`lane:${params.lane}`);",
      "  if (hit) return JSON.parse(hit) as unknown;",
      "  const lane = { id: params.lane };",
      '  await store.set(`lane:${params.lane}`, JSON.stringify(lane), "EX", 300);',
      "  return lane;",
      "}",
    ),
  };
  const root = writeProject("recall-sveltekit", files);

  it("reads `$lib` as SvelteKit's default src/lib, so the client behind it is found, and says so", () => {
    const run = runCliCaptured(["check", ".", "--format", "json"], root);
    const findings = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).flatMap((result) =>
      result.messages.map((m) => `${m.ruleId} ${path.relative(root, result.filePath)}:${m.line}`),
    );
    // The client behind `$lib` is found: its expiry-less write, and its construction with ioredis's defaults.
    assert.deepEqual(findings, [
      "require-client-timeouts src/lib/server/store.ts:2",
      "require-cache-ttl src/routes/boards/+page.server.ts:6",
    ]);
    assert.match(run.stderr, /\.svelte-kit\/tsconfig\.json.*`\$lib` read as src\/lib/);
  });
});
