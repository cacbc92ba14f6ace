// Patterns met while measuring recall on real bug-fix commits (bench/accuracy/recall), each written in our own words:
// a positive that must be reported beside a negative twin that must stay silent.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "a create does not stale a cache of the row found by the key's own value (a new row has another slug)",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        'import { PrismaClient } from "@prisma/client";',
        "const prisma = new PrismaClient();",
        "const redis = new Redis();",
        "export async function pageOf(slug: string) {",
        "  const hit = await redis.get(`page:${slug}`);",
        "  if (hit) return JSON.parse(hit) as unknown;",
        "  const page = await prisma.page.findFirst({ where: { slug } });",
        "  await redis.set(`page:${slug}`, JSON.stringify(page), 'EX', 3600);",
        "  return page;",
        "}",
        "export async function addPage(slug: string) {",
        "  await prisma.page.create({ data: { slug } });",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a create changes the first row a fixed-key cache holds (the instance's only licence)",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        'import { PrismaClient } from "@prisma/client";',
        "const prisma = new PrismaClient();",
        "export const currentLicense = unstable_cache(",
        "  async () => prisma.license.findFirst({ orderBy: { id: 'asc' } }),",
        "  ['license'],",
        "  { tags: ['license'], revalidate: 3600 },",
        ");",
        "export async function activate(key: string) {",
        "  await prisma.license.create({ data: { key } });",
        "}",
      ),
      errors: [{ messageId: "missingInvalidation", line: 10 }],
    },
  ],
});
