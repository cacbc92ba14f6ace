// The contract every cache library's adapter fulfils: everything cachewise knows about one
// library (packages and exports, what a construction means, how a write reads its TTL, which
// methods read, write and delete, what happens to a rejected promise, the fix texts the rules
// suggest) lives in `libraries/<id>.ts`, and nowhere else.
//
// Adapters never see TypeScript: they read arguments through an `ArgumentReader` that the
// extractor implements, so this folder imports the model's types and nothing else.
import type {
  Bound,
  CacheKind,
  ClientOptions,
  ClientOptionValue,
  LibraryId,
  MemoizeInfo,
  Ttl,
  TtlInsertion,
  TtlUnit,
} from "../model/cache-model";

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
  /** The expression's type is a string, a number, a boolean, null or undefined (a URL or a port, not options). */
  isPrimitive(expression: Expr): boolean;
  /** An option's value as written, folded when constant. */
  optionValue(expression: Expr): ClientOptionValue;
  /**
   * The options at argument `index` as a configuration is often assembled: literals, `const`s, spreads, and a call to
   * a function of the same file that returns one object literal (`new Server({ ...defaultConfig(), context })`).
   * `literals` are the object literals read (outermost first) with their property names; `unread` the spreads that
   * could not be read (a user-supplied object), as written.
   */
  assembledOptions(index: number): AssembledOptions;
}

/** An options object read through spreads and same-file helper functions (see `ArgumentReader.assembledOptions`). */
export interface AssembledOptions {
  get(name: string): Expr | undefined;
  has(name: string): boolean;
  literals: ReadonlyArray<{ at: Expr; names: readonly string[] }>;
  unread: readonly string[];
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
    | "auth-session-cache"
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
   * The instance lives as long as the process wherever it is built (a server's own cache, built in a factory
   * function that the process calls once): `require-cache-bound` judges it as a module-level instance.
   */
  servesProcess?: boolean;
  /** Where the options that decide the bound are written, when not at the construction (a defaults helper's literal). */
  optionsAt?: Expr;
  /** For a client of a shared store: the options that decide how long a request waits in an outage (see `OutageWaitModel`). */
  clientOptions?: ClientOptions;
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

/** A client option that decides how long a request waits while the server is down, with the library's documented default. */
export interface ClientOptionSpec {
  /** The default the library documents (and a test checks against the installed version); undefined: unset by default. */
  default: number | boolean | undefined;
  /** The unit of a number. */
  unit?: "ms" | "s";
}

/** An option as it is in force at a construction, for messages: given, or the library's default. */
export interface ClientSetting {
  option: string;
  /** undefined: unset (no timeout). */
  value: number | boolean | null | undefined;
  unit?: "ms" | "s";
  given: boolean;
}

/** How long a request to a client waits while its server is down, from the options in force. */
export type OutageWait =
  /** An option given bounds the wait (the team chose the bound): nothing to say. */
  | { kind: "bounded"; by: string }
  /** Options given change the wait in a way that cannot be read (a function that may stop retrying, a variable). */
  | { kind: "unknown"; because: string }
  /** Requests are kept until the client reconnects, and it reconnects for ever: no limit. */
  | { kind: "until-reconnected"; settings: ClientSetting[] }
  /**
   * Requests fail after a number of attempts: `refusedMs` when the server refuses connections at once (the delays
   * between attempts), `unreachableMs` when its host does not answer (each attempt also waits out `connectTimeoutMs`).
   */
  | {
      kind: "attempts";
      /** What is retried: reconnections (ioredis), connections from the pool (memcached), the request (memjs). */
      mechanism: "reconnect" | "pool" | "request";
      attempts: number;
      refusedMs: number;
      /** Later in a long outage, once the delay between attempts has reached its cap (ioredis); undefined when the same. */
      steadyMs: number | undefined;
      unreachableMs: number;
      connectTimeout: { option: string; ms: number };
      settings: ClientSetting[];
    };

/**
 * What a client library does with a request while its server is down, as data: the options that decide it (with
 * their documented defaults), where a construction takes them, and the wait they give. require-client-timeouts
 * renders it; a test checks the defaults against the installed library.
 */
export interface OutageWaitModel {
  /** The options read at a construction, by path (`socket.reconnectStrategy` is `reconnectStrategy` in `socket`). */
  options: Readonly<Record<string, ClientOptionSpec>>;
  /** Which arguments hold options: one index, or every argument that is not a URL, host or port (ioredis). */
  optionsArgument: number | "any";
  /** Constructions read differently (export name or `Export.method`), and why: their options are not read. */
  unsupported: Readonly<Record<string, string>>;
  /** The wait with the options given (every other option at its default). */
  estimate(given: ClientOptions["given"]): OutageWait;
  /** How to bound the wait, for messages. */
  fix: string;
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

/**
 * What a call does when the store behind it fails (the server is down, a command times out), with the library's
 * defaults: `throws` (the call rejects or throws, so the caller's operation fails unless it catches), `swallowed`
 * (the library catches it: a read resolves as a miss, a write resolves; it reports through an event or a logger),
 * `cannot-fail` (the entries live in the process: there is no store to fail), `depends` (the configuration decides
 * and cachewise does not read it: require-cache-fallback stays silent).
 */
export type StoreErrorBehaviour = "throws" | "swallowed" | "cannot-fail" | "depends";

/** A library's answer for reads and for writes, and the version it was checked against. */
export interface StoreErrorFacts {
  read: StoreErrorBehaviour;
  write: StoreErrorBehaviour;
  /** Where the answer comes from: the installed version's source, or why it could not be checked. */
  checked: string;
}

/** The facts, or a function of the installed major versions when they differ between majors (cache-manager). */
export type StoreErrors =
  StoreErrorFacts | ((installedMajor: (packageName: string) => number | undefined) => StoreErrorFacts);

/** The store error facts of an adapter for the installed version. */
export function readStoreErrors(
  errors: StoreErrors,
  installedMajor: (packageName: string) => number | undefined,
): StoreErrorFacts {
  return typeof errors === "function" ? errors(installedMajor) : errors;
}

/** For caches inside the process: nothing to fail. */
export const IN_PROCESS_STORE: StoreErrorFacts = {
  read: "cannot-fail",
  write: "cannot-fail",
  checked: "entries live in the process's memory",
};

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
  /** require-client-timeouts: how long a request waits while the server is down. */
  outageWait: OutageWaitModel | NotApplicable;
  /** What a command does when the server is unreachable (require-cache-fallback). */
  storeErrors: StoreErrors;
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
  /**
   * Read-through methods (`wrap`, `getOrSet`, `fetch`) that let one caller run the loader while concurrent misses of
   * the same key wait for its result (single-flight, or a lock): a hot key's expiry costs one load, not one per
   * caller. Empty when the library has none, or refills once per caller. Verified against the installed version.
   */
  coalescedReadThrough: ReadonlySet<string>;
  fixes: FixTexts;
  /** What a read or a write does when the store behind the instance fails (require-cache-fallback). */
  storeErrors: StoreErrors;
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
  /** require-client-timeouts: how long a request waits while the server is down. */
  outageWait: OutageWaitModel | NotApplicable;
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
  /** For a memoizer that reads and writes a shared store (cachified): what it does when that store fails. */
  storeErrors?: StoreErrors;
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
  /**
   * When an entry expires, callers get the stale value while one refill runs (Next.js `unstable_cache` with
   * `revalidate`), or the framework coalesces concurrent misses: an expiry does not send every caller to the source.
   */
  refillsOnce: boolean;
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
