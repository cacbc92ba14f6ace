// Plain data: the cache model that extraction produces and rules consume.
// Nothing here imports TypeScript, ts-morph or ESLint.

/** A position range inside one file, as offsets plus 1-based line/column (ESLint's convention). */
export interface Span {
  /** Absolute file name. */
  file: string;
  /** Offset of the first character (no leading trivia). */
  start: number;
  /** Offset one past the last character. */
  end: number;
  /** 1-based line of `start`. */
  line: number;
  /** 1-based column of `start`. */
  column: number;
  /** 1-based line of `end`. */
  endLine: number;
  /** 1-based column of `end`. */
  endColumn: number;
}

/**
 * Which family of cache technology a site belongs to. `redis` is any Redis-protocol store (Redis,
 * Valkey, Upstash); `remote-kv` a shared key-value store that is not (Memcached…). Both hold
 * families keyed by key pattern, shared by every instance; the others are per instance.
 */
export type CacheKind = "redis" | "remote-kv" | "in-process" | "memoizer" | "framework";

/** The library a site was recognised as, by import origin or by type declaration. */
export type LibraryId =
  | "ioredis"
  | "iovalkey"
  | "valkey-glide"
  | "node-redis"
  | "upstash-redis"
  | "memjs"
  | "memcached"
  | "keyv-memcache"
  | "lru-cache"
  | "ttlcache"
  | "quick-lru"
  | "tiny-lru"
  | "apollo-server"
  | "node-cache"
  | "kv-js"
  | "keyv"
  | "keyv-redis"
  | "unstorage"
  | "catbox"
  | "unkey-cache"
  | "cacheable"
  | "cacheable-memory"
  | "cache-manager"
  | "bentocache"
  | "async-cache-dedupe"
  | "dataloader"
  | "map"
  | "lodash"
  | "underscore"
  | "memoizee"
  | "cachified"
  | "lru-memoizer"
  | "memoize"
  | "p-memoize"
  | "moize"
  | "micro-memoize"
  | "fast-memoize"
  | "memoize-one"
  | "reselect"
  | "typescript-memoize"
  | "type-cacheable"
  | "nestjs-cache"
  | "next"
  | "nitro"
  | "react"
  | "better-auth"
  | "cache-layer";

export type Operation = "read" | "write" | "delete" | "expire" | "memoize" | "construct";

/** One piece of a key template: literal text or a hole for a runtime value. */
export type KeyPart =
  | { kind: "text"; value: string }
  /** `text` names the hole where heuristics read it; `label`, when it differs, names it for people (`id` for `id.toString()`). */
  | {
      kind: "hole";
      text: string;
      label?: string;
      /**
       * How many values the hole can take when its type says so (a union of literals, an enum, a boolean): the
       * family then has few keys, each read by many callers. Absent when the type is open (`string`, `number`).
       */
      domain?: number;
    };

/** A cache key as static text with holes, e.g. `user:{id}`. */
export interface KeyTemplate {
  parts: KeyPart[];
  /** The pattern with holes rendered as `{name}`. */
  pattern: string;
  /** The source text of the key expression, for exact-expression matching. */
  text: string;
  /** The pattern with the holes' labels, when they differ from their names (`auth:{id}` for `auth:${id.toString()}`). */
  label?: string;
}

/** A time-to-live as found in code. */
export type Ttl =
  /** Explicitly none, or nothing given where the library's default is "forever". */
  | { kind: "none" }
  /** Redis KEEPTTL: keeps whatever expiry the key had. */
  | { kind: "keep" }
  /** A TTL is set; `ms` is the folded value when constant, otherwise undefined. */
  | { kind: "set"; ms: number | undefined; text: string; unit: TtlUnit }
  /** Something is passed that cannot be interpreted statically (spread, opaque options). */
  | { kind: "unknown" };

export type TtlUnit = "s" | "ms" | "duration" | "timestamp";

/** A size bound as found in code. */
export type Bound =
  | { kind: "none" }
  | { kind: "entries"; value: number | undefined; text: string }
  | { kind: "bytes"; value: number | undefined; text: string }
  | { kind: "unknown" };

/** Where an instance (a cache, a client, a memoized function) lives. */
export type Lifetime = "module" | "class" | "local" | "unknown";

