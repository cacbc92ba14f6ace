// require-ttl-policy through ESLint: typed RuleTester cases with families assigned to data classes.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["require-ttl-policy"]!;
const ruleTester = createRuleTester();

const REDIS = ['import { Redis } from "ioredis";', "const redis = new Redis();"];
const profile = { families: [{ match: "user:*", class: "profile", owner: "accounts" }], dataClasses: {} };

ruleTester.run("require-ttl-policy", rule, {
  valid: [
    {
      name: "inactive without data classes",
      filename: FILENAME,
      code: lines(...REDIS, "export const f = (id: string) => redis.set(`user:${id}`, 'v');"),
    },
    {
      name: "a TTL inside the profile range",
      filename: FILENAME,
      options: [profile],
      code: lines(...REDIS, "export const f = (id: string) => redis.set(`user:${id}`, 'v', 'EX', 600);"),
    },
    {
      name: "a family without a class",
      filename: FILENAME,
      options: [profile],
      code: lines(...REDIS, "export const f = (id: string) => redis.set(`team:${id}`, 'v');"),
    },
    {
      name: "a custom class that allows a day",
      filename: FILENAME,
      options: [
        { families: [{ match: "user:*", class: "slow" }], dataClasses: { slow: { minTtl: "1h", maxTtl: "1d" } } },
      ],
      code: lines(...REDIS, "export const f = (id: string) => redis.set(`user:${id}`, 'v', 'EX', 86400);"),
    },
  ],
  invalid: [
    {
      name: "a profile family cached for a day",
      filename: FILENAME,
      options: [profile],
      code: lines(...REDIS, "export const f = (id: string) => redis.set(`user:${id}`, 'v', 'EX', 86400);"),
      errors: [
        {
          messageId: "ttlOutOfRange",
          line: 3,
          column: 40,
          endLine: 3,
          endColumn: 43,
          data: { family: "user:{id}", className: "profile", min: "1 min", max: "1 h", ttl: "24 h" },
        },
      ],
    },
    {
      name: "a profile family without an expiry",
      filename: FILENAME,
      options: [profile],
      code: lines(...REDIS, "export const f = (id: string) => redis.set(`user:${id}`, 'v');"),
      errors: [{ messageId: "noTtl", line: 3, column: 40, endLine: 3, endColumn: 43 }],
    },
    {
      name: "transactional data must be invalidated on every write, whatever its TTL",
      filename: FILENAME,
      options: [{ families: [{ match: "balance:*", class: "transactional" }], dataClasses: {} }],
      code: lines(
        'import { PrismaClient } from "@prisma/client";',
        ...REDIS,
        "const prisma = new PrismaClient();",
        "export async function getBalance(id: string) {",
        "  const hit = await redis.get(`balance:${id}`);",
        "  if (hit) return Number(hit);",
        "  const account = await prisma.account.findUnique({ where: { id } });",
        "  await redis.set(`balance:${id}`, String(account), 'EX', 30);",
        "  return account;",
        "}",
        "export async function deposit(id: string, amount: number) {",
        "  await prisma.account.update({ where: { id }, data: { balance: { increment: amount } } });",
        "}",
      ),
      errors: [
        {
          messageId: "notInvalidated",
          line: 13,
          column: 9,
          endLine: 13,
          endColumn: 91,
          data: {
            action: "account.update",
            entity: "`account`",
            family: "balance:{id}",
            className: "transactional",
            staleness: "for up to 30 s",
          },
        },
      ],
    },
  ],
});
