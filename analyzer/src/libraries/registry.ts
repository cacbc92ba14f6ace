// Every library adapter, by id. A `LibraryId` without an adapter fails the type check here.
import type { CacheKind, CacheSite, LibraryId } from "../model/cache-model";
import {
  IN_PROCESS_STORE,
  readStoreErrors,
  type StoreErrorFacts,
  NOT_A_FIX,
  type ExportRole,
  type FixTexts,
  type FrameworkAdapter,
  type InProcessAdapter,
  type LibraryAdapter,
  type MemoizerAdapter,
  type RedisProtocolAdapter,
  type RemoteStoreAdapter,
} from "./adapter";
import { asyncCacheDedupe } from "./async-cache-dedupe";
import { bentocache } from "./bentocache";
import { cacheManager } from "./cache-manager";
import { cacheable } from "./cacheable";
import { catbox } from "./catbox";
import { cachified } from "./cachified";
import { cacheableMemory } from "./cacheable-memory";
import { dataloader } from "./dataloader";
import { fastMemoize } from "./fast-memoize";
import { ioredis } from "./ioredis";
import { iovalkey } from "./iovalkey";
import { keyv } from "./keyv";
import { kvJs } from "./kv-js";
import { keyvMemcache } from "./keyv-memcache";
import { keyvRedis } from "./keyv-redis";
import { lodash } from "./lodash";
import { lruCache } from "./lru-cache";
import { lruMemoizer } from "./lru-memoizer";
import { map } from "./map";
import { memcached } from "./memcached";
import { memjs } from "./memjs";
import { memoize } from "./memoize";
import { memoizeOne } from "./memoize-one";
import { memoizee } from "./memoizee";
import { microMemoize } from "./micro-memoize";
import { moize } from "./moize";
import { nestjsCache } from "./nestjs-cache";
import { next } from "./next";
import { nitro } from "./nitro";
import { nodeCache } from "./node-cache";
import { nodeRedis } from "./node-redis";
import { pMemoize } from "./p-memoize";
import { quickLru } from "./quick-lru";
import { react } from "./react";
import { reselect } from "./reselect";
import { tinyLru } from "./tiny-lru";
import { apolloServer } from "./apollo-server";
import { betterAuth } from "./better-auth";
import { cacheLayer } from "./cache-layer";
import { ttlcache } from "./ttlcache";
import { typeCacheable } from "./type-cacheable";
import { typescriptMemoize } from "./typescript-memoize";
import { underscore } from "./underscore";
import { unkeyCache } from "./unkey-cache";
import { unstorage } from "./unstorage";
import { upstashRedis } from "./upstash-redis";
import { valkeyGlide } from "./valkey-glide";

export const LIBRARY_ADAPTERS = {
  ioredis,
  iovalkey,
  "valkey-glide": valkeyGlide,
  "node-redis": nodeRedis,
  "upstash-redis": upstashRedis,
  memjs,
  memcached,
  "keyv-memcache": keyvMemcache,
  "lru-cache": lruCache,
  ttlcache,
  "quick-lru": quickLru,
  "tiny-lru": tinyLru,
  "apollo-server": apolloServer,
  "node-cache": nodeCache,
  "kv-js": kvJs,
  keyv,
  "keyv-redis": keyvRedis,
  unstorage,
  catbox,
  "unkey-cache": unkeyCache,
  cacheable,
  "cacheable-memory": cacheableMemory,
  "cache-manager": cacheManager,
  bentocache,
  "async-cache-dedupe": asyncCacheDedupe,
  dataloader,
  map,
  lodash,
  underscore,
  memoizee,
  cachified,
  "lru-memoizer": lruMemoizer,
  memoize,
  "p-memoize": pMemoize,
  moize,
  "micro-memoize": microMemoize,
  "fast-memoize": fastMemoize,
  "memoize-one": memoizeOne,
  reselect,
  "typescript-memoize": typescriptMemoize,
  "type-cacheable": typeCacheable,
  "nestjs-cache": nestjsCache,
  next,
  nitro,
  react,
  "better-auth": betterAuth,
  "cache-layer": cacheLayer,
} satisfies Record<LibraryId, LibraryAdapter>;

/**
 * What a read or a write of this library does when its store fails, for the installed version: the adapter's
 * `storeErrors` (a memoizer or framework without a store of its own cannot fail).
 */
