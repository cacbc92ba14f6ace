// Memcached (issue 16): memjs, memcached, @keyv/memcache and a Keyv or cache-manager over it, linted with their
// packages installed (typed). Families by key pattern shared by every client, Memcached's TTL rules (0 is no expiry; a
// TTL over 30 days is read as a Unix time, so a month in seconds expires at once), invalidation on write. Every
// reported case has a twin that must stay silent.
import { describe } from "node:test";
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();
const requireCacheTtl = rules["require-cache-ttl"]!;
const noAmbiguousTtlUnit = rules["no-ambiguous-ttl-unit"]!;
const requireInvalidationOnWrite = rules["require-invalidation-on-write"]!;

const PRISMA = ['import { PrismaClient } from "@prisma/client";', "const prisma = new PrismaClient();"];
const MEMJS = ['import memjs from "memjs";', 'const memcache = memjs.Client.create("localhost:11211");'];
const MEMCACHED = ['import Memcached from "memcached";', 'const memcached = new Memcached("localhost:11211");'];
const KEYV_MEMCACHE = [
  'import Keyv from "keyv";',
  'import KeyvMemcache from "@keyv/memcache";',
  'const users = new Keyv({ store: new KeyvMemcache("localhost:11211") });',
];
const CACHE_MANAGER = [
  'import Keyv from "keyv";',
  'import KeyvMemcache from "@keyv/memcache";',
  'import { createCache } from "cache-manager";',
  'const cache = createCache({ stores: [new Keyv({ store: new KeyvMemcache("localhost:11211") })] });',
];

/** A memjs cache-aside of `user:{id}` (the row read by the key), written with `options` after the value. */
function memjsGetUser(options: string): string[] {
  return [
    "export async function getUser(id: string) {",
    "  const hit = await memcache.get(`user:${id}`);",
    "  if (hit.value) return JSON.parse(hit.value.toString()) as unknown;",
    "  const user = await prisma.user.findUnique({ where: { id } });",
    `  await memcache.set(\`user:\${id}\`, JSON.stringify(user)${options});`,
    "  return user;",
    "}",
  ];
}

/** A key written once a user is found, never read back here (another service reads it). */
function markInvited(method: "add" | "set"): string[] {
  return [
    "export async function markInvited(id: string) {",
    "  const user = await prisma.user.findUnique({ where: { id } });",
    "  if (!user) return;",
    `  await memcache.${method}(\`invited:\${id}\`, user.id);`,
    "}",
  ];
}

const HOLDS_USER =
  "; it holds `user` data, so a write that misses its invalidation leaves the old value there for good";
const MEMJS_FIX = "Pass `{ expires: seconds }` (30 days at most), or give the client a default `expires`.";

