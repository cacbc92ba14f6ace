// require-client-timeouts through ESLint (issue 16): typed RuleTester cases on the real client libraries. A client
// is reported at its construction when a cache family reaches it and its options let a call wait in an outage; the
// message's figures come from the adapters' documented defaults (checked against the installed libraries in
// test/analyzer/client-defaults.test.ts). Every reported shape has a twin that must stay silent.
import { describe } from "node:test";
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();
const rule = rules["require-client-timeouts"]!;

const PRISMA = ['import { PrismaClient } from "@prisma/client";', "const prisma = new PrismaClient();"];

/** A cache-aside of `user:{id}` through `redis` (ioredis-style SET with EX). */
const REDIS_CACHE_ASIDE = [
  "export async function getUser(id: string) {",
  "  const cached = await redis.get(`user:${id}`);",
  "  if (cached) return JSON.parse(cached) as unknown;",
  "  const user = await prisma.user.findUnique({ where: { id } });",
  "  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', 600);",
  "  return user;",
  "}",
];

/** The same through node-redis (`{ EX }`). */
const NODE_REDIS_CACHE_ASIDE = [
  "export async function getUser(id: string) {",
  "  const cached = await redis.get(`user:${id}`);",
  "  if (cached) return JSON.parse(cached) as unknown;",
  "  const user = await prisma.user.findUnique({ where: { id } });",
  "  await redis.set(`user:${id}`, JSON.stringify(user), { EX: 600 });",
  "  return user;",
  "}",
];

/** An ioredis client built with `args`, then the cache-aside. */
function ioredis(args: string): string {
  return lines(
    ...PRISMA,
    'import { Redis } from "ioredis";',
    `const redis = new Redis(${args});`,
    ...REDIS_CACHE_ASIDE,
  );
}

const IOREDIS_FIX =
  "Give the client a `commandTimeout` (ms) so a cache call fails fast and falls back, and bound `maxRetriesPerRequest` (or turn off `enableOfflineQueue`).";
const IOREDIS_DEFAULTS =
  "no `commandTimeout`, `maxRetriesPerRequest: 20` and `enableOfflineQueue: true` (ioredis's defaults)";
const NODE_REDIS_FIX =
  "Set `disableOfflineQueue: true` so commands fail at once while the client reconnects (and, from node-redis 5, `commandOptions: { timeout: ms }`).";

