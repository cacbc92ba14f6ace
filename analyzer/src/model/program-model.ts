// Plain data: the whole-program cache model that `program-model/build-program-model.ts` builds from
// the per-file models, and that whole-program rules and `cachewise families` read.
import type {
  Bound,
  CacheKind,
  CacheSite,
  EntityAccess,
  FunctionFacts,
  LibraryId,
  Span,
  Ttl,
  ValueSources,
  WrappedCall,
} from "./cache-model";

/** How a family is kept: filled on a miss, by a loader, with the new value on write, or with the new value while the write of the source is queued. */
export type Strategy = "cache-aside" | "read-through" | "write-through" | "write-behind";

export interface FamilySiteRef {
  /** An invalidation counted for every family of a client because its key could not be read. */
  wildcard?: boolean;
  siteId: string;
  span: Span;
  method: string;
  operation: "read" | "write" | "delete" | "expire" | "memoize" | "construct";
  functionId: string;
  enclosingFunction: string;
  /** Runs after the function's body although written before it (a clearing decorator). */
  runsAfterBody?: true;
  /** A write only when the key is absent (`SET … NX`). */
  setIfAbsent?: true;
  /** A write of what a request sent (`req.body`), nothing else. */
  storesRequestInput?: true;
  /** At a call of a generic wrapper: the cache call inside the wrapper (what `cachewise families` lists). */
  wrapped?: WrappedCall;
  /** For a delete whose key is built from fields of a value: where those fields come from (`CacheSite.keySources`). */
  keySources?: ValueSources;
}

/**
 * What a family is for, read from how the code uses it: `cache` (filled after a miss, or by a memoizer or
 * framework), `store` (written and read back, never filled after a miss), `queue` (a list or stream appended to),
 * `coordination` (a lock, a marker, a watermark: only written when absent, or named so), `counter` (only
 * incremented), `job-state` (the progress or status of a running job), `unknown`.
 */
export type FamilyRole = "cache" | "store" | "queue" | "coordination" | "counter" | "job-state" | "unknown";

/** Every role, for validating a role declared in the configuration. */
export const FAMILY_ROLES: readonly FamilyRole[] = [
  "cache",
  "store",
  "queue",
  "coordination",
  "counter",
  "job-state",
  "unknown",
];

/**
 * How a family's values can go stale: `source` (a copy of an entity read by the key's own holes: writing the
 * entity stales it), `snapshot` (assembled from an entity once and keyed by something else: history),
 * `pure` (computed from the key alone), `unknown`.
 */
export type FamilyVolatility = "source" | "snapshot" | "pure" | "unknown";

/**
 * What a family's keys range over: `fixed` (one key), `entity` (a key per row: user, account), `ephemeral` (a
 * key per request, token, job, checkout or time window: unbounded), `unknown`.
 */
export type FamilyKeyDomain = "fixed" | "entity" | "ephemeral" | "unknown";

export interface FamilyTtl {
  /** Milliseconds when known; `Infinity` for "no expiry". */
  ms: number | undefined;
  text: string;
  kind: Ttl["kind"];
  /** Where it is set (a write, or the instance's construction for a default TTL). */
  span: Span;
  /** The unit the API takes, as written. */
  unit: string | undefined;
  /** The write or memoize site it applies to. */
  siteId: string;
}

export interface FamilyEntity {
  entity: string;
  displayName: string;
  /**
   * The row is held by a library's own cache (`CacheSite.heldEntities`), which follows writes made through the
   * library only: the library's way to write it, as a sentence.
   */
  writeThrough?: string;
  /** The read returns a collection or an aggregate (`findMany`, `count`): creating a row changes it too. */
  collection: boolean;
  /** The read that populates the family. */
  span: Span;
  orm: EntityAccess["orm"];
  /** The read is raw SQL recognised by its text on a client no known driver backs (`EntityAccess.unidentifiedDriver`). */
  unidentifiedDriver?: true;
  /** The row's properties that reach the cached value (union over its reads); undefined when the whole row does. */
  fields: string[] | undefined;
  /**
   * The read selects the row by the key's own holes (`user:{id}` ← `findUnique({ where: { id } })`), or the key
   * has no holes: the family holds a copy of the row. False for a value that used a row found some other way.
   */
  readByKey: boolean;
}

