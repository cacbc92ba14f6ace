// What a cache call does at run time, by library: the plain-data side of the adapters' method tables,
// shared with `cachewise/runtime` (which instruments live clients and must not load the extractor).
// The sets are the adapters' own: the Redis command sets, and the in-process table that lru-cache, keyv and
// cache-manager share (imported directly, not through the adapters, to keep their construction readers out of the
// run-time bundle; test/runtime/method-tables.test.ts fails if one of those adapters gets its own table).
import type { CacheMethods } from "./adapter";
import { COMMON_CACHE_METHODS } from "./in-process-methods";
import {
  REDIS_DELETE_COMMANDS,
  REDIS_EXPIRE_COMMANDS,
  REDIS_KEY_CREATING_COMMANDS,
  REDIS_MULTI_KEY_COMMANDS,
  REDIS_READ_COMMANDS,
  REDIS_WRITE_WITH_TTL_COMMANDS,
} from "./redis-protocol";

/** The libraries `cachewise/runtime` instruments. */
export type RuntimeLibrary = "ioredis" | "iovalkey" | "node-redis" | "lru-cache" | "keyv" | "cache-manager";

export type RuntimeOperation = "get" | "set" | "delete";

export interface RuntimeMethodTable {
  /** Method name (as the library spells it, lower-cased for Redis clients) → what it does to its key. */
  operations: ReadonlyMap<string, RuntimeOperation>;
  /** Methods whose every argument is a key (`MGET a b`, `DEL a b`, `getMany([a, b])`). */
  multiKey: ReadonlySet<string>;
  /** Methods names are matched case-insensitively (node-redis has `GET`, `get`, `hGetAll`). */
  caseInsensitive: boolean;
  /** The library answers synchronously (lru-cache): results are values, never promises to wait for. */
  synchronous: boolean;
}

/**
 * Methods left out of the tables: read-through calls that load on a miss (`fetch`, `wrap`, `getOrSet`) return
 * the value either way, so their result says nothing about hit or miss (`cachewise/runtime` counts lru-cache's and
 * cache-manager's by whether the loader ran, with wrappers of its own); `take` reads and deletes; the clear
 * methods name no key (no family).
 */
const NOT_INSTRUMENTED: ReadonlySet<string> = new Set([
  "fetch",
  "wrap",
  "getOrSet",
  "getOrSetForever",
  "load",
  "loadMany",
  "prime",
  "take",
]);

const IN_PROCESS_MULTI_KEY: ReadonlySet<string> = new Set(["mget", "getMany", "hasMany", "mdel", "deleteMany"]);

function buildRedisTable(): RuntimeMethodTable {
  const operations = new Map<string, RuntimeOperation>();
  for (const command of REDIS_READ_COMMANDS) operations.set(command, "get");
  for (const command of [
    ...REDIS_KEY_CREATING_COMMANDS,
    ...REDIS_WRITE_WITH_TTL_COMMANDS.keys(),
    ...REDIS_EXPIRE_COMMANDS,
  ])
    operations.set(command, "set");
  for (const command of REDIS_DELETE_COMMANDS) operations.set(command, "delete");
  // GETEX reads the value (and sets an expiry): a read, for hit and miss.
  operations.set("getex", "get");
  return { operations, multiKey: REDIS_MULTI_KEY_COMMANDS, caseInsensitive: true, synchronous: false };
}

function buildInProcessTable(methods: CacheMethods, synchronous: boolean): RuntimeMethodTable {
  const operations = new Map<string, RuntimeOperation>();
  const add = (names: ReadonlySet<string>, operation: RuntimeOperation) => {
    for (const name of names)
      if (!NOT_INSTRUMENTED.has(name) && !methods.clear.has(name) && !operations.has(name))
        operations.set(name, operation);
  };
  add(methods.read, "get");
  add(methods.write, "set");
  add(methods.delete, "delete");
  return { operations, multiKey: IN_PROCESS_MULTI_KEY, caseInsensitive: false, synchronous };
}

const redisTable = buildRedisTable();

/** The method table of each library `cachewise/runtime` instruments. */
export const RUNTIME_METHOD_TABLES: Readonly<Record<RuntimeLibrary, RuntimeMethodTable>> = {
  ioredis: redisTable,
  iovalkey: redisTable,
  "node-redis": redisTable,
  "lru-cache": buildInProcessTable(COMMON_CACHE_METHODS, true),
  keyv: buildInProcessTable(COMMON_CACHE_METHODS, false),
  "cache-manager": buildInProcessTable(COMMON_CACHE_METHODS, false),
};
