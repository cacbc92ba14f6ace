// Issue "precision on real services": six misreadings that produced false findings on real code. Each
// pattern has negative cases (must stay silent) next to a positive twin (must stay reported), per rule.
// The same patterns, all together in one project, are checked through the CLI in test/cli/precision-patterns.test.ts.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** The 1-based line of the only line of `code` that contains `marker` (throws if there is not exactly one). */
function lineOf(code: string, marker: string): number {
  const found = code
    .split("\n")
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.includes(marker));
  if (found.length !== 1) throw new Error(`${found.length} lines contain ${JSON.stringify(marker)}`);
  return found[0]!.line;
}

/** The one suggestion of a Redis SET without expiry: `output` is the code with `"EX", TTL_SECONDS` added. */
const suggestTtl = (output: string) => [{ messageId: "suggestRedisTtl", data: { placeholder: "TTL_SECONDS" }, output }];

const IOREDIS = ['import { Redis } from "ioredis";', "const redis = new Redis();"];
const PRISMA_REDIS = [
  'import { PrismaClient } from "@prisma/client";',
  'import { Redis } from "ioredis";',
  "const prisma = new PrismaClient();",
  "const redis = new Redis();",
];

// ---------------------------------------------------------------------------------------------------------------
// Pattern 1: state that is not a cache (coordination keys, counters, streams, markers, short-lived progress).

/** A projector's watermark: one fixed key created with NX, then moved forward by a Lua script. */
const WATERMARK_LUA = lines(
  ...IOREDIS,
  "const ADVANCE_WATERMARK = `",
  "  local current = tonumber(redis.call('GET', KEYS[1]) or '0')",
  "  if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end",
  "  return current`;",
  "export async function startProjector(): Promise<number> {",
  '  await redis.set("projector:watermark", 0, "NX");',
  '  return Number(await redis.get("projector:watermark"));',
  "}",
  "export async function commitBatch(lastSequence: number): Promise<void> {",
  '  await redis.eval(ADVANCE_WATERMARK, 1, "projector:watermark", lastSequence);',
  "}",
);

/** The same watermark moved forward by a plain SET from the projector job itself. */
const WATERMARK_PLAIN = lines(
  ...IOREDIS,
  "declare function applyEvents(after: number): Promise<number>;",
  "export async function runProjector(): Promise<void> {",
  '  await redis.set("projector:watermark", 0, "NX");',
  '  const from = Number(await redis.get("projector:watermark"));',
  "  const to = await applyEvents(from);",
  '  await redis.set("projector:watermark", to);',
  "}",
);

/** A fixed control flag an operator toggles and every request reads. */
const MAINTENANCE_FLAG = lines(
  ...IOREDIS,
  "export async function setMaintenance(enabled: boolean): Promise<void> {",
  '  await redis.set("maintenance:enabled", enabled ? "1" : "0");',
  "}",
  "export async function isUnderMaintenance(): Promise<boolean> {",
  '  return (await redis.get("maintenance:enabled")) === "1";',
  "}",
);

/** Lifetime usage per account: incremented forever on purpose, and read as a whole for billing. */
const USAGE_COUNTERS = lines(
  ...IOREDIS,
  "export async function recordCompletion(accountId: string, tokens: number): Promise<void> {",
  '  await redis.hincrby(`usage:${accountId}`, "tokens", tokens);',
  '  await redis.hincrby(`usage:${accountId}`, "requests", 1);',
  "}",
  "export async function usageReport(accountId: string): Promise<Record<string, string>> {",
  "  return redis.hgetall(`usage:${accountId}`);",
  "}",
);

/** A stream with a producer and a consumer group that acknowledges and trims what it handled. */
const EVENT_STREAM = lines(
  ...IOREDIS,
  "export async function publish(type: string, payload: object): Promise<void> {",
  '  await redis.xadd("events:stream", "*", "type", type, "payload", JSON.stringify(payload));',
  "}",
  "export async function consume(consumer: string): Promise<number> {",
  '  const batches = (await redis.xreadgroup("GROUP", "mailer", consumer, "COUNT", 50, "STREAMS", "events:stream", ">")) as',
  "    | Array<[string, Array<[string, string[]]>]>",
  "    | null;",
  "  let handled = 0;",
  "  for (const [, entries] of batches ?? []) {",
  "    for (const [id] of entries) {",
  '      await redis.xack("events:stream", "mailer", id);',
  '      await redis.xdel("events:stream", id);',
  "      handled++;",
  "    }",
  "  }",
  "  return handled;",
  "}",
);

