// require-complete-cache-key through ESLint: typed RuleTester cases on real library imports.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["require-complete-cache-key"]!;
const ruleTester = createRuleTester();

const REDIS = [
  'import { Redis } from "ioredis";',
  "const redis = new Redis();",
  "declare function computePrice(id: string, currency: string): Promise<number>;",
];

/** A cache-aside function over Redis with the given key expressions for the read and the write. */
const redisAside = (parameters: string, readKey: string, writeKey: string, load: string) =>
  lines(
    ...REDIS,
    `export async function getPrice(${parameters}) {`,
    `  const cached = await redis.get(${readKey});`,
    "  if (cached) return Number(cached);",
    `  const price = await ${load};`,
    `  await redis.set(${writeKey}, String(price), "EX", 60);`,
    "  return price;",
    "}",
  );

ruleTester.run("require-complete-cache-key", rule, {
  valid: [
    {
      name: "lodash memoize of a one-parameter function",
      filename: FILENAME,
      code: lines('import memoize from "lodash/memoize.js";', "export const f = memoize((id: string) => id.length);"),
    },
    {
      name: "lodash memoize with a resolver",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const f = memoize((a: string, b: number) => a + b, (a: string, b: number) => `${a}:${b}`);",
      ),
    },
    {
      name: "a `this` parameter does not count",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const f = memoize(function (this: unknown, id: string) {",
        "  return id;",
        "});",
      ),
    },
    {
      name: "memoize with cacheKey",
      filename: FILENAME,
      code: lines(
        'import memoize from "memoize";',
        "export const f = memoize((a: string, b: number) => a + b, { cacheKey: (args) => JSON.stringify(args) });",
      ),
    },
    {
      name: "moize keys on every argument",
      filename: FILENAME,
      code: lines(
        'import moize from "moize";',
        "export const f = moize((a: string, b: number) => a + b, { maxSize: 10 });",
      ),
    },
    {
      name: "memoizee with plain parameters uses all of them",
      filename: FILENAME,
      code: lines('import memoizee from "memoizee";', "export const f = memoizee((a: string, b: number) => a + b);"),
    },
    {
      name: "memoizee with an explicit length",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        "export const f = memoizee((a: string, b = 1) => a + b, { length: 2 });",
      ),
    },
    {
      name: "fast-memoize with two parameters uses the variadic strategy",
      filename: FILENAME,
      code: lines('import memoize from "fast-memoize";', "export const f = memoize((a: string, b: number) => a + b);"),
    },
    {
      name: "a cache-aside key that contains every input",
      filename: FILENAME,
      code: redisAside(
        "productId: string, currency: string",
        "`price:${productId}:${currency}`",
        "`price:${productId}:${currency}`",
        "computePrice(productId, currency)",
      ),
    },
    {
      name: "a key built in a local variable",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function getPrice(productId: string, currency: string) {",
        "  const key = [productId, currency].join(':');",
        "  const cached = await redis.get(key);",
        "  if (cached) return Number(cached);",
        "  const price = await computePrice(productId, currency);",
        "  await redis.set(key, String(price));",
        "  return price;",
        "}",
      ),
    },
    {
      name: "a parameter that only shapes the fetch (a timeout)",
      filename: FILENAME,
      code: redisAside(
        "productId: string, timeoutMs: number",
        "`price:${productId}`",
        "`price:${productId}`",
        "computePrice(productId, String(timeoutMs))",
      ),
    },
    {
      name: "an object parameter (a client, a context) is not an identity input",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "interface Db { load(id: string): Promise<number> }",
        "export async function getPrice(productId: string, db: Db) {",
        "  const cached = await redis.get(`price:${productId}`);",
        "  if (cached) return Number(cached);",
        "  const price = await db.load(productId);",
        "  await redis.set(`price:${productId}`, String(price));",
        "  return price;",
        "}",
      ),
    },
    {
      name: "a write without a read of the same key is a write-through, not a cache-aside",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function save(id: string, count: number) {",
        "  await redis.set(`count:${id}`, String(await Promise.resolve(count)));",
        "}",
      ),
    },
    {
      name: "a parameter used only to decide whether to read the cache",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function getPrice(productId: string, fresh: boolean) {",
        "  if (!fresh) {",
        "    const cached = await redis.get(`price:${productId}`);",
        "    if (cached) return Number(cached);",
        "  }",
        "  const price = await computePrice(productId, 'EUR');",
        "  await redis.set(`price:${productId}`, String(price));",
        "  return price;",
        "}",
      ),
    },
    {
      name: "React cache called once with a fresh object: nothing to dedupe",
      filename: FILENAME,
      code: lines(
        'import { cache } from "react";',
        "const getUser = cache(async (query: { id: string }) => query.id);",
        "export async function page(id: string) {",
        "  return getUser({ id });",
        "}",
      ),
    },
    {
      name: "lodash with a resolver that returns a string",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const f = memoize(async (a: string, b: number) => a + b, (a: string, b: number) => `${a}:${b}`);",
      ),
    },
    {
      name: "React cache called with primitives",
      filename: FILENAME,
      code: lines(
        'import { cache } from "react";',
        "const getUser = cache(async (id: string) => ({ id }));",
        "export async function page(id: string) {",
        "  return getUser(id);",
        "}",
      ),
    },
    {
      name: "a local function called with an object literal is not identity-keyed",
      filename: FILENAME,
      code: lines(
        "const getUser = (q: { id: string }) => q.id;",
        "export function page(id: string) {",
        "  return getUser({ id });",
        "}",
      ),
    },
    {
      name: "a Map (not a WeakMap) read with a string",
      filename: FILENAME,
      code: lines(
        "const seen = new WeakMap<object, number>();",
        "const token = {};",
        "export function w() {",
        "  return seen.get(token);",
        "}",
      ),
    },
    {
      name: "unstable_cache with the captured value in keyParts",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        "declare function load(id: string): Promise<number>;",
        "export function report(userId: string) {",
        "  return unstable_cache(async () => load(userId), ['report', userId])();",
        "}",
      ),
    },
    {
      name: "unstable_cache whose varying input is an argument",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        "declare function load(id: string): Promise<number>;",
        "const getReport = unstable_cache(async (userId: string) => load(userId), ['report']);",
        "export function report(userId: string) {",
        "  return getReport(userId);",
        "}",
      ),
    },
    {
      name: "unstable_cache capturing a constant of the enclosing function",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        "declare function load(id: string): Promise<number>;",
        "export function report() {",
        "  const region = 'eu';",
        "  return unstable_cache(async () => load(region), ['report'])();",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "lodash memoize of a two-parameter function",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const total = memoize((price: number, quantity: number) => price * quantity);",
      ),
      errors: [
        {
          messageId: "firstArgumentOnly",
          line: 2,
          column: 22,
          endLine: 2,
          endColumn: 29,
          data: {
            name: "total",
            parameters: "2 parameters",
            library: "lodash",
            ignored: "quantity",
            fix: "a resolver as the second argument, e.g. `(...args) => JSON.stringify(args)`",
          },
        },
      ],
    },
    {
      name: "p-memoize of a function with a rest parameter",
      filename: FILENAME,
      code: lines(
        'import pMemoize from "p-memoize";',
        "export const sum = pMemoize(async (...values: number[]) => values.reduce((a, b) => a + b, 0));",
      ),
      errors: [{ messageId: "firstArgumentOnly", line: 2, column: 20, endLine: 2, endColumn: 28 }],
    },
    {
      name: "typescript-memoize without a hash function",
      filename: FILENAME,
      code: lines(
        'import { Memoize } from "typescript-memoize";',
        "export class Prices {",
        "  @Memoize()",
        "  price(id: string, currency: string) {",
        "    return id + currency;",
        "  }",
        "}",
      ),
      errors: [{ messageId: "firstArgumentOnly", line: 3, column: 4, endLine: 3, endColumn: 11 }],
    },
    {
      name: "memoizee and a default parameter",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        "export const label = memoizee((id: string, locale = 'en') => `${id}:${locale}`);",
      ),
      errors: [{ messageId: "lengthKeyed", line: 2, column: 22, endLine: 2, endColumn: 30 }],
    },
    {
      name: "memoizee and a rest parameter: every argument ignored",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        "export const count = memoizee((...ids: string[]) => ids.length);",
      ),
      errors: [
        {
          messageId: "lengthKeyed",
          line: 2,
          column: 22,
          endLine: 2,
          endColumn: 30,
          data: {
            name: "count",
            parameters: "a rest parameter",
            library: "memoizee",
            length: "0",
            consequence: "every argument is ignored and all calls share one result",
            fix: "Pass `length: false` to key on every argument.",
          },
        },
      ],
    },
    {
      name: "fast-memoize and a default parameter",
      filename: FILENAME,
      code: lines(
        'import memoize from "fast-memoize";',
        "export const label = memoize((id: string, locale = 'en') => `${id}:${locale}`);",
      ),
      errors: [{ messageId: "lengthKeyed", line: 2, column: 22, endLine: 2, endColumn: 29 }],
    },
    {
      name: "a Redis cache-aside whose key leaves out the currency",
      filename: FILENAME,
      code: redisAside(
        "productId: string, currency: string",
        "`price:${productId}`",
        "`price:${productId}`",
        "computePrice(productId, currency)",
      ),
      errors: [
        {
          messageId: "inputMissingFromKey",
          line: 8,
          column: 15,
          endLine: 8,
          endColumn: 18,
          data: { cache: "price:{productId}", inputs: "currency", them: "it" },
        },
      ],
    },
    {
      name: "a destructured parameter missing from an lru-cache key",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const prices = new LRUCache<string, number>({ max: 500 });",
        "declare function computePrice(id: string, currency: string): Promise<number>;",
        "export async function getPrice({ productId, currency }: { productId: string; currency: string }) {",
        "  const cached = prices.get(productId);",
        "  if (cached !== undefined) return cached;",
        "  const price = await computePrice(productId, currency);",
        "  prices.set(productId, price);",
        "  return price;",
        "}",
      ),
      errors: [{ messageId: "inputMissingFromKey", line: 8, column: 10, endLine: 8, endColumn: 13 }],
    },
    {
      name: "a module-level Map cache",
      filename: FILENAME,
      code: lines(
        "const scaled = new Map<string, number>();",
        "export function scale(id: string, factor: number) {",
        "  const hit = scaled.get(id);",
        "  if (hit !== undefined) return hit;",
        "  const value = Math.round(id.length * factor);",
        "  scaled.set(id, value);",
        "  return value;",
        "}",
      ),
      errors: [{ messageId: "inputMissingFromKey", line: 6, column: 3, endLine: 6, endColumn: 13 }],
    },
    {
      name: "a cache-manager wrap factory using an input the key leaves out",
      filename: FILENAME,
      code: lines(
        'import { createCache } from "cache-manager";',
        "const cache = createCache({ ttl: 60_000 });",
        "declare function loadReport(id: string, tenant: string): Promise<string>;",
        "export function getReport(id: string, tenant: string) {",
        "  return cache.wrap(`report:${id}`, () => loadReport(id, tenant));",
        "}",
      ),
      errors: [{ messageId: "inputMissingFromKey", line: 5, column: 16, endLine: 5, endColumn: 20 }],
    },
    {
      name: "React cache called with a fresh object from two places (a layout and a page)",
      filename: FILENAME,
      code: lines(
        'import { cache } from "react";',
        "const getUser = cache(async (query: { id: string }) => query.id);",
        "export async function layout(id: string) {",
        "  return getUser({ id });",
        "}",
        "export async function page(id: string) {",
        "  return getUser({ id });",
        "}",
      ),
      errors: [
        {
          messageId: "freshIdentityArgument",
          line: 4,
          column: 18,
          endLine: 4,
          endColumn: 24,
          data: { cache: "getUser", argument: "{ id }" },
        },
        { messageId: "freshIdentityArgument", line: 7, column: 18, endLine: 7, endColumn: 24 },
      ],
    },
    {
      name: "a lodash resolver that returns a Promise never hits",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const isContract = memoize(async (chain: string, address: string) => chain + address, async (chain: string, address: string) => `${chain}:${address}`);",
      ),
      errors: [
        {
          messageId: "unstableResolverKey",
          line: 2,
          column: 94,
          endLine: 2,
          endColumn: 157,
          data: { name: "isContract", library: "lodash", result: "a Promise" },
        },
      ],
    },
    {
      name: "reselect weakMapMemoize called with a fresh array",
      filename: FILENAME,
      code: lines(
        'import { weakMapMemoize } from "reselect";',
        "const total = weakMapMemoize((items: number[]) => items.reduce((a, b) => a + b, 0));",
        "export const t = (a: number, b: number) => total([a, b]);",
      ),
      errors: [{ messageId: "freshIdentityArgument", line: 3, column: 50, endLine: 3, endColumn: 56 }],
    },
    {
      name: "a WeakMap read with a fresh object",
      filename: FILENAME,
      code: lines(
        "const seen = new WeakMap<object, number>();",
        "export function w(id: string) {",
        "  return seen.get({ id });",
        "}",
      ),
      errors: [{ messageId: "freshIdentityArgument", line: 3, column: 19, endLine: 3, endColumn: 25 }],
    },
    {
      name: "unstable_cache capturing a parameter not in keyParts",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        "declare function load(id: string): Promise<number>;",
        "export function report(userId: string) {",
        "  return unstable_cache(async () => load(userId), ['report'])();",
        "}",
      ),
      errors: [
        {
          messageId: "capturedNotInKeyParts",
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 24,
          data: { inputs: "userId", them: "it" },
        },
      ],
    },
  ],
});
