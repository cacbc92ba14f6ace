// The contract every cache library's adapter fulfils: everything cachewise knows about one
// library (packages and exports, what a construction means, how a write reads its TTL, which
// methods read, write and delete, what happens to a rejected promise, the fix texts the rules
// suggest) lives in `libraries/<id>.ts`, and nowhere else.
//
// Adapters never see TypeScript: they read arguments through an `ArgumentReader` that the
// extractor implements, so this folder imports the model's types and nothing else.
import type { Bound, CacheKind, LibraryId, MemoizeInfo, Ttl, TtlInsertion, TtlUnit } from "../model/cache-model";

/** An argument expression, opaque to adapters: only the reader looks inside. */
export interface Expr {
  readonly __brand: "cachewise-expression";
}

/** The properties of an options object argument. */
export interface OptionsView {
  get(name: string): Expr | undefined;
  has(name: string): boolean;
  /** Some of the options cannot be read: a spread, or a variable of unknown shape. */
  readonly opaque: boolean;
  /** The options are an object literal in the code (possibly through a `const`). */
  readonly literal: boolean;
  /** The literal's properties as written (source text of each name; `...` for a spread or a property without a name). */
  readonly names: readonly string[];
}

/** A remote store that an instance keeps its entries in (see `ArgumentReader.sharedStoreOf`). */
export interface SharedStore {
  library: LibraryId;
  /** The prefix the instance passed as the store adds to every key (a Keyv's namespace). */
  keyPrefix: string | undefined;
}

/** How an adapter reads the arguments of a construction, a call or a decorator. */
export interface ArgumentReader {
  /** The arguments as written. */
  readonly args: readonly Expr[];
  /** The export that was called or constructed (`default`, `createCache`, `lruMemoize`). */
  readonly exportName: string;
  /** The export's variant from the adapter's package table (moize's `infinite`, `curried-maxAge`). */
  readonly variant: string | undefined;
  /** For curried memoizers (`moize.maxAge(1000)(fn)`): the arguments of the inner call. */
  readonly curriedArgs: readonly Expr[] | undefined;
  /** The options object at argument `index` (an empty, non-opaque view when there is none). */
  options(index: number): OptionsView;
  /** The options object of an expression. */
  optionsOf(expression: Expr | undefined): OptionsView;
  /** A TTL from an expression, folded across constants and files. */
  ttl(expression: Expr, unit: TtlUnit, zeroMeansNone?: boolean): Ttl;
  /** A bound in entries from an expression (`Infinity` is no bound). */
  entries(expression: Expr): Bound;
  /** A bound in bytes from an expression. */
  bytes(expression: Expr): Bound;
  number(expression: Expr): number | undefined;
  string(expression: Expr): string | undefined;
  isTrue(expression: Expr | undefined): boolean;
  isFalse(expression: Expr | undefined): boolean;
  isSpread(expression: Expr): boolean;
  /** The expression itself (not through a variable) is an object literal. */
  isObjectLiteral(expression: Expr): boolean;
  /** The expression itself is a function (`(err) => …`, `function () {}`): a callback, not options. */
  isFunction(expression: Expr): boolean;
  /** The elements of an array literal (possibly through a `const`); undefined when the expression is not one. */
  elements(expression: Expr): readonly Expr[] | undefined;
  /**
   * The shared store an instance keeps its entries in, when the expression builds or names an instance of a
   * remote store that is not Redis (`new KeyvMemcache(url)`, or a Keyv over one): that store's library, and the
   * prefix the instance puts before its keys.
   */
  sharedStoreOf(expression: Expr): SharedStore | undefined;
  isNumericLiteral(expression: Expr): boolean;
  /** `new Map()` of the global `Map`, not a local class. */
  isGlobalMapConstruction(expression: Expr): boolean;
  /** The source text of an expression, for messages. */
  text(expression: Expr): string;
  /** The offset just after an expression, for suggestions. */
  endOf(expression: Expr): number;
  /** Where to insert a property into an object literal, for suggestions (undefined when it is not a literal). */
  insertIntoObjectLiteral(expression: Expr, property: string): TtlInsertion | undefined;
  /** The installed major version of a package the program's declarations come from. */
  installedMajor(packageName: string): number | undefined;
}

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
  /** For a class: its static methods that build an instance as `new` does (memjs's `Client.create(servers, options)`). */
  constructors?: readonly string[];
}

/** Module specifier (a package, or a listed subpath such as `lodash/memoize`) → export name (`default`, `*` or a named export) → role. */
export type PackageExports = Record<string, Record<string, ExportRole>>;

