// Which import origins are cache libraries, and what each export does.
// Identity comes from the module an identifier is imported from (or the package a
// type is declared in), never from the identifier's own name.
import type { CacheKind, LibraryId } from "../model/cache-model";

/** What an exported value of a library is, for extraction. */
export interface ExportRole {
  role:
    | "client-class"
    | "client-factory"
    | "cache-class"
    | "cache-factory"
    | "memoizer"
    | "memoize-decorator"
    | "next-unstable-cache"
    | "next-cache-life"
    | "next-cache-tag"
    | "next-revalidate"
    | "react-cache"
    | "nest-cache-module"
    | "cache-clear-decorator"
    | "cache-update-decorator"
    | "nest-cache-key"
    | "nest-cache-ttl"
    | "namespace";
  /** A library-specific flavour, e.g. moize's `infinite` or curried `maxAge`. */
  variant?: string;
  /** The library the value really belongs to, when a package re-exports another's type (NestJS's `Cache` is cache-manager's). */
  library?: LibraryId;
  kind?: CacheKind;
}

export interface LibraryEntry {
  library: LibraryId;
  kind: CacheKind;
  /** Export name (after normalisation: `default`, `*` or a named export) → role. */
  exports: Record<string, ExportRole>;
}

/** Packages by name. Subpath imports (`lodash/memoize`) are listed explicitly. */
const PACKAGES: Record<string, LibraryEntry> = {
  ioredis: {
    library: "ioredis",
    kind: "redis",
    exports: {
      default: { role: "client-class" },
      Redis: { role: "client-class" },
      Cluster: { role: "client-class" },
      "*": { role: "client-class" },
    },
  },
  redis: {
    library: "node-redis",
    kind: "redis",
    exports: {
      createClient: { role: "client-factory" },
      createCluster: { role: "client-factory" },
      createSentinel: { role: "client-factory" },
    },
  },
  "@redis/client": {
    library: "node-redis",
    kind: "redis",
    exports: {
      createClient: { role: "client-factory" },
      createCluster: { role: "client-factory" },
      createSentinel: { role: "client-factory" },
    },
  },
  "@upstash/redis": {
    library: "upstash-redis",
    kind: "redis",
    exports: { Redis: { role: "client-class" } },
  },
  "lru-cache": {
    library: "lru-cache",
    kind: "in-process",
    exports: { default: { role: "cache-class" }, LRUCache: { role: "cache-class" }, "*": { role: "cache-class" } },
  },
  "@isaacs/ttlcache": {
    library: "ttlcache",
    kind: "in-process",
    exports: { default: { role: "cache-class" }, TTLCache: { role: "cache-class" } },
  },
  "quick-lru": { library: "quick-lru", kind: "in-process", exports: { default: { role: "cache-class" } } },
  "tiny-lru": {
    library: "tiny-lru",
    kind: "in-process",
    exports: { lru: { role: "cache-factory" }, LRU: { role: "cache-class" } },
  },
  "node-cache": {
    library: "node-cache",
    kind: "in-process",
    exports: { default: { role: "cache-class" }, "*": { role: "cache-class" } },
  },
  keyv: {
    library: "keyv",
    kind: "in-process",
    exports: { default: { role: "cache-class" }, Keyv: { role: "cache-class" } },
  },
  cacheable: {
    library: "cacheable",
    kind: "in-process",
    exports: { Cacheable: { role: "cache-class" }, CacheableMemory: { role: "cache-class" } },
  },
  "@cacheable/memory": {
    library: "cacheable-memory",
    kind: "in-process",
    exports: { CacheableMemory: { role: "cache-class" } },
  },
  "cache-manager": {
    library: "cache-manager",
    kind: "in-process",
    // `Cache` is the type NestJS injects with `@Inject(CACHE_MANAGER)`.
    exports: {
      createCache: { role: "cache-factory" },
      caching: { role: "cache-factory" },
      Cache: { role: "cache-class" },
    },
  },
  bentocache: { library: "bentocache", kind: "in-process", exports: { BentoCache: { role: "cache-class" } } },
  "async-cache-dedupe": {
    library: "async-cache-dedupe",
    kind: "in-process",
    exports: { createCache: { role: "cache-factory" } },
  },
  dataloader: {
    library: "dataloader",
    kind: "in-process",
    exports: { default: { role: "cache-class" }, "*": { role: "cache-class" } },
  },
  lodash: { library: "lodash", kind: "memoizer", exports: { memoize: { role: "memoizer" } } },
  "lodash-es": { library: "lodash", kind: "memoizer", exports: { memoize: { role: "memoizer" } } },
  "lodash/memoize": {
    library: "lodash",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, "*": { role: "memoizer" } },
  },
  "lodash/memoize.js": {
    library: "lodash",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, "*": { role: "memoizer" } },
  },
  "lodash-es/memoize": { library: "lodash", kind: "memoizer", exports: { default: { role: "memoizer" } } },
  "lodash-es/memoize.js": { library: "lodash", kind: "memoizer", exports: { default: { role: "memoizer" } } },
  "lodash.memoize": {
    library: "lodash",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, "*": { role: "memoizer" } },
  },
  underscore: { library: "underscore", kind: "memoizer", exports: { memoize: { role: "memoizer" } } },
  memoizee: {
    library: "memoizee",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, "*": { role: "memoizer" } },
  },
  memoize: {
    library: "memoize",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, memoizeDecorator: { role: "memoize-decorator" } },
  },
  mem: {
    library: "memoize",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, memDecorator: { role: "memoize-decorator" } },
  },
  "p-memoize": {
    library: "p-memoize",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, pMemoizeDecorator: { role: "memoize-decorator" } },
  },
  moize: {
    library: "moize",
    kind: "memoizer",
    exports: {
      default: { role: "memoizer" },
      infinite: { role: "memoizer", variant: "infinite" },
      promise: { role: "memoizer", variant: "promise" },
      deep: { role: "memoizer" },
      shallow: { role: "memoizer" },
      serialize: { role: "memoizer" },
      react: { role: "memoizer" },
      maxAge: { role: "memoizer", variant: "curried-maxAge" },
      maxSize: { role: "memoizer", variant: "curried-maxSize" },
    },
  },
  "micro-memoize": {
    library: "micro-memoize",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, memoize: { role: "memoizer" } },
  },
  "fast-memoize": {
    library: "fast-memoize",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, "*": { role: "memoizer" } },
  },
  "memoize-one": {
    library: "memoize-one",
    kind: "memoizer",
    exports: { default: { role: "memoizer" }, memoizeOne: { role: "memoizer" } },
  },
  reselect: {
    library: "reselect",
    kind: "memoizer",
    exports: { weakMapMemoize: { role: "memoizer" }, lruMemoize: { role: "memoizer" } },
  },
  "typescript-memoize": {
    library: "typescript-memoize",
    kind: "memoizer",
    exports: {
      Memoize: { role: "memoize-decorator" },
      MemoizeExpiring: { role: "memoize-decorator", variant: "expiring" },
    },
  },
  "@type-cacheable/core": {
    library: "type-cacheable",
    kind: "memoizer",
    exports: {
      Cacheable: { role: "memoize-decorator" },
      CacheClear: { role: "cache-clear-decorator" },
      CacheUpdate: { role: "cache-update-decorator" },
    },
  },
  "@nestjs/cache-manager": {
    library: "nestjs-cache",
    kind: "framework",
    exports: {
      CacheModule: { role: "nest-cache-module" },
      Cache: { role: "cache-class", library: "cache-manager", kind: "in-process" },
      CacheKey: { role: "nest-cache-key" },
      CacheTTL: { role: "nest-cache-ttl" },
    },
  },
  "@nestjs/common": {
    library: "nestjs-cache",
    kind: "framework",
    // NestJS 8 and 9 exported the cache decorators from @nestjs/common.
    exports: {
      CacheModule: { role: "nest-cache-module" },
      CacheKey: { role: "nest-cache-key" },
      CacheTTL: { role: "nest-cache-ttl" },
    },
  },
  "next/cache": {
    library: "next",
    kind: "framework",
    exports: {
      unstable_cache: { role: "next-unstable-cache" },
      unstable_cacheLife: { role: "next-cache-life" },
      cacheLife: { role: "next-cache-life" },
      cacheTag: { role: "next-cache-tag" },
      unstable_cacheTag: { role: "next-cache-tag" },
      revalidateTag: { role: "next-revalidate" },
      updateTag: { role: "next-revalidate" },
      expireTag: { role: "next-revalidate" },
      unstable_expireTag: { role: "next-revalidate" },
      revalidatePath: { role: "next-revalidate", variant: "path" },
      expirePath: { role: "next-revalidate", variant: "path" },
      unstable_expirePath: { role: "next-revalidate", variant: "path" },
    },
  },
  react: { library: "react", kind: "framework", exports: { cache: { role: "react-cache" } } },
};

