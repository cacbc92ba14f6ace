// Program model pass: how a family is refilled after a miss, for the stampede rule. For each refill (a cache-aside
// write after a read of the family, or a read-through call): how many keys the family has (a hot family has few),
// whether the entry expires, what the loader reaches (a database read, an HTTP request), and whether anything lets
// one caller refill while the others wait or get the stale value (the library's coalescing, a `SET … NX` lock, a
// lock or single-flight call, an in-flight table, a memoizer in front).
import type { CacheSite, FunctionFacts, KeyTemplate, Span } from "../model/cache-model";
import type { CacheFamily, FamilyRefill, RefillGuard, RefillSource } from "../model/program-model";
import { getStoreAdapter } from "../libraries/registry";
import { READ_THROUGH_METHODS } from "./assign-families";
import { collectReachable, MAX_CALL_DEPTH, type CallIndex } from "./call-index";
import type { FedPopulator } from "./entity-dependencies";

/** How far up the callers a guard around the refill (`withLock(() => getConfig())`) is looked for. */
const CALLER_DEPTH = 2;

export function addRefills(
  fed: readonly FedPopulator[],
  sites: readonly CacheSite[],
  families: ReadonlyMap<string, CacheFamily>,
  familiesOfSite: ReadonlyMap<string, string[]>,
  { functions, callers }: CallIndex,
): void {
  const sitesById = new Map(sites.map((site) => [site.id, site] as const));
  for (const family of families.values()) {
    const keyCount = countKeys(family, sitesById);
    if (keyCount !== undefined) family.keyCount = keyCount;
  }
  const locks = indexLocks(sites, families, familiesOfSite);
  const memoized = indexMemoizedFunctions(sites, functions);
  for (const { populator, loadsFromSource } of fed) {
    const { family, site } = populator;
    const strategy = refillStrategy(site, family, callers);
    if (!strategy) continue;
    const reachable = collectReachable(site.functionId, functions, MAX_CALL_DEPTH);
    const above = collectCallers(site.functionId, callers, CALLER_DEPTH);
    const scope = [...new Set([...reachable, ...above])];
    const ttlFact = family.ttls.find((ttl) => ttl.siteId === site.id);
    const refill: FamilyRefill = {
      siteId: site.id,
      span: site.span,
      functionId: site.functionId,
      enclosingFunction: site.enclosingFunction,
      strategy,
      ttl: { kind: ttlFact?.kind ?? "unknown", ms: ttlFact?.ms },
      source: findSource(family, loadsFromSource, reachable, functions),
      guard: findGuard(site, scope, functions, locks, memoized),
      scope,
    };
    (family.refills ??= []).push(refill);
  }
}

/** Cache-aside when a read of the family comes first in the same function, or in a sibling called by the same caller. */
function refillStrategy(
  site: CacheSite,
  family: CacheFamily,
  callers: ReadonlyMap<string, string[]>,
): FamilyRefill["strategy"] | undefined {
  if (READ_THROUGH_METHODS.has(site.method)) return "read-through";
  if (family.reads.some((read) => read.functionId === site.functionId && read.span.start <= site.span.start))
    return "cache-aside";
  const writeCallers = new Set(callers.get(site.functionId) ?? []);
  if (
    writeCallers.size > 0 &&
    family.reads.some((read) => (callers.get(read.functionId) ?? []).some((caller) => writeCallers.has(caller)))
  )
    return "cache-aside";
  return undefined;
}

/** 1 for a key without holes; the product of the holes' domains when every write's holes are finite; else undefined. */
function countKeys(family: CacheFamily, sitesById: ReadonlyMap<string, CacheSite>): number | undefined {
  if (family.kind === "memoizer" || family.kind === "framework") return undefined;
  const keys = family.writes.map((ref) => sitesById.get(ref.siteId)?.key);
  if (keys.length === 0 || keys.some((key) => key === undefined)) return undefined;
  let most = 0;
  for (const key of keys as KeyTemplate[]) {
    const count = countTemplateKeys(key);
    if (count === undefined) return undefined;
    most = Math.max(most, count);
  }
  return most;
}

function countTemplateKeys(key: KeyTemplate): number | undefined {
  let count = 1;
  for (const part of key.parts) {
    if (part.kind !== "hole") continue;
    if (part.domain === undefined) return undefined;
    count *= part.domain;
  }
  return count;
}

