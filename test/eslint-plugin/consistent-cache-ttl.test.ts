// consistent-cache-ttl through ESLint: typed RuleTester cases.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["consistent-cache-ttl"]!;
const ruleTester = createRuleTester();

const REDIS = ['import { Redis } from "ioredis";', "const redis = new Redis();"];

ruleTester.run("consistent-cache-ttl", rule, {
  valid: [
    {
      name: "the same TTL everywhere",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function a(id: string) {",
        "  await redis.set(`user:${id}`, 'a', 'EX', 600);",
        "}",
        "export async function b(id: string) {",
        "  await redis.set(`user:${id}`, 'b', 'EX', 900);",
        "}",
      ),
    },
    {
      name: "KEEPTTL keeps the expiry",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function a(id: string) {",
        "  await redis.set(`user:${id}`, 'a', 'EX', 600);",
        "}",
        "export async function b(id: string) {",
        "  await redis.set(`user:${id}`, 'b', 'KEEPTTL');",
        "}",
      ),
    },
    {
      name: "a collection command keeps an existing TTL",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function a(id: string) {",
        "  await redis.set(`tags:${id}`, 'a', 'EX', 600);",
        "}",
        "export async function b(id: string) {",
        "  await redis.sadd(`tags:${id}`, 'x');",
        "}",
      ),
    },
    {
      name: "different families",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function a(id: string) {",
        "  await redis.set(`user:${id}`, 'a', 'EX', 600);",
        "}",
        "export async function b(id: string) {",
        "  await redis.set(`team:${id}`, 'b');",
        "}",
      ),
    },
    {
      name: "a cache whose default TTL covers the plain set",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const users = new LRUCache<string, string>({ max: 10, ttl: 60_000 });",
        "export function a(id: string) {",
        "  users.set(id, 'a');",
        "}",
        "export function b(id: string) {",
        "  users.set(id, 'b', { ttl: 120_000 });",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a plain SET beside writes with an expiry",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function a(id: string) {",
        "  await redis.set(`user:${id}`, 'a', 'EX', 600);",
        "}",
        "export async function b(id: string) {",
        "  await redis.set(`user:${id}`, 'b');",
        "}",
      ),
      errors: [
        {
          messageId: "missingTtl",
          line: 7,
          column: 15,
          endLine: 7,
          endColumn: 18,
          data: {
            method: "set",
            family: "user:{id}",
            other: "file.ts:4",
            ttl: "10 min",
            drop: " A plain SET also removes the TTL an existing key had; pass an expiry, or `KEEPTTL`.",
          },
        },
      ],
    },
    {
      name: "TTLs a hundred times apart",
      filename: FILENAME,
      code: lines(
        ...REDIS,
        "export async function a(id: string) {",
        "  await redis.set(`user:${id}`, 'a', 'EX', 60);",
        "}",
        "export async function b(id: string) {",
        "  await redis.set(`user:${id}`, 'b', 'EX', 86400);",
        "}",
      ),
      errors: [
        {
          messageId: "divergentTtl",
          line: 7,
          column: 15,
          endLine: 7,
          endColumn: 18,
          data: {
            method: "set",
            family: "user:{id}",
            ttl: "24 h",
            ratio: "1440",
            otherTtl: "1 min",
            other: "file.ts:4",
          },
        },
      ],
    },
  ],
});