/** A per-user marker that a one-off migration ran: a constant "1" written after checking it, no NX. */
const MIGRATION_MARKER = lines(
  ...IOREDIS,
  "declare function moveLegacyPreferences(userId: string): Promise<void>;",
  "export async function ensureMigrated(userId: string): Promise<void> {",
  '  if ((await redis.get(`migrated:${userId}`)) === "1") return;',
  "  await moveLegacyPreferences(userId);",
  '  await redis.set(`migrated:${userId}`, "1");',
  "}",
);

/** The progress of a job, kept for a quarter of an hour after the last update. */
const JOB_PROGRESS = lines(
  ...IOREDIS,
  "export async function reportProgress(jobId: string, done: number, total: number): Promise<void> {",
  "  await redis.hset(`progress:${jobId}`, { done, total, updatedAt: Date.now() });",
  "  await redis.expire(`progress:${jobId}`, 900);",
  "}",
  "export async function readProgress(jobId: string): Promise<Record<string, string>> {",
  "  return redis.hgetall(`progress:${jobId}`);",
  "}",
);

/** Positive twin: a cart saved per checkout and never expired or deleted: it leaks one key per abandoned checkout. */
const CHECKOUT_LEAK = lines(
  ...IOREDIS,
  "interface CartLine {",
  "  sku: string;",
  "  quantity: number;",
  "}",
  "export async function saveCart(checkoutId: string, items: CartLine[]): Promise<void> {",
  "  await redis.set(`checkout:${checkoutId}`, JSON.stringify({ items, savedAt: Date.now() }));",
  "}",
  "export async function loadCart(checkoutId: string): Promise<CartLine[]> {",
  "  const raw = await redis.get(`checkout:${checkoutId}`);",
  "  return raw ? (JSON.parse(raw) as { items: CartLine[] }).items : [];",
  "}",
);

/** Positive twin: a cache-aside of a Prisma row written without expiry, and nothing ever invalidates it. */
const USER_CACHE_FOREVER = lines(
  ...PRISMA_REDIS,
  "export async function getUser(id: string) {",
  "  const cached = await redis.get(`user:${id}`);",
  "  if (cached) return JSON.parse(cached) as unknown;",
  "  const user = await prisma.user.findUnique({ where: { id } });",
  "  await redis.set(`user:${id}`, JSON.stringify(user));",
  "  return user;",
  "}",
);

// ---------------------------------------------------------------------------------------------------------------
// Pattern 2: pass-through wrappers and adapters (the expiry, if any, is the caller's business).

/** A thin store over Redis: its methods pass the caller's key, value and expiry through. */
const STORE_CLASS = [
  ...IOREDIS,
  "export class RedisStore {",
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
  "export const store = new RedisStore();",
];

/** The Redis methods a rate-limit library asks its caller to provide, handed to the library's constructor. */
const RATE_LIMIT_ADAPTER = lines(
  ...IOREDIS,
  "interface LimiterBackend {",
  "  sadd(key: string, ...members: string[]): Promise<number>;",
  "  hset(key: string, field: string, value: string): Promise<number>;",
  "  eval(script: string, keys: string[], args: Array<string | number>): Promise<unknown>;",
  "}",
  "declare function createSlidingWindowLimiter(options: { backend: LimiterBackend; limit: number; windowMs: number }): {",
  "  consume(id: string): Promise<boolean>;",
  "};",
  "export const limiter = createSlidingWindowLimiter({",
  "  limit: 100,",
  "  windowMs: 60_000,",
  "  backend: {",
  "    sadd: (key, ...members) => redis.sadd(key, ...members),",
  "    hset: (key, field, value) => redis.hset(key, field, value),",
  "    eval: (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args),",
  "  },",
  "});",
);