describe("require-client-timeouts: ioredis and iovalkey", () => {
  ruleTester.run("require-client-timeouts", rule, {
    valid: [
      {
        name: "held-out: a client with `commandTimeout` and a bounded `maxRetriesPerRequest` used by a cache-aside",
        filename: FILENAME,
        code: ioredis("process.env.REDIS_URL!, { commandTimeout: 500, maxRetriesPerRequest: 1 }"),
      },
      {
        name: "`commandTimeout` alone bounds every command, queued or sent",
        filename: FILENAME,
        code: ioredis("{ commandTimeout: 300 }"),
      },
      {
        name: "the offline queue turned off: commands fail at once while disconnected",
        filename: FILENAME,
        code: ioredis("6379, 'localhost', { enableOfflineQueue: false }"),
      },
      {
        name: "a `maxRetriesPerRequest` of the team's is their bound",
        filename: FILENAME,
        code: ioredis("{ maxRetriesPerRequest: 3 }"),
      },
      {
        name: "a `retryStrategy` of the project's may stop reconnecting (which fails the queue): not known",
        filename: FILENAME,
        code: ioredis("{ retryStrategy: (times: number) => (times > 3 ? null : 100) }"),
      },
      {
        name: "options spread from an object of unknown shape",
        filename: FILENAME,
        code: lines(
          "declare const config: { redis: Record<string, unknown> };",
          ioredis("{ ...config.redis, keyPrefix: 'app:' }"),
        ),
      },
      {
        name: "options built at run time",
        filename: FILENAME,
        code: lines("declare function redisOptions(): object;", ioredis("redisOptions()")),
      },
      {
        name: "options in a constant are followed: it sets `commandTimeout`",
        filename: FILENAME,
        code: lines("const REDIS_OPTIONS = { commandTimeout: 250 };", ioredis("REDIS_OPTIONS")),
      },
      {
        name: "a client with defaults used only as a queue (LPUSH/BRPOP) is not a cache's",
        filename: FILENAME,
        code: lines(
          'import { Redis } from "ioredis";',
          "const redis = new Redis();",
          "export async function enqueue(job: string) {",
          "  await redis.lpush('jobs', job);",
          "}",
          "export async function next() {",
          "  return redis.brpop('jobs', 0);",
          "}",
        ),
      },
      {
        name: "a client with defaults used only for a lock (SET NX with expiry) is not a cache's",
        filename: FILENAME,
        code: lines(
          'import { Redis } from "ioredis";',
          "const redis = new Redis();",
          "export async function lock(id: string) {",
          "  return redis.set(`lock:${id}`, '1', 'EX', 30, 'NX');",
          "}",
        ),
      },
      {
        name: "a Cluster's outage behaviour is not modelled",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import { Cluster } from "ioredis";',
          "const redis = new Cluster([{ host: 'localhost', port: 6379 }]);",
          ...REDIS_CACHE_ASIDE,
        ),
      },
      {
        name: "`clientFactories`: a client built by the project's factory, which bounds calls itself",
        filename: FILENAME,
        options: [{ clientFactories: ["createResilientRedis"] }],
        code: lines(
          ...PRISMA,
          'import { Redis } from "ioredis";',
          "function createResilientRedis() {",
          "  return new Redis();",
          "}",
          "const redis = createResilientRedis();",
          ...REDIS_CACHE_ASIDE,
        ),
      },
      {
        name: "`ignoreClients`: a client named as allowed to wait",
        filename: FILENAME,
        options: [{ ignoreClients: ["redis"] }],
        code: ioredis(""),
      },
      {
        name: "`checkRedis: false`",
        filename: FILENAME,
        options: [{ checkRedis: false }],
        code: ioredis(""),
      },
      {
        name: "a declared role other than cache turns it off",
        filename: FILENAME,
        options: [{ families: [{ match: "user:{id}", role: "store" }] }],
        code: ioredis(""),
      },
    ],
    invalid: [
      {
        name: "held-out: an ioredis client with defaults used by a cache-aside",
        filename: FILENAME,
        code: ioredis(""),
        errors: [
          {
            messageId: "waitsForAttempts",
            line: 4,
            column: 19,
            endColumn: 24,
            data: {
              client: "`redis`",
              library: "ioredis",
              cache: "the cache `user:{id}`",
              settings: IOREDIS_DEFAULTS,
              // 50 + 100 + … + 1000 ms; 21 × 2 s; + 20 × 10 s.
              wait: "through 20 reconnection attempts before it fails: 10.5 s at the start of an outage, 42 s later in a long outage, up to 3.5 min when the host does not answer (10 s `connectTimeout` per attempt)",
              fix: IOREDIS_FIX,
            },
          },
        ],
      },
      {
        name: "a URL and options that bound nothing (`keyPrefix`); a shorter `connectTimeout` counts",
        filename: FILENAME,
        code: ioredis("process.env.REDIS_URL ?? 'redis://localhost:6379', { keyPrefix: 'app:', connectTimeout: 1000 }"),
        errors: [
          {
            messageId: "waitsForAttempts",
            data: {
              client: "`redis`",
              library: "ioredis",
              cache: "the cache `app:user:{id}`",
              settings: IOREDIS_DEFAULTS,
              wait: "through 20 reconnection attempts before it fails: 10.5 s at the start of an outage, 42 s later in a long outage, up to 30.5 s when the host does not answer (1 s `connectTimeout` per attempt)",
              fix: IOREDIS_FIX,
            },
          },
        ],
      },
      {
        name: "`maxRetriesPerRequest: null` keeps a command until the client reconnects",
        filename: FILENAME,
        code: ioredis("{ maxRetriesPerRequest: null }"),
        errors: [
          {
            messageId: "waitsUntilReconnected",
            data: {
              client: "`redis`",
              library: "ioredis",
              cache: "the cache `user:{id}`",
              settings:
                "no `commandTimeout` (default), `maxRetriesPerRequest: null` and `enableOfflineQueue: true` (default)",
              fix: IOREDIS_FIX,
            },
          },
        ],
      },
      {
        name: "a client built in a factory and reached through it, reported where it is built",
        filename: FILENAME,
        code: lines(
          ...PRISMA,
          'import { Redis } from "ioredis";',
          "let client: Redis | undefined;",
          "function getRedis() {",
          "  client ??= new Redis(process.env.REDIS_URL!);",
          "  return client;",
          "}",
          "export async function getUser(id: string) {",
          "  const cached = await getRedis().get(`user:${id}`);",
          "  if (cached) return JSON.parse(cached) as unknown;",
          "  const user = await prisma.user.findUnique({ where: { id } });",
          "  await getRedis().set(`user:${id}`, JSON.stringify(user), 'EX', 600);",
          "  return user;",
          "}",
        ),
        errors: [{ messageId: "waitsForAttempts", line: 6, column: 18 }],
      },
      {
        name: "iovalkey, the fork, has ioredis's defaults",
        filename: FILENAME,
        code: lines(...PRISMA, 'import Valkey from "iovalkey";', "const redis = new Valkey();", ...REDIS_CACHE_ASIDE),
        errors: [
          {
            messageId: "waitsForAttempts",
            data: {
              client: "`redis`",
              library: "iovalkey",
              cache: "the cache `user:{id}`",
              settings:
                "no `commandTimeout`, `maxRetriesPerRequest: 20` and `enableOfflineQueue: true` (iovalkey's defaults)",
              wait: "through 20 reconnection attempts before it fails: 10.5 s at the start of an outage, 42 s later in a long outage, up to 3.5 min when the host does not answer (10 s `connectTimeout` per attempt)",
              fix: IOREDIS_FIX,
            },
          },
        ],
      },
    ],
  });
});

