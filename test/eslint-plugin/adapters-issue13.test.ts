// The libraries issue 13 added (Valkey GLIDE, keyv 6 with @keyv/redis, cachified, @unkey/cache, lru-memoizer,
// unstorage and Nitro, catbox), linted with their packages absent: identity comes from the import specifier and
// the call shape. Every reported case has a twin that must stay silent.
import { describe } from "node:test";
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();
const requireCacheTtl = rules["require-cache-ttl"]!;

const GLIDE = lines(
  'import { GlideClient, GlideClusterClient, TimeUnit } from "@valkey/valkey-glide";',
  'const glide = await GlideClient.createClient({ addresses: [{ host: "localhost", port: 6379 }] });',
);
const GLIDE_FIX =
  'Pass `{ expiry: { type: TimeUnit.Seconds, count: seconds } }` (or `expiry: "keepExisting"` to keep an existing expiry).';

describe("@valkey/valkey-glide", () => {
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "SET with an expiry in each unit, or keeping the existing one",
        filename: FILENAME,
        code:
          GLIDE +
          lines(
            "export async function save(id: string, json: string) {",
            "  await glide.set(`a:${id}`, json, { expiry: { type: TimeUnit.Seconds, count: 60 } });",
            "  await glide.set(`b:${id}`, json, { expiry: { type: TimeUnit.Milliseconds, count: 60_000 } });",
            '  await glide.set(`c:${id}`, json, { expiry: { type: "EX", count: 60 } });',
            '  await glide.set(`d:${id}`, json, { expiry: "keepExisting" });',
            "}",
          ),
      },
      {
        name: "SET then EXPIRE of the same key in the same function",
        filename: FILENAME,
        code:
          GLIDE +
          lines(
            "export async function save(id: string, json: string) {",
            "  await glide.set(`user:${id}`, json);",
            "  await glide.expire(`user:${id}`, 60);",
            "}",
          ),
      },
      {
        name: "SET then GETEX with an expiry (GETEX takes { type, duration })",
        filename: FILENAME,
        code:
          GLIDE +
          lines(
            "export async function save(id: string, json: string) {",
            "  await glide.set(`user:${id}`, json);",
            "  await glide.getex(`user:${id}`, { type: TimeUnit.Seconds, duration: 60 });",
            "}",
          ),
      },
      {
        name: "SET whose options cannot be read",
        filename: FILENAME,
        code:
          GLIDE +
          lines(
            "declare const options: Parameters<typeof glide.set>[2];",
            "export async function save(id: string, json: string) {",
            "  await glide.set(`a:${id}`, json, options);",
            "}",
          ),
      },
      {
        name: "a local class with a static createClient is not Valkey",
        filename: FILENAME,
        code: lines(
          "class GlideClient {",
          "  static async createClient() { return new GlideClient(); }",
          "  async set(key: string, value: string) { return [key, value]; }",
          "}",
          "const glide = await GlideClient.createClient();",
          "export async function save(id: string, json: string) {",
          "  await glide.set(`a:${id}`, json);",
          "}",
        ),
      },
    ],
    invalid: [
      {
        name: "SET without expiry on a standalone client, with the GLIDE suggestion",
        filename: FILENAME,
        code:
          GLIDE +
          lines(
            "export async function save(id: string, json: string) {",
            "  await glide.set(`user:${id}`, json);",
            "}",
          ),
        errors: [
          {
            messageId: "redisWithoutTtl",
            data: { command: "SET", key: "user:{id}", why: "", fix: GLIDE_FIX },
            line: 4,
            column: 15,
            suggestions: [
              {
                messageId: "suggestRedisTtl",
                data: { placeholder: "TTL_SECONDS" },
                output:
                  GLIDE +
                  lines(
                    "export async function save(id: string, json: string) {",
                    '  await glide.set(`user:${id}`, json, { expiry: { type: "EX", count: TTL_SECONDS } });',
                    "}",
                  ),
              },
            ],
          },
        ],
      },
      {
        name: "SET with options but no expiry on a cluster client, through a typed parameter",
        filename: FILENAME,
        code: lines(
          'import { GlideClusterClient } from "@valkey/valkey-glide";',
          "export async function save(cluster: GlideClusterClient, id: string, json: string) {",
          '  await cluster.set(`user:${id}`, json, { conditionalSet: "onlyIfExists" });',
          "}",
        ),
        errors: [
          {
            messageId: "redisWithoutTtl",
            line: 3,
            column: 17,
            suggestions: [
              {
                messageId: "suggestRedisTtl",
                data: { placeholder: "TTL_SECONDS" },
                output: lines(
                  'import { GlideClusterClient } from "@valkey/valkey-glide";',
                  "export async function save(cluster: GlideClusterClient, id: string, json: string) {",
                  '  await cluster.set(`user:${id}`, json, { expiry: { type: "EX", count: TTL_SECONDS }, conditionalSet: "onlyIfExists" });',
                  "}",
                ),
              },
            ],
          },
        ],
      },
      {
        name: "SET then EXPIRE of another key",
        filename: FILENAME,
        code:
          GLIDE +
          lines(
            "export async function save(id: string, json: string) {",
            "  await glide.set(`user:${id}`, json);",
            "  await glide.expire(`profile:${id}`, 60);",
            "}",
          ),
        errors: [
          {
            messageId: "redisWithoutTtl",
            line: 4,
            column: 15,
            suggestions: [
              {
                messageId: "suggestRedisTtl",
                data: { placeholder: "TTL_SECONDS" },
                output:
                  GLIDE +
                  lines(
                    "export async function save(id: string, json: string) {",
                    '  await glide.set(`user:${id}`, json, { expiry: { type: "EX", count: TTL_SECONDS } });',
                    "  await glide.expire(`profile:${id}`, 60);",
                    "}",
                  ),
              },
            ],
          },
        ],
      },
    ],
  });
});

