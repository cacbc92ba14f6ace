// Shared setup for the typed RuleTester tests: wires RuleTester to node:test and points the
// project service at test/fixtures/rule-tester, whose tsconfig gives the default project its
// compiler options. The fixture sits under the repository, so library imports resolve from
// the repository's node_modules.
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { RuleTester } from "@typescript-eslint/rule-tester";

RuleTester.afterAll = after;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const RULE_TESTER_FIXTURE = path.resolve(import.meta.dirname, "../fixtures/rule-tester");

/** The file name every case is linted as: a placeholder that exists in the fixture. */
export const FILENAME = "file.ts";

export function createRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.ts"] },
        tsconfigRootDir: RULE_TESTER_FIXTURE,
      },
    },
  });
}

/** Joins source lines into a module, so that each case reads top to bottom with visible line numbers. */
export function lines(...source: string[]): string {
  return `${source.join("\n")}\n`;
}

/** Prisma plus Redis with a cache-aside `getUser` filling `user:{id}` (10 min): the setup the invalidation rules' cases share. */
export const USER_CACHE_ASIDE = [
  'import { PrismaClient } from "@prisma/client";',
  'import { Redis } from "ioredis";',
  "const prisma = new PrismaClient();",
  "const redis = new Redis();",
  "export async function getUser(id: string) {",
  "  const cached = await redis.get(`user:${id}`);",
  "  if (cached) return JSON.parse(cached) as unknown;",
  "  const user = await prisma.user.findUnique({ where: { id } });",
  "  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600);",
  "  return user;",
  "}",
];

/** @type-cacheable: a method cached under `user:{id}` in the shared store. */
export const TYPE_CACHEABLE_USER = [
  'import { PrismaClient } from "@prisma/client";',
  'import { Cacheable, CacheClear } from "@type-cacheable/core";',
  "const prisma = new PrismaClient();",
  "export class UserService {",
  "  @Cacheable({ cacheKey: (args: unknown[]) => `user:${args[0]}`, ttlSeconds: 3600 })",
  "  async getUser(id: string) {",
  "    return prisma.user.findUnique({ where: { id } });",
  "  }",
];