/** Positive twin: a wrapper without expiry; the leak is at the call that passes a per-token key. */
const SAVE_WRAPPER_LEAK = lines(
  ...IOREDIS,
  "function save(key: string, value: string) {",
  "  return redis.set(key, value);",
  "}",
  "export async function startSession(token: string, json: string): Promise<void> {",
  "  await save(`session:${token}`, json);",
  "}",
  "export async function readSession(token: string) {",
  "  return redis.get(`session:${token}`);",
  "}",
);

// ---------------------------------------------------------------------------------------------------------------
// Pattern 3: hand-written expiry in a bounded in-process cache. Pattern 5: values that cannot go stale.

/** Entries carry their own deadline, checked against the clock on every read. */
const LRU_EXPIRES_AT = lines(
  'import { LRUCache } from "lru-cache";',
  "declare function fetchExchangeRate(pair: string): Promise<number>;",
  "interface Timed {",
  "  value: number;",
  "  expiresAt: number;",
  "}",
  "const rates = new LRUCache<string, Timed>({ max: 500 });",
  "export async function exchangeRate(pair: string): Promise<number> {",
  "  const hit = rates.get(pair);",
  "  if (hit && hit.expiresAt > Date.now()) return hit.value;",
  "  const value = await fetchExchangeRate(pair);",
  "  rates.set(pair, { value, expiresAt: Date.now() + 60_000 });",
  "  return value;",
  "}",
);

/** The value is itself the deadline: a lock-out that ends at the stored time. */
const LRU_DEADLINE_VALUE = lines(
  'import { LRUCache } from "lru-cache";',
  "const lockedUntil = new LRUCache<string, number>({ max: 500 });",
  "export function lockOut(ip: string): void {",
  "  lockedUntil.set(ip, Date.now() + 15 * 60_000);",
  "}",
  "export function isLockedOut(ip: string): boolean {",
  "  const until = lockedUntil.get(ip);",
  "  return until !== undefined && until > Date.now();",
  "}",
);

/** Positive twin: the same bounded LRU holding a Prisma row, with an update elsewhere that does not evict it. */
const LRU_PRODUCT_ROW = lines(
  'import { LRUCache } from "lru-cache";',
  'import { PrismaClient } from "@prisma/client";',
  "const prisma = new PrismaClient();",
  "const products = new LRUCache<string, object>({ max: 500 });",
  "export async function getProduct(id: string) {",
  "  const hit = products.get(id);",
  "  if (hit) return hit;",
  "  const product = await prisma.product.findUnique({ where: { id } });",
  "  if (product) products.set(id, product);",
  "  return product;",
  "}",
  "export async function reprice(id: string, priceCents: number) {",
  "  await prisma.product.update({ where: { id }, data: { priceCents } });",
  "}",
);

/** A pure decode of a token's payload: the same token always decodes to the same claims. */
const LRU_DECODED_TOKENS = lines(
  'import { LRUCache } from "lru-cache";',
  "interface Claims {",
  "  sub: string;",
  "  exp: number;",
  "  scope: string;",
  "}",
  "const decoded = new LRUCache<string, Claims>({ max: 10_000 });",
  "export function claimsOf(token: string): Claims {",
  "  const hit = decoded.get(token);",
  "  if (hit) return hit;",
  '  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Claims;',
  "  decoded.set(token, claims);",
  "  return claims;",
  "}",
);

/** Compiled patterns: a RegExp depends only on its source string. */
const LRU_COMPILED_PATTERNS = lines(
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
  "export function matchesGlob(glob: string, path: string): boolean {",
  "  return patternFor(glob).test(path);",
  "}",
);

// ---------------------------------------------------------------------------------------------------------------
// Pattern 4: finite key domains that the key's type (string) does not show.