const requireCacheBound = rules["require-cache-bound"]!;
const KEYV_REDIS = lines(
  'import { createKeyv } from "@keyv/redis";',
  'const sessions = createKeyv("redis://localhost:6379", { namespace: "sessions" });',
);

describe("keyv with @keyv/redis", () => {
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "a write with a TTL in milliseconds",
        filename: FILENAME,
        code:
          KEYV_REDIS +
          lines(
            "export async function remember(id: string, json: string) {",
            "  await sessions.set(id, json, 60_000);",
            "}",
          ),
      },
      {
        name: "setMany carries a TTL per entry",
        filename: FILENAME,
        code:
          KEYV_REDIS +
          lines(
            "export async function rememberAll(id: string, json: string) {",
            "  await sessions.setMany([{ key: id, value: json, ttl: 60_000 }]);",
            "}",
          ),
      },
      {
        name: "a TTL whose value cannot be read",
        filename: FILENAME,
        code:
          KEYV_REDIS +
          lines(
            "declare const ttl: number;",
            "export async function remember(id: string, json: string) {",
            "  await sessions.set(id, json, ttl);",
            "}",
          ),
      },
    ],
    invalid: [
      {
        name: "a write without a TTL stays in Redis until deleted",
        filename: FILENAME,
        code:
          KEYV_REDIS +
          lines("export async function remember(id: string, json: string) {", "  await sessions.set(id, json);", "}"),
        errors: [{ messageId: "inProcessForever", line: 4, column: 18 }],
      },
      {
        name: "a TTL of 0 is no expiry",
        filename: FILENAME,
        code:
          KEYV_REDIS +
          lines(
            "export async function remember(id: string, json: string) {",
            "  await sessions.set(id, json, 0);",
            "}",
          ),
        errors: [{ messageId: "inProcessForever", line: 4, column: 18 }],
      },
    ],
  });
  ruleTester.run("require-cache-bound", requireCacheBound, {
    valid: [
      {
        name: "a Redis-backed Keyv is bounded by the server, not by the client",
        filename: FILENAME,
        code: KEYV_REDIS,
      },
    ],
    invalid: [
      {
        name: "its twin in memory: a Keyv over the default Map with no TTL grows without limit",
        filename: FILENAME,
        code: lines('import Keyv from "keyv";', 'export const sessions = new Keyv({ namespace: "sessions" });'),
        errors: [{ messageId: "unboundedCache", line: 2, column: 29 }],
      },
    ],
  });
});

