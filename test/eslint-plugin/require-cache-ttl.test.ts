// require-cache-ttl through ESLint: typed RuleTester cases on real library imports.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["require-cache-ttl"]!;
const ruleTester = createRuleTester();

const IOREDIS = lines('import { Redis } from "ioredis";', "const redis = new Redis();");
const IOVALKEY = lines('import Valkey from "iovalkey";', "const valkey = new Valkey();");
const suggestTtl = (output: string) => [{ messageId: "suggestRedisTtl", data: { placeholder: "TTL_SECONDS" }, output }];

const OPTIONAL_TTL = lines(
  IOREDIS,
  "async function put(key: string, value: string, { ttl }: { ttl?: number } = {}) {",
  "  if (ttl) {",
  "    await redis.set(key, value, 'EX', ttl);",
  "    return;",
  "  }",
  "  await redis.set(key, value);",
  "}",
);

/** A read, a fill after the miss through `put`, with the given options argument (none when empty). */
const fillThroughPut = (options: string) =>
  lines(
    "export async function getBadge(id: string) {",
    "  const hit = await redis.get(`badge:${id}`);",
    "  if (hit) return hit;",
    "  const value = await (await fetch(`https://api.example.com/badges/${id}`)).text();",
    `  await put(\`badge:\${id}\`, value${options});`,
    "  return value;",
    "}",
  );