describe("memjs", () => {
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "a cache-aside write with `expires` in seconds",
        filename: FILENAME,
        code: lines(...PRISMA, ...MEMJS, ...memjsGetUser(", { expires: 600 }")),
      },
      {
        name: "a write without `expires` on a client whose default `expires` is set",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import { Client } from "memjs";',
          'const memcache = Client.create("localhost:11211", { expires: 600 });',
          ...memjsGetUser(""),
        ),
      },
      {
        name: "an injected client, whose default `expires` cannot be seen",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import memjs from "memjs";',
          "export async function getUser(memcache: memjs.Client, id: string) {",
          "  const hit = await memcache.get(`user:${id}`);",
          "  if (hit.value) return JSON.parse(hit.value.toString()) as unknown;",
          "  const user = await prisma.user.findUnique({ where: { id } });",
          "  await memcache.set(`user:${id}`, JSON.stringify(user));",
          "  return user;",
          "}",
        ),
      },
      {
        name: "`add` stores only when the key is absent: a marker, not a copy",
        filename: FILENAME,
        code: lines(...PRISMA, ...MEMJS, ...markInvited("add")),
      },
      {
        name: "a local class named Client with a static create is not memjs",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          "class Client {",
          "  static create(_servers: string) { return new Client(); }",
          "  async get(_key: string) { return { value: null as Buffer | null }; }",
          "  async set(_key: string, _value: string) { return true; }",
          "}",
          'const memcache = Client.create("localhost:11211");',
          ...memjsGetUser(""),
        ),
      },
    ],
    invalid: [
      {
        name: "a cache-aside write of a row with no `expires` and no default",
        filename: FILENAME,
        code: lines(...PRISMA, ...MEMJS, ...memjsGetUser("")),
        errors: [
          {
            messageId: "redisWithoutTtl",
            data: { command: "SET", key: "user:{id}", why: HOLDS_USER, fix: MEMJS_FIX },
            line: 9,
            column: 18,
          },
        ],
      },
      {
        name: "the same marker written with `set`, which replaces whatever is there",
        filename: FILENAME,
        code: lines(...PRISMA, ...MEMJS, ...markInvited("set")),
        errors: [
          {
            messageId: "redisWithoutTtl",
            data: { command: "SET", key: "invited:{id}", why: "", fix: MEMJS_FIX },
            line: 8,
            column: 18,
          },
        ],
      },
      {
        name: "`expires: 0` is no expiry when the client has no default",
        filename: FILENAME,
        code: lines(...PRISMA, ...MEMJS, ...memjsGetUser(", { expires: 0 }")),
        errors: [{ messageId: "redisWithoutTtl", line: 9, column: 18 }],
      },
    ],
  });

  ruleTester.run("no-ambiguous-ttl-unit", noAmbiguousTtlUnit, {
    valid: [
      {
        name: "30 days, the longest duration Memcached takes",
        filename: FILENAME,
        code: lines(
          ...MEMJS,
          "export const save = (id: string, json: string) =>",
          "  memcache.set(`report:${id}`, json, { expires: 60 * 60 * 24 * 30 });",
        ),
      },
      {
        name: "an absolute Unix time computed from the clock",
        filename: FILENAME,
        code: lines(
          ...MEMJS,
          "export const save = (id: string, json: string) =>",
          "  memcache.set(`report:${id}`, json, { expires: Math.floor(Date.now() / 1000) + 60 * 60 * 24 * 31 });",
        ),
      },
      {
        name: "a constant absolute time (after September 2001) is taken as meant",
        filename: FILENAME,
        code: lines(
          ...MEMJS,
          "const END_OF_OFFER = 1_900_000_000;",
          "export const save = (id: string, json: string) => memcache.set(`offer:${id}`, json, { expires: END_OF_OFFER });",
        ),
      },
      {
        name: "31 days in seconds given to Redis, which takes any duration",
        filename: FILENAME,
        code: lines(
          'import { Redis } from "ioredis";',
          "const redis = new Redis();",
          "export const save = (id: string, json: string) => redis.set(`report:${id}`, json, 'EX', 60 * 60 * 24 * 31);",
        ),
      },
    ],
    invalid: [
      {
        name: "31 days in seconds on a write: a Unix time in February 1970",
        filename: FILENAME,
        code: lines(
          ...MEMJS,
          "export const save = (id: string, json: string) =>",
          "  memcache.set(`report:${id}`, json, { expires: 60 * 60 * 24 * 31 });",
        ),
        errors: [
          {
            messageId: "unixTimeExpiry",
            data: {
              text: "60 * 60 * 24 * 31",
              api: "`set` (memjs)",
              seconds: "2678400",
              duration: "31 d",
              limit: "30 d",
              date: "1970-02-01",
              fix: "Keep it at 30 d or less, or pass an absolute time (`Math.floor(Date.now() / 1000) + seconds`).",
            },
            line: 4,
            column: 12,
            endLine: 4,
            endColumn: 15,
          },
        ],
      },
      {
        name: "a 90-day default `expires` on the client, folded from a constant",
        filename: FILENAME,
        code: lines(
          'import memjs from "memjs";',
          "const NINETY_DAYS = 90 * 24 * 3600;",
          'export const memcache = memjs.Client.create("localhost:11211", { expires: NINETY_DAYS });',
        ),
        errors: [
          {
            messageId: "unixTimeExpiry",
            data: {
              text: "NINETY_DAYS",
              api: "`Client.create` (memjs)",
              seconds: "7776000",
              duration: "90 d",
              limit: "30 d",
              date: "1970-04-01",
              fix: "Keep it at 30 d or less, or pass an absolute time (`Math.floor(Date.now() / 1000) + seconds`).",
            },
            line: 3,
            column: 25,
          },
        ],
      },
      {
        name: "an hour in milliseconds given as seconds: one finding, which says so",
        filename: FILENAME,
        code: lines(
          ...MEMJS,
          "export const save = (id: string, json: string) => memcache.set(`page:${id}`, json, { expires: 3_600_000 });",
        ),
        errors: [
          {
            messageId: "unixTimeExpiry",
            data: {
              text: "3_600_000",
              api: "`set` (memjs)",
              seconds: "3600000",
              duration: "41.7 d",
              limit: "30 d",
              date: "1970-02-11",
              fix: "This looks like 1 h in milliseconds; write `3_600_000 / 1000`.",
            },
            line: 3,
            column: 60,
          },
        ],
      },
      {
        name: "`touch` with 31 days",
        filename: FILENAME,
        code: lines(...MEMJS, "export const keep = (id: string) => memcache.touch(`report:${id}`, 2_678_400);"),
        errors: [{ messageId: "unixTimeExpiry", line: 3, column: 46 }],
      },
    ],
  });

  ruleTester.run("require-invalidation-on-write", requireInvalidationOnWrite, {
    valid: [
      {
        name: "the update deletes the cached row",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...MEMJS,
          ...memjsGetUser(", { expires: 3600 }"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "  await memcache.delete(`user:${id}`);",
          "}",
        ),
      },
      {
        name: "another Memcached client deletes the key: one family per key pattern, whichever client",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...MEMJS,
          ...MEMCACHED,
          ...memjsGetUser(", { expires: 3600 }"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "  memcached.del(`user:${id}`, () => undefined);",
          "}",
        ),
      },
    ],
    invalid: [
      {
        name: "the update leaves the cached row for an hour",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...MEMJS,
          ...memjsGetUser(", { expires: 3600 }"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "}",
        ),
        errors: [
          {
            messageId: "missingInvalidation",
            data: {
              action: "user.update",
              entity: "`user`",
              family: "user:{id}",
              source: "`user`",
              populatedAt: "file.ts:8",
              staleness: "for up to 1 h",
            },
            line: 13,
            column: 9,
          },
        ],
      },
      {
        name: "a delete of another key does not count",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...MEMJS,
          ...memjsGetUser(", { expires: 3600 }"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "  await memcache.delete(`profile:${id}`);",
          "}",
        ),
        errors: [{ messageId: "missingInvalidation", line: 13, column: 9 }],
      },
    ],
  });
});