/** What is known about the construction of a cache instance or a memoizer. */
export interface InstanceInfo {
  library: LibraryId;
  kind: CacheKind;
  /** Where the instance was built, when resolved through symbols. */
  constructedAt: Span | undefined;
  /** A readable name for messages, e.g. `userCache`. */
  name: string | undefined;
  /**
   * The call of a project factory that built this instance, when the factory builds a new one on each call
   * (`module.exports = createCache({ max: 4000 })`): two such calls are two caches, though `constructedAt` is shared.
   */
  builtBy?: Span;
  /** Default TTL for entries written through this instance. */
  defaultTtl: Ttl;
  /** Size bound of the instance. */
  bound: Bound;
  lifetime: Lifetime;
  /** True when the options could not be read (spread, variable of unknown shape). */
  optionsOpaque: boolean;
  /** `get` returns the stored object itself (not a copy), so mutating it changes the cached value. */
  storesReferences: boolean;
  /** A prefix the client or cache adds to every key (ioredis `keyPrefix`, keyv `namespace`, bentocache `prefix`). */
  keyPrefix: string | undefined;
  /**
   * The shared store the instance keeps its entries in, when that store is another library's (a Keyv or a
   * cache-manager tier over `@keyv/memcache`): its families are that store's, keyed by pattern, and its TTLs reach
   * that store's server, which reads them by its own rules.
   */
  sharedStore?: LibraryId;
  /** What the library's adapter could not read in the construction (its options are a variable of unknown shape…). */
  unrecognised?: string;
  /**
   * For a client of a shared store (Redis, Memcached), on its construction's own site (`operation: "construct"`):
   * the options that decide how long a request waits while the server is down, as written. Absent on the sites of
   * calls through the client, and for libraries whose adapter reads none.
   */
  clientOptions?: ClientOptions;
  /**
   * Methods the project replaces on the instance (`cache.set = function (key, value) {…}`), or a facade object's own
   * methods over it: how many parameters each takes, so that an argument past them is known to be dropped.
   */
  replacedMethods?: Record<string, ReplacedMethod>;
  /** The instance lives as long as the process wherever it is built (a server's cache): judged as module-level. */
  servesProcess?: boolean;
  /** Where the options that decide the bound are written, when not at the construction (a defaults helper's literal). */
  optionsAt?: Span;
}

/** A project function that stands for a cache method (an override assigned on the instance, a facade's method). */
export interface ReplacedMethod {
  /** Its declared parameters; undefined when it takes any number (a rest parameter, `arguments`). */
  parameters: number | undefined;
  span: Span;
}

/** The options of a client construction that its adapter names (`commandTimeout`, `socket.reconnectStrategy`…). */
export interface ClientOptions {
  /** By option path (`commandTimeout`, `socket.reconnectStrategy`): the value given. An option not given is absent. */
  given: Record<string, ClientOptionValue>;
  /**
   * Some options cannot be read (a spread of an unknown object, a variable built at run time, an options argument
   * that is not an object literal): any option may be set.
   */
  opaque: boolean;
  /** The construction is not the one the adapter reads options of (ioredis's `Cluster`, memjs's `new Client`). */
  unsupported?: string;
}

/** An option's value as written: folded when constant. */
export type ClientOptionValue =
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  /** `null` or `undefined` written out. */
  | { kind: "null" }
  /** An inline function (`retryStrategy: (times) => …`). */
  | { kind: "function" }
  /** Anything that does not fold (a variable, a call, a string). */
  | { kind: "other"; text: string };

/** A read of a project key-value store whose result a cache write stores under the same key. */
export interface StoreMirror {
  /** The store's identity, as in `KeyValueAccess.store`. */
  store: string;
  /** The read as written (`db.getSortedSetRange`). */
  read: string;
  span: Span;
}

/**
 * A call on a project module the analyzer cannot see into (its methods are built at run time, or compiled) whose
 * first argument is a key (`db.sortedSetRemove(\`group:${name}:members\`, uid)`): a key-value store, when a cache
 * stores what it reads under the same key.
 */
export interface KeyValueAccess {
  /** The store's identity: the module file its binding imports, and the export path read (`/src/database.js#*`). */
  store: string;
  /** The call as written, shortened (`db.deleteAll`). */
  name: string;
  method: string;
  /** By the method's name: a write changes the keys (`set…`, `…Add`, `…Remove`, `delete…`, `rename`, `incr…`); anything else reads. */
  operation: "read" | "write";
  /** The keys of the first argument: one template, or each element of a collection of keys. */
  keys: KeyTemplate[];
  span: Span;
  functionId: string;
  enclosingFunction: string;
}