/** Looks up a module specifier (bare package or a listed subpath). */
export function findLibraryByModule(specifier: string): LibraryEntry | undefined {
  const direct = PACKAGES[specifier] ?? (specifier.endsWith(".js") ? PACKAGES[specifier.slice(0, -3)] : undefined);
  if (direct) return direct;
  // `@upstash/redis/nodejs`, `ioredis/built/...`: fall back to the package name.
  const packageName = getPackageName(specifier);
  if (packageName === "@upstash/redis") return PACKAGES["@upstash/redis"];
  return packageName === specifier ? undefined : PACKAGES[packageName];
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function getPackageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Finds the package a declaration file belongs to, from its path under node_modules. */
export function findPackageOfDeclarationFile(fileName: string): string | undefined {
  const marker = "/node_modules/";
  const index = fileName.replace(/\\/g, "/").lastIndexOf(marker);
  if (index < 0) return undefined;
  const rest = fileName.replace(/\\/g, "/").slice(index + marker.length);
  const packageName = getPackageName(rest);
  // `@types/lodash` describes `lodash`; `@types/lodash.memoize` describes `lodash.memoize`.
  if (packageName.startsWith("@types/")) {
    const inner = packageName.slice("@types/".length);
    return inner.includes("__") ? `@${inner.replace("__", "/")}` : inner;
  }
  return packageName;
}

/** Library by package of a declaration file: used when the receiver's type is all we have. */
export function findLibraryByPackage(packageName: string): LibraryEntry | undefined {
  return PACKAGES[packageName];
}

/** Redis commands that create a key (and so can leave it without an expiry). */
export const REDIS_KEY_CREATING_COMMANDS = new Set([
  "set",
  "setnx",
  "getset",
  "mset",
  "msetnx",
  "append",
  "setrange",
  "incr",
  "incrby",
  "incrbyfloat",
  "decr",
  "decrby",
  "hset",
  "hmset",
  "hsetnx",
  "hincrby",
  "hincrbyfloat",
  "sadd",
  "zadd",
  "zincrby",
  "lpush",
  "rpush",
  "linsert",
  "xadd",
  "pfadd",
  "geoadd",
  "sinterstore",
  "sunionstore",
  "sdiffstore",
  "zunionstore",
  "zinterstore",
  "zdiffstore",
  "zrangestore",
  "copy",
]);

/** Commands whose keys are plain values (not collections). */
export const REDIS_STRING_COMMANDS = new Set([
  "set",
  "setnx",
  "getset",
  "mset",
  "msetnx",
  "append",
  "setrange",
  "incr",
  "incrby",
  "incrbyfloat",
  "decr",
  "decrby",
]);

/** Commands that replace a key's value and, without an expiry option, drop the TTL it had. */
export const REDIS_TTL_DROPPING_COMMANDS = new Set(["set", "getset", "mset", "msetnx"]);

/** Commands that set an expiry on an existing key. */
export const REDIS_EXPIRE_COMMANDS = new Set([
  "expire",
  "pexpire",
  "expireat",
  "pexpireat",
  "getex",
  "hexpire",
  "hpexpire",
]);

/** Commands that write with an expiry by construction. */
export const REDIS_WRITE_WITH_TTL_COMMANDS = new Map<string, "s" | "ms">([
  ["setex", "s"],
  ["psetex", "ms"],
]);

export const REDIS_DELETE_COMMANDS = new Set(["del", "unlink", "getdel", "hdel", "srem", "zrem", "persist"]);

/** Reads that consume entries: a key popped by a consumer is a queue, not a cache. */
export const REDIS_CONSUMING_COMMANDS = new Set([
  "lpop",
  "rpop",
  "blpop",
  "brpop",
  "lmove",
  "blmove",
  "rpoplpush",
  "brpoplpush",
  "spop",
  "zpopmin",
  "zpopmax",
  "bzpopmin",
  "bzpopmax",
  "xread",
  "xreadgroup",
  "xtrim",
  "xdel",
  "ltrim",
]);

export const REDIS_READ_COMMANDS = new Set([
  "get",
  "mget",
  "exists",
  "hget",
  "hgetall",
  "hmget",
  "smembers",
  "sismember",
  "zrange",
  "zscore",
  "lrange",
  "ttl",
  "pttl",
  "xrange",
  "strlen",
  "scard",
  "zcard",
  "llen",
]);

/** In-process cache methods by operation. */
export const IN_PROCESS_WRITE_METHODS = new Set([
  "set",
  "mset",
  "setMany",
  "setForever",
  "wrap",
  "getOrSet",
  "getOrSetForever",
  "prime",
]);
export const IN_PROCESS_READ_METHODS = new Set([
  "get",
  "has",
  "mget",
  "getMany",
  "peek",
  "fetch",
  "load",
  "loadMany",
  "take",
]);
export const IN_PROCESS_DELETE_METHODS = new Set([
  "delete",
  "del",
  "mdel",
  "deleteMany",
  "clear",
  "reset",
  "flushAll",
  "clearAll",
  "deleteByTag",
  "take",
]);
