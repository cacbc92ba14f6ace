// Issue "precision on real services", through the CLI: one small service with every pattern of
// test/eslint-plugin/precision-patterns.test.ts spread over the files a real service would have. The test
// asserts the exact findings of `cachewise check --format json` (rule, file, line), so the negatives (silent)
// and their positive twins (reported) are checked together, and nothing else may appear.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { type CliRun, STRICT_TSCONFIG, runCliCaptured, writeProject } from "../helpers";

const source = (...text: string[]) => `${text.join("\n")}\n`;

const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "shop-api", private: true, type: "module" }),
  "tsconfig.json": STRICT_TSCONFIG,
  "src/infra/redis.ts": source('import { Redis } from "ioredis";', "export const redis = new Redis();"),
  "src/infra/db.ts": source(
    'import { PrismaClient } from "@prisma/client";',
    "export const prisma = new PrismaClient();",
  ),

  // Pattern 1, negatives: state that is not a cache.
  "src/projector/watermark.ts": source(
    'import { redis } from "../infra/redis.js";',
    'const WATERMARK = "projector:watermark";',
    "const ADVANCE = `",
    "  local current = tonumber(redis.call('GET', KEYS[1]) or '0')",
    "  if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end",
    "  return current`;",
    "declare function applyEventsAfter(sequence: number): Promise<number>;",
    "/** The single catch-up job: creates the watermark once, then moves it forward itself. */",
    "export async function catchUp(): Promise<void> {",
    '  await redis.set(WATERMARK, 0, "NX");',
    "  const from = Number(await redis.get(WATERMARK));",
    "  const to = await applyEventsAfter(from);",
    "  await redis.set(WATERMARK, to);",
    "}",
    "/** Live workers only ever move the watermark forward, atomically. */",
    "export async function commit(sequence: number): Promise<void> {",
    "  await redis.eval(ADVANCE, 1, WATERMARK, sequence);",
    "}",
  ),
  "src/ops/maintenance.ts": source(
    'import { redis } from "../infra/redis.js";',
    "export async function setMaintenance(enabled: boolean): Promise<void> {",
    '  await redis.set("maintenance:enabled", enabled ? "1" : "0");',
    "}",
    "export async function isUnderMaintenance(): Promise<boolean> {",
    '  return (await redis.get("maintenance:enabled")) === "1";',
    "}",
  ),
  "src/billing/usage.ts": source(
    'import { redis } from "../infra/redis.js";',
    "export async function recordCompletion(accountId: string, tokens: number): Promise<void> {",
    '  await redis.hincrby(`usage:${accountId}`, "tokens", tokens);',
    "}",
    "export async function usageOf(accountId: string): Promise<Record<string, string>> {",
    "  return redis.hgetall(`usage:${accountId}`);",
    "}",
  ),
  "src/events/outbox.ts": source(
    'import { redis } from "../infra/redis.js";',
    'const STREAM = "events:stream";',
    "export async function publish(type: string, payload: object): Promise<void> {",
    '  await redis.xadd(STREAM, "*", "type", type, "payload", JSON.stringify(payload));',
    "}",
    "export async function drain(consumer: string): Promise<void> {",
    '  const batches = (await redis.xreadgroup("GROUP", "webhooks", consumer, "COUNT", 20, "STREAMS", STREAM, ">")) as',
    "    | Array<[string, Array<[string, string[]]>]>",
    "    | null;",
    "  for (const [, entries] of batches ?? []) {",
    "    for (const [id] of entries) {",
    '      await redis.xack(STREAM, "webhooks", id);',
    "      await redis.xdel(STREAM, id);",
    "    }",
    "  }",
    "}",
  ),
  "src/accounts/migrate-preferences.ts": source(
    'import { redis } from "../infra/redis.js";',
    "declare function copyLegacyPreferences(userId: string): Promise<void>;",
    "export async function ensurePreferencesMigrated(userId: string): Promise<void> {",
    '  if ((await redis.get(`migrated:${userId}`)) === "1") return;',
    "  await copyLegacyPreferences(userId);",
    '  await redis.set(`migrated:${userId}`, "1");',
    "}",
  ),
  "src/jobs/progress.ts": source(
    'import { redis } from "../infra/redis.js";',
    "export async function reportProgress(jobId: string, done: number, total: number): Promise<void> {",
    "  await redis.hset(`progress:${jobId}`, { done, total });",
    "  await redis.expire(`progress:${jobId}`, 900);",
    "}",
    "export async function progressOf(jobId: string): Promise<Record<string, string>> {",
    "  return redis.hgetall(`progress:${jobId}`);",
    "}",
  ),
  // Pattern 1, positives: a leak, and a cache of a row that never expires.
  "src/checkout/cart.ts": source(
    'import { redis } from "../infra/redis.js";',
    "export interface CartLine {",
    "  sku: string;",
    "  quantity: number;",
    "}",
    "export async function saveCart(checkoutId: string, lines: CartLine[]): Promise<void> {",
    "  await redis.set(`checkout:${checkoutId}`, JSON.stringify({ lines, savedAt: Date.now() }));",
    "}",
    "export async function loadCart(checkoutId: string): Promise<CartLine[]> {",
    "  const raw = await redis.get(`checkout:${checkoutId}`);",
    "  return raw ? (JSON.parse(raw) as { lines: CartLine[] }).lines : [];",
    "}",
  ),
  "src/users/profile.ts": source(
    'import { prisma } from "../infra/db.js";',
    'import { redis } from "../infra/redis.js";',
    "export async function getUser(id: string) {",
    "  const cached = await redis.get(`user:${id}`);",
    "  if (cached) return JSON.parse(cached) as unknown;",
    "  const user = await prisma.user.findUnique({ where: { id } });",
    "  await redis.set(`user:${id}`, JSON.stringify(user));",
    "  return user;",
    "}",
  ),

  // Pattern 2: pass-through wrappers and adapters.
  "src/infra/kv-store.ts": source(
    'import { redis } from "./redis.js";',
    "export class KvStore {",
    "  put(key: string, value: string, ttlSeconds: number) {",
    '    return redis.set(key, value, "EX", ttlSeconds);',
    "  }",
    "  incr(key: string) {",
    "    return redis.incr(key);",
    "  }",
    "  read(key: string) {",
    "    return redis.get(key);",
    "  }",
    "}",
    "export const kv = new KvStore();",
  ),
  "src/auth/sessions.ts": source(
    'import { kv } from "../infra/kv-store.js";',
    "export async function openSession(token: string, json: string): Promise<void> {",
    "  await kv.put(`session:${token}`, json, 3600);",
    "}",
    "export async function readSession(token: string) {",
    "  return kv.read(`session:${token}`);",
    "}",
  ),
  "src/rate-limit/limiter.ts": source(
    'import { redis } from "../infra/redis.js";',
    "interface WindowBackend {",
    "  sadd(key: string, ...members: string[]): Promise<number>;",
    "  hset(key: string, field: string, value: string): Promise<number>;",
    "  eval(script: string, keys: string[], args: Array<string | number>): Promise<unknown>;",
    "}",
    "declare function createWindowLimiter(options: { backend: WindowBackend; limit: number; windowMs: number }): {",
    "  consume(id: string): Promise<boolean>;",
    "};",
    "export const apiLimiter = createWindowLimiter({",
    "  limit: 600,",
    "  windowMs: 60_000,",
    "  backend: {",
    "    sadd: (key, ...members) => redis.sadd(key, ...members),",
    "    hset: (key, field, value) => redis.hset(key, field, value),",
    "    eval: (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args),",
    "  },",
    "});",
  ),
  // Pattern 2, positive: a wrapper without expiry in one file, the leaking call in another.
  "src/infra/raw-store.ts": source(
    'import { redis } from "./redis.js";',
    "export function save(key: string, value: string) {",
    "  return redis.set(key, value);",
    "}",
    "export function load(key: string) {",
    "  return redis.get(key);",
    "}",
  ),
  "src/auth/device-tokens.ts": source(
    'import { load, save } from "../infra/raw-store.js";',
    "export async function registerDevice(token: string, json: string): Promise<void> {",
    "  await save(`device:${token}`, json);",
    "}",
    "export async function deviceOf(token: string) {",
    "  return load(`device:${token}`);",
    "}",
  ),

  // Pattern 3: hand-written expiry in a bounded LRU; the positive twin holds a Prisma row with no expiry.
  "src/pricing/exchange-rates.ts": source(
    'import { LRUCache } from "lru-cache";',
    "declare function fetchRate(pair: string): Promise<number>;",
    "const rates = new LRUCache<string, { value: number; expiresAt: number }>({ max: 500 });",
    "export async function rateOf(pair: string): Promise<number> {",
    "  const hit = rates.get(pair);",
    "  if (hit && hit.expiresAt > Date.now()) return hit.value;",
    "  const value = await fetchRate(pair);",
    "  rates.set(pair, { value, expiresAt: Date.now() + 60_000 });",
    "  return value;",
    "}",
  ),
  "src/auth/lockout.ts": source(
    'import { LRUCache } from "lru-cache";',
    "const lockedUntil = new LRUCache<string, number>({ max: 500 });",
    "export function lockOut(ip: string): void {",
    "  lockedUntil.set(ip, Date.now() + 15 * 60_000);",
    "}",
    "export function isLockedOut(ip: string): boolean {",
    "  const until = lockedUntil.get(ip);",
    "  return until !== undefined && until > Date.now();",
    "}",
  ),
  "src/catalog/products.ts": source(
    'import { LRUCache } from "lru-cache";',
    'import { prisma } from "../infra/db.js";',
    "const products = new LRUCache<string, object>({ max: 500 });",
    "export async function getProduct(id: string) {",
    "  const hit = products.get(id);",
    "  if (hit) return hit;",
    "  const product = await prisma.product.findUnique({ where: { id } });",
    "  if (product) products.set(id, product);",
    "  return product;",
    "}",
  ),
  "src/catalog/admin.ts": source(
    'import { prisma } from "../infra/db.js";',
    "export async function reprice(id: string, priceCents: number) {",
    "  await prisma.product.update({ where: { id }, data: { priceCents } });",
    "}",
  ),

  // Pattern 4: finite key domains; the positive twin is keyed by free-form search text.
  "src/exports/exporters.ts": source(
    "interface Exporter {",
    "  render(rows: object[]): string;",
    "}",
    "const CONTENT_TYPES = {",
    '  csv: "text/csv",',
    '  json: "application/json",',
    '  ndjson: "application/x-ndjson",',
    "} as const;",
    "declare function buildExporter(contentType: string): Exporter;",
    "const exporters = new Map<string, Exporter>();",
    "export function exporterFor(format: string): Exporter {",
    "  const hit = exporters.get(format);",
    "  if (hit) return hit;",
    "  if (!(format in CONTENT_TYPES)) throw new Error(`unknown export format ${format}`);",
    "  const exporter = buildExporter(CONTENT_TYPES[format as keyof typeof CONTENT_TYPES]);",
    "  exporters.set(format, exporter);",
    "  return exporter;",
    "}",
  ),
  "src/media/codecs.ts": source(
    "interface Codec {",
    "  encode(data: Uint8Array): Uint8Array;",
    "}",
    "declare function loadCodec(name: string): Codec;",
    "const codecs = new Map<string, Codec>();",
    "export function codecFor(name: string): Codec {",
    "  const hit = codecs.get(name);",
    "  if (hit) return hit;",
    "  switch (name) {",
    '    case "gzip":',
    '    case "br":',
    '    case "zstd":',
    "      break;",
    "    default:",
    "      throw new Error(`unsupported encoding ${name}`);",
    "  }",
    "  const codec = loadCodec(name);",
    "  codecs.set(name, codec);",
    "  return codec;",
    "}",
  ),
  "src/chat/rooms.ts": source(
    "export interface Member {",
    "  id: string;",
    "  displayName: string;",
    "}",
    "const rooms = new Map<string, Map<string, Member>>();",
    "export function join(roomId: string, member: Member): number {",
    "  let room = rooms.get(roomId);",
    "  if (!room) {",
    "    room = new Map<string, Member>();",
    "    rooms.set(roomId, room);",
    "  }",
    "  room.set(member.id, member);",
    "  return room.size;",
    "}",
    "export function leave(roomId: string, memberId: string): void {",
    "  const room = rooms.get(roomId);",
    "  if (!room) return;",
    "  room.delete(memberId);",
    "  if (room.size === 0) rooms.delete(roomId);",
    "}",
  ),
  "src/search/handler.ts": source(
    "interface SearchRequest {",
    "  query: { q: string };",
    "}",
    "declare function runSearch(text: string): Promise<string[]>;",
    "const resultsByQuery = new Map<string, string[]>();",
    "export async function handleSearch(req: SearchRequest): Promise<string[]> {",
    "  const text = req.query.q;",
    "  const hit = resultsByQuery.get(text);",
    "  if (hit) return hit;",
    "  const ids = await runSearch(text);",
    "  resultsByQuery.set(text, ids);",
    "  return ids;",
    "}",
  ),

  // Pattern 5: values that cannot go stale, in bounded LRUs.
  "src/auth/claims.ts": source(
    'import { LRUCache } from "lru-cache";',
    "export interface Claims {",
    "  sub: string;",
    "  exp: number;",
    "}",
    "const decoded = new LRUCache<string, Claims>({ max: 10_000 });",
    "export function claimsOf(token: string): Claims {",
    "  const hit = decoded.get(token);",
    "  if (hit) return hit;",
    '  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Claims;',
    "  decoded.set(token, claims);",
    "  return claims;",
    "}",
  ),
  "src/files/globs.ts": source(
    'import { LRUCache } from "lru-cache";',
    "const compiled = new LRUCache<string, RegExp>({ max: 100 });",
    "function patternFor(glob: string): RegExp {",
    "  const hit = compiled.get(glob);",
    "  if (hit) return hit;",
    '  const pattern = new RegExp(`^${glob.split("*").map(escapeRegExp).join("[^/]*")}$`);',
    "  compiled.set(glob, pattern);",
    "  return pattern;",
    "}",
    "function escapeRegExp(text: string): string {",
    '  return text.replace(/[.+?^${}()|[\\]\\\\]/g, "\\\\$&");',
    "}",
    "export function matchesGlob(glob: string, file: string): boolean {",
    "  return patternFor(glob).test(file);",
    "}",
  ),

  // Pattern 6: a click snapshot keyed by its own id (negative) beside a real cache of the link (positive).
  "src/links/clicks.ts": source(
    'import { randomUUID } from "node:crypto";',
    'import { prisma } from "../infra/db.js";',
    'import { redis } from "../infra/redis.js";',
    "export async function recordClick(slug: string): Promise<string | null> {",
    "  const link = await prisma.link.findUnique({ where: { slug } });",
    "  if (!link) return null;",
    "  const clickId = randomUUID();",
    '  await redis.set(`click:${clickId}`, JSON.stringify({ url: link.url, at: Date.now() }), "EX", 3600);',
    "  return clickId;",
    "}",
    "export async function clickOf(clickId: string) {",
    "  const raw = await redis.get(`click:${clickId}`);",
    "  return raw ? (JSON.parse(raw) as { url: string; at: number }) : null;",
    "}",
  ),
  "src/links/resolve.ts": source(
    'import { prisma } from "../infra/db.js";',
    'import { redis } from "../infra/redis.js";',
    "export async function resolveLink(slug: string) {",
    "  const cached = await redis.get(`link:${slug}`);",
    "  if (cached) return JSON.parse(cached) as { url: string };",
    "  const link = await prisma.link.findUnique({ where: { slug } });",
    '  await redis.set(`link:${slug}`, JSON.stringify(link), "EX", 86400);',
    "  return link;",
    "}",
  ),
  "src/links/admin.ts": source(
    'import { prisma } from "../infra/db.js";',
    "export async function retarget(id: string, url: string) {",
    "  await prisma.link.update({ where: { id }, data: { url } });",
    "}",
  ),

  // One defect, one finding (a): `org:{id}` has a 10 min TTL in one place and none in another.
  "src/orgs/org-cache.ts": source(
    'import { redis } from "../infra/redis.js";',
    "export async function cacheOrg(id: string, json: string): Promise<void> {",
    '  await redis.set(`org:${id}`, json, "EX", 600);',
    "}",
    "export async function renameOrg(id: string, json: string): Promise<void> {",
    "  await redis.set(`org:${id}`, json);",
    "}",
    "export async function readOrg(id: string) {",
    "  return redis.get(`org:${id}`);",
    "}",
  ),
  // One defect, one finding (b): an async function memoized for the life of the process.
  "src/pricing/quotes.ts": source(
    'import memoize from "lodash/memoize.js";',
    "async function fetchQuote(sku: string): Promise<number> {",
    "  const response = await fetch(`https://pricing.internal/quotes/${encodeURIComponent(sku)}`);",
    "  return ((await response.json()) as { cents: number }).cents;",
    "}",
    "export const quoteFor = memoize(fetchQuote);",
  ),
};