/** The memoized function of a memoizer site. */
export interface MemoizedFunction {
  name: string | undefined;
  /** Number of declared parameters, excluding a `this` parameter. */
  parameterCount: number;
  hasRestParameter: boolean;
  hasDefaultParameter: boolean;
  isAsync: boolean;
  /** True when every parameter's type has a finite, small domain (boolean, literal unions, enums). */
  hasFiniteDomain: boolean;
  /** What `fn.length` is at runtime: parameters before the first default or rest parameter. */
  length: number;
  /** Declared parameter names (binding patterns as written), for messages. */
  parameterNames: string[];
  /** The body catches every failure and returns a fallback, so its promise never rejects. */
  neverRejects: boolean;
  /** What the result depends on besides the arguments, and side effects, followed through project calls. */
  impurities: Impurity[];
  span: Span | undefined;
}

export type ImpurityKind =
  "time" | "random" | "environment" | "mutable-state" | "outer-write" | "argument-mutation" | "io" | "logging";

/** One call on the way from a memoized function to an impurity. */
export interface CallStep {
  /** The called function, e.g. `applyDiscount` or `PriceService.rate`. */
  name: string;
  /** Its declaration's name. */
  span: Span;
}

/** A reason a function's result is not a function of its arguments alone, or a side effect. */
export interface Impurity {
  kind: ImpurityKind;
  /** What is read, written or called: `Date.now()`, `discountRate`, `process.env.RATE`. */
  subject: string;
  /** Where it happens (possibly in another file). */
  span: Span;
  /** Project functions called on the way, outermost first; empty when the memoized function does it itself. */
  chain: CallStep[];
  /** For mutable state: a write to it elsewhere (`reassigned` by assignment, `modified` by a mutating call or `delete`). */
  writtenIn: { name: string; span: Span; how: "reassigned" | "modified" } | undefined;
  /** A clock read that only sets a query's time window (held in a variable or passed to a call), not part of the result. */
  queryInput?: true;
}

/** Memoizer-specific facts. */
export interface MemoizeInfo {
  fn: MemoizedFunction | undefined;
  /** How the memoizer derives its key by default. */
  keying: "first-argument" | "function-length" | "all-arguments" | "identity" | "custom" | "none";
  maxAge: Ttl;
  bound: Bound;
  /** A custom cache was supplied (`cache`, `cacheMap`); bounds and expiry come from it. */
  customCache: boolean;
  lifetime: Lifetime;
  optionsOpaque: boolean;
  /** Whether a rejected promise stays in the cache: by the library's behaviour and its options. */
  rejections: "kept" | "dropped";
  /** How to make the memoizer drop rejections: the rule renders the sentence. */
  rejectionFix: RejectionFix | undefined;
  /** Code evicts entries of this memoizer explicitly (`fn.cache.delete`, `.clear()`, `memoizeClear(fn)`). */
  evictedByCode: boolean;
  /** What the library's adapter could not read (a call shape it has no reader for): the facts above are then unknown. */
  unrecognised?: string;
}

/** The fix for a memoizer that keeps rejected promises: an option of the same library, or another library. */
export type RejectionFix =
  /** An option of the same library (`promise: true`), as code. */
  | { kind: "option"; option: string }
  /** Another library that drops rejections, or one of its exports (p-memoize's `pMemoizeDecorator`). */
  | { kind: "use"; library: LibraryId; export: string | undefined };