/** What a construction (`new LRUCache({ max })`, `createClient()`) says about the instance. */
export interface ConstructionFacts {
  /** Default TTL of entries written through the instance. */
  defaultTtl: Ttl;
  bound: Bound;
  /** The options could not be read (spread, variable of unknown shape). */
  optionsOpaque: boolean;
  /** A prefix the client or cache adds to every key. */
  keyPrefix: string | undefined;
  /** `get` returns the stored object itself (not a copy). */
  storesReferences: boolean;
  /**
   * The entries are kept (also) in this remote store of another library (a Keyv whose `store` is a `KeyvMemcache`):
   * the instance's families are that store's, shared by key pattern, and its TTLs reach that store's server.
   */
  sharedStore?: LibraryId;
}

/** What a write call says about its TTL (and, for libraries that take one options object, its key). */
export interface WriteFacts {
  ttl: Ttl;
  /** The key, when it is not the first argument (bentocache's `set({ key })`). */
  key?: Expr;
}

/** Methods of a cache instance by what they do. A method in no set is not a cache call. */
export interface CacheMethods {
  read: ReadonlySet<string>;
  write: ReadonlySet<string>;
  /** Deletes one or more entries. */
  delete: ReadonlySet<string>;
  /** Empties the whole cache (no key). */
  clear: ReadonlySet<string>;
}

/** Facts of a memoizer call or decorator, before the memoized function is described. */
export type MemoizerFacts = Omit<MemoizeInfo, "fn" | "evictedByCode" | "lifetime"> & {
  /** The lifetime when the library decides it (React `cache` lives for one request); otherwise where the call is. */
  lifetime?: MemoizeInfo["lifetime"];
  /** The argument that is a key resolver whose result must be a stable key (lodash, underscore). */
  resolverArgument?: number;
};

/** A rule that does not apply to a library, and why (kept as data so that a missing answer is never silent). */
export interface NotApplicable {
  notApplicable: string;
}

/** The texts the rules suggest for a library. Every adapter answers every question. */
export interface FixTexts {
  /** require-cache-ttl: how to give writes (or memoized results) an expiry. */
  ttl: string | NotApplicable;
  /** require-cache-bound: how to bound the cache. */
  bound: string | NotApplicable;
}

/** What a kind without fix texts (frameworks, whose rule messages name their own options) answers. */
export const NOT_A_FIX: NotApplicable = {
  notApplicable: "the rule's message for this framework names its own options",
};

/** The fix text, or undefined when the rule does not apply to the library. */
export function fixText(fix: string | NotApplicable): string | undefined {
  return typeof fix === "string" ? fix : undefined;
}

interface AdapterBase {
  id: LibraryId;
  /** The library's name as users know it, for docs. */
  displayName: string;
  packages: PackageExports;
}

/** A client of a Redis-protocol server (Redis, Valkey, Upstash): the Redis command knowledge applies. */
export interface RedisProtocolAdapter extends AdapterBase {
  kind: "redis";
  /** Reads a client construction (`keyPrefix`). */
  construct(read: ArgumentReader): ConstructionFacts;
  /** The TTL of `SET key value …` in this client's argument shape (options from argument 2; `GETEX` is read the same way). */
  setTtl(read: ArgumentReader): Ttl;
  /** Where and what to insert to give `SET key value` an expiry. */
  setTtlInsertion(read: ArgumentReader): TtlInsertion | undefined;
  fixes: FixTexts;
  /** Calls are the project's own functions, not Redis commands: messages name the function (`withCache`). */
  callsNamedByFunction?: true;
}

/** Where a call's key and cache tags are. */
export interface CallShape {
  /** The key, when it is not the first argument. */
  key?: Expr;
  /** The tags the call writes under or invalidates (an array or one string). */
  tags?: Expr;
}

/** A store read and written through methods of an instance: an in-process cache, or a remote store that is not Redis. */
interface KeyedStoreAdapter extends AdapterBase {
  construct(read: ArgumentReader): ConstructionFacts;
  methods: CacheMethods;
  /** The TTL of a write (a method in `methods.write`). */
  writeTtl(read: ArgumentReader, method: string): WriteFacts;
  /** Where the key and tags of a call are, when not simply the first argument; `{}` when they are. */
  callShape(read: ArgumentReader, method: string, operation: "read" | "write" | "delete"): CallShape;
  /** A tag service on a property of the instance (cacheable's `cache.tags.invalidateTag(tag)`); undefined when none. */
  tagService: { property: string; invalidate: ReadonlySet<string> } | undefined;
  /** Decorator caches store their entries here by key (NestJS's interceptor writes to cache-manager): its deletes clear them. */
  backsDecoratorCaches: boolean;
  /** A method that returns a view of the same store with keys under a sub-prefix (bentocache's `namespace("users")` → `users:`). */
  namespaceMethod: string | undefined;
  fixes: FixTexts;
}