/** `file:line` of the only line of FILES[file] that contains `marker`. */
function at(file: string, marker: string): string {
  const found = FILES[file]!.split("\n").flatMap((text, index) => (text.includes(marker) ? [index + 1] : []));
  if (found.length !== 1) throw new Error(`${found.length} lines of ${file} contain ${JSON.stringify(marker)}`);
  return `${file}:${found[0]}`;
}

interface Message {
  ruleId: string | null;
  message: string;
  line: number;
}

describe("cachewise check: precision on real services", () => {
  const dir = writeProject("precision-patterns", FILES);
  let run: CliRun;
  let findings: Array<Message & { where: string }>;
  before(() => {
    // require-cache-fallback (unguarded cache calls beside the database) has its own suite: not this one's subject.
    run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-fallback:off"], dir);
    findings = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId)
        .map((m) => ({ ...m, where: `${path.relative(dir, result.filePath)}:${m.line}` })),
    );
  });
  const quotesLine = at("src/pricing/quotes.ts", "memoize(fetchQuote)");

  it("reports the positive twins, and nothing on the negatives (exact rule, file and line)", () => {
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(
      findings
        .filter((f) => f.where !== quotesLine)
        .map((f) => `${f.ruleId} ${f.where}`)
        .sort(),
      [
        // 6: the link:{slug} cache is left stale by the retarget (once: the click snapshot is not a cache of links).
        `require-invalidation-on-write ${at("src/links/admin.ts", "prisma.link.update")}`,
        // 3: the product cache is not evicted by the reprice either: a second, real defect of that family.
        `require-invalidation-on-write ${at("src/catalog/admin.ts", "prisma.product.update")}`,
        // One defect, one finding (a): the plain SET of org:{id} is consistent-cache-ttl's only.
        `consistent-cache-ttl ${at("src/orgs/org-cache.ts", "redis.set(`org:${id}`, json);")}`,
        // 4: a Map keyed by free-form search text.
        `require-cache-bound ${at("src/search/handler.ts", "const resultsByQuery")}`,
        // 2: reported at the call that leaks, not inside the wrapper.
        `require-cache-ttl ${at("src/auth/device-tokens.ts", "await save(")}`,
        // 3/5: a bounded LRU of a database row with no expiry.
        `require-cache-ttl ${at("src/catalog/products.ts", "products.set(")}`,
        // 1: a cart per checkout that nothing expires or deletes.
        `require-cache-ttl ${at("src/checkout/cart.ts", "redis.set(`checkout:")}`,
        // 1: a cache-aside of the user row written without expiry.
        `require-cache-ttl ${at("src/users/profile.ts", "redis.set(`user:")}`,
        // The services' one ioredis client is built with the library's defaults (an outage makes calls wait).
        `require-client-timeouts ${at("src/infra/redis.ts", "new Redis()")}`,
      ].sort(),
    );
  });

  it("says a bounded LRU without expiry keeps entries until evicted (max 500), not forever", () => {
    const products = findings.filter((f) => f.where === at("src/catalog/products.ts", "products.set("));
    assert.equal(products.length, 1);
    assert.equal(products[0]!.ruleId, "require-cache-ttl");
    assert.match(products[0]!.message, /max 500/);
    assert.doesNotMatch(products[0]!.message, /forever/);
  });

  it("reports the retarget of a link for the link:{slug} cache only, not for the click snapshots", () => {
    const retarget = findings.filter((f) => f.where === at("src/links/admin.ts", "prisma.link.update"));
    assert.equal(retarget.length, 1);
    assert.match(retarget[0]!.message, /link:\{slug\}/);
    assert.doesNotMatch(retarget[0]!.message, /click:/);
  });

  it("reports an async function memoized for the life of the process once (one defect, one finding)", () => {
    // Whichever rule owns it (no expiry, no bound, cached rejections all follow from the one memoize call).
    const quotes = findings.filter((f) => f.where === quotesLine);
    assert.equal(quotes.length, 1, quotes.map((f) => `${f.ruleId}: ${f.message}`).join("\n"));
  });
});