/** One cache-related call site. */
export interface CacheSite {
  /** Stable within a model: `file:start`. */
  id: string;
  library: LibraryId;
  kind: CacheKind;
  operation: Operation;
  /** The method or function called, e.g. `set`, `hset`, `memoize`, `unstable_cache`. */
  method: string;
  span: Span;
  /** The callee's span (the method name), where reports anchor for readability. */
  calleeSpan: Span;
  key: KeyTemplate | undefined;
  /** The TTL given at this call (not the instance default). */
  ttl: Ttl;
  /** The instance the call goes through, when resolved. */
  instance: InstanceInfo | undefined;
  /** Name of the function that runs the site (`functionId`'s `FunctionFacts.name`, or `<module>`), for messages and grouping. */
  enclosingFunction: string;
  /** Offset range of that same function (the whole file for `<module>`). */
  scopeStart: number;
  scopeEnd: number;
  /** For Redis commands issued through a pipeline/multi: the span of the `pipeline()`/`multi()` call. */
  batchId: string | undefined;
  /** Memoizer facts when operation is `memoize`. */
  memoize: MemoizeInfo | undefined;
  /** Framework-specific facts (Next.js `unstable_cache` options, NestJS module options). */
  framework: FrameworkInfo | undefined;
  /** For suggestions: where to insert an expiry, and the client API flavour. */
  ttlInsertion: TtlInsertion | undefined;
  /** Cache tags this site writes under (`unstable_cache` `tags`, `cacheTag`) or invalidates (`revalidateTag`, `revalidatePath` as `path:…`). */
  tags: KeyTemplate[];
  /**
   * The `FunctionFacts.id` of the function that runs it: the enclosing function, where an inline callback
   * (`items.map(async (id) => …)`) counts as part of its caller. The one notion of "the same function".
   */
  functionId: string;
  /** The transaction callback it runs in, as in `EntityAccess`. */
  transactionId: string | undefined;
  /** For writes that store a value (`SET`, `HSET`, `cache.set`, `wrap`): what the value is computed from. */
  valueSources: ValueSources | undefined;
  /**
   * For a delete whose key is built from fields of a value (`del(keys.user(user.email))`): the parameters and calls
   * those fields come from, with the fields. Absent when the key uses no value's fields.
   */
  keySources?: ValueSources;
  /** The written value comes only from what a request sent (`req.body`): the key keeps client data, it copies nothing. */
  storesRequestInput?: true;
  /** The key is a parameter of the enclosing function (a generic wrapper's `get(key)`): its index. Callers give the real key. */
  keyParameter: number | undefined;
  /** The TTL is a parameter of the enclosing function (a wrapper's `set(key, value, ttl)`): its index. Callers give the real TTL. */
  ttlParameter?: number;
  /**
   * A write without expiry that runs only when a parameter (or a field of a destructured options parameter) of its
   * function is missing: `if (ttl) { set(k, v, "EX", ttl); return } set(k, v)`. At the calls of a wrapper the write is
   * kept where the option is left out and dropped where it is given.
   */
  ttlGuard?: TtlGuard;
  /** At a wrapper's call: the option that would give this write an expiry is left out, and by whom (for the message). */
  ttlOmitted?: { option: string; wrapper: string; by: string };
  /**
   * The call passes a TTL that never reaches the store: the method is replaced on the instance by a project function
   * that takes fewer arguments (`cache.set = function (key, value) {…}`), or a helper over a Redis command that does
   * not take the options (`client.helpers.mSet(entries, { EX: 60 })`, `method` its name). `ttl` is then the default.
   */
  droppedTtl?: { text: string; replacedAt: Span; method?: string };
  /**
   * What the library's adapter could not read at this site, said instead of guessed: the construction's
   * options are a variable of unknown shape, or the call has a shape the adapter does not know.
   */
  unrecognised?: string;
  /**
   * The written value is what a project key-value store holds under the same key (`cache.set(k, await db.getList(k))`):
   * the cache mirrors that store's key, which is then its source of truth. Absent for any other value.
   */
  mirrorsStore?: StoreMirror;
  /**
   * A library's own cache of rows of the source of truth, configured by options rather than filled by the project's
   * code (Better Auth's session cookie cache and `secondaryStorage`, which hold the signed-in user's row): the
   * entities it copies, read by its key. Writes of those rows that bypass the library leave it stale.
   */
  heldEntities?: HeldEntity[];
  /** A Redis write that only happens when the key is absent (`SETNX`, `HSETNX`, `SET … NX`): a lock or a marker, not a refill. */
  setIfAbsent?: true;
  /** A decorator that acts once the method has returned (`@CacheClear`): written above the body, it runs after it. */
  runsAfterBody?: true;
  /** Set by the program model at a call of a generic wrapper: the cache call inside the wrapper that this site stands for. */
  wrapped?: WrappedCall;
  /**
   * The call runs once per element of a collection in its function (a `for`/`while` body, or a callback of
   * `forEach`/`map`…): the keys it writes in one run are written at the same moment.
   */
  inLoop?: true;
  /**
   * Present when a failing store makes this call throw (its library's adapter says so for reads or writes): how the
   * code around the call handles that error. Absent for calls that cannot fail or whose library catches the error.
   */
  storeFailure?: ErrorHandling;
}