export function findStoreErrors(
  id: LibraryId,
  installedMajor: (packageName: string) => number | undefined,
): StoreErrorFacts {
  const adapter = getAdapter(id);
  if (adapter.kind === "framework") return IN_PROCESS_STORE;
  if (adapter.kind === "memoizer")
    return adapter.storeErrors ? readStoreErrors(adapter.storeErrors, installedMajor) : IN_PROCESS_STORE;
  return readStoreErrors(adapter.storeErrors, installedMajor);
}

export function getAdapter(id: LibraryId): LibraryAdapter {
  return LIBRARY_ADAPTERS[id];
}

/** The adapter of a Redis-protocol client, or undefined for any other kind. */
export function getRedisAdapter(id: LibraryId): RedisProtocolAdapter | undefined {
  const adapter = getAdapter(id);
  return adapter.kind === "redis" ? adapter : undefined;
}

/** The adapter of a store used through an instance's methods (in-process, or remote and not Redis). */
export function getStoreAdapter(id: LibraryId): InProcessAdapter | RemoteStoreAdapter | undefined {
  const adapter = getAdapter(id);
  return adapter.kind === "in-process" || adapter.kind === "remote-kv" ? adapter : undefined;
}

/** The adapter of a remote store that is not Redis (Memcached), or undefined for any other kind. */
export function getRemoteStoreAdapter(id: LibraryId): RemoteStoreAdapter | undefined {
  const adapter = getAdapter(id);
  return adapter.kind === "remote-kv" ? adapter : undefined;
}

/**
 * The remote store whose server reads a site's TTL: the site's own library (memjs), or the store its instance keeps
 * its entries in (a Keyv over `@keyv/memcache`). Undefined for Redis and in-process caches.
 */
export function findRemoteStoreOfSite(site: Pick<CacheSite, "library" | "instance">): RemoteStoreAdapter | undefined {
  return getRemoteStoreAdapter(site.instance?.sharedStore ?? site.library);
}

/** The adapter of a memoizer library, or undefined for any other kind. */
export function getMemoizerAdapter(id: LibraryId): MemoizerAdapter | undefined {
  const adapter = getAdapter(id);
  return adapter.kind === "memoizer" ? adapter : undefined;
}

/** The adapter of a framework cache, or undefined for any other kind. */
export function getFrameworkAdapter(id: LibraryId): FrameworkAdapter | undefined {
  const adapter = getAdapter(id);
  return adapter.kind === "framework" ? adapter : undefined;
}

/** The fix texts of a library; framework adapters have none (their rule messages name their own options). */
export function getFixes(id: LibraryId): FixTexts {
  const adapter = getAdapter(id);
  return "fixes" in adapter ? adapter.fixes : { ttl: NOT_A_FIX, bound: NOT_A_FIX };
}

/** How a message names a Redis-kind call: the command (`SET`), or the project function a declared layer is (`withCache`). */
export function describeRedisCall(site: { library: LibraryId; method: string; instance?: { name?: string } }): string {
  const adapter = getRedisAdapter(site.library);
  return adapter?.callsNamedByFunction && site.instance?.name ? site.instance.name : site.method.toUpperCase();
}

/** Entries named by a decorator key form one family per key pattern (@type-cacheable, NestJS `@CacheKey`). */
export function hasDecoratorFamilies(id: LibraryId): boolean {
  return (getMemoizerAdapter(id) ?? getFrameworkAdapter(id))?.decoratorFamilies ?? false;
}

/** Deletes and writes on this library's store reach decorator caches by key (NestJS's interceptor store). */
export function backsDecoratorCaches(id: LibraryId): boolean {
  return getStoreAdapter(id)?.backsDecoratorCaches ?? false;
}

/** The library's cache tags are global to the application (Next.js), not scoped to its own caches. */
export function hasGlobalTags(id: LibraryId): boolean {
  return getFrameworkAdapter(id)?.globalTags ?? false;
}

/** A memoized function's family is labelled with the caching method (`unstable_cache`) rather than the library. */
export function labelsFamiliesByMethod(id: LibraryId): boolean {
  return getFrameworkAdapter(id)?.labelByMethod ?? false;
}

/** Meant to live for one request (DataLoader, React `cache`). */
export function isRequestScoped(id: LibraryId): boolean {
  const adapter = getAdapter(id);
  return adapter.kind === "in-process" || adapter.kind === "framework" ? adapter.requestScoped : false;
}