/** A memcached (callback API) cache-aside of `user:{id}` on `client`, written with `lifetime`. */
function memcachedGetUser(client: string, lifetime: string): string[] {
  return [
    "export function getUser(id: string, done: (user: unknown) => void) {",
    `  ${client}.get(\`user:\${id}\`, async (_error: unknown, data: string | undefined) => {`,
    "    if (data) return done(JSON.parse(data));",
    "    const user = await prisma.user.findUnique({ where: { id } });",
    `    ${client}.set(\`user:\${id}\`, JSON.stringify(user), ${lifetime}, () => done(user));`,
    "  });",
    "}",
  ];
}

describe("memcached", () => {
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "a lifetime in seconds",
        filename: FILENAME,
        code: lines(...PRISMA, ...MEMCACHED, ...memcachedGetUser("memcached", "600")),
      },
      {
        name: "`append` keeps the item's expiry",
        filename: FILENAME,
        code: lines(
          ...MEMCACHED,
          "export function log(id: string, line: string) {",
          "  memcached.get(`log:${id}`, () => memcached.append(`log:${id}`, line, () => undefined));",
          "}",
        ),
      },
    ],
    invalid: [
      {
        name: "a lifetime of 0, which is no expiry",
        filename: FILENAME,
        code: lines(...PRISMA, ...MEMCACHED, ...memcachedGetUser("memcached", "0")),
        errors: [
          {
            messageId: "redisWithoutTtl",
            data: {
              command: "SET",
              key: "user:{id}",
              why: HOLDS_USER,
              fix: "Pass a lifetime in seconds (30 days at most) instead of `0`.",
            },
            line: 9,
            column: 15,
          },
        ],
      },
      {
        name: "an injected client: memcached has no default lifetime to rely on",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import Memcached from "memcached";',
          "export class UserCache {",
          "  constructor(private readonly client: Memcached) {}",
          "  getUser(id: string, done: (user: unknown) => void) {",
          "    this.client.get(`user:${id}`, async (_error: unknown, data: string | undefined) => {",
          "      if (data) return done(JSON.parse(data));",
          "      const user = await prisma.user.findUnique({ where: { id } });",
          "      this.client.set(`user:${id}`, JSON.stringify(user), 0, () => done(user));",
          "    });",
          "  }",
          "}",
        ),
        errors: [{ messageId: "redisWithoutTtl", line: 10, column: 19 }],
      },
    ],
  });

  ruleTester.run("no-ambiguous-ttl-unit", noAmbiguousTtlUnit, {
    valid: [
      {
        name: "a week in seconds",
        filename: FILENAME,
        code: lines(...MEMCACHED, "memcached.set('report', '{}', 604800, () => undefined);"),
      },
    ],
    invalid: [
      {
        name: "31 days in seconds as a lifetime",
        filename: FILENAME,
        code: lines(...MEMCACHED, "memcached.set('report', '{}', 31 * 86400, () => undefined);"),
        errors: [
          {
            messageId: "unixTimeExpiry",
            data: {
              text: "31 * 86400",
              api: "`set` (memcached)",
              seconds: "2678400",
              duration: "31 d",
              limit: "30 d",
              date: "1970-02-01",
              fix: "Keep it at 30 d or less, or pass an absolute time (`Math.floor(Date.now() / 1000) + seconds`).",
            },
            line: 3,
            column: 11,
          },
        ],
      },
      {
        name: "`cas` takes its lifetime after the CAS token",
        filename: FILENAME,
        code: lines(...MEMCACHED, "memcached.cas('report', '{}', 'token', 31 * 86400, () => undefined);"),
        errors: [{ messageId: "unixTimeExpiry", line: 3, column: 11 }],
      },
    ],
  });

  ruleTester.run("require-invalidation-on-write", requireInvalidationOnWrite, {
    valid: [
      {
        name: "the update deletes the cached row",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...MEMCACHED,
          ...memcachedGetUser("memcached", "3600"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "  memcached.del(`user:${id}`, () => undefined);",
          "}",
        ),
      },
    ],
    invalid: [
      {
        name: "the update does not delete it",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...MEMCACHED,
          ...memcachedGetUser("memcached", "3600"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "}",
        ),
        errors: [{ messageId: "missingInvalidation", line: 13, column: 9 }],
      },
    ],
  });
});