/** A row a library's own cache copies (`CacheSite.heldEntities`). */
export interface HeldEntity {
  /** Comparable name, as in `EntityAccess.entity`. */
  entity: string;
  /** The name as the library's configuration gives it. */
  displayName: string;
  /** The columns the cache copies; undefined for the whole row. */
  fields: string[] | undefined;
  /** The ORM the library writes through, when its database adapter says (`prismaAdapter`). */
  orm: Orm | undefined;
  /** The library's own way to write the row so that its cache follows, as a sentence (the adapter's). */
  writeThrough: string;
}

/** How the code around a call that can throw handles its error, within the function that runs it. */
export interface ErrorHandling {
  /**
   * The error is caught and the function goes on: the call is in a `try` whose `catch` neither rethrows nor hands the
   * error on (`next(err)`, a 5xx response), or its promise has such a `.catch` (or `.then(…, onRejected)`).
   */
  caught?: "try-catch" | "promise-catch";
  /** The call's promise is neither awaited, returned nor passed on (a statement of its own): its failure does not fail the function. */
  detached?: true;
  /** The calls whose arguments hold this one, innermost first: a helper given the call or a callback (`breaker.execute(() => …)`). */
  within: CalleeRef[];
  /**
   * For a call in top-level code: the outermost function literal around it (a route handler written inline,
   * `app.get("/", async (req, res) => …)`), which is the operation its error fails. The call graph counts such
   * callbacks as part of the module.
   */
  inlineFunction?: Span;
}

/** A called function, as far as it could be identified. */
export interface CalleeRef {
  /** The name as called: `safeCache`, `execute`, `CircuitBreaker` for a `new`. */
  name: string;
  /** The file that declares it, when resolved. */
  file: string | undefined;
  /** The package it comes from, when it is a library's (`cockatiel`, `opossum`). */
  package: string | undefined;
}

/** A cache call inside a generic wrapper, where a site at a call of the wrapper comes from. */
export interface WrappedCall {
  span: Span;
  calleeSpan: Span;
  enclosingFunction: string;
}

export interface FrameworkInfo {
  revalidate: Ttl | "false";
  tags: boolean;
}

/** How to add a TTL to a call, for suggestions. */
export interface TtlInsertion {
  /** Offset where text is inserted. */
  at: number;
  /** Text to insert, containing a placeholder the user must choose. */
  text: string;
}

/** A module-level `Map` (or plain object) used as a cache. */
export interface MapCache {
  name: string;
  span: Span;
  /** Read sites (`get`/`has` or element access). */
  reads: Span[];
  /** Write sites (`set` or element assignment). */
  writes: Span[];
  /** Whether anything deletes, clears or checks the size. */
  evicts: boolean;
  /** Whether the key type is provably finite, or every write's key was checked against a static table first. */
  hasFiniteKeyDomain: boolean;
  /** It lives in a browser tab (a `"use client"` module, or writes that return early outside a browser). */
  browserOnly: boolean;
  /** Every write stores an object the code constructs (`new Queue(name)`): a pool of live clients. */
  holdsInstances: boolean;
  /** Every write stores an entry that carries its own time (`expiresAt: Date.now() + ttl`): a hand-written expiry. */
  entriesExpire: boolean;
  /** By write site id: the writing function's parameter that is the key (`check(key) { map.set(key, …) }`): its callers give the key. */
  keyParameters: Record<string, number>;
  exported: boolean;
  /**
   * Its reads, cache-aside writes and evictions as cache sites (library `map`), for the family model.
   * Kept apart from `FileCacheModel.sites`: the per-call rules treat a plain Map through `mapCaches`.
   */
  sites: CacheSite[];
}

/** A cache key that leaves out an input of the cached value. */
export interface KeyGap {
  kind:
    /** A hand-built cache-aside (or read-through factory) whose value is computed from a parameter the key does not contain. */
    | "input-missing-from-key"
    /** Next.js `unstable_cache`: the cached function captures per-call values that are neither arguments nor in `keyParts`. */
    | "captured-not-in-key-parts"
    /** An identity-keyed cache (React `cache`, reselect `weakMapMemoize`, a `WeakMap`) called with a freshly created object: it always misses. */
    | "fresh-identity-argument"
    /** A lodash/underscore resolver that returns a new object or a Promise: lodash compares keys by identity, so it never hits. */
    | "unstable-resolver-key"
    /** A batch loader (DataLoader) whose key function leaves out a field of the request that its batch function reads. */
    | "key-function-missing-field"
    /** A module variable returned when set and otherwise filled from the function's arguments: one value for every call. */
    | "single-slot-ignores-input";
  /** Where to report: the write, the `unstable_cache` call, or the fresh argument. */
  span: Span;
  /** The key pattern, the cache's or memoized function's name. */
  cache: string;
  /** Missing inputs (parameter or variable names, or the request's fields), or the fresh argument's text. */
  inputs: string[];
  /** For a batch loader's key function: the request's fields the key does read. */
  keyInputs?: string[];
  library: LibraryId;
  /** For identity-keyed caches: `file:start` of the cache's declaration, to count calls across the program. */
  cacheId: string | undefined;
}