export interface CacheFamily {
  id: string;
  /** `user:{id}`, `users {id}`, `getUser() memoizee`, `listProducts() unstable_cache`. */
  label: string;
  /** The pattern with prefix, or the tag; for memoizers the function name. */
  pattern: string;
  kind: CacheKind;
  /** Cache tags its entries carry (Next.js `tags`, `cacheTag`): revalidating any of them invalidates the family. */
  tags: string[];
  library: LibraryId | undefined;
  instance: string | undefined;
  reads: FamilySiteRef[];
  writes: FamilySiteRef[];
  invalidations: FamilySiteRef[];
  ttls: FamilyTtl[];
  bound: Bound | undefined;
  strategies: Strategy[];
  entities: FamilyEntity[];
  /** The longest time a reader can see a stale value: the largest TTL, `Infinity` when something never expires, undefined when unknown. */
  maxStalenessMs: number | undefined;
  role: FamilyRole;
  /** Why the family has its role, in one sentence. */
  roleEvidence: string;
  volatility: FamilyVolatility;
  volatilityEvidence: string;
  /** Filled by a function of its arguments alone (a memoized function with no I/O, clock or outer state). */
  computedFromKey?: true;
  keyDomain: FamilyKeyDomain;
  keyDomainEvidence: string;
  /** What the libraries' adapters could not read at this family's sites or constructions (its figures are partial there). */
  unrecognised: Array<{ what: string; span: Span }>;
  /**
   * How many keys the family can have, when that is known: 1 for a fixed key; the product of its holes' domains
   * when every write's holes have a finite type (a union of literals, an enum). Absent when open.
   */
  keyCount?: number;
  /** The refills after a miss (a cache-aside write, a read-through call), with their loader's source and guard. Absent when none. */
  refills?: FamilyRefill[];
}

/** What the loader of a refill reaches: a database (an entity the family is filled from) or an HTTP request. */
export interface RefillSource {
  kind: "database" | "http";
  /** The entity (`Setting`) or the request call (`fetch`), for messages. */
  name: string;
  span: Span;
  /**
   * For a database: the read returns many rows or an aggregate (`findMany`, `count`, a first row found by a scan),
   * rather than one row found by a key. One row by its key is a cheap read, even run by every concurrent caller.
   */
  collection?: true;
}

/**
 * What lets one caller refill while concurrent misses wait or get the stale value: the library's read-through
 * coalesces (`library`), a `SET … NX` lock (`lock`), a call named as a lock or single-flight (`guard-call`), an
 * in-flight table of promises (`in-flight`), a memoizer in front of the refilling function (`memoized`).
 */
export interface RefillGuard {
  kind: "library" | "lock" | "guard-call" | "in-flight" | "memoized";
  /** `cache-manager wrap`, `acquireLock`, `pending`: for `families` and debugging. */
  name: string;
  span: Span;
}

/** One refill of a family after a miss. */
export interface FamilyRefill {
  /** The write (or read-through call) that stores the loaded value. */
  siteId: string;
  span: Span;
  /** The function that runs it. */
  functionId: string;
  enclosingFunction: string;
  strategy: "cache-aside" | "read-through";
  /** The write's expiry: `set` when the entry expires (and a miss follows), with its milliseconds when known. */
  ttl: { kind: "none" | "keep" | "set" | "unknown"; ms: number | undefined };
  /** What the loader reaches; undefined when neither a database read nor an HTTP request was found. */
  source: RefillSource | undefined;
  /** What lets one caller refill while the others wait; undefined when nothing was found. */
  guard: RefillGuard | undefined;
  /** Functions whose calls could wrap the refill in the project's own lock helper: the refilling function, what it calls, its callers. */
  scope: string[];
}

export interface ProgramModel {
  families: CacheFamily[];
  functions: ReadonlyMap<string, FunctionFacts>;
  /** Function id → ids of the functions that call it. */
  callers: ReadonlyMap<string, string[]>;
  /** Event name → ids of the functions that handle it. */
  handlers: ReadonlyMap<string, string[]>;
  /** Function id → ids of the families invalidated directly in it. */
  invalidatedIn: ReadonlyMap<string, Set<string>>;
  /** The same without wildcard invalidations (deletes whose key could not be read). */
  preciseInvalidatedIn: ReadonlyMap<string, Set<string>>;
  /** Only deletes, expiries and tag revalidations (no rewrites), without wildcards: what "invalidating before the write" means. */
  deletedIn: ReadonlyMap<string, Set<string>>;
  entityWrites: EntityAccess[];
  /** Reads of the source of truth by the id of the function they sit in (require-cache-fallback: does a path reach the source). */
  entityReadsByFunction: ReadonlyMap<string, EntityAccess[]>;
  /** Identity-keyed cache id → number of calls with a fresh object argument, across the program. */
  freshIdentityCalls: ReadonlyMap<string, number>;
  /** Family ids a site belongs to. */
  familiesOfSite: ReadonlyMap<string, string[]>;
  /** By construction (`constructionKey` of the instance's `constructedAt`): the families its sites reach, in any file. */
  familiesOfInstance: ReadonlyMap<string, string[]>;
  /** The families by id. */
  familiesById: ReadonlyMap<string, CacheFamily>;
  /**
   * By file: the sites at the calls of generic wrappers there (`save(\`user:${id}\`, v)` for
   * `save(key, v) { redis.set(key, v) }`), where rules judge a wrapper.
   */
  wrapperCallSitesByFile: ReadonlyMap<string, CacheSite[]>;
  /** Families written with tags the extractor could not read (`unstable_cache(fn, keys, { tags: tagsOf(id) })`): they may carry any tag. */
  familiesWithUnreadableTags: ReadonlySet<string>;
}