/** A Keyv over Memcached: cache-aside of `user:{id}` with `ttl` as the write's third argument. */
function keyvGetUser(ttl: string): string[] {
  return [
    "export async function getUser(id: string) {",
    "  const hit = await users.get(`user:${id}`);",
    "  if (hit) return hit;",
    "  const user = await prisma.user.findUnique({ where: { id } });",
    `  await users.set(\`user:\${id}\`, user${ttl});`,
    "  return user;",
    "}",
  ];
}

describe("keyv and cache-manager over @keyv/memcache", () => {
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "a Keyv write with a TTL in milliseconds",
        filename: FILENAME,
        code: lines(...PRISMA, ...KEYV_MEMCACHE, ...keyvGetUser(", 600_000")),
      },
      {
        name: "a Keyv with a default `ttl`",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import Keyv from "keyv";',
          'import KeyvMemcache from "@keyv/memcache";',
          'const users = new Keyv({ store: new KeyvMemcache("localhost:11211"), ttl: 600_000 });',
          ...keyvGetUser(""),
        ),
      },
      {
        name: "a cache-manager with a default `ttl`",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import Keyv from "keyv";',
          'import KeyvMemcache from "@keyv/memcache";',
          'import { createCache } from "cache-manager";',
          'const store = new Keyv({ store: new KeyvMemcache("localhost:11211") });',
          "const cache = createCache({ stores: [store], ttl: 600_000 });",
          "export async function getUser(id: string) {",
          "  const hit = await cache.get(`user:${id}`);",
          "  if (hit) return hit;",
          "  const user = await prisma.user.findUnique({ where: { id } });",
          "  await cache.set(`user:${id}`, user);",
          "  return user;",
          "}",
        ),
      },
    ],
    invalid: [
      {
        name: "a Keyv write with no TTL: the row stays in Memcached",
        filename: FILENAME,
        code: lines(...PRISMA, ...KEYV_MEMCACHE, ...keyvGetUser("")),
        errors: [
          {
            messageId: "redisWithoutTtl",
            data: {
              command: "SET",
              key: "user:{id}",
              why: HOLDS_USER,
              fix: "Add `ttl` (milliseconds) to its options, or a TTL as the third argument.",
            },
            line: 10,
            column: 15,
          },
        ],
      },
      {
        name: "the store used directly, with no TTL",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import KeyvMemcache from "@keyv/memcache";',
          'const users = new KeyvMemcache("localhost:11211");',
          ...keyvGetUser(""),
        ),
        errors: [
          {
            messageId: "redisWithoutTtl",
            data: {
              command: "SET",
              key: "user:{id}",
              why: HOLDS_USER,
              fix: "Pass a TTL in milliseconds as the third argument (`set(key, value, ms)`, 30 days at most), or give the store a default `expires` (seconds).",
            },
            line: 9,
            column: 15,
          },
        ],
      },
    ],
  });

  ruleTester.run("no-ambiguous-ttl-unit", noAmbiguousTtlUnit, {
    valid: [
      {
        name: "31 days in milliseconds on a Keyv in memory: only Memcached reads it as a Unix time",
        filename: FILENAME,
        code: lines(
          'import Keyv from "keyv";',
          "const users = new Keyv();",
          "export const save = (id: string) => users.set(`user:${id}`, {}, 31 * 24 * 3600 * 1000);",
        ),
      },
      {
        name: "a cache-manager in memory with a 31-day wrap",
        filename: FILENAME,
        code: lines(
          'import { createCache } from "cache-manager";',
          "const cache = createCache();",
          "export const load = (id: string) => cache.wrap(`page:${id}`, async () => id, 2_678_400_000);",
        ),
      },
      {
        name: "30 days in milliseconds over Memcached",
        filename: FILENAME,
        code: lines(
          ...KEYV_MEMCACHE,
          "export const save = (id: string) => users.set(`user:${id}`, {}, 30 * 24 * 3600 * 1000);",
        ),
      },
    ],
    invalid: [
      {
        name: "31 days in milliseconds on a Keyv over Memcached: the store sends 2,678,400 seconds",
        filename: FILENAME,
        code: lines(
          ...KEYV_MEMCACHE,
          "export const save = (id: string) => users.set(`user:${id}`, {}, 31 * 24 * 3600 * 1000);",
        ),
        errors: [
          {
            messageId: "unixTimeExpiry",
            data: {
              text: "31 * 24 * 3600 * 1000",
              api: "`set` (keyv)",
              seconds: "2678400",
              duration: "31 d",
              limit: "30 d",
              date: "1970-02-01",
              fix: "Keep it at 30 d or less: Memcached takes no longer duration.",
            },
            line: 4,
            column: 43,
          },
        ],
      },
      {
        name: "a Keyv over Memcached built with a 60-day `ttl`",
        filename: FILENAME,
        code: lines(
          'import Keyv from "keyv";',
          'import KeyvMemcache from "@keyv/memcache";',
          'export const users = new Keyv({ store: new KeyvMemcache("localhost:11211"), ttl: 60 * 86_400_000 });',
        ),
        errors: [{ messageId: "unixTimeExpiry", line: 3, column: 26 }],
      },
      {
        name: "a cache-manager over Memcached with a 31-day wrap",
        filename: FILENAME,
        code: lines(
          ...CACHE_MANAGER,
          "export const load = (id: string) => cache.wrap(`page:${id}`, async () => id, 2_678_400_000);",
        ),
        errors: [
          {
            messageId: "unixTimeExpiry",
            data: {
              text: "2_678_400_000",
              api: "`wrap` (cache-manager)",
              seconds: "2678400",
              duration: "31 d",
              limit: "30 d",
              date: "1970-02-01",
              fix: "Keep it at 30 d or less: Memcached takes no longer duration.",
            },
            line: 5,
            column: 43,
          },
        ],
      },
    ],
  });

  ruleTester.run("require-invalidation-on-write", requireInvalidationOnWrite, {
    valid: [
      {
        name: "the update deletes the entry through the Keyv",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...KEYV_MEMCACHE,
          ...keyvGetUser(", 600_000"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "  await users.delete(`user:${id}`);",
          "}",
        ),
      },
    ],
    invalid: [
      {
        name: "the update leaves the entry in Memcached, under Keyv's and the store's namespace",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          ...KEYV_MEMCACHE,
          ...keyvGetUser(", 600_000"),
          "export async function renameUser(id: string, name: string) {",
          "  await prisma.user.update({ where: { id }, data: { name } });",
          "}",
        ),
        errors: [{ messageId: "missingInvalidation", line: 14, column: 9 }],
      },
    ],
  });
});