/** A cached value (returned by a memoized function or read from a cache that stores references) mutated by its caller. */
export interface CachedValueMutation {
  /** The mutation: `list.push(x)`, `user.name = …`, `delete v.k`, `Object.assign(v, …)`, or a call that mutates it. */
  span: Span;
  /** The variable holding the cached value. */
  variable: string;
  /** What is done, for messages: `push()`, `an assignment to .name`. */
  mutation: string;
  /** Where the value comes from: the memoized function or cache, and the read. */
  source: { kind: "memoized" | "cache"; name: string; span: Span };
  /** When the mutation happens in a called function: that function and the mutation inside it. */
  via: { name: string; span: Span } | undefined;
}

export type Orm =
  | "prisma"
  | "typeorm"
  | "drizzle"
  | "kysely"
  | "knex"
  | "sequelize"
  | "mongoose"
  | "mikro-orm"
  | "sql"
  /** A project key-value store that a cache mirrors key for key (`KeyValueAccess`). */
  | "key-value";

/** What a value is computed from inside its function: calls whose results flow into it, and parameters (by index). */
export interface ValueSources {
  calls: Span[];
  parameters: number[];
  /**
   * By call (`file:start`): the property paths read from its result on the paths to the value
   * (`workspace.defaultProduct` → `["defaultProduct"]`, `rows[0].plan` → `["rows.plan"]`; `EXISTS_FIELD` when a path only tests it).
   * A call missing here flows into the value whole.
   */
  callFields: Record<string, string[]>;
  /** By parameter index: the properties the value uses from it (`{ event }`, `args.event`); a parameter missing here is used whole. */
  parameterFields: Record<number, string[]>;
  /** For an object literal (an argument `{ event, workspace }`): the sources of each property, so that a callee using one property depends on that one only. */
  properties?: Record<string, ValueSources>;
}

/** The pseudo-field of a value that only tests whether a row exists (`user ? "a" : "b"`): only deletes change it. */
export const EXISTS_FIELD = "\u0000exists";

/** Stands in `EntityAccess.argumentNames` for a whole argument that is a parameter of the enclosing function. */
export const PARAMETER_ARGUMENT = "\u0000parameter";

/** Marks a property path in `ValueSources.callFields` that the value only tests (`rows.length > 0 ? … : …`). */
export const TESTED_PREFIX = "?";

/** A read or write of the source of truth (a table, model or collection). */
export interface EntityAccess {
  /** Comparable name: lower case, no separators, singular (`User`, `users`, `user_accounts` → `user`, `user`, `useraccount`). */
  entity: string;
  /** The name as written in code. */
  displayName: string;
  operation: "read" | "write";
  /** The ORM method or SQL verb: `update`, `deleteMany`, `UPDATE`. */
  action: string;
  orm: Orm;
  /** The columns written by an update (`data: { name }` → `["name"]`) or returned by a read (Prisma `select`); undefined when unknown or the whole row. */
  fields?: string[];
  /**
   * Raw SQL recognised by the statement's text (`UPDATE user SET …`) on a receiver that no known driver or ORM backs,
   * such as a project's own database service: the table is read from the text, the client was not identified.
   */
  unidentifiedDriver?: true;
  span: Span;
  /** The function that runs it and its range, as in `CacheSite`. */
  enclosingFunction: string;
  scopeStart: number;
  scopeEnd: number;
  /** The transaction callback it runs in (`prisma.$transaction`, `dataSource.transaction`, `db.transaction`), by the transaction call's id. */
  transactionId: string | undefined;
  /** The `FunctionFacts.id` of the function that runs it. */
  functionId: string;
  /**
   * The names the call's arguments use, along its builder chain (`where: { slug }` → `where`, `slug`;
   * `eq(links.id, linkId)` → `eq`, `links`, `id`, `linkId`): what the read selects rows by, for telling a copy of a
   * row (read by the key's own holes) from a value that only used the row once.
   */
  argumentNames: string[];
}

