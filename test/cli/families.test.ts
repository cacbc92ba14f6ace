// `cachewise families`: the inventory of cache families on the families fixture, in each format, and --check.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { FIXTURES, REPO_ROOT, STRICT_TSCONFIG, runCliCaptured, writeProject } from "../helpers";

const DIR = path.join(FIXTURES, "families");

const written: string[] = [];
after(() => written.forEach((file) => fs.rmSync(file, { force: true })));

function writeConfig(name: string, config: unknown): string {
  const file = path.join(REPO_ROOT, "test-output", `${name}-${process.pid}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(config));
  written.push(file);
  return file;
}

describe("cachewise families", () => {
  it("gives each family a role with its evidence: a cache refilled after a miss, a counter, a marker, a store", () => {
    const dir = writeProject("roles", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/redis.ts": [
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "declare function loadProfile(id: string): Promise<string>;",
        "export async function getProfile(id: string): Promise<string> {",
        "  const cached = await redis.get(`profile:${id}`);",
        "  if (cached) return cached;",
        "  const profile = await loadProfile(id);",
        "  await redis.set(`profile:${id}`, profile);",
        "  return profile;",
        "}",
        "export async function countUsage(account: string, tokens: number): Promise<void> {",
        "  await redis.hincrby(`usage:${account}`, 'tokens', tokens);",
        "}",
        "export async function readUsage(account: string) {",
        "  return redis.hgetall(`usage:${account}`);",
        "}",
        "export async function markImported(account: string): Promise<boolean> {",
        "  return (await redis.set(`imported:${account}`, '1', 'NX')) === 'OK';",
        "}",
        "export async function saveDraft(id: string, text: string): Promise<void> {",
        "  await redis.set(`draft:${id}`, text);",
        "}",
        "export async function readDraft(id: string) {",
        "  return redis.get(`draft:${id}`);",
        "}",
        "",
      ].join("\n"),
    });
    const run = runCliCaptured(["families", ".", "--format", "json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const families = JSON.parse(run.stdout) as Array<Record<string, any>>;
    assert.deepEqual(
      families.map((f) => [f.label, f.role, f.roleEvidence]),
      [
        ["draft:{id}", "store", "written and read back, never filled after a miss"],
        ["imported:{account}", "coordination", "only written when the key is absent (NX): a lock or a marker"],
        ["profile:{id}", "cache", "filled after a miss (cache-aside)"],
        ["usage:{account}", "counter", "only incremented (HINCRBY)"],
      ],
    );
  });

  it("says what an adapter could not read instead of guessing (options of unknown shape)", () => {
    const dir = writeProject("unrecognised-options", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/cache.ts": [
        'import { LRUCache } from "lru-cache";',
        "declare function loadOptions(): LRUCache.Options<string, string, unknown>;",
        "const sessions = new LRUCache<string, string>(loadOptions());",
        "export function remember(id: string, value: string): void {",
        "  sessions.set(`session:${id}`, value);",
        "}",
        "",
      ].join("\n"),
    });
    const run = runCliCaptured(["families", ".", "--format", "json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const families = JSON.parse(run.stdout) as Array<Record<string, any>>;
    assert.equal(families.length, 1);
    assert.deepEqual(families[0]!.unrecognised, [
      { what: "its options cannot be read: a spread, or a variable of unknown shape", location: "src/cache.ts:3" },
    ]);
  });

  it("prints every family with its TTLs, strategy, entities and sites as JSON", () => {
    const run = runCliCaptured(["families", ".", "--format", "json"], DIR);
    assert.equal(run.code, 0, run.stderr);
    const families = JSON.parse(run.stdout) as Array<Record<string, any>>;
    assert.deepEqual(
      families.map((f) => [f.label, f.kind, f.strategies, f.entities.map((e: { name: string }) => e.name)]),
      [
        ["app:import:{slug}", "redis", [], []],
        ["app:invoice:{id}", "redis", ["cache-aside"], ["invoices"]],
        ["app:org:{slug}", "redis", ["cache-aside"], ["organization"]],
        ["app:project:{id}", "redis", ["cache-aside"], ["Project"]],
        ["app:team:{id}", "redis", ["cache-aside", "write-through"], ["teams"]],
        ["app:user:{id}", "redis", ["cache-aside"], ["user"]],
        ["listPrices() unstable_cache", "framework", ["read-through"], ["product"]],
        ["listProducts() unstable_cache", "framework", ["read-through"], ["product"]],
        ["settingsCache", "in-process", ["cache-aside"], ["setting"]],
      ],
    );
    const team = families[4]!;
    assert.deepEqual(
      team.ttls.map((t: { kind: string; ms: number | null; location: string }) => [t.kind, t.ms, t.location]),
      [
        ["set", 604_800_000, "src/teams.ts:9"],
        ["none", null, "src/teams.ts:20"],
        ["set", 604_800_000, "src/teams.ts:26"],
      ],
    );
    assert.deepEqual(team.reads, [{ location: "src/teams.ts:6", method: "get", function: "getTeam" }]);
    const user = families[5]!;
    // The wrapper's methods hold the sites; the entity read is in the wrapper's caller. Its `set` fills a
    // miss (getUser reads through the wrapper first), so only `invalidate` counts as an invalidation.
    assert.deepEqual(
      user.invalidations.map((i: { location: string }) => i.location),
      ["src/user-cache.ts:15"],
    );
    assert.equal(user.entities[0].location, "src/users.ts:8");
    assert.deepEqual(families[7]!.tags, ["products"]);
  });

  it("prints a readable table and a Markdown table for pull requests", () => {
    const pretty = runCliCaptured(["families", "."], DIR);
    assert.equal(pretty.code, 0, pretty.stderr);
    assert.match(pretty.stdout, /^Family +Kind +Role +TTL +Bound +Strategy +Entities +R\/W\/I +Class +Owner/m);
    assert.match(
      pretty.stdout,
      /^app:team:\{id\} +redis \(ioredis\) +cache +7 d, none +— +cache-aside, write-through +teams +1\/3\/2/m,
    );
    assert.match(pretty.stdout, /^ {2}depends on {3}user \(prisma\), read at src\/users\.ts:8$/m);
    assert.match(
      pretty.stdout,
      /^app:import:\{slug\}\n {2}role queue: only appended to \(RPUSH\): a queue, a stream or a log\n {2}volatility unknown: no read of a database found in its fill\n {2}keys entity: a key per `slug`$/m,
    );
    const markdown = runCliCaptured(["families", ".", "--format", "markdown"], DIR);
    assert.match(
      markdown.stdout,
      /^\| \[`settingsCache`\]\(src\/settings\.ts#L11\) \| in-process \(lru-cache\) \| cache \| 5 s \| 100 entries \| cache-aside \| setting \| 1\/1\/0 \| — \| undeclared \|$/m,
    );
  });

  it("takes a family's role from the configuration when it declares one, and rejects an unknown role", () => {
    const config = writeConfig("families-role", { families: [{ match: "app:import:*", role: "store" }] });
    const run = runCliCaptured(["families", ".", "--format", "json", "--config", config], DIR);
    assert.equal(run.code, 0, run.stderr);
    const families = JSON.parse(run.stdout) as Array<Record<string, any>>;
    const declared = families.find((f) => f.label === "app:import:{slug}")!;
    assert.deepEqual(
      [declared.role, declared.roleEvidence],
      ["store", 'declared in the configuration ("app:import:*")'],
    );
    const undeclared = families.find((f) => f.label === "app:org:{slug}")!;
    assert.deepEqual([undeclared.role, undeclared.roleEvidence], ["cache", "filled after a miss (cache-aside)"]);
    const bad = writeConfig("families-bad-role", { families: [{ match: "app:*", role: "queue-ish" }] });
    const rejected = runCliCaptured(["families", ".", "--config", bad], DIR);
    assert.equal(rejected.code, 2);
    assert.match(
      rejected.stderr,
      /families\[0\]\.role must be one of cache, store, queue, coordination, counter, job-state, unknown/,
    );
  });

  it("--check exits 1 and names the families the configuration does not declare", () => {
    const config = writeConfig("families-partial", {
      families: [
        { match: "app:user:*", owner: "accounts", class: "profile" },
        { match: "tag:products", owner: "catalog" },
        { match: "settingsCache", owner: "platform" },
      ],
    });
    const run = runCliCaptured(["families", ".", "--config", config, "--check"], DIR);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /6 cache families are not declared in the configuration: app:import:\{slug\}, app:invoice:\{id\}, app:org:\{slug\}, app:project:\{id\}, app:team:\{id\}, listPrices\(\) unstable_cache/,
    );
    assert.match(run.stdout, /^ {2}app:team:\{id\} {2}→ \{ "match": "app:team:\*", "owner": "…" \}$/m);
    assert.match(run.stdout, /^app:user:\{id\} .* profile +accounts$/m);
    const complete = writeConfig("families-complete", { families: [{ match: "*", owner: "platform" }] });
    assert.equal(runCliCaptured(["families", ".", "--config", complete, "--check"], DIR).code, 0);
  });

  it("rejects invalid family declarations with exit 2", () => {
    const config = writeConfig("families-invalid", { families: [{ match: "user:*", class: "hot" }] });
    const run = runCliCaptured(["families", ".", "--config", config], DIR);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /families\[0\]\.class "hot" is not a data class \(known: static, profile, transactional\)/,
    );
  });

  it("infers write-behind when the write of the source is queued (a Redis list a worker pops, or an event whose handler writes)", (t) => {
    const dir = writeProject("write-behind", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/profiles.ts": [
        'import { EventEmitter } from "node:events";',
        'import { PrismaClient } from "@prisma/client";',
        'import { Redis } from "ioredis";',
        "const prisma = new PrismaClient();",
        "const redis = new Redis();",
        "const bus = new EventEmitter();",
        "export async function getProfile(id: string) {",
        "  return redis.get(`profile:${id}`);",
        "}",
        "export async function saveProfile(id: string, bio: string) {",
        "  await redis.set(`profile:${id}`, JSON.stringify({ id, bio }), 'EX', 3600);",
        "  await redis.rpush('jobs:profiles', JSON.stringify({ id, bio }));",
        "}",
        "export async function flushProfiles() {",
        "  const job = await redis.lpop('jobs:profiles');",
        "  if (!job) return;",
        "  const { id, bio } = JSON.parse(job) as { id: string; bio: string };",
        "  await prisma.profile.update({ where: { id }, data: { bio } });",
        "}",
        "export async function getAvatar(id: string) {",
        "  return redis.get(`avatar:${id}`);",
        "}",
        "export async function saveAvatar(id: string, url: string) {",
        "  await redis.set(`avatar:${id}`, url, 'EX', 3600);",
        "  bus.emit('avatar.changed', id, url);",
        "}",
        "bus.on('avatar.changed', async (id: string, url: string) => {",
        "  await prisma.user.update({ where: { id }, data: { avatar: url } });",
        "});",
        "export async function getPlain(id: string) {",
        "  return redis.get(`plain:${id}`);",
        "}",
        "export async function savePlain(id: string, text: string) {",
        "  await redis.set(`plain:${id}`, text, 'EX', 3600);",
        "}",
      ].join("\n"),
    });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = runCliCaptured(["families", ".", "--format", "json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const strategies = Object.fromEntries(
      (JSON.parse(run.stdout) as Array<{ label: string; strategies: string[] }>).map((f) => [f.label, f.strategies]),
    );
    assert.deepEqual(strategies["profile:{id}"], ["write-behind"]);
    assert.deepEqual(strategies["avatar:{id}"], ["write-behind"]);
    assert.deepEqual(strategies["plain:{id}"], []);
  });
});