/** The database the family is filled from, or else an HTTP request the refilling function (or a callee) sends. */
function findSource(
  family: CacheFamily,
  loadsFromSource: boolean,
  reachable: readonly string[],
  functions: ReadonlyMap<string, FunctionFacts>,
): RefillSource | undefined {
  const entity = loadsFromSource
    ? (family.entities.find((candidate) => candidate.collection) ?? family.entities[0])
    : undefined;
  if (entity)
    return {
      kind: "database",
      name: entity.displayName,
      span: entity.span,
      ...(entity.collection ? { collection: true as const } : {}),
    };
  for (const id of reachable) {
    const request = functions.get(id)?.requests?.[0];
    if (request) return { kind: "http", name: "an HTTP request", span: request };
  }
  return undefined;
}

/** By function id: the `SET … NX` writes there (a lock, or a marker a lock is built from). */
interface Locks {
  setIfAbsent: Map<string, Span>;
  /** In-flight tables: in-process families each of whose writes is deleted again by the function that wrote it. */
  inFlight: Map<string, { name: string; span: Span }>;
}

function indexLocks(
  sites: readonly CacheSite[],
  families: ReadonlyMap<string, CacheFamily>,
  familiesOfSite: ReadonlyMap<string, string[]>,
): Locks {
  const setIfAbsent = new Map<string, Span>();
  for (const site of sites)
    if (site.setIfAbsent && !setIfAbsent.has(site.functionId)) setIfAbsent.set(site.functionId, site.span);
  const inFlight = new Map<string, { name: string; span: Span }>();
  for (const site of sites) {
    if (site.kind !== "in-process" || site.operation !== "write") continue;
    for (const id of familiesOfSite.get(site.id) ?? []) {
      const family = families.get(id);
      if (
        family &&
        family.writes.every((write) =>
          family.invalidations.some((ref) => ref.operation === "delete" && ref.functionId === write.functionId),
        ) &&
        !inFlight.has(site.functionId)
      )
        inFlight.set(site.functionId, { name: family.instance ?? family.label, span: site.span });
    }
  }
  return { setIfAbsent, inFlight };
}

/** Functions memoized as a whole (their promise is shared by concurrent callers): function id → the memoizer call. */
function indexMemoizedFunctions(
  sites: readonly CacheSite[],
  functions: ReadonlyMap<string, FunctionFacts>,
): Map<string, { name: string; span: Span }> {
  const memoized = new Map<string, { name: string; span: Span }>();
  const byFile = new Map<string, FunctionFacts[]>();
  for (const facts of functions.values()) {
    const list = byFile.get(facts.span.file);
    if (list) list.push(facts);
    else byFile.set(facts.span.file, [facts]);
  }
  for (const site of sites) {
    const fn = site.memoize?.fn;
    if (site.operation !== "memoize" || !fn?.isAsync || !fn.span) continue;
    const span = fn.span;
    for (const facts of byFile.get(span.file) ?? []) {
      if (facts.span.start >= span.start && facts.span.start < span.end && !memoized.has(facts.id))
        memoized.set(facts.id, { name: `${site.library} ${site.method}`, span: site.span });
    }
  }
  return memoized;
}

function findGuard(
  site: CacheSite,
  scope: readonly string[],
  functions: ReadonlyMap<string, FunctionFacts>,
  locks: Locks,
  memoized: ReadonlyMap<string, { name: string; span: Span }>,
): RefillGuard | undefined {
  if (getStoreAdapter(site.library)?.coalescedReadThrough.has(site.method))
    return { kind: "library", name: `${site.library} ${site.method}`, span: site.calleeSpan };
  for (const id of scope) {
    const lock = locks.setIfAbsent.get(id);
    if (lock) return { kind: "lock", name: "SET NX", span: lock };
    const call = functions.get(id)?.refillGuards?.[0];
    if (call) return { kind: "guard-call", name: call.name, span: call.span };
    const table = locks.inFlight.get(id);
    if (table) return { kind: "in-flight", name: table.name, span: table.span };
    const memoizer = memoized.get(id);
    if (memoizer) return { kind: "memoized", name: memoizer.name, span: memoizer.span };
  }
  return undefined;
}

/** The function's callers, and theirs, up to `depth` levels. */
function collectCallers(start: string, callers: ReadonlyMap<string, string[]>, depth: number): string[] {
  const seen = new Set<string>();
  let frontier = [start];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const id of frontier)
      for (const caller of callers.get(id) ?? [])
        if (!seen.has(caller) && caller !== start) {
          seen.add(caller);
          next.push(caller);
        }
    frontier = next;
  }
  return [...seen];
}