/** A client of a shared key-value store that does not speak Redis (Memcached…): families by key pattern, like Redis. */
export interface RemoteStoreAdapter extends KeyedStoreAdapter {
  kind: "remote-kv";
  /** Methods that only set a key's expiry (Memcached `touch`): `writeTtl` reads their TTL. */
  expire: ReadonlySet<string>;
  /** Writes that store only when the key is absent (Memcached `add`): a lock or a marker, not a refill. */
  writeIfAbsent: ReadonlySet<string>;
  /**
   * A client can carry a default expiry for writes that give none (memjs's `expires`): one seen only through its
   * type, or built with options that cannot be read, may have one. False when every write says its own (memcached).
   */
  hasDefaultTtl: boolean;
  /** How the server reads an expiry. */
  ttlSemantics: {
    /**
     * A TTL above this many seconds is read as an absolute Unix time, not a duration (Memcached: 30 days, so
     * `60 * 60 * 24 * 31` is a moment of February 1970 and the item expires at once); undefined when there is no limit.
     */
    absoluteAbove: number | undefined;
  };
}

/** A cache inside the process (lru-cache, node-cache, keyv, cache-manager, DataLoader…). */
export interface InProcessAdapter extends KeyedStoreAdapter {
  kind: "in-process";
  /** What an instance seen only through its type (injected, a parameter) does: its reads return references whatever the options. */
  storesReferencesWhenUnknown: boolean;
  /** Meant to live for one request (DataLoader): a shared, long-lived instance mixes users' data and never forgets. */
  requestScoped: boolean;
  /**
   * A loader that fetches a batch of requests with one function and keys each request's entry with another
   * (DataLoader's batch function and `cacheKeyFn`): where the construction gives the two. A field of the request the
   * batch function reads and the key function leaves out is a key input that is missing.
   */
  keyedBatch?: (read: ArgumentReader) => { batch: Expr | undefined; key: Expr | undefined };
}

/** A memoizer: a function that wraps a function (or a method decorator). */
export interface MemoizerAdapter extends AdapterBase {
  kind: "memoizer";
  /** `memoize(fn, options)`; undefined when the library has only decorators. */
  memoize: ((read: ArgumentReader) => MemoizerFacts) | undefined;
  /** `@Memoize(options)`; undefined when the library has no decorator. */
  decorate: ((read: ArgumentReader) => MemoizerFacts) | undefined;
  /** The decorator option that names the entry in a shared store (@type-cacheable's `cacheKey`), where clearing decorators find it. */
  decoratorKeyOption: string | undefined;
  /** Entries named by a decorator key form one family per key pattern, shared by whatever fills and clears that key. */
  decoratorFamilies: boolean;
  /** Callers of a memoized method get the cached object itself (false when the library serialises results into a store). */
  sharesResults: boolean;
  /** Exports whose cache is keyed by argument identity (reselect's `weakMapMemoize`): a fresh object argument always misses. */
  identityKeyedExports: ReadonlySet<string>;
  /**
   * How `fn.length` keying loses arguments: `before-defaults` keys on the parameters before the first default or rest
   * parameter (memoizee); `single-argument-strategy` switches to a one-argument cache when `fn.length` is 1 (fast-memoize).
   */
  lengthKeying: "before-defaults" | "single-argument-strategy" | undefined;
  /** By default, entries never expire (no max age unless an option gives one). */
  keepsForever: boolean;
  /** By default, the cache grows without limit. */
  unboundedByDefault: boolean;
  /** For memoizers keyed by their first argument: how to key by every argument. */
  completeKeyFix: string | undefined;
  /** The option of argument 0 that holds the memoized function, when the call takes one options object (cachified's `getFreshValue`). */
  functionOption?: string;
  fixes: FixTexts;
}

/** Framework caches (Next.js, React, NestJS): extraction has a reader per export role; their rule messages name the framework's own options. */
export interface FrameworkAdapter extends AdapterBase {
  kind: "framework";
  /** A framework export that memoizes (React `cache`); undefined when there is none. */
  memoize: ((read: ArgumentReader) => MemoizerFacts) | undefined;
  /** Entries named by a decorator key (NestJS `@CacheKey`) form one family per key pattern. */
  decoratorFamilies: boolean;
  /** The cache lives for one server request (React `cache`): it dedupes calls within the request. */
  requestScoped: boolean;
  /** Cache tags are global to the application (Next.js): revalidating one purges every cache that carries it. */
  globalTags: boolean;
  /** A memoized function's family is labelled with the method that cached it (`unstable_cache`) rather than the library. */
  labelByMethod: boolean;
}

export type LibraryAdapter =
  RedisProtocolAdapter | RemoteStoreAdapter | InProcessAdapter | MemoizerAdapter | FrameworkAdapter;

/** An empty options view: no argument there. */
export const NO_OPTIONS: OptionsView = {
  get: () => undefined,
  has: () => false,
  opaque: false,
  literal: false,
  names: [],
};

/** The Set helper adapters use for method tables. */
export function methods(names: readonly string[]): ReadonlySet<string> {
  return new Set(names);
}
