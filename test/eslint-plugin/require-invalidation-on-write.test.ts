// require-invalidation-on-write through ESLint: typed RuleTester cases (one file each; the
// cross-file, wrapper and event cases live in test/fixtures/families, checked by the CLI and parity tests).
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["require-invalidation-on-write"]!;
const ruleTester = createRuleTester();

const SETUP = [
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

ruleTester.run("require-invalidation-on-write", rule, {
  valid: [
    { name: "delete after the write", filename: FILENAME, code: lines(...SETUP, "export async function rename(id: string, name: string) {", "  await prisma.user.update({ where: { id }, data: { name } });", "  await redis.del(`user:${id}`);", "}") },
    { name: "write-through of the new value", filename: FILENAME, code: lines(...SETUP, "export async function rename(id: string, name: string) {", "  const user = await prisma.user.update({ where: { id }, data: { name } });", "  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600);", "}") },
    { name: "through a helper it calls", filename: FILENAME, code: lines(...SETUP, "async function forget(id: string) {", "  await redis.unlink(`user:${id}`);", "}", "export async function rename(id: string, name: string) {", "  await prisma.user.update({ where: { id }, data: { name } });", "  await forget(id);", "}") },
    { name: "in every caller of a helper that writes", filename: FILENAME, code: lines(...SETUP, "async function write(id: string, name: string) {", "  await prisma.user.update({ where: { id }, data: { name } });", "}", "export async function rename(id: string, name: string) {", "  await write(id, name);", "  await redis.del(`user:${id}`);", "}") },
    {
      name: "through an event whose handler invalidates",
      filename: FILENAME,
      code: lines(
        'import { EventEmitter } from "node:events";',
        ...SETUP,
        "const bus = new EventEmitter();",
        "bus.on('user.updated', (id: string) => void redis.del(`user:${id}`));",
        "export async function rename(id: string, name: string) {",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "  bus.emit('user.updated', id);",
        "}",
      ),
    },
    { name: "a write to an entity that nothing caches", filename: FILENAME, code: lines(...SETUP, "export async function log(id: string) {", "  await prisma.auditLog.create({ data: { userId: id } });", "}") },
    {
      name: "a family whose TTL is within the accepted staleness",
      filename: FILENAME,
      options: [{ acceptedStalenessSeconds: 600 }],
      code: lines(...SETUP, "export async function rename(id: string, name: string) {", "  await prisma.user.update({ where: { id }, data: { name } });", "}"),
    },
    {
      name: "a SET NX idempotency marker written after a read is not a cache of that row",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function track(id: string) {",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await redis.set(`tracked:${id}`, JSON.stringify(user), 'EX', 3600, 'NX');",
        "  return redis.get(`tracked:${id}`);",
        "}",
        "export async function rename(id: string, name: string) {",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "  await redis.del(`user:${id}`);",
        "}",
      ),
    },
    {
      name: "a key nothing reads back is a buffer, not a cache",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function snapshot(id: string) {",
        "  const user = await prisma.user.findUnique({ where: { id } });",
        "  await redis.set(`audit:${id}`, JSON.stringify(user), 'EX', 3600);",
        "}",
        "export async function rename(id: string, name: string) {",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "  await redis.del(`user:${id}`);",
        "}",
      ),
    },
    {
      name: "a flag written after a read depends on nothing",
      filename: FILENAME,
      code: lines(
        ...SETUP,
        "export async function markSeen(id: string) {",
        "  await prisma.user.findUnique({ where: { id } });",
        "  await redis.set(`seen:${id}`, '1', 'EX', 3600);",
        "  return redis.get(`seen:${id}`);",
        "}",
        "export async function rename(id: string, name: string) {",
        "  await prisma.user.update({ where: { id }, data: { name } });",
        "  await redis.del(`user:${id}`);",
        "}",
      ),
    },
    {
      name: "creating a row does not make a cached single row stale",
      filename: FILENAME,
      code: lines(...SETUP, "export async function register(id: string) {", "  await prisma.user.create({ data: { id } });", "}"),
    },
    { name: "a local object with an update method is not Prisma", filename: FILENAME, code: lines(...SETUP, "const store = { user: { update: async (_: unknown) => undefined } };", "export async function rename(id: string) {", "  await store.user.update({ id });", "}") },
  ],
  invalid: [
    {
      name: "a Prisma update that leaves user:{id} stale",
      filename: FILENAME,
      code: lines(...SETUP, "export async function rename(id: string, name: string) {", "  await prisma.user.update({ where: { id }, data: { name } });", "}"),
      errors: [{ messageId: "missingInvalidation", line: 13, column: 9, endLine: 13, endColumn: 62, data: { action: "user.update", entity: "`user`", family: "user:{id}", source: "`user`", populatedAt: "file.ts:8", staleness: "for up to 10 min" } }],
    },
    {
      name: "a raw SQL UPDATE",
      filename: FILENAME,
      code: lines(...SETUP, 'import { Pool } from "pg";', "const pool = new Pool();", "export async function rename(id: string, name: string) {", "  await pool.query('UPDATE users SET name = $1 WHERE id = $2', [name, id]);", "}"),
      errors: [{ messageId: "missingInvalidation", line: 15, column: 9, endLine: 15, endColumn: 75 }],
    },
    {
      name: "an in-process cache that never expires",
      filename: FILENAME,
      code: lines(
        'import { PrismaClient } from "@prisma/client";',
        'import { LRUCache } from "lru-cache";',
        "const prisma = new PrismaClient();",
        "const users = new LRUCache<string, object>({ max: 100 });",
        "export async function getUser(id: string) {",
        "  const hit = users.get(id);",
        "  if (hit) return hit;",
        "  const user = (await prisma.user.findUnique({ where: { id } })) ?? {};",
        "  users.set(id, user);",
        "  return user;",
        "}",
        "export async function remove(id: string) {",
        "  await prisma.user.delete({ where: { id } });",
        "}",
      ),
      errors: [{ messageId: "missingInvalidation", line: 13, column: 9, endLine: 13, endColumn: 46, data: { action: "user.delete", entity: "`user`", family: "users", source: "`user`", populatedAt: "file.ts:8", staleness: "forever (nothing expires it)" } }],
    },
  ],
});
