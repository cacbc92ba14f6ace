// require-stampede-protection through ESLint: the held-out fixtures (a fixed key refilled from the database on
// every miss; the same with a lock or `wrap`; a loop writing many keys with one TTL, and with jitter) and the
// precision cases (a per-entity key, a pure loader, a family that is not a cache, the project's own helpers).
import { rules } from "../../eslint-plugin/src/index";
import { createRuleTester, lines } from "./rule-tester";

const rule = rules["require-stampede-protection"]!;
const ruleTester = createRuleTester();

const SETUP = [
  'import { PrismaClient } from "@prisma/client";',
  'import { Redis } from "ioredis";',
  "const prisma = new PrismaClient();",
  "const redis = new Redis();",
];

/** The held-out fixture: one fixed key, refilled from the database by every request that misses. */
const FIXED_KEY = lines(
  ...SETUP,
  "export async function getGlobalConfig() {",
  '  const cached = await redis.get("config:global");',
  "  if (cached) return JSON.parse(cached) as unknown;",
  "  const settings = await prisma.setting.findMany();",
  '  await redis.set("config:global", JSON.stringify(settings), "EX", 300);',
  "  return settings;",
  "}",
);

ruleTester.run("require-stampede-protection", rule, {
  valid: [
    {
      name: "the same fixed key behind a SET NX lock",
      code: lines(
        ...SETUP,
        "export async function getGlobalConfig(): Promise<unknown> {",
        '  const cached = await redis.get("config:global");',
        "  if (cached) return JSON.parse(cached) as unknown;",
        '  const locked = await redis.set("config:global:refill", "1", "PX", 5000, "NX");',
        "  if (!locked) return null;",
        "  const settings = await prisma.setting.findMany();",
        '  await redis.set("config:global", JSON.stringify(settings), "EX", 300);',
        "  return settings;",
        "}",
      ),
    },
    {
      name: "the same fixed key through cache-manager's wrap, which coalesces concurrent misses",
      code: lines(
        'import { PrismaClient } from "@prisma/client";',
        'import { createCache } from "cache-manager";',
        "const prisma = new PrismaClient();",
        "const cache = createCache({ ttl: 300_000 });",
        "export function getGlobalConfig() {",
        '  return cache.wrap("config:global", () => prisma.setting.findMany());',
        "}",
      ),
    },
    {
      name: "a refill called through a lock helper (the guard is in the caller)",
      code: lines(
        ...SETUP,
        "declare function withLock<T>(name: string, run: () => Promise<T>): Promise<T>;",
        "async function loadConfig() {",
        '  const cached = await redis.get("config:global");',
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const settings = await prisma.setting.findMany();",
        '  await redis.set("config:global", JSON.stringify(settings), "EX", 300);',
        "  return settings;",
        "}",
        'export const getGlobalConfig = () => withLock("config", () => loadConfig());',
      ),
    },
    {
      name: "the project's own single-flight helper, named in singleFlightHelpers",
      code: lines(
        ...SETUP,
        "async function once<T>(key: string, run: () => Promise<T>): Promise<T> {",
        "  return run();",
        "}",
        "export async function getGlobalConfig() {",
        '  const cached = await redis.get("config:global");',
        "  if (cached) return JSON.parse(cached) as unknown;",
        '  const settings = await once("config", () => prisma.setting.findMany());',
        '  await redis.set("config:global", JSON.stringify(settings), "EX", 300);',
        "  return settings;",
        "}",
      ),
      options: [{ singleFlightHelpers: ["once"] } as never],
    },
    {
      name: "a per-entity key: each user's entry is read by few requests",
      code: lines(
        ...SETUP,
        "export async function getUser(id: string) {",
        "  const cached = await redis.get(`user:${id}`);",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600);",
        "  return user;",
        "}",
      ),
    },
    {
      // From kutt (outside the corpus): `any-user` holds whether one user exists, read by `first()`: a cheap read.
      name: "a fixed key refilled by a read of one row by its key",
      code: lines(
        ...SETUP,
        "export async function getOwner() {",
        '  const cached = await redis.get("owner");',
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const owner = await prisma.user.findUnique({ where: { id: 'owner' } });",
        '  await redis.set("owner", JSON.stringify(owner), "EX", 300);',
        "  return owner;",
        "}",
      ),
    },
    {
      name: "a loader that reaches no source (pure computation)",
      code: lines(
        ...SETUP,
        "export async function getPrimes() {",
        '  const cached = await redis.get("primes");',
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const primes = [2, 3, 5, 7, 11];",
        '  await redis.set("primes", JSON.stringify(primes), "EX", 600);',
        "  return primes;",
        "}",
      ),
    },
    {
      name: "a fixed key that never expires: no expiry, no stampede after it",
      code: lines(
        ...SETUP,
        "export async function getGlobalConfig() {",
        '  const cached = await redis.get("config:global");',
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const settings = await prisma.setting.findMany();",
        '  await redis.set("config:global", JSON.stringify(settings));',
        "  return settings;",
        "}",
      ),
    },
    {
      name: "a family declared as a store, not a cache",
      code: FIXED_KEY,
      options: [{ families: [{ match: "config:global", role: "store" }] } as never],
    },
    {
      name: "keys written in a loop with a jittered TTL",
      code: lines(
        ...SETUP,
        "export async function getProduct(id: string) {",
        "  const cached = await redis.get(`product:${id}`);",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const product = await prisma.product.findUnique({ where: { id } });",
        "  await redis.set(`product:${id}`, JSON.stringify(product), 'EX', 3600);",
        "  return product;",
        "}",
        "export async function warmProducts() {",
        "  for (const product of await prisma.product.findMany()) {",
        "    await redis.set(`product:${product.id}`, JSON.stringify(product), 'EX', 3600 + Math.floor(Math.random() * 360));",
        "  }",
        "}",
      ),
    },
    {
      // From inbox-zero: a key built by a helper the analyzer cannot read is one opaque hole; it names no family.
      name: "a loop expiring keys whose text is unknown (an opaque key)",
      code: lines(
        ...SETUP,
        "declare function dailyCostKey(userId: string, day: string): string;",
        "export async function getProduct(id: string) {",
        "  const cached = await redis.get(`product:${id}`);",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const product = await prisma.product.findUnique({ where: { id } });",
        "  await redis.set(`product:${id}`, JSON.stringify(product), 'EX', 3600);",
        "  return product;",
        "}",
        "export function addCosts(userId: string, costs: Map<string, number>) {",
        "  return [...costs.entries()].flatMap(([day, cost]) => {",
        "    const key = dailyCostKey(userId, day);",
        "    return [redis.hincrbyfloat(key, 'cost', cost), redis.expire(key, 8 * 86400)];",
        "  });",
        "}",
      ),
    },
    {
      name: "the loop case with checkTtlJitter off",
      code: lines(
        ...SETUP,
        "export async function getProduct(id: string) {",
        "  const cached = await redis.get(`product:${id}`);",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const product = await prisma.product.findUnique({ where: { id } });",
        "  await redis.set(`product:${id}`, JSON.stringify(product), 'EX', 3600);",
        "  return product;",
        "}",
        "export async function warmProducts() {",
        "  for (const product of await prisma.product.findMany()) {",
        "    await redis.set(`product:${product.id}`, JSON.stringify(product), 'EX', 3600);",
        "  }",
        "}",
      ),
      options: [{ checkTtlJitter: false } as never],
    },
  ],
  invalid: [
    {
      name: "held-out: a fixed key refilled from the database on every miss",
      code: FIXED_KEY,
      errors: [
        {
          messageId: "hotKey",
          line: 9,
          column: 15,
          data: { family: "config:global", load: "queries the database (`setting`)", function: "getGlobalConfig" },
        },
      ],
    },
    {
      name: "a key whose only hole is a small union: three hot keys",
      code: lines(
        ...SETUP,
        'type Region = "eu" | "us" | "ap";',
        "export async function getRegionConfig(region: Region) {",
        "  const cached = await redis.get(`config:${region}`);",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const settings = await prisma.setting.findMany({ where: { region } });",
        "  await redis.set(`config:${region}`, JSON.stringify(settings), 'EX', 300);",
        "  return settings;",
        "}",
      ),
      errors: [
        {
          messageId: "hotFamily",
          line: 10,
          data: {
            family: "config:{region}",
            count: "3",
            load: "queries the database (`setting`)",
            function: "getRegionConfig",
          },
        },
      ],
    },
    {
      name: "a fixed key refilled from an HTTP API",
      code: lines(
        ...SETUP,
        "export async function getRates(): Promise<unknown> {",
        '  const cached = await redis.get("rates:latest");',
        "  if (cached) return JSON.parse(cached) as unknown;",
        '  const response = await fetch("https://rates.example.com/latest");',
        "  const rates: unknown = await response.json();",
        '  await redis.set("rates:latest", JSON.stringify(rates), "EX", 600);',
        "  return rates;",
        "}",
      ),
      errors: [
        {
          messageId: "hotKey",
          line: 10,
          data: { family: "rates:latest", load: "sends the HTTP request at file.ts:8", function: "getRates" },
        },
      ],
    },
    {
      name: "held-out: a loop writing many keys with one TTL",
      code: lines(
        ...SETUP,
        "export async function getProduct(id: string) {",
        "  const cached = await redis.get(`product:${id}`);",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const product = await prisma.product.findUnique({ where: { id } });",
        "  await redis.set(`product:${id}`, JSON.stringify(product), 'EX', 3600);",
        "  return product;",
        "}",
        "export async function warmProducts() {",
        "  const products = await prisma.product.findMany();",
        "  await Promise.all(products.map((product) => redis.set(`product:${product.id}`, JSON.stringify(product), 'EX', 3600)));",
        "}",
      ),
      errors: [
        {
          messageId: "sameTtlInLoop",
          data: { family: "product:{id}", ttl: "1 h" },
          line: 14,
        },
      ],
    },
    {
      name: "a pipeline in a loop: one EXPIRE per key with the same constant",
      code: lines(
        ...SETUP,
        "export async function getProduct(id: string) {",
        "  const cached = await redis.get(`product:${id}`);",
        "  if (cached) return JSON.parse(cached) as unknown;",
        "  const product = await prisma.product.findUnique({ where: { id } });",
        "  await redis.set(`product:${id}`, JSON.stringify(product), 'EX', 3600);",
        "  return product;",
        "}",
        "export async function warmProducts(ids: string[]) {",
        "  const pipeline = redis.pipeline();",
        "  for (const id of ids) pipeline.expire(`product:${id}`, 3600);",
        "  await pipeline.exec();",
        "}",
      ),
      errors: [{ messageId: "sameTtlInLoop", line: 14 }],
    },
  ],
});