const CACHIFIED = lines(
  'import { cachified } from "@epic-web/cachified";',
  'import { LRUCache } from "lru-cache";',
  "declare function loadUser(id: string): Promise<{ id: string }>;",
  "const lru = new LRUCache<string, any>({ max: 1000 });",
);

describe("@epic-web/cachified", () => {
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "a read-through with a ttl in milliseconds",
        filename: FILENAME,
        code:
          CACHIFIED +
          lines(
            "export function getUser(id: string) {",
            "  return cachified({ key: `user:${id}`, cache: lru, getFreshValue: () => loadUser(id), ttl: 60_000 });",
            "}",
          ),
      },
      {
        name: "a cache built in the call dies with it",
        filename: FILENAME,
        code:
          CACHIFIED +
          lines(
            "export function getUser(id: string) {",
            "  return cachified({ key: `user:${id}`, cache: new Map(), getFreshValue: () => loadUser(id) });",
            "}",
          ),
      },
      {
        name: "options that cannot be read",
        filename: FILENAME,
        code:
          CACHIFIED +
          lines(
            "declare const defaults: { ttl: number };",
            "export function getUser(id: string) {",
            "  return cachified({ ...defaults, key: `user:${id}`, cache: lru, getFreshValue: () => loadUser(id) });",
            "}",
          ),
      },
    ],
    invalid: [
      {
        name: "no ttl: the first value is served forever",
        filename: FILENAME,
        code:
          CACHIFIED +
          lines(
            "export function getUser(id: string) {",
            "  return cachified({",
            "    key: `user:${id}`,",
            "    cache: lru,",
            "    async getFreshValue() {",
            "      return loadUser(id);",
            "    },",
            "  });",
            "}",
          ),
        errors: [{ messageId: "memoizerWithoutMaxAge", line: 6, column: 10 }],
      },
    ],
  });
  ruleTester.run("no-cached-rejection", rules["no-cached-rejection"]!, {
    valid: [
      {
        name: "cachified does not store a rejected getFreshValue",
        filename: FILENAME,
        code:
          CACHIFIED +
          lines(
            "export function getUser(id: string) {",
            "  return cachified({ key: `user:${id}`, cache: lru, getFreshValue: () => loadUser(id), ttl: 1000 });",
            "}",
          ),
      },
    ],
    invalid: [],
  });
});

const LRU_MEMOIZER = lines(
  'import memoizer from "lru-memoizer";',
  "declare function fetchProfile(id: string, callback: (error: Error | null, profile?: string) => void): void;",
  "declare function loadProfile(id: string): Promise<string>;",
);

describe("lru-memoizer", () => {
  ruleTester.run("require-cache-bound", requireCacheBound, {
    valid: [
      {
        name: "bounded by max",
        filename: FILENAME,
        code:
          LRU_MEMOIZER +
          "export const getProfile = memoizer({ load: fetchProfile, hash: (id: string) => id, max: 100 });\n",
      },
      {
        name: "entries expire (ttl)",
        filename: FILENAME,
        code:
          LRU_MEMOIZER +
          "export const getProfile = memoizer({ load: fetchProfile, hash: (id: string) => id, ttl: 60_000 });\n",
      },
    ],
    invalid: [
      {
        name: "neither max nor ttl: one result per id, kept forever",
        filename: FILENAME,
        code: LRU_MEMOIZER + "export const getProfile = memoizer({ load: fetchProfile, hash: (id: string) => id });\n",
        errors: [{ messageId: "unboundedMemoizer", line: 4, column: 27 }],
      },
    ],
  });
  ruleTester.run("no-cached-rejection", rules["no-cached-rejection"]!, {
    valid: [
      {
        name: "the errback memoizer does not keep an error",
        filename: FILENAME,
        code:
          LRU_MEMOIZER +
          "export const getProfile = memoizer({ load: fetchProfile, hash: (id: string) => id, max: 100 });\n",
      },
    ],
    invalid: [
      {
        name: "memoizer.sync keeps the rejected promise an async load returns",
        filename: FILENAME,
        code:
          LRU_MEMOIZER +
          "export const getProfile = memoizer.sync({ load: loadProfile, hash: (id: string) => id, max: 100 });\n",
        errors: [{ messageId: "rejectionKept", line: 4, column: 27 }],
      },
    ],
  });
});