/** A function of the project, with what the whole-program rules need to follow paths through it. */
export interface FunctionFacts {
  /** `file:start` of the function node; `file:module` for top-level code. */
  id: string;
  /** `getUser`, `UserService.rename`, `<handler>`. */
  name: string;
  span: Span;
  /** Project functions it calls (callbacks passed to calls run as part of the function). */
  calls: Array<{
    target: string;
    targetName: string;
    span: Span;
    arguments: ValueSources[];
    argumentKeys: Array<KeyTemplate | undefined>;
    /** Arguments that fold to a number (a TTL passed to a wrapper), for the first six; absent when none does. */
    argumentNumbers?: Array<number | null>;
    /** For the target's parameters that may be left out: what the call gives (`OptionalArgument`); absent when none. */
    optionalArguments?: Array<OptionalArgument | null>;
    /** The call's error is caught and the caller goes on (as `ErrorHandling.caught`): require-cache-fallback's "handled one frame up". */
    recovered?: true;
    /** The calls whose arguments hold this one (as `ErrorHandling.within`); absent when none. */
    within?: CalleeRef[];
  }>;
  /** Events or channels it emits or publishes (`emitter.emit("user.updated")`, `redis.publish("users", …)`). */
  emits: Array<{ event: string; span: Span }>;
  /** Events it is registered to handle (`emitter.on("user.updated", fn)`, `@OnEvent("user.updated")`). */
  handles: string[];
  /**
   * Calls whose callee is named as a lock or a single-flight (`acquireLock`, `mutex.runExclusive`, `redlock.using`,
   * `singleFlight`, `dedupe`): what lets one caller refill a cache while the others wait. Absent when there is none.
   */
  refillGuards?: Array<{ name: string; span: Span }>;
  /** HTTP requests it sends (global `fetch`, axios, got, ky, undici, ofetch): a source a cache's loader may reach. Absent when there is none. */
  requests?: Span[];
  /**
   * Next.js: the function is a `'use cache'` function (its own directive, or the file's) with an explicit
   * `cacheLife(…)`: the profile as written and how often it is refreshed (undefined for a profile not known here).
   */
  cacheLife?: { profile: string; revalidateSeconds: number | undefined; span: Span };
  /** Project components it renders as JSX elements (`<Stats />`): a server component's output is part of its own. */
  renders?: Array<{ target: string; targetName: string; span: Span }>;
}

/** The parameter (and field of a destructured options parameter) whose absence makes a write run without expiry. */
export interface TtlGuard {
  parameter: number;
  field?: string;
  /** The option as the code names it (`ttlSeconds`). */
  name: string;
}

/**
 * What a call gives for a parameter that may be left out: nothing, something (or something not known), one of the
 * caller's own parameters without default (a field of it when destructured), or an object literal's fields.
 */
export type OptionalArgument =
  "given" | "omitted" | { parameter: number; field?: string } | { fields: Record<string, OptionalArgument> };

/** A diagnostic produced by extraction itself (not a rule finding). */
export interface ExtractionNote {
  file: string;
  message: string;
  kind: "partial-types" | "parse-error" | "skipped";
}

/** The cache model of one source file. */
export interface FileCacheModel {
  file: string;
  sites: CacheSite[];
  mapCaches: MapCache[];
  keyGaps: KeyGap[];
  cachedValueMutations: CachedValueMutation[];
  entityAccesses: EntityAccess[];
  /** Functions of this file that call project functions, emit or handle events, or own cache sites or entity accesses. */
  functions: FunctionFacts[];
  /** Library module specifiers imported but not resolvable (no node_modules): identity fell back to names of imports. */
  unresolvedLibraryImports: string[];
  /**
   * Cache-like calls whose receiver could not be resolved to a cache (`cacheService.set(…)` on a value of an
   * unknown library or a wrapper the analyzer cannot see into). Absent when there is none.
   */
  unresolvedCalls?: UnresolvedCall[];
  /** Writes of a class that is given a TTL and passes it to none of them (require-cache-ttl). Absent when there is none. */
  unusedTtls?: UnusedTtl[];
  /** In-process counters whose TTL is computed from the limit the count is compared with (no-ambiguous-ttl-unit). Absent when there is none. */
  countLimitTtls?: CountLimitTtl[];
  /**
   * Invalidations through a method a project cache object does not have (`cache.del(key)` where the object built in the
   * project has `get`, `set` and `delete`): the call throws instead of deleting. Absent when there is none.
   */
  missingCacheMethods?: MissingCacheMethod[];
  /** Calls on project key-value stores (`KeyValueAccess`). Absent when there is none. */
  keyValueAccesses?: KeyValueAccess[];
  /** Fields the code reads off the user of a library's cached session (`SessionUserRead`). Absent when there is none. */
  sessionUserReads?: SessionUserRead[];
  /** Rejections a hand-rolled promise holder keeps (no-cached-rejection). Absent when there is none. */
  keptRejections?: KeptRejection[];
  /**
   * Hand-rolled tables of in-flight promises whose entry is removed only after the promise resolves (no-cached-rejection).
   * Absent when there is none.
   */
  inFlightRejections?: InFlightRejection[];
}

