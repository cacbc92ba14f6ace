// require-cache-fallback through ESLint: typed RuleTester cases, the held-out fixtures first (a cache read
// that throws through to the caller; the same read wrapped so that an error is a miss), then what counts as a
// guard (try/catch, .catch, a fallback helper, a circuit breaker, a library that swallows the error, a caller that
// catches) and what does not (a catch that rethrows or answers 500).
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, USER_CACHE_ASIDE, createRuleTester, lines } from "./rule-tester";

const rule = rules["require-cache-fallback"]!;
const ruleTester = createRuleTester();

const HEADER = [
  'import { PrismaClient } from "@prisma/client";',
  'import { Redis } from "ioredis";',
  "const prisma = new PrismaClient();",
  "const redis = new Redis();",
];

/** The held-out negative: the same read, wrapped so that an error is a miss. */
const WRAPPED_READ = [
  ...HEADER,
  "export async function getUser(id: string) {",
  "  let cached: string | null = null;",
  "  try {",
  "    cached = await redis.get(`user:${id}`);",
  "  } catch {",
  "    cached = null;",
  "  }",
  "  if (cached) return JSON.parse(cached) as unknown;",
  "  const user = await prisma.user.findUnique({ where: { id } });",
  "  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600).catch(() => undefined);",
  "  return user;",
  "}",
];

/** The data of the held-out finding's read and write: the message names the function, the source and the call. */
const READ_DATA = {
  name: "`getUser`",
  source: "the database (`user`)",
  call: "redis.get",
  via: "",
  library: "ioredis",
};
const WRITE_DATA = { ...READ_DATA, call: "redis.set", value: "`user` data" };

ruleTester.run("require-cache-fallback", rule, {
  valid: [
    {
      name: "held-out: the read wrapped so that an error is a miss, the write with a .catch",
      filename: FILENAME,
      code: lines(...WRAPPED_READ),
    },
    {
      name: "a project helper named in fallbackHelpers guards what it is given",
      filename: FILENAME,
      options: [{ fallbackHelpers: ["safeCache"], circuitBreakers: [], families: [] }],
      code: lines(
        ...HEADER,
        "async function safeCache<T>(call: () => Promise<T>): Promise<T | undefined> {",
        "  return call();",
        "}",
        "export async function getUser(id: string) {",
        "  const cached = await safeCache(() => redis.get(`user:${id}`));",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await safeCache(() => redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600));",
        "  return user;",
        "}",
      ),
    },
    {
      name: "a cockatiel policy's execute guards the call inside it",
      filename: FILENAME,
      code: lines(
        ...HEADER,
        'import { circuitBreaker, handleAll, ConsecutiveBreaker } from "cockatiel";',
        "const breaker = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });",
        "export async function getUser(id: string) {",
        "  const cached = await breaker.execute(() => redis.get(`user:${id}`));",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await breaker.execute(() => redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600));",
        "  return user;",
        "}",
      ),
    },
    {
      name: "keyv catches its store's errors: a failed get is a miss, a failed set resolves false",
      filename: FILENAME,
      code: lines(
        'import { PrismaClient } from "@prisma/client";',
        'import Keyv from "keyv";',
        'import KeyvMemcache from "@keyv/memcache";',
        "const prisma = new PrismaClient();",
        'const users = new Keyv({ store: new KeyvMemcache("localhost:11211") });',
        "export async function getUser(id: string) {",
        "  const cached = await users.get(`user:${id}`);",
        "  if (cached) return cached;",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await users.set(`user:${id}`, user, 60_000);",
        "  return user;",
        "}",
      ),
    },
    {
      name: "an in-process cache cannot fail",
      filename: FILENAME,
      code: lines(
        'import { PrismaClient } from "@prisma/client";',
        'import { LRUCache } from "lru-cache";',
        "const prisma = new PrismaClient();",
        "const users = new LRUCache<string, object>({ max: 500, ttl: 60_000 });",
        "export async function getUser(id: string) {",
        "  const cached = users.get(id);",
        "  if (cached) return cached;",
        "  const user = await prisma.user.findUniqueOrThrow({ where: { id } });",
        "  users.set(id, user);",
        "  return user;",
        "}",
      ),
    },
    {
      name: "a caller that catches the error and goes on handles it one frame up",
      filename: FILENAME,
      code: lines(
        ...USER_CACHE_ASIDE,
        "export async function showUser(id: string) {",
        "  try {",
        "    return await getUser(id);",
        "  } catch {",
        "    return prisma.user.findUnique({ where: { id } });",
        "  }",
        "}",
      ),
    },
    {
      name: "a write nobody waits for does not fail the function",
      filename: FILENAME,
      code: lines(
        ...HEADER,
        "export async function getUser(id: string) {",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  void redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600);",
        "  return user;",
        "}",
        "export async function readUser(id: string) {",
        "  return redis.get(`user:${id}`);",
        "}",
      ),
    },
    {
      name: "a family that is not a cache (a counter) is not this rule's",
      filename: FILENAME,
      code: lines(
        ...HEADER,
        "export async function countVisit(id: string) {",
        "  await redis.incr(`visits:${id}`);",
        "  return prisma.user.findUnique({ where: { id } });",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "held-out: a cache read that throws through to the caller (and the write after the load)",
      filename: FILENAME,
      code: lines(...USER_CACHE_ASIDE),
      errors: [
        { messageId: "readFails", data: READ_DATA, line: 6, column: 30 },
        { messageId: "writeFails", data: WRITE_DATA, line: 9, column: 15 },
      ],
    },
    {
      name: "a catch that rethrows or answers 500 is not a fallback",
      filename: FILENAME,
      code: lines(
        ...HEADER,
        "export async function getUser(id: string) {",
        "  let cached: string | null;",
        "  try {",
        "    cached = await redis.get(`user:${id}`);",
        "  } catch (error) {",
        "    throw new Error('cache unavailable', { cause: error });",
        "  }",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600);",
        "  return user;",
        "}",
        "export async function handler(id: string, res: { status(code: number): { end(): void } }) {",
        "  try {",
        "    return await getUser(id);",
        "  } catch {",
        "    res.status(500).end();",
        "  }",
        "}",
      ),
      errors: [
        { messageId: "readFails", line: 8 },
        { messageId: "writeFails", line: 14 },
      ],
    },
    {
      name: "a helper named elsewhere does not guard; the caller that loads is named",
      filename: FILENAME,
      options: [{ fallbackHelpers: ["src/lib/cache.ts#safeCache"], circuitBreakers: [], families: [] }],
      code: lines(
        ...HEADER,
        "async function safeCache<T>(call: () => Promise<T>): Promise<T> {",
        "  return call();",
        "}",
        "async function readCached(id: string) {",
        "  return redis.get(`user:${id}`);",
        "}",
        "async function writeCached(id: string, user: unknown) {",
        "  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600).catch(() => undefined);",
        "}",
        "export async function getUser(id: string) {",
        "  const cached = await safeCache(() => readCached(id));",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await writeCached(id, user);",
        "  return user;",
        "}",
      ),
      errors: [
        {
          messageId: "readFails",
          data: { ...READ_DATA, via: " (in `readCached`, which it calls)" },
          line: 9,
        },
      ],
    },
  ],
});