ruleTester.run("require-cache-ttl", rule, {
  valid: [
    {
      name: "a wrapper that writes without expiry only when the TTL option is missing, called with the option",
      filename: FILENAME,
      code: lines(OPTIONAL_TTL, fillThroughPut(", { ttl: 60 }")),
    },
    {
      name: "node-cache without stdTTL: one defect, reported once by require-cache-bound at the construction",
      filename: FILENAME,
      code: lines(
        'import NodeCache from "node-cache";',
        "const sessions = new NodeCache();",
        "export function remember(id: string, json: string) {",
        "  sessions.set(id, json);",
        "}",
      ),
    },
    {
      name: "keyv without ttl: one defect, reported once by require-cache-bound at the construction",
      filename: FILENAME,
      code: lines(
        'import Keyv from "keyv";',
        "const store = new Keyv();",
        "export async function remember(id: string, json: string) {",
        "  await store.set(id, json);",
        "}",
      ),
    },
    {
      name: "module-level lodash memoize of an async function: one defect, reported once by no-cached-rejection",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "async function fetchPrice(sku: string): Promise<number> {",
        "  return sku.length;",
        "}",
        "export const loadPrice = memoize(fetchPrice);",
      ),
    },
    {
      name: "an @upstash/redis SET NX marker of an entity is coordination, not a cache",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "@upstash/redis";',
        'const redis = new Redis({ url: "https://example.upstash.io", token: "token" });',
        "export async function markWelcomed(id: string) {",
        "  return redis.set(`welcomed:${id}`, 1, { nx: true });",
        "}",
      ),
    },
    {
      name: "a bounded lru-cache of values passed in from nowhere known needs its bound, not an expiry",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const users = new LRUCache<string, string>({ max: 500 });",
        "export function remember(id: string, json: string) {",
        "  users.set(id, json);",
        "}",
      ),
    },
    {
      name: "a key written by a test lives for one test run",
      filename: "cache.test.ts",
      code: [
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function seed() {",
        "  await redis.set('test:bulk:1', 'v');",
        "}",
        "",
      ].join("\n"),
    },
    {
      name: "INCR after SET NX EX on the same key keeps the expiry (a rate-limit window)",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function hit(ip: string) {",
        "  await redis.set(`rate:${ip}`, 0, 'EX', 60, 'NX');",
        "  return redis.incr(`rate:${ip}`);",
        "}",
      ),
    },
    {
      name: "ioredis SET with EX, PX or KEEPTTL",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function save(id: string, json: string) {",
          '  await redis.set(`a:${id}`, json, "EX", 60);',
          '  await redis.set(`b:${id}`, json, "PX", 60_000);',
          '  await redis.set(`c:${id}`, json, "KEEPTTL");',
          "}",
        ),
    },
    {
      name: "iovalkey SET with EX or KEEPTTL (the ioredis argument shape)",
      filename: FILENAME,
      code:
        IOVALKEY +
        lines(
          "export async function save(id: string, json: string) {",
          '  await valkey.set(`a:${id}`, json, "EX", 60);',
          '  await valkey.set(`b:${id}`, json, "KEEPTTL");',
          "}",
        ),
    },
    {
      name: "ioredis SETEX",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function save(id: string, json: string) {",
          "  await redis.setex(`user:${id}`, 60, json);",
          "}",
        ),
    },
    {
      name: "SET followed by EXPIRE on the same key later in the same function",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function save(id: string, json: string) {",
          "  await redis.set(`user:${id}`, json);",
          "  await redis.expire(`user:${id}`, 60);",
          "}",
        ),
    },
    {
      name: "HSET followed by EXPIRE on the same key later in the same function",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function count(id: string) {",
          '  await redis.hset(`counts:${id}`, "n", 1);',
          "  await redis.expire(`counts:${id}`, 300);",
          "}",
        ),
    },
    {
      name: "MSET followed by EXPIRE in the same function",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function saveBoth(a: string, b: string) {",
          "  await redis.mset({ a, b });",
          '  await redis.expire("a", 60);',
          '  await redis.expire("b", 60);',
          "}",
        ),
    },
    {
      name: "SET and EXPIRE chained on one pipeline",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function save(id: string, json: string) {",
          "  await redis.pipeline().set(`user:${id}`, json).expire(`user:${id}`, 60).exec();",
          "}",
        ),
    },
    {
      name: "SET and EXPIRE on a MULTI kept in a variable",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function save(id: string, json: string) {",
          "  const p = redis.multi();",
          "  p.set(`user:${id}`, json);",
          "  p.expire(`user:${id}`, 60);",
          "  await p.exec();",
          "}",
        ),
    },
    {
      name: "a key consumed with LPOP is a queue, not a cache entry",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function enqueue(job: string) {",
          '  await redis.rpush("jobs", job);',
          "}",
          "export async function take() {",
          '  return redis.lpop("jobs");',
          "}",
        ),
    },
    {
      name: "a wrapper that adds the TTL inside",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "async function setWithTtl(key: string, value: string) {",
          '  await redis.set(key, value, "EX", 60);',
          "}",
          "export async function save(id: string, json: string) {",
          "  await setWithTtl(`user:${id}`, json);",
          "}",
        ),
    },
    {
      name: "node-redis SET with { EX }, { expiration } or KEEPTTL",
      filename: FILENAME,
      code: lines(
        'import { createClient } from "redis";',
        "const client = createClient();",
        "export async function save(id: string, json: string) {",
        "  await client.set(`a:${id}`, json, { EX: 60 });",
        '  await client.set(`b:${id}`, json, { expiration: { type: "EX", value: 60 } });',
        '  await client.set(`c:${id}`, json, { expiration: "KEEPTTL" });',
        "}",
      ),
    },
    {
      name: "@upstash/redis SET with { ex }",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "@upstash/redis";',
        'const redis = new Redis({ url: "https://example.upstash.io", token: "token" });',
        "export async function save(id: string, json: string) {",
        "  await redis.set(`user:${id}`, json, { ex: 60 });",
        "}",
      ),
    },
    {
      name: "a local class with a set method is not Redis",
      filename: FILENAME,
      code: lines(
        "class Store {",
        "  private data = new Map<string, string>();",
        "  set(key: string, value: string) {",
        "    this.data.set(key, value);",
        "  }",
        "}",
        "export const store = new Store();",
        "export function save(id: string, json: string) {",
        "  store.set(`user:${id}`, json);",
        "}",
      ),
    },
    {
      name: "lru-cache built with ttl",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const users = new LRUCache<string, string>({ max: 500, ttl: 60_000 });",
        "export function remember(id: string, json: string) {",
        "  users.set(id, json);",
        "}",
      ),
    },
    {
      name: "lru-cache set with a per-entry ttl",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const users = new LRUCache<string, string>({ max: 500 });",
        "export function remember(id: string, json: string) {",
        "  users.set(id, json, { ttl: 60_000 });",
        "}",
      ),
    },
    {
      name: "node-cache built with stdTTL",
      filename: FILENAME,
      code: lines(
        'import NodeCache from "node-cache";',
        "const sessions = new NodeCache({ stdTTL: 60 });",
        "export function remember(id: string, json: string) {",
        "  sessions.set(id, json);",
        "}",
      ),
    },
    {
      name: "node-cache set with a TTL in seconds",
      filename: FILENAME,
      code: lines(
        'import NodeCache from "node-cache";',
        "const sessions = new NodeCache();",
        "export function remember(id: string, json: string) {",
        "  sessions.set(id, json, 60);",
        "}",
      ),
    },
    {
      name: "keyv built with ttl",
      filename: FILENAME,
      code: lines(
        'import Keyv from "keyv";',
        "const store = new Keyv({ ttl: 60_000 });",
        "export async function remember(id: string, json: string) {",
        "  await store.set(id, json);",
        "}",
      ),
    },
    {
      name: "memoizing a sync function",
      filename: FILENAME,
      code: lines('import memoize from "lodash/memoize.js";', "export const double = memoize((n: number) => n * 2);"),
    },
    {
      name: "memoizee with maxAge",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        "export const loadPrice = memoizee(async (sku: string) => sku.length, { promise: true, maxAge: 60_000 });",
      ),
    },
    {
      name: "a memoizer created inside a function dies with the call",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export async function handler(skus: string[]) {",
        "  const load = memoize(async (sku: string) => sku.length);",
        "  return Promise.all(skus.map((sku) => load(sku)));",
        "}",
      ),
    },
    {
      name: "tiny-lru built with a TTL",
      filename: FILENAME,
      code: lines(
        'import { lru } from "tiny-lru";',
        "const t = lru(100, 60_000);",
        "export function save(id: string) { t.set(id, 1); }",
      ),
    },
    {
      name: "unstable_cache with revalidate",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        'export const getUser = unstable_cache(async (id: string) => ({ id }), ["user"], { revalidate: 60 });',
      ),
    },
    {
      name: "unstable_cache with tags",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        'export const getUser = unstable_cache(async (id: string) => ({ id }), ["user"], { tags: ["users"] });',
      ),
    },
    {
      name: "CacheModule.register with ttl",
      filename: FILENAME,
      code: lines(
        'import { CacheModule } from "@nestjs/cache-manager";',
        "export const cacheModule = CacheModule.register({ ttl: 60_000 });",
      ),
    },
    {
      name: "checkRedis: false",
      filename: FILENAME,
      options: [{ checkRedis: false }],
      code:
        IOREDIS +
        lines("export async function save(id: string, json: string) {", "  await redis.set(`user:${id}`, json);", "}"),
    },
    {
      name: "checkCollections: false ignores HSET",
      filename: FILENAME,
      options: [{ checkCollections: false }],
      code:
        IOREDIS +
        lines("export async function count(id: string) {", '  await redis.hset(`counts:${id}`, "n", 1);', "}"),
    },
    {
      name: "checkBoundedCaches: false ignores a bounded lru-cache",
      filename: FILENAME,
      options: [{ checkBoundedCaches: false }],
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const users = new LRUCache<string, string>({ max: 500 });",
        "export function remember(id: string, json: string) {",
        "  users.set(id, json);",
        "}",
      ),
    },
    {
      name: "checkInProcessCaches: false",
      filename: FILENAME,
      options: [{ checkInProcessCaches: false }],
      code: lines(
        'import NodeCache from "node-cache";',
        "const sessions = new NodeCache();",
        "export function remember(id: string, json: string) {",
        "  sessions.set(id, json);",
        "}",
      ),
    },
    {
      name: "checkMemoizers: false",
      filename: FILENAME,
      options: [{ checkMemoizers: false }],
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const loadPrice = memoize(async (sku: string) => sku.length);",
      ),
    },
    {
      name: "checkFrameworks: false",
      filename: FILENAME,
      options: [{ checkFrameworks: false }],
      code: lines(
        'import { unstable_cache } from "next/cache";',
        'export const getUser = unstable_cache(async (id: string) => ({ id }), ["user"]);',
      ),
    },
  ],
  invalid: [
    {
      name: "a wrapper that writes without expiry when the TTL option is missing, called without it",
      filename: FILENAME,
      code: lines(OPTIONAL_TTL, fillThroughPut("")),
      errors: [{ messageId: "redisWithoutTtl", line: 16, column: 9 }],
    },
    {
      name: "tiny-lru set on an instance built without a TTL (factory and class), holding a row read by the key",
      filename: FILENAME,
      code: lines(
        'import { lru, LRU } from "tiny-lru";',
        'import { PrismaClient } from "@prisma/client";',
        "const prisma = new PrismaClient();",
        "const t = lru<unknown>(100);",
        "const u = new LRU<unknown>(100);",
        "export async function load(id: string) {",
        "  const hit = t.get(id) ?? u.get(id);",
        "  if (hit) return hit;",
        "  const row = await prisma.user.findUnique({ where: { id } });",
        "  t.set(id, row); u.set(id, row);",
        "  return row;",
        "}",
      ),
      errors: [
        { messageId: "inProcessWithoutTtl", line: 10, column: 5, endLine: 10, endColumn: 8 },
        { messageId: "inProcessWithoutTtl", line: 10, column: 21, endLine: 10, endColumn: 24 },
      ],
    },
    {
      name: "unstable_cache imported as next/cache.js (nodenext ESM)",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache.js";',
        'export const getUser = unstable_cache(async (id: string) => ({ id }), ["user"]);',
      ),
      errors: [{ messageId: "unstableCacheWithoutRevalidate", line: 2, column: 24, endLine: 2, endColumn: 38 }],
    },
    {
      name: "ioredis SET without EX",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function saveUser(id: string, json: string) {",
          "  await redis.set(`user:${id}`, json);",
          "}",
        ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 18,
          suggestions: suggestTtl(
            IOREDIS +
              lines(
                "export async function saveUser(id: string, json: string) {",
                '  await redis.set(`user:${id}`, json, "EX", TTL_SECONDS);',
                "}",
              ),
          ),
        },
      ],
    },
    {
      name: "iovalkey SET without EX, with the ioredis suggestion",
      filename: FILENAME,
      code:
        IOVALKEY +
        lines(
          "export async function saveUser(id: string, json: string) {",
          "  await valkey.set(`user:${id}`, json);",
          "}",
        ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          data: {
            command: "SET",
            key: "user:{id}",
            why: "",
            fix: 'Pass `"EX", seconds` (or `"KEEPTTL"` to keep an existing expiry).',
          },
          line: 4,
          column: 16,
          suggestions: suggestTtl(
            IOVALKEY +
              lines(
                "export async function saveUser(id: string, json: string) {",
                '  await valkey.set(`user:${id}`, json, "EX", TTL_SECONDS);',
                "}",
              ),
          ),
        },
      ],
    },
    {
      name: "ioredis SET after an EXPIRE (SET discards the earlier expiry)",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function saveUser(id: string, json: string) {",
          "  await redis.expire(`user:${id}`, 60);",
          "  await redis.set(`user:${id}`, json);",
          "}",
        ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: 5,
          column: 15,
          endLine: 5,
          endColumn: 18,
          suggestions: suggestTtl(
            IOREDIS +
              lines(
                "export async function saveUser(id: string, json: string) {",
                "  await redis.expire(`user:${id}`, 60);",
                '  await redis.set(`user:${id}`, json, "EX", TTL_SECONDS);',
                "}",
              ),
          ),
        },
      ],
    },
    {
      name: "ioredis SET in a pipeline with no EXPIRE",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function saveUser(id: string, json: string) {",
          "  await redis.pipeline().set(`user:${id}`, json).exec();",
          "}",
        ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: 4,
          column: 26,
          endLine: 4,
          endColumn: 29,
          suggestions: suggestTtl(
            IOREDIS +
              lines(
                "export async function saveUser(id: string, json: string) {",
                '  await redis.pipeline().set(`user:${id}`, json, "EX", TTL_SECONDS).exec();',
                "}",
              ),
          ),
        },
      ],
    },
    {
      name: "node-redis SET without options",
      filename: FILENAME,
      code: lines(
        'import { createClient } from "redis";',
        "const client = createClient();",
        "export async function saveUser(id: string, json: string) {",
        "  await client.set(`user:${id}`, json);",
        "}",
      ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: 4,
          column: 16,
          endLine: 4,
          endColumn: 19,
          suggestions: suggestTtl(
            lines(
              'import { createClient } from "redis";',
              "const client = createClient();",
              "export async function saveUser(id: string, json: string) {",
              '  await client.set(`user:${id}`, json, { expiration: { type: "EX", value: TTL_SECONDS } });',
              "}",
            ),
          ),
        },
      ],
    },
    {
      name: "@upstash/redis SET without options",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "@upstash/redis";',
        'const redis = new Redis({ url: "https://example.upstash.io", token: "token" });',
        "export async function saveUser(id: string, json: string) {",
        "  await redis.set(`user:${id}`, json);",
        "}",
      ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 18,
          suggestions: suggestTtl(
            lines(
              'import { Redis } from "@upstash/redis";',
              'const redis = new Redis({ url: "https://example.upstash.io", token: "token" });',
              "export async function saveUser(id: string, json: string) {",
              "  await redis.set(`user:${id}`, json, { ex: TTL_SECONDS });",
              "}",
            ),
          ),
        },
      ],
    },
    {
      name: "@upstash/redis SET with options but no expiry",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "@upstash/redis";',
        'const redis = new Redis({ url: "https://example.upstash.io", token: "token" });',
        "export async function saveUser(id: string, json: string) {",
        "  await redis.set(`user:${id}`, json, { get: true });",
        "}",
      ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 18,
          suggestions: suggestTtl(
            lines(
              'import { Redis } from "@upstash/redis";',
              'const redis = new Redis({ url: "https://example.upstash.io", token: "token" });',
              "export async function saveUser(id: string, json: string) {",
              "  await redis.set(`user:${id}`, json, { ex: TTL_SECONDS, get: true });",
              "}",
            ),
          ),
        },
      ],
    },
    {
      name: "HSET without a later EXPIRE",
      filename: FILENAME,
      code:
        IOREDIS +
        lines("export async function count(id: string) {", '  await redis.hset(`counts:${id}`, "n", 1);', "}"),
      errors: [{ messageId: "redisWithoutTtl", line: 4, column: 15, endLine: 4, endColumn: 19 }],
    },
    {
      name: "HSET whose EXPIRE is in another function",
      filename: FILENAME,
      code:
        IOREDIS +
        lines(
          "export async function count(id: string) {",
          '  await redis.hset(`counts:${id}`, "n", 1);',
          "}",
          "export async function expireCounts(id: string) {",
          "  await redis.expire(`counts:${id}`, 300);",
          "}",
        ),
      errors: [{ messageId: "redisWithoutTtl", line: 4, column: 15, endLine: 4, endColumn: 19 }],
    },
    {
      name: "MSET cannot set an expiry",
      filename: FILENAME,
      code:
        IOREDIS + lines("export async function saveBoth(a: string, b: string) {", "  await redis.mset({ a, b });", "}"),
      errors: [{ messageId: "redisMultiWithoutTtl", line: 4, column: 15, endLine: 4, endColumn: 19 }],
    },
    {
      name: "lru-cache with max but no ttl, holding a row read by the key",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        'import { PrismaClient } from "@prisma/client";',
        "const prisma = new PrismaClient();",
        "const users = new LRUCache<string, object>({ max: 500 });",
        "export async function load(id: string) {",
        "  const hit = users.get(id);",
        "  if (hit) return hit;",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  if (user) users.set(id, user);",
        "  return user;",
        "}",
      ),
      errors: [{ messageId: "inProcessWithoutTtl", line: 9, column: 19, endLine: 9, endColumn: 22 }],
    },
    {
      name: "unstable_cache without revalidate or tags",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        'export const getUser = unstable_cache(async (id: string) => ({ id }), ["user"]);',
      ),
      errors: [{ messageId: "unstableCacheWithoutRevalidate", line: 2, column: 24, endLine: 2, endColumn: 38 }],
    },
    {
      name: "CacheModule.register({})",
      filename: FILENAME,
      code: lines(
        'import { CacheModule } from "@nestjs/cache-manager";',
        "export const cacheModule = CacheModule.register({});",
      ),
      errors: [{ messageId: "nestModuleWithoutTtl", line: 2, column: 28, endLine: 2, endColumn: 48 }],
    },
    {
      name: "CacheModule.register in a @Module decorator",
      filename: FILENAME,
      code: lines(
        'import { Module } from "@nestjs/common";',
        'import { CacheModule } from "@nestjs/cache-manager";',
        "@Module({ imports: [CacheModule.register({ isGlobal: true })] })",
        "export class AppModule {}",
      ),
      errors: [{ messageId: "nestModuleWithoutTtl", line: 3, column: 21, endLine: 3, endColumn: 41 }],
    },
  ],
});