/**
 * The user fields read off a session an auth library serves from its cache (`(await auth.api.getSession(…)).user.name`):
 * what the project shows of the cached row, so what a write of the row can make stale.
 */
export interface SessionUserRead {
  /** The `CacheSite.id` of the call that configures the library's instance (`betterAuth({ … })`). */
  configuredAt: string;
  fields: string[];
}

/**
 * A rejecting exit of the handler of a promise stored in a holder (`app.set("session", promise)`, `this.pending =
 * promise`) that a function returns to later callers, where the holder is not cleared first although the file clears
 * it elsewhere: the rejected promise stays held and every later caller gets the same failure.
 */
export interface KeptRejection {
  /** The exit (`return Promise.reject(error)`, `throw error`). */
  span: Span;
  /** The holder as the finding names it (`` `this.app.get("session")` ``, `` `this.pending` ``). */
  holder: string;
  /** Where the promise is stored. */
  storedAt: Span;
  /** The function that returns the held promise to its callers. */
  returnedBy: string;
  /** Where the holder is cleared, and the function that does it when there is one. */
  clearedAt: Span;
  clearedBy?: string;
}

/**
 * An async function that keeps a promise it started in a long-lived holder (`inflight.set(key, p)`, or a field of an
 * entry a helper registered there) and removes the entry after awaiting it, outside any `try`: when the promise
 * rejects, the removal never runs and the holder serves the rejection to every later caller.
 */
export interface InFlightRejection {
  /** The await that throws past the removal. */
  span: Span;
  /** The holder as written (`this.pending`, `inflight`). */
  holder: string;
  /** The removal the rejection skips, as written, and where it is. */
  removal: string;
  removalSpan: Span;
}

/**
 * A write of a class whose constructor keeps a TTL in a field that the class only tests (`if (!this.ttl)`), through a
 * held project cache whose write takes a TTL parameter the call leaves out: `this.cache.put(key, value)` where
 * `put(key, value, ttl)`. The entry gets the store's default expiry; the configured TTL has no effect.
 */
export interface UnusedTtl {
  /** The write call. */
  span: Span;
  className: string;
  /** The constructor parameter the TTL comes from, and the field that keeps it. */
  ttlParameter: string;
  field: string;
  /** The held object as written (`this.cache`), the write method, and the project class of the held object. */
  held: string;
  method: string;
  heldClass: string;
  /** The 1-based position of the write method's TTL parameter, its name, and where that parameter is declared. */
  ttlArgument: number;
  ttlArgumentName: string;
  declaredAt: Span;
}

/**
 * A counter kept in an in-process cache (`const count = (hits.get(key) || 0) + 1; … hits.set(key, count)`) whose TTL
 * is computed from the value the count is compared with (`count > limit`, `ttl: limit * 1000`): a count read as a
 * duration.
 */
export interface CountLimitTtl {
  /** The TTL expression (the construction's option or the write's argument). */
  span: Span;
  ttl: string;
  /** The value the TTL scales, as written, which is also the counter's limit. */
  limit: string;
  /** The counter variable as written. */
  counter: string;
  /** The comparison of the counter with the limit. */
  comparedAt: Span;
  /** The write of the counter. */
  writtenAt: Span;
}

/** A call of an invalidation method that a project cache object (an object literal or a class of the project) lacks. */
export interface MissingCacheMethod {
  /** The receiver as written (`cache`, `this.store`). */
  receiver: string;
  method: string;
  span: Span;
  /** The object's own methods, sorted. */
  methods: string[];
  /** Where the object (or class) is declared. */
  declaredAt: Span;
}

/** A call that looks like a cache operation on something the analyzer could not identify. */
export interface UnresolvedCall {
  /** The receiver as written, shortened (`this.cacheService`, `redis`). */
  receiver: string;
  method: string;
  span: Span;
}
