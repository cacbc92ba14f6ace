// no-invalidation-before-write through ESLint: typed RuleTester cases.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, TYPE_CACHEABLE_USER, USER_CACHE_ASIDE, createRuleTester, lines } from "./rule-tester";

const rule = rules["no-invalidation-before-write"]!;
const ruleTester = createRuleTester();

const SETUP = USER_CACHE_ASIDE;

ruleTester.run("no-invalidation-before-write", rule, {
  valid: [
    {
      name: "@CacheClear above the method runs after its body (@type-cacheable)",
      filename: FILENAME,
      code: lines(
        ...TYPE_CACHEABLE_USER,
        "  @CacheClear({ cacheKey: (args: unknown[]) => `user:${args[0]}` })",
        "  async rename(id: string, name: string) {",
        "    await prisma.user.update({ where: { id }, data: { name } });",
        "  }",
        "}",
      ),
    },
    {
      name: "invalidation after the write",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function rename(id: string, name: string) {",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "  await redis.del(`user:${id}`);",
        "}",
      ),
    },
    {
      name: "a double delete: before and after",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function rename(id: string, name: string) {",
        "  await redis.del(`user:${id}`);",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "  await redis.del(`user:${id}`);",
        "}",
      ),
    },
    {
      name: "after the transaction commits",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function rename(id: string, name: string) {",
        "  await prisma.$transaction(async (tx) => {",
        "    await tx.user.update({ where: { id }, data: { name } });",
        "  });",
        "  await redis.del(`user:${id}`);",
        "}",
      ),
    },
    {
      name: "writing the new value before the write is not a delete",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function rename(id: string, name: string) {",
        "  await redis.set(`user:${id}`, JSON.stringify({ id, name }), 'EX', 600);",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "}",
      ),
    },
    {
      name: "a delete of an unrelated family",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function rename(id: string, name: string) {",
        "  await redis.del(`session:${id}`);",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "  await redis.del(`user:${id}`);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "delete, then write",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function rename(id: string, name: string) {",
        "  await redis.del(`user:${id}`);",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "}",
      ),
      errors: [
        {
          messageId: "beforeWrite",
          line: 13,
          column: 15,
          endLine: 13,
          endColumn: 18,
          data: { what: "del", family: "user:{id}", action: "user.update", entity: "`user`", writeLine: "14" },
        },
      ],
    },
    {
      name: "a helper that invalidates, called before the write",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "async function forget(id: string) {",
        "  await redis.del(`user:${id}`);",
        "}",
        "export async function rename(id: string, name: string) {",
        "  await forget(id);",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "}",
      ),
      errors: [
        {
          messageId: "beforeWrite",
          line: 16,
          column: 9,
          endLine: 16,
          endColumn: 19,
          data: { what: "forget", family: "user:{id}", action: "user.update", entity: "`user`", writeLine: "17" },
        },
      ],
    },
    {
      name: "inside the transaction, before it commits",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function rename(id: string, name: string) {",
        "  await prisma.$transaction(async (tx) => {",
        "    await tx.user.update({ where: { id }, data: { name } });",
        "    await redis.del(`user:${id}`);",
        "  });",
        "}",
      ),
      errors: [{ messageId: "beforeCommit", line: 15, column: 17, endLine: 15, endColumn: 20 }],
    },
  ],
});