describe("require-client-timeouts: node-redis", () => {
  const nodeRedis = (options: string) =>
    lines(
      ...PRISMA,
      'import { createClient } from "redis";',
      `const redis = createClient(${options});`,
      ...NODE_REDIS_CACHE_ASIDE,
    );
  ruleTester.run("require-client-timeouts", rule, {
    valid: [
      {
        name: "`disableOfflineQueue: true`: commands fail at once while reconnecting",
        filename: FILENAME,
        code: nodeRedis("{ url: process.env.REDIS_URL, disableOfflineQueue: true }"),
      },
      {
        name: "a default command timeout (node-redis 5+)",
        filename: FILENAME,
        code: nodeRedis("{ commandOptions: { timeout: 200 } }"),
      },
      {
        name: "`reconnectStrategy: false` closes the client on the first error",
        filename: FILENAME,
        code: nodeRedis("{ socket: { reconnectStrategy: false } }"),
      },
      {
        name: "socket options of unknown shape",
        filename: FILENAME,
        code: lines("declare const socket: object;", nodeRedis("{ socket }")),
      },
    ],
    invalid: [
      {
        name: "a client with only a URL keeps commands until it reconnects",
        filename: FILENAME,
        code: nodeRedis("{ url: process.env.REDIS_URL }"),
        errors: [
          {
            messageId: "waitsUntilReconnected",
            line: 4,
            column: 15,
            data: {
              client: "`redis`",
              library: "node-redis",
              cache: "the cache `user:{id}`",
              settings: "`disableOfflineQueue: false` and no `commandOptions.timeout` (node-redis's defaults)",
              fix: NODE_REDIS_FIX,
            },
          },
        ],
      },
      {
        name: "a connect timeout bounds the connection, not a queued command",
        filename: FILENAME,
        code: nodeRedis("{ socket: { connectTimeout: 1000 }, commandsQueueMaxLength: 1000 }"),
        errors: [{ messageId: "waitsUntilReconnected" }],
      },
    ],
  });
});

