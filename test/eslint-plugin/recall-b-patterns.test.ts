// require-invalidation-on-write in the ESLint host: a delete whose key is built from the rows as they are after an
// update (the rows the update returned, or rows read again after it) leaves the entry under the old key when the
// update may change a field of the key; no-unmatched-invalidation: a call of an invalidation method that the project's
// cache object does not have. Each positive has a twin that stays silent (bench/accuracy/notes/recall-b-pass4.md).
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** Prisma plus Redis: customers cached by e-mail (10 min). */
const CUSTOMER_BY_EMAIL = [
  'import { PrismaClient } from "@prisma/client";',
  'import { Redis } from "ioredis";',
  "const prisma = new PrismaClient();",
  "const redis = new Redis();",
  "const byEmail = (email: string) => `customer-email:${email}`;",
  "export async function customerByEmail(email: string) {",
  "  const cached = await redis.get(byEmail(email));",
  "  if (cached) return JSON.parse(cached) as unknown;",
  "  const customer = await prisma.customer.findUnique({ where: { email } });",
  "  await redis.set(byEmail(email), JSON.stringify(customer), 'EX', 600);",
  "  return customer;",
  "}",
];

/** Knex plus Redis: shelves cached by code and aisle (5 min), and a helper that evicts a shelf's entry. */
const SHELF_BY_CODE = [
  'import knex from "knex";',
  'import { Redis } from "ioredis";',
  "interface Shelf { id: number; code: string; aisle: number; label: string }",
  "const db = knex({ client: 'pg' });",
  "const redis = new Redis();",
  "const shelfKey = (code: string, aisle: number) => `shelf:${code}:${aisle}`;",
  "export async function shelfByCode(code: string, aisle: number) {",
  "  const cached = await redis.get(shelfKey(code, aisle));",
  "  if (cached) return JSON.parse(cached) as Shelf;",
  "  const shelf = await db<Shelf>('shelves').where({ code, aisle }).first();",
  "  await redis.set(shelfKey(code, aisle), JSON.stringify(shelf), 'EX', 300);",
  "  return shelf;",
  "}",
  "const forgetShelf = (shelf: Shelf) => redis.del(shelfKey(shelf.code, shelf.aisle));",
];

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "the row is read before the update and the keys of both versions are deleted",
      filename: FILENAME,
      code: lines(
        ...CUSTOMER_BY_EMAIL,
        "export async function editCustomer(id: string, changes: { email?: string; name?: string }) {",
        "  const before = await prisma.customer.findUnique({ where: { id } });",
        "  const after = await prisma.customer.update({ where: { id }, data: changes });",
        "  if (before) await redis.del(byEmail(before.email));",
        "  await redis.del(byEmail(after.email));",
        "}",
      ),
    },
    {
      name: "the update names fields the key is not built from",
      filename: FILENAME,
      code: lines(
        ...CUSTOMER_BY_EMAIL,
        "export async function rename(id: string, name: string) {",
        "  const after = await prisma.customer.update({ where: { id }, data: { name } });",
        "  await redis.del(byEmail(after.email));",
        "}",
      ),
    },
    {
      name: "rows read before the write are evicted as well as the rows read again after it",
      filename: FILENAME,
      code: lines(
        ...SHELF_BY_CODE,
        "export async function moveShelves(match: Partial<Shelf>, changes: Partial<Shelf>) {",
        "  const old = await db<Shelf>('shelves').select('*').where(match);",
        "  await db<Shelf>('shelves').where(match).update({ ...changes });",
        "  const moved = await db<Shelf>('shelves').select('*').where(match);",
        "  old.forEach(forgetShelf);",
        "  moved.forEach(forgetShelf);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "the key is built from the row the update returned, and the update's data is opaque",
      filename: FILENAME,
      code: lines(
        ...CUSTOMER_BY_EMAIL,
        "export async function editCustomer(id: string, changes: { email?: string; name?: string }) {",
        "  const after = await prisma.customer.update({ where: { id }, data: changes });",
        "  await redis.del(byEmail(after.email));",
        "}",
      ),
      errors: [
        {
          messageId: "newKeyOnly",
          line: 15,
          data: {
            subject: "This",
            family: "customer-email:{email}",
            fields: "`email`",
            rows: "the rows the write returned",
            action: "customer.update",
            writtenAt: "file.ts:14",
            fieldWord: "it",
            staleness: "for up to 10 min",
          },
        },
      ],
    },
    {
      name: "rows read again after the update are handed by reference to the helper that evicts them",
      filename: FILENAME,
      code: lines(
        ...SHELF_BY_CODE,
        "export async function moveShelves(match: Partial<Shelf>, changes: Partial<Shelf>) {",
        "  await db<Shelf>('shelves').where(match).update({ ...changes });",
        "  const moved = await db<Shelf>('shelves').select('*').where(match);",
        "  moved.forEach(forgetShelf);",
        "}",
      ),
      errors: [
        {
          messageId: "newKeyOnly",
          line: 18,
          data: {
            subject: "This call of `forgetShelf`",
            family: "shelf:{code}:{aisle}",
            fields: "`aisle`, `code`",
            rows: "the rows read again after the write (at file.ts:17)",
            action: "shelves.update",
            writtenAt: "file.ts:16",
            fieldWord: "them",
            staleness: "for up to 5 min",
          },
        },
      ],
    },
  ],
});

/** A project cache object over a Map (in a JavaScript module it is typed from its literal; here the same object). */
const MEMO = [
  "const entries = new Map<string, unknown>();",
  "const memo: any = {",
  "  get: async (key: string) => entries.get(key),",
  "  set: async (key: string, value: unknown) => { entries.set(key, value); },",
  "  delete: async (key: string) => { entries.delete(key); },",
  "};",
];

ruleTester.run("no-unmatched-invalidation", rules["no-unmatched-invalidation"]!, {
  valid: [
    {
      name: "the object's own delete",
      filename: FILENAME,
      code: lines(
        "const entries = new Map<string, unknown>();",
        "const memo = {",
        "  get: async (key: string) => entries.get(key),",
        "  set: async (key: string, value: unknown) => { entries.set(key, value); },",
        "  delete: async (key: string) => { entries.delete(key); },",
        "};",
        "export async function publish() {",
        "  await memo.delete('latest');",
        "}",
      ),
    },
    {
      name: "an object typed any: its methods are not known",
      filename: FILENAME,
      code: lines(...MEMO, "export async function publish() {", "  await memo.del('latest');", "}"),
    },
    {
      name: "an object without a cache's get and set",
      filename: FILENAME,
      code: lines(
        "const log = { write: (line: string) => line, delete: (line: string) => line };",
        "export function drop() {",
        "  // @ts-expect-error: the method is missing, but the object is no cache",
        "  log.del('x');",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a delete through a method the project's cache object does not have",
      filename: FILENAME,
      code: lines(
        "const entries = new Map<string, unknown>();",
        "const memo = {",
        "  get: async (key: string) => entries.get(key),",
        "  set: async (key: string, value: unknown) => { entries.set(key, value); },",
        "  delete: async (key: string) => { entries.delete(key); },",
        "};",
        "export async function publish() {",
        "  // @ts-expect-error: the call a JavaScript caller would make",
        "  await memo.del('latest');",
        "}",
      ),
      errors: [
        {
          messageId: "missingMethod",
          line: 9,
          data: {
            receiver: "memo",
            method: "del",
            declaredAt: "file.ts:2",
            methods: "`delete`, `get`, `set`",
            fix: "`delete`",
          },
        },
      ],
    },
  ],
});