/** Only names of the static table reach the Map: the table bounds it. */
const MAP_GUARDED_BY_TABLE = lines(
  "interface Exporter {",
  "  contentType: string;",
  "  render(rows: object[]): string;",
  "}",
  "const EXPORTERS = {",
  '  csv: "text/csv",',
  '  json: "application/json",',
  '  ndjson: "application/x-ndjson",',
  "} as const;",
  "declare function buildExporter(contentType: string): Exporter;",
  "const exporters = new Map<string, Exporter>();",
  "export function exporterFor(format: string): Exporter {",
  "  const hit = exporters.get(format);",
  "  if (hit) return hit;",
  "  if (!(format in EXPORTERS)) throw new Error(`unknown export format ${format}`);",
  "  const exporter = buildExporter(EXPORTERS[format as keyof typeof EXPORTERS]);",
  "  exporters.set(format, exporter);",
  "  return exporter;",
  "}",
);

/** The same bound written as a switch whose default throws. */
const MAP_GUARDED_BY_SWITCH = lines(
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
  '    case "brotli":',
  '    case "zstd":',
  "      break;",
  "    default:",
  "      throw new Error(`unsupported encoding ${name}`);",
  "  }",
  "  const codec = loadCodec(name);",
  "  codecs.set(name, codec);",
  "  return codec;",
  "}",
);

/** A registry of live rooms, each a Map of its members: not a cache, and rooms are removed when they empty. */
const NESTED_ROOMS = lines(
  "interface Member {",
  "  id: string;",
  "  displayName: string;",
  "  joinedAt: number;",
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
);

/** Positive twin: a Map keyed by whatever a client types in the search box, never evicted. */
const MAP_FREE_FORM_QUERY = lines(
  "interface SearchRequest {",
  "  query: { q: string };",
  "}",
  "interface Hit {",
  "  id: string;",
  "  score: number;",
  "}",
  "declare function runSearch(text: string): Promise<Hit[]>;",
  "const searchResults = new Map<string, Hit[]>();",
  "export async function handleSearch(req: SearchRequest): Promise<Hit[]> {",
  "  const text = req.query.q;",
  "  const hit = searchResults.get(text);",
  "  if (hit) return hit;",
  "  const hits = await runSearch(text);",
  "  searchResults.set(text, hits);",
  "  return hits;",
  "}",
);

// ---------------------------------------------------------------------------------------------------------------
// Pattern 6: a snapshot linked to an entity is not a cache of it.

/** A click records the URL it was sent to, under its own fresh id: a later retarget must not rewrite history. */
const CLICK_SNAPSHOT = lines(
  'import { randomUUID } from "node:crypto";',
  ...PRISMA_REDIS,
  "export async function recordClick(slug: string): Promise<string | null> {",
  "  const link = await prisma.link.findUnique({ where: { slug } });",
  "  if (!link) return null;",
  "  const clickId = randomUUID();",
  '  await redis.set(`click:${clickId}`, JSON.stringify({ url: link.url, at: Date.now() }), "EX", 3600);',
  "  return clickId;",
  "}",
  "export async function attributeConversion(clickId: string) {",
  "  const raw = await redis.get(`click:${clickId}`);",
  "  return raw ? (JSON.parse(raw) as { url: string; at: number }) : null;",
  "}",
  "export async function retarget(id: string, url: string) {",
  "  await prisma.link.update({ where: { id }, data: { url } });",
  "}",
);

/** Positive twin: a real cache of the link row by slug, with a retarget that leaves it stale for a day. */
const LINK_CACHE = lines(
  ...PRISMA_REDIS,
  "export async function resolveLink(slug: string) {",
  "  const cached = await redis.get(`link:${slug}`);",
  "  if (cached) return JSON.parse(cached) as { url: string };",
  "  const link = await prisma.link.findUnique({ where: { slug } });",
  '  await redis.set(`link:${slug}`, JSON.stringify(link), "EX", 86400);',
  "  return link;",
  "}",
  "export async function retarget(id: string, url: string) {",
  "  await prisma.link.update({ where: { id }, data: { url } });",
  "}",
);

// ---------------------------------------------------------------------------------------------------------------
// One defect, one finding: a family written with EX 600 in one place and without expiry in another. The plain
// write is consistent-cache-ttl's finding (the family has a TTL, this write drops it); require-cache-ttl must not
// report the same line again.
const ORG_MIXED_TTL = lines(
  ...IOREDIS,
  "export async function cacheOrg(id: string, json: string): Promise<void> {",
  '  await redis.set(`org:${id}`, json, "EX", 600);',
  "}",
  "export async function renameOrg(id: string, json: string): Promise<void> {",
  "  await redis.set(`org:${id}`, json);",
  "}",
  "export async function readOrg(id: string) {",
  "  return redis.get(`org:${id}`);",
  "}",
);

