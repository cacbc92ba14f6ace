// The libraries issue 13 added, through the CLI and through ESLint on the same project (packages absent, so
// identity comes from the import specifiers): both hosts report the same findings, at the expected places,
// and stay silent on each case's twin.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STRICT_TSCONFIG, expectBothHosts, runCliCaptured, writeProject } from "../helpers";

/** Checks a one-file project in both hosts: the same (rule, file, line, column) set, and that set is `expected`. */
async function checkBothHosts(name: string, source: string[], expected: string[]): Promise<void> {
  const dir = writeProject(name, { "tsconfig.json": STRICT_TSCONFIG, "src/cache.ts": `${source.join("\n")}\n` });
  await expectBothHosts(dir, expected);
}

describe("issue 13 adapters in the CLI and ESLint", () => {
  it("@valkey/valkey-glide: a SET without expiry, and its twins with an expiry", async () => {
    await checkBothHosts(
      "valkey-glide",
      [
        'import { GlideClient, TimeUnit } from "@valkey/valkey-glide";',
        'const glide = await GlideClient.createClient({ addresses: [{ host: "localhost" }] });',
        "export async function saveUser(id: string, json: string) {",
        "  await glide.set(`user:${id}`, json);",
        "}",
        "export async function saveProfile(id: string, json: string) {",
        "  await glide.set(`profile:${id}`, json, { expiry: { type: TimeUnit.Seconds, count: 600 } });",
        "}",
        "export async function saveSession(id: string, json: string) {",
        '  await glide.set(`session:${id}`, json, { expiry: { type: "PX", count: 60_000 } });',
        "}",
      ],
      ["require-cache-ttl src/cache.ts:4:15"],
    );
  });

  it("@keyv/redis: a write without TTL stays in Redis, under the store's namespace prefix", async () => {
    const source = [
      'import { createKeyv } from "@keyv/redis";',
      'const sessions = createKeyv("redis://localhost:6379", { namespace: "sessions" });',
      "export async function remember(id: string, json: string) {",
      "  await sessions.set(`session:${id}`, json);",
      "}",
      "export async function rememberBriefly(id: string, json: string) {",
      "  await sessions.set(`token:${id}`, json, 60_000);",
      "}",
    ];
    await checkBothHosts("keyv-redis", source, ["require-cache-ttl src/cache.ts:4:18"]);
    const dir = writeProject("keyv-redis-families", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/cache.ts": source.join("\n"),
    });
    const run = runCliCaptured(["families", ".", "--format", "json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const labels = (JSON.parse(run.stdout) as Array<{ label: string }>).map((family) => family.label).sort();
    assert.deepEqual(labels, ["sessions sessions::session:{id}", "sessions sessions::token:{id}"]);
  });

  it("@epic-web/cachified: a read-through without ttl, and its twin with one", async () => {
    await checkBothHosts(
      "cachified",
      [
        'import { cachified } from "@epic-web/cachified";',
        'import { LRUCache } from "lru-cache";',
        "declare function loadUser(id: string): Promise<{ id: string }>;",
        "const lru = new LRUCache<string, any>({ max: 1000 });",
        "export function getUser(id: string) {",
        "  return cachified({ key: `user:${id}`, cache: lru, getFreshValue: () => loadUser(id) });",
        "}",
        "export function getUserBriefly(id: string) {",
        "  return cachified({ key: `brief:${id}`, cache: lru, getFreshValue: () => loadUser(id), ttl: 60_000 });",
        "}",
      ],
      ["require-cache-ttl src/cache.ts:6:10"],
    );
  });

  it("lru-memoizer: an unbounded memoizer and a kept rejection, and their bounded, errback twins", async () => {
    await checkBothHosts(
      "lru-memoizer",
      [
        'import memoizer from "lru-memoizer";',
        "declare function fetchProfile(id: string, callback: (error: Error | null, profile?: string) => void): void;",
        "declare function loadProfile(id: string): Promise<string>;",
        "export const unbounded = memoizer({ load: fetchProfile, hash: (id: string) => id });",
        "export const bounded = memoizer({ load: fetchProfile, hash: (id: string) => id, max: 100 });",
        "export const keepsRejections = memoizer.sync({ load: loadProfile, hash: (id: string) => id, max: 100 });",
      ],
      ["require-cache-bound src/cache.ts:4:26", "no-cached-rejection src/cache.ts:6:32"],
    );
  });

  it("unstorage and Nitro: TTLs in the wrong unit, an unbounded memory storage, and their twins", async () => {
    await checkBothHosts(
      "unstorage-nitro",
      [
        'import { createStorage } from "unstorage";',
        'import redisDriver from "unstorage/drivers/redis";',
        'import { defineCachedFunction } from "nitropack/runtime";',
        "declare function loadStars(repo: string): Promise<number>;",
        "export const memory = createStorage();",
        'const storage = createStorage({ driver: redisDriver({ url: "redis://localhost:6379" }) });',
        "export async function save(id: string, json: string) {",
        "  await storage.setItem(`user:${id}`, json, { ttl: 3_600_000 });",
        "  await storage.setItem(`profile:${id}`, json, { ttl: 3600 });",
        "}",
        "export const getStars = defineCachedFunction(loadStars, { maxAge: 60_000 });",
        "export const getForks = defineCachedFunction(loadStars, { maxAge: 60 });",
      ],
      [
        "require-cache-bound src/cache.ts:5:23",
        "no-ambiguous-ttl-unit src/cache.ts:8:17",
        "no-ambiguous-ttl-unit src/cache.ts:11:25",
      ],
    );
  });

  it("@hapi/catbox: TTLs in the wrong unit, its twins, and policy families under their segment", async () => {
    const source = [
      'import { Client, Policy } from "@hapi/catbox";',
      'import { Engine } from "@hapi/catbox-memory";',
      "const client = new Client(Engine);",
      'const users = new Policy({ expiresIn: 60 }, client, "users");',
      'const teams = new Policy({ expiresIn: 60_000 }, client, "teams");',
      "export async function save(id: string, json: string) {",
      "  await users.set(id, json);",
      "  await teams.set(id, json);",
      "}",
      "export async function forget(id: string) {",
      "  await teams.drop(id);",
      "}",
    ];
    await checkBothHosts("catbox", source, ["no-ambiguous-ttl-unit src/cache.ts:4:19"]);
    const dir = writeProject("catbox-families", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/cache.ts": source.join("\n"),
    });
    const run = runCliCaptured(["families", ".", "--format", "json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const patterns = (JSON.parse(run.stdout) as Array<{ pattern: string }>).map((family) => family.pattern).sort();
    assert.deepEqual(patterns, ["teams:*", "users:*"]);
  });

  it("@unkey/cache: a memory store nothing sweeps, stale in seconds, and their twins", async () => {
    await checkBothHosts(
      "unkey-cache",
      [
        'import { DefaultStatefulContext, Namespace, createCache } from "@unkey/cache";',
        'import { MemoryStore } from "@unkey/cache/stores";',
        "const ctx = new DefaultStatefulContext();",
        "const leaky = new MemoryStore({ persistentMap: new Map() });",
        "const swept = new MemoryStore({ persistentMap: new Map(), unstableEvictOnSet: { frequency: 1, maxItems: 100 } });",
        "const user = new Namespace(ctx, { stores: [swept], fresh: 60_000, stale: 300 });",
        "const team = new Namespace(ctx, { stores: [leaky], fresh: 60_000, stale: 300_000 });",
        "export const cache = createCache({ user, team });",
      ],
      ["require-cache-bound src/cache.ts:4:19", "no-ambiguous-ttl-unit src/cache.ts:6:18"],
    );
  });
});