/** What an import of a module gives: the library and its exports' roles. */
export interface LibraryEntry {
  library: LibraryId;
  kind: CacheKind;
  /** Export name (after normalisation: `default`, `*` or a named export) → role. */
  exports: Record<string, ExportRole>;
}

/** Module specifier → entry, built once from the adapters' package tables. */
const PACKAGES: ReadonlyMap<string, LibraryEntry> = (() => {
  const packages = new Map<string, LibraryEntry>();
  for (const adapter of Object.values(LIBRARY_ADAPTERS) as LibraryAdapter[]) {
    for (const [specifier, exports] of Object.entries(adapter.packages)) {
      if (packages.has(specifier)) throw new Error(`cachewise: two adapters claim the module ${specifier}`);
      packages.set(specifier, { library: adapter.id, kind: adapter.kind, exports });
    }
  }
  return packages;
})();

/** Looks up a module specifier (bare package or a listed subpath). */
export function findLibraryByModule(specifier: string): LibraryEntry | undefined {
  const direct =
    PACKAGES.get(specifier) ?? (specifier.endsWith(".js") ? PACKAGES.get(specifier.slice(0, -3)) : undefined);
  if (direct) return direct;
  // `@upstash/redis/nodejs`, `ioredis/built/...`: fall back to the package name.
  const packageName = getPackageName(specifier);
  return packageName === specifier ? undefined : PACKAGES.get(packageName);
}

/** Library by package of a declaration file: used when the receiver's type is all we have. */
export function findLibraryByPackage(packageName: string): LibraryEntry | undefined {
  return PACKAGES.get(packageName);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function getPackageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

const keyedStores = (Object.values(LIBRARY_ADAPTERS) as LibraryAdapter[]).filter(
  (adapter) => adapter.kind === "in-process" || adapter.kind === "remote-kv",
);

/** Every method an in-process store adapter reads. */
const IN_PROCESS_METHOD_NAMES: ReadonlySet<string> = new Set(
  keyedStores.flatMap((adapter) =>
    adapter.kind === "in-process"
      ? [...adapter.methods.read, ...adapter.methods.write, ...adapter.methods.delete, ...adapter.methods.clear]
      : [],
  ),
);

/** The modules of remote stores that are not Redis (`memjs`, `memcached`, `@keyv/memcache`). */
export const REMOTE_STORE_MODULES: readonly string[] = keyedStores.flatMap((adapter) =>
  adapter.kind === "remote-kv" ? Object.keys(adapter.packages) : [],
);

/** Every method any in-process or remote store adapter reads: a cheap filter before resolving the receiver. */
const STORE_METHOD_NAMES: ReadonlySet<string> = new Set(
  keyedStores.flatMap((adapter) => [
    ...adapter.methods.read,
    ...adapter.methods.write,
    ...adapter.methods.delete,
    ...adapter.methods.clear,
    ...(adapter.kind === "remote-kv" ? adapter.expire : []),
  ]),
);

/** Every method of a tag service (cacheable's `cache.tags.invalidateTag`). */
const TAG_SERVICE_METHOD_NAMES: ReadonlySet<string> = new Set(
  keyedStores.flatMap((adapter) => [...(adapter.tagService?.invalidate ?? [])]),
);

export function isStoreMethodName(method: string): boolean {
  return STORE_METHOD_NAMES.has(method);
}

/**
 * A method only remote stores read (Memcached's `add`, `replace`, `touch`): named like a string's or a `Set`'s own
 * methods, so it is worth resolving only in a program that uses such a store.
 */
export function isRemoteStoreOnlyMethodName(method: string): boolean {
  return STORE_METHOD_NAMES.has(method) && !IN_PROCESS_METHOD_NAMES.has(method);
}

export function isTagServiceMethodName(method: string): boolean {
  return TAG_SERVICE_METHOD_NAMES.has(method);
}

/** Finds the package a declaration file belongs to, from its path under node_modules. */
export function findPackageOfDeclarationFile(fileName: string): string | undefined {
  const marker = "/node_modules/";
  const normalised = fileName.replace(/\\/g, "/");
  const index = normalised.lastIndexOf(marker);
  if (index < 0) return undefined;
  const packageName = getPackageName(normalised.slice(index + marker.length));
  // `@types/lodash` describes `lodash`; `@types/lodash.memoize` describes `lodash.memoize`.
  if (packageName.startsWith("@types/")) {
    const inner = packageName.slice("@types/".length);
    return inner.includes("__") ? `@${inner.replace("__", "/")}` : inner;
  }
  return packageName;
}