const noAmbiguousTtlUnit = rules["no-ambiguous-ttl-unit"]!;
const UNSTORAGE_REDIS = lines(
  'import { createStorage } from "unstorage";',
  'import redisDriver from "unstorage/drivers/redis";',
  'const storage = createStorage({ driver: redisDriver({ url: "redis://localhost:6379" }) });',
);

describe("unstorage", () => {
  ruleTester.run("require-cache-bound", requireCacheBound, {
    valid: [
      {
        name: "a storage over a driver: the driver decides the bound",
        filename: FILENAME,
        code: UNSTORAGE_REDIS,
      },
    ],
    invalid: [
      {
        name: "no driver: the memory driver, an unbounded Map that ignores TTLs",
        filename: FILENAME,
        code: lines('import { createStorage } from "unstorage";', "export const storage = createStorage();"),
        errors: [{ messageId: "unboundedCache", line: 2, column: 24 }],
      },
    ],
  });
  ruleTester.run("no-ambiguous-ttl-unit", noAmbiguousTtlUnit, {
    valid: [
      {
        name: "an hour in seconds",
        filename: FILENAME,
        code:
          UNSTORAGE_REDIS +
          lines(
            "export async function save(id: string, json: string) {",
            "  await storage.setItem(`user:${id}`, json, { ttl: 3600 });",
            "}",
          ),
      },
    ],
    invalid: [
      {
        name: "an hour in milliseconds given to a seconds option",
        filename: FILENAME,
        code:
          UNSTORAGE_REDIS +
          lines(
            "export async function save(id: string, json: string) {",
            "  await storage.setItem(`user:${id}`, json, { ttl: 3_600_000 });",
            "}",
          ),
        errors: [{ messageId: "millisecondsToSeconds", line: 5 }],
      },
    ],
  });
});

const NITRO = lines(
  'import { defineCachedFunction, defineCachedEventHandler } from "nitropack/runtime";',
  "declare function loadStars(repo: string): Promise<number>;",
);

describe("Nitro", () => {
  ruleTester.run("no-ambiguous-ttl-unit", noAmbiguousTtlUnit, {
    valid: [
      {
        name: "maxAge in seconds, and the 1-second default",
        filename: FILENAME,
        code:
          NITRO +
          lines(
            "export const getStars = defineCachedFunction(loadStars, { maxAge: 60, getKey: (repo: string) => repo });",
            'export const handler = defineCachedEventHandler(async () => loadStars("nitro"));',
          ),
      },
    ],
    invalid: [
      {
        name: "a minute in milliseconds given to maxAge (seconds)",
        filename: FILENAME,
        code: NITRO + lines("export const getStars = defineCachedFunction(loadStars, { maxAge: 60_000 });"),
        errors: [{ messageId: "millisecondsToSeconds", line: 3 }],
      },
      {
        name: "the same on a cached event handler",
        filename: FILENAME,
        code:
          NITRO +
          lines(
            'export const handler = defineCachedEventHandler(async () => loadStars("nitro"), { maxAge: 3_600_000 });',
          ),
        errors: [{ messageId: "millisecondsToSeconds", line: 3 }],
      },
    ],
  });
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "without maxAge, entries expire after Nitro's 1-second default",
        filename: FILENAME,
        code: NITRO + lines("export const getStars = defineCachedFunction(loadStars);"),
      },
    ],
    invalid: [],
  });
});