ruleTester.run("require-cache-ttl", rules["require-cache-ttl"]!, {
  valid: [
    {
      name: "1 state (negative): a fixed watermark key created with NX and advanced by a Lua script is coordination, not a cache",
      filename: FILENAME,
      code: WATERMARK_LUA,
    },
    {
      name: "1 state (negative): a fixed watermark key created with NX and advanced by a plain SET of the same job",
      filename: FILENAME,
      code: WATERMARK_PLAIN,
    },
    {
      name: "1 state (negative): a fixed control flag (maintenance:enabled) set and read",
      filename: FILENAME,
      code: MAINTENANCE_FLAG,
    },
    {
      name: "1 state (negative): lifetime usage counters per account (HINCRBY, read with HGETALL)",
      filename: FILENAME,
      code: USAGE_COUNTERS,
    },
    {
      name: "1 state (negative): a stream written with XADD and consumed with XREADGROUP, XACK and XDEL",
      filename: FILENAME,
      code: EVENT_STREAM,
    },
    {
      name: '1 state (negative): a per-user migration marker (constant "1" written after checking GET, no NX)',
      filename: FILENAME,
      code: MIGRATION_MARKER,
    },
    {
      name: "1 state (negative): a job progress hash written with HSET and expired (900 s) in the same function",
      filename: FILENAME,
      code: JOB_PROGRESS,
    },
    {
      name: "2 wrappers (negative): a store class passing key, value and expiry through reports nothing inside the class",
      filename: FILENAME,
      code: lines(...STORE_CLASS),
    },
    {
      name: "2 wrappers (negative): an object literal of Redis methods handed to a rate-limit library reports nothing",
      filename: FILENAME,
      code: RATE_LIMIT_ADAPTER,
    },
    {
      name: "2 wrappers (negative): a caller of the store passing an expiry (store.put(session:{token}, json, 3600))",
      filename: FILENAME,
      code: lines(
        ...STORE_CLASS,
        "export async function startSession(token: string, json: string): Promise<void> {",
        "  await store.put(`session:${token}`, json, 3600);",
        "}",
        "export async function countLogin(userId: string): Promise<number> {",
        "  await store.put(`logins:${userId}`, '0', 86400);",
        "  return store.incr(`logins:${userId}`);",
        "}",
      ),
    },
    {
      name: "3 hand-written expiry (negative): LRU entries { value, expiresAt } compared with Date.now() on read",
      filename: FILENAME,
      code: LRU_EXPIRES_AT,
    },
    {
      name: "3 hand-written expiry (negative): an LRU whose value is the deadline, compared with Date.now() on read",
      filename: FILENAME,
      code: LRU_DEADLINE_VALUE,
    },
    {
      name: "5 cannot go stale (negative): a bounded LRU of tokens decoded by a pure function (a bound is the control)",
      filename: FILENAME,
      code: LRU_DECODED_TOKENS,
    },
    {
      name: "5 cannot go stale (negative): a bounded LRU (max 100) of RegExps compiled from their pattern string",
      filename: FILENAME,
      code: LRU_COMPILED_PATTERNS,
    },
    {
      name: "one defect, one finding (negative): a plain SET of a family written elsewhere with EX 600 is consistent-cache-ttl's, not require-cache-ttl's",
      filename: FILENAME,
      code: ORG_MIXED_TTL,
    },
  ],
  invalid: [
    {
      name: "1 state (positive): a per-checkout cart key written without expiry and never deleted leaks",
      filename: FILENAME,
      code: CHECKOUT_LEAK,
      errors: [
        {
          // A key per checkout that nothing deletes: said as a leak, not as staleness.
          messageId: "redisLeak",
          line: lineOf(CHECKOUT_LEAK, "redis.set(`checkout:"),
          suggestions: suggestTtl(
            CHECKOUT_LEAK.replace("savedAt: Date.now() }))", 'savedAt: Date.now() }), "EX", TTL_SECONDS)'),
          ),
        },
      ],
    },
    {
      name: "1 state (positive): a cache-aside of a Prisma row (user:{id}) written without expiry and never invalidated",
      filename: FILENAME,
      code: USER_CACHE_FOREVER,
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: lineOf(USER_CACHE_FOREVER, "redis.set(`user:"),
          suggestions: suggestTtl(
            USER_CACHE_FOREVER.replace("JSON.stringify(user))", 'JSON.stringify(user), "EX", TTL_SECONDS)'),
          ),
        },
      ],
    },
    {
      name: "2 wrappers (positive): a wrapper without expiry is reported at its caller's call, not inside the wrapper",
      filename: FILENAME,
      code: SAVE_WRAPPER_LEAK,
      // No suggestion: `save` takes no expiry, so there is nothing to add at the call.
      errors: [{ messageId: "redisLeak", line: lineOf(SAVE_WRAPPER_LEAK, "await save(`session:"), suggestions: [] }],
    },
    {
      // The message is also to say "until evicted (max 500)" instead of "forever": asserted in the CLI test,
      // which sees the message text.
      name: "3 hand-written expiry / 5 cannot go stale (positive): a bounded LRU (max 500) of a Prisma row with no expiry",
      filename: FILENAME,
      code: LRU_PRODUCT_ROW,
      errors: [{ messageId: "inProcessWithoutTtl", line: lineOf(LRU_PRODUCT_ROW, "products.set(id, product)") }],
    },
  ],
});