describe("require-client-timeouts: Memcached", () => {
  const memcachedGetUser = [
    "export function getUser(id: string, done: (user: unknown) => void) {",
    "  memcached.get(`user:${id}`, async (err: unknown, hit: string | undefined) => {",
    "    if (hit) return done(JSON.parse(hit));",
    "    const user = await prisma.user.findUnique({ where: { id } });",
    "    memcached.set(`user:${id}`, JSON.stringify(user), 600, () => done(user));",
    "  });",
    "}",
  ];
  const memcached = (options: string) =>
    lines(
      ...PRISMA,
      'import Memcached from "memcached";',
      `const memcached = new Memcached("localhost:11211"${options});`,
      ...memcachedGetUser,
    );
  const memjs = (options: string) =>
    lines(
      ...PRISMA,
      'import memjs from "memjs";',
      `const memcache = memjs.Client.create("localhost:11211"${options});`,
      "export async function getUser(id: string) {",
      "  const hit = await memcache.get(`user:${id}`);",
      "  if (hit.value) return JSON.parse(hit.value.toString()) as unknown;",
      "  const user = await prisma.user.findUnique({ where: { id } });",
      "  await memcache.set(`user:${id}`, JSON.stringify(user), { expires: 600 });",
      "  return user;",
      "}",
    );
  ruleTester.run("require-client-timeouts", rule, {
    valid: [
      {
        name: "memcached with its pool retries bounded",
        filename: FILENAME,
        code: memcached(", { retries: 0, timeout: 500 }"),
      },
      {
        name: "memjs's defaults are bounded (2 tries of 1 s): within the default 5 s",
        filename: FILENAME,
        code: memjs(""),
      },
      {
        name: "memjs with its own timeouts, under a stricter `maxWaitMs`",
        filename: FILENAME,
        options: [{ maxWaitMs: 1000 }],
        code: memjs(", { timeout: 0.2, retries: 1 }"),
      },
      {
        name: "`checkMemcached: false`",
        filename: FILENAME,
        options: [{ checkMemcached: false }],
        code: memcached(""),
      },
    ],
    invalid: [
      {
        name: "memcached with its defaults: the pool retries for 100 s",
        filename: FILENAME,
        code: memcached(""),
        errors: [
          {
            messageId: "waitsForAttempts",
            line: 4,
            column: 23,
            data: {
              client: "`memcached`",
              library: "memcached",
              cache: "the cache `user:{id}`",
              settings: "`retries: 5` and `timeout: 5000` (memcached's defaults)",
              // 1 + 3 + 9 + 27 + 60 s = 100 s; + 6 × 5 s.
              wait: "while its connection pool tries 6 times before it fails: 1.7 min, up to 2.2 min when the host does not answer (5 s `timeout` per attempt)",
              fix: "Set `retries` (and `minTimeout`/`maxTimeout`) so a request gives up within what a cache read may cost, and a short `timeout` (ms).",
            },
          },
        ],
      },
      {
        name: "a short `timeout` does not bound the pool's retries",
        filename: FILENAME,
        code: memcached(", { timeout: 1000 }"),
        errors: [
          {
            messageId: "waitsForAttempts",
            data: {
              client: "`memcached`",
              library: "memcached",
              cache: "the cache `user:{id}`",
              settings: "`retries: 5` (default) and `timeout: 1000`",
              wait: "while its connection pool tries 6 times before it fails: 1.7 min, up to 1.8 min when the host does not answer (1 s `timeout` per attempt)",
              fix: "Set `retries` (and `minTimeout`/`maxTimeout`) so a request gives up within what a cache read may cost, and a short `timeout` (ms).",
            },
          },
        ],
      },
      {
        name: "memjs's defaults under a stricter `maxWaitMs`",
        filename: FILENAME,
        options: [{ maxWaitMs: 1000 }],
        code: memjs(""),
        errors: [
          {
            messageId: "waitsForAttempts",
            data: {
              client: "`memcache`",
              library: "memjs",
              cache: "the cache `user:{id}`",
              settings: "`timeout: 0.5` and `retries: 2` (memjs's defaults)",
              // 2 tries × 1 s `conntimeout` (twice `timeout`) + 0.2 s between.
              wait: "through 2 tries before it fails: up to 2.2 s when the host does not answer (1 s `conntimeout` per attempt)",
              fix: "Set `timeout` and `conntimeout` (seconds) and `retries` to what a cache read may cost.",
            },
          },
        ],
      },
    ],
  });
});