const CATBOX = lines(
  'import { Client, Policy } from "@hapi/catbox";',
  'import { Engine } from "@hapi/catbox-memory";',
  "const client = new Client(Engine);",
);

describe("@hapi/catbox", () => {
  ruleTester.run("no-ambiguous-ttl-unit", noAmbiguousTtlUnit, {
    valid: [
      {
        name: "a policy expiring in a minute, a write for an hour, in milliseconds",
        filename: FILENAME,
        code:
          CATBOX +
          lines(
            'export const users = new Policy({ expiresIn: 60_000 }, client, "users");',
            "export async function save(id: string, json: string) {",
            '  await client.set({ segment: "users", id }, json, 3_600_000);',
            "}",
          ),
      },
    ],
    invalid: [
      {
        name: "seconds given to expiresIn (milliseconds)",
        filename: FILENAME,
        code: CATBOX + lines('export const users = new Policy({ expiresIn: 60 }, client, "users");'),
        errors: [{ messageId: "secondsToMilliseconds", line: 4 }],
      },
      {
        name: "seconds given to a client write (milliseconds)",
        filename: FILENAME,
        code:
          CATBOX +
          lines(
            "export async function save(id: string, json: string) {",
            '  await client.set({ segment: "users", id }, json, 3600);',
            "}",
          ),
        errors: [{ messageId: "secondsToMilliseconds", line: 5 }],
      },
    ],
  });
  ruleTester.run("require-cache-ttl", requireCacheTtl, {
    valid: [
      {
        name: "a policy without expiresIn stores nothing: not a write that lives forever",
        filename: FILENAME,
        code:
          CATBOX +
          lines(
            'const users = new Policy({}, client, "users");',
            "export async function save(id: string, json: string) {",
            "  await users.set(id, json);",
            "}",
          ),
      },
    ],
    invalid: [],
  });
});

const UNKEY = lines(
  'import { DefaultStatefulContext, Namespace, createCache } from "@unkey/cache";',
  'import { MemoryStore } from "@unkey/cache/stores";',
  "const ctx = new DefaultStatefulContext();",
);

describe("@unkey/cache", () => {
  ruleTester.run("require-cache-bound", requireCacheBound, {
    valid: [
      {
        name: "a memory store that sweeps expired entries and caps its size",
        filename: FILENAME,
        code:
          UNKEY +
          lines(
            "export const memory = new MemoryStore({",
            "  persistentMap: new Map(),",
            "  unstableEvictOnSet: { frequency: 0.1, maxItems: 10_000 },",
            "});",
          ),
      },
    ],
    invalid: [
      {
        name: "a memory store drops an expired entry only when it is read again",
        filename: FILENAME,
        code: UNKEY + lines("export const memory = new MemoryStore({ persistentMap: new Map() });"),
        errors: [{ messageId: "unboundedCache", line: 4, column: 27 }],
      },
    ],
  });
  ruleTester.run("no-ambiguous-ttl-unit", noAmbiguousTtlUnit, {
    valid: [
      {
        name: "fresh and stale in milliseconds",
        filename: FILENAME,
        code:
          UNKEY +
          lines(
            "const memory = new MemoryStore({ persistentMap: new Map(), unstableEvictOnSet: { frequency: 1, maxItems: 100 } });",
            "const user = new Namespace(ctx, { stores: [memory], fresh: 60_000, stale: 300_000 });",
            "export const cache = createCache({ user });",
          ),
      },
    ],
    invalid: [
      {
        name: "stale in seconds",
        filename: FILENAME,
        code:
          UNKEY +
          lines(
            "const memory = new MemoryStore({ persistentMap: new Map(), unstableEvictOnSet: { frequency: 1, maxItems: 100 } });",
            "const user = new Namespace(ctx, { stores: [memory], fresh: 60_000, stale: 300 });",
            "export const cache = createCache({ user });",
          ),
        errors: [{ messageId: "secondsToMilliseconds", line: 5 }],
      },
    ],
  });
});
