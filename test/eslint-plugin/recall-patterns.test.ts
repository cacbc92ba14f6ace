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

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "a batch loader whose key function reads every field the batch function uses",
      filename: FILENAME,
      code: lines(
        'import DataLoader from "dataloader";',
        "interface PriceQuery { sku: string; region: string; on?: string }",
        "declare function loadPrices(queries: PriceQuery[]): Promise<Map<string, number>>;",
        "export const priceLoader = () =>",
        "  new DataLoader(",
        "    async (queries: readonly PriceQuery[]) => {",
        "      const prices = await loadPrices([...queries]);",
        "      return queries.map((q) => prices.get(`${q.sku}@${q.region}@${q.on ?? 'now'}`) ?? 0);",
        "    },",
        "    { cacheKeyFn: ({ sku, region, on }) => `${sku}@${region}@${on ?? 'now'}` },",
        "  );",
      ),
    },
    {
      name: "a key function that serialises the whole request covers every field",
      filename: FILENAME,
      code: lines(
        'import DataLoader from "dataloader";',
        "interface PriceQuery { sku: string; region: string; on?: string }",
        "declare function loadPrices(queries: PriceQuery[]): Promise<Map<string, number>>;",
        "export const priceLoader = () =>",
        "  new DataLoader(",
        "    async (queries: readonly PriceQuery[]) => {",
        "      const prices = await loadPrices([...queries]);",
        "      const out: number[] = [];",
        "      for (const q of queries) out.push(prices.get(`${q.sku}@${q.region}@${q.on ?? 'now'}`) ?? 0);",
        "      return out;",
        "    },",
        "    { cacheKeyFn: (q) => JSON.stringify(q) },",
        "  );",
      ),
    },
  ],
  invalid: [
    {
      name: "a batch loader keyed by two fields of the request while its batch function also reads a third (the date)",
      filename: FILENAME,
      code: lines(
        'import DataLoader from "dataloader";',
        "interface PriceQuery { sku: string; region: string; on?: string }",
        "declare function loadPrices(queries: PriceQuery[]): Promise<Map<string, number>>;",
        "export const priceLoader = () =>",
        "  new DataLoader(",
        "    async (queries: readonly PriceQuery[]) => {",
        "      const prices = await loadPrices([...queries]);",
        "      return queries.map((q) => prices.get(`${q.sku}@${q.region}@${q.on ?? 'now'}`) ?? 0);",
        "    },",
        "    { cacheKeyFn: (q) => `${q.sku}@${q.region}` },",
        "  );",
      ),
      errors: [
        {
          messageId: "keyFunctionMissingField",
          line: 10,
          data: { cache: "DataLoader", keyInputs: "region`, `sku", inputs: "on", them: "it" },
        },
      ],
    },
  ],
});