ruleTester.run("consistent-cache-ttl", rules["consistent-cache-ttl"]!, {
  valid: [],
  invalid: [
    {
      name: "one defect, one finding (positive): the plain SET of a family written elsewhere with EX 600",
      filename: FILENAME,
      code: ORG_MIXED_TTL,
      errors: [{ messageId: "missingTtl", line: lineOf(ORG_MIXED_TTL, "redis.set(`org:${id}`, json);") }],
    },
  ],
});

ruleTester.run("require-cache-bound", rules["require-cache-bound"]!, {
  valid: [
    {
      name: "4 finite keys (negative): a module-level Map that only stores names found in a static table",
      filename: FILENAME,
      code: MAP_GUARDED_BY_TABLE,
    },
    {
      name: "4 finite keys (negative): a module-level Map guarded by a switch whose default throws",
      filename: FILENAME,
      code: MAP_GUARDED_BY_SWITCH,
    },
    {
      name: "4 finite keys (negative): a nested room registry whose outer map deletes rooms when they empty",
      filename: FILENAME,
      code: NESTED_ROOMS,
    },
    {
      name: "5 cannot go stale (negative): a bounded LRU of decoded tokens needs no other bound",
      filename: FILENAME,
      code: LRU_DECODED_TOKENS,
    },
  ],
  invalid: [
    {
      name: "4 finite keys (positive): a module-level Map keyed by a request's free-form query string, never evicted",
      filename: FILENAME,
      code: MAP_FREE_FORM_QUERY,
      errors: [{ messageId: "unboundedMapCache", line: lineOf(MAP_FREE_FORM_QUERY, "const searchResults = new Map") }],
    },
  ],
});

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "4 finite keys (negative): the outer map of a nested registry is keyed by roomId alone, the inner by memberId",
      filename: FILENAME,
      code: NESTED_ROOMS,
    },
    {
      name: "4 finite keys (negative): a Map guarded by a static table is keyed by the name it stores",
      filename: FILENAME,
      code: MAP_GUARDED_BY_TABLE,
    },
  ],
  invalid: [],
});

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "6 snapshot (negative): a click keyed by its own fresh id records the link's URL at click time; a retarget leaves it",
      filename: FILENAME,
      code: CLICK_SNAPSHOT,
    },
  ],
  invalid: [
    {
      name: "6 snapshot (positive): a link:{slug} cache-aside of the link row with a retarget that does not delete it",
      filename: FILENAME,
      code: LINK_CACHE,
      errors: [{ messageId: "missingInvalidation", line: lineOf(LINK_CACHE, "prisma.link.update") }],
    },
  ],
});
