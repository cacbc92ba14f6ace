// Patterns met while measuring recall on real bug-fix commits (bench/accuracy/recall), each written in our own words:
// a positive that must be reported beside a negative twin that must stay silent.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/**
 * Two server actions built at the top level of one module (`adminAction.action(async () => …)`): each callback is a
 * handler of its own, so the invalidation in one does not cover the write in the other.
 */
function twoActions(secondInvalidates: boolean): string {
  return lines(
    'import { revalidateTag, unstable_cache } from "next/cache";',
    'import { PrismaClient } from "@prisma/client";',
    "const prisma = new PrismaClient();",
    "declare const adminAction: { action<T>(fn: () => Promise<T>): () => Promise<T> };",
    "export const currentLicense = unstable_cache(async () => prisma.license.findFirst(), ['license'], {",
    "  tags: ['license'],",
    "  revalidate: 3600,",
    "});",
    "export const removeLicense = adminAction.action(async () => {",
    "  await prisma.license.deleteMany();",
    "  revalidateTag('license');",
    "});",
    "export const activateLicense = adminAction.action(async () => {",
    "  await prisma.license.update({ where: { id: 1 }, data: { key: 'k' } });",
    ...(secondInvalidates ? ["  revalidateTag('license');"] : []),
    "});",
  );
}

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "both top-level actions revalidate the tag after writing",
      filename: FILENAME,
      code: twoActions(true),
    },
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
    {
      name: "a top-level action writes without the revalidation its sibling action does",
      filename: FILENAME,
      code: twoActions(false),
      errors: [{ messageId: "missingInvalidation", line: 14 }],
    },
  ],
});
