// The whole-program cache model: cache families (all keys of one template, one tag, one
// memoized function), the entities each depends on, and the call graph and events that
// connect writes of the source of truth to invalidations. Built from the per-file models
// only (plain data in, plain data out): the same code serves the CLI and ESLint.
import {
  EXISTS_FIELD,
  TESTED_PREFIX,
  type CacheSite,
  type EntityAccess,
  type FileCacheModel,
  type FunctionFacts,
  type KeyTemplate,
  type Span,
  type Ttl,
  type ValueSources,
} from "../model/cache-model";
import type {
  CacheFamily,
  FamilyEntity,
  FamilySiteRef,
  FamilyTtl,
  ProgramModel,
  Strategy,
} from "../model/program-model";
import { REDIS_CONSUMING_COMMANDS } from "../extract/library-table";
import { mergeValueSources, selectArgumentSources } from "../extract/value-sources";
import { formatDuration } from "../format/duration";
import { isTestFile } from "./file-kinds";

/** Reads that return collections or aggregates, which a new row changes (a single-row read cannot be made stale by a create). */
const COLLECTION_READS = new Set([
  "findMany",
  "count",
  "aggregate",
  "groupBy",
  "find",
  "findBy",
  "findAll",
  "findAndCount",
  "findAndCountBy",
  "findAndCountAll",
  "countBy",
  "countDocuments",
  "estimatedDocumentCount",
  "distinct",
  "max",
  "min",
  "sum",
]);

/** Redis commands that store a value computed elsewhere: the ones that make a key a cache of the source of truth. */
const VALUE_WRITE_COMMANDS = new Set([
  "set",
  "setex",
  "psetex",
  "setnx",
  "getset",
  "mset",
  "msetnx",
  "hset",
  "hmset",
  "hsetnx",
]);

/** How far calls are followed from a function to find entity reads or invalidations. */
const MAX_CALL_DEPTH = 6;

/** Normalises a key pattern for identity: holes are unnamed, so `user:{id}` and `user:{userId}` are one family. */
export function normalizePattern(pattern: string): string {
  return pattern.replace(/\{[^{}]*\}/g, "{}");
}

/** True when the pattern is nothing but holes: a generic wrapper's `key` parameter, not a family. */
function isOpaquePattern(pattern: string): boolean {
  return /^(\{[^{}]*\})+$/.test(pattern) || pattern === "";
}

/** In-process calls that return the cached value or compute and store it. */
const READ_THROUGH_METHODS = new Set(["wrap", "getOrSet", "getOrSetForever", "fetch"]);

function instanceKey(site: CacheSite): string {
  const at = site.instance?.constructedAt;
  return at ? `${at.file}:${at.start}` : (site.instance?.name ?? site.library);
}

function toRef(site: CacheSite): FamilySiteRef {
  const ref: FamilySiteRef = {
    siteId: site.id,
    span: site.span,
    method: site.method,
    operation: site.operation,
    functionId: site.functionId,
    enclosingFunction: site.enclosingFunction,
  };
  if (site.runsAfterBody) ref.runsAfterBody = true;
  return ref;
}

function ttlMs(ttl: Ttl): number | undefined {
  if (ttl.kind === "none") return Infinity;
  if (ttl.kind === "set") return ttl.ms;
  return undefined;
}

export function buildProgramModel(models: readonly FileCacheModel[]): ProgramModel {
  const functions = new Map<string, FunctionFacts>();
  const callers = new Map<string, string[]>();
  const handlers = new Map<string, string[]>();
  for (const model of models) {
    for (const fn of model.functions) functions.set(fn.id, fn);
  }
  for (const fn of functions.values()) {
    for (const call of fn.calls) {
      const list = callers.get(call.target) ?? [];
      if (!list.includes(fn.id)) list.push(fn.id);
      callers.set(call.target, list);
    }
    for (const event of fn.handles) {
      const list = handlers.get(event) ?? [];
      list.push(fn.id);
      handlers.set(event, list);
    }
  }
  // Redis pub/sub: a `message` handler receives every channel the program subscribes to.
  const messageHandlers = [...(handlers.get("message") ?? []), ...(handlers.get("pmessage") ?? [])];
  if (messageHandlers.length > 0) {
    for (const fn of functions.values()) {
      for (const emit of fn.emits) {
        const list = handlers.get(emit.event) ?? [];
        for (const id of messageHandlers) if (!list.includes(id)) list.push(id);
        handlers.set(emit.event, list);
      }
    }
  }

  const families = new Map<string, CacheFamily>();
  const familiesOfSite = new Map<string, string[]>();
  const invalidatedIn = new Map<string, Set<string>>();
  /** Wildcard invalidations (a delete with an unknown key, `clear()`), by family-id prefix. */
  const wildcardInvalidations: Array<{ prefix: string; site: CacheSite }> = [];
  const entityReadsByFunction = new Map<string, EntityAccess[]>();
  /** Reads by the position of their call (`file:start`). */
  const entityReadsByCall = new Map<string, EntityAccess[]>();
  const entityWrites: EntityAccess[] = [];
  for (const model of models) {
    for (const access of model.entityAccesses) {
      if (access.operation === "write") entityWrites.push(access);
      else {
        const list = entityReadsByFunction.get(access.functionId) ?? [];
        list.push(access);
        entityReadsByFunction.set(access.functionId, list);
        const key = `${access.span.file}:${access.span.start}`;
        entityReadsByCall.set(key, [...(entityReadsByCall.get(key) ?? []), access]);
      }
    }
  }
  // Calls to project functions by position: a value's source call may sit in a callback (a `getOrSet` factory).
  const projectCallsByPosition = new Map<string, FunctionFacts["calls"][number]>();
  for (const facts of functions.values())
    for (const call of facts.calls) projectCallsByPosition.set(`${call.span.file}:${call.span.start}`, call);

  const getFamily = (
    id: string,
    init: () => Omit<
      CacheFamily,
      "reads" | "writes" | "invalidations" | "ttls" | "strategies" | "entities" | "maxStalenessMs" | "tags"
    >,
  ): CacheFamily => {
    let family = families.get(id);
    if (!family) {
      family = {
        ...init(),
        tags: [],
        reads: [],
        writes: [],
        invalidations: [],
        ttls: [],
        strategies: [],
        entities: [],
        maxStalenessMs: undefined,
      };
      families.set(id, family);
    }
    return family;
  };
  const link = (site: CacheSite, familyId: string) => {
    const list = familiesOfSite.get(site.id) ?? [];
    if (!list.includes(familyId)) list.push(familyId);
    familiesOfSite.set(site.id, list);
  };
  const preciseInvalidatedIn = new Map<string, Set<string>>();
  const deletedIn = new Map<string, Set<string>>();
  const addInvalidation = (site: CacheSite, family: CacheFamily, wildcard = false) => {
    family.invalidations.push(wildcard ? { ...toRef(site), wildcard } : toRef(site));
    const maps = wildcard
      ? [invalidatedIn]
      : site.operation === "write"
        ? [invalidatedIn, preciseInvalidatedIn]
        : [invalidatedIn, preciseInvalidatedIn, deletedIn];
    for (const map of maps) {
      const set = map.get(site.functionId) ?? new Set<string>();
      set.add(family.id);
      map.set(site.functionId, set);
    }
    link(site, family.id);
  };
  /** Sites whose family is decided by a later pass (tag invalidations, wildcards, decorator deletes). */
  const tagInvalidations: CacheSite[] = [];
  const decoratorDeletes: CacheSite[] = [];
  const pendingWrites: Array<{ site: CacheSite; family: CacheFamily }> = [];
  /** Populating sites, for entity dependencies: the function that computes the value. */
  const populators: Array<{
    family: CacheFamily;
    functionId: string;
    site: CacheSite;
    strategy: Strategy | undefined;
    within?: Span;
  }> = [];

  // Module-level Map caches take part as in-process caches (their sites live beside the model's, see `MapCache.sites`).
  const mapSites = models.flatMap((model) => model.mapCaches.flatMap((cache) => cache.sites));
  for (const site of [
    ...expandWrapperSites(
      models.flatMap((model) => model.sites),
      functions,
      callers,
    ),
    ...mapSites,
  ]) {
    {
      if (site.operation === "construct") continue;
      if (site.kind === "redis" || site.kind === "in-process") {
        const prefix = site.instance?.keyPrefix ?? "";
        const isRedis = site.kind === "redis";
        const scope = isRedis ? "redis" : `in-process:${instanceKey(site)}`;
        let pattern = site.key ? site.key.pattern : undefined;
        // bentocache `deleteByTag({ tags })`: every entry written with one of the tags.
        if (site.operation === "delete" && site.tags.length > 0) {
          tagInvalidations.push(site);
          continue;
        }
        if (pattern === undefined || isOpaquePattern(pattern)) {
          // A delete or expiry with a key we cannot read counts for every family of this client or cache
          // (of its namespace, for a bentocache `namespace("users").clear()`).
          if (site.operation === "delete" || site.operation === "expire") {
            wildcardInvalidations.push({ prefix: `${scope}|${isRedis ? "" : normalizePattern(prefix)}`, site });
            continue;
          }
          // An in-process cache keyed by a bare id is one family (the instance); a Redis write with an
          // opaque key is a generic wrapper's `set(key, value)`, which belongs to no family by itself.
          if (isRedis || site.key === undefined) continue;
          pattern = "*";
        }
        const full = prefix + pattern;
        const id = `${scope}|${normalizePattern(full)}`;
        const family = getFamily(id, () => ({
          id,
          label: isRedis
            ? full
            : pattern === "*"
              ? (site.instance?.name ?? site.library)
              : `${site.instance?.name ?? site.library} ${full}`,
          pattern: full,
          kind: site.kind,
          library: site.library,
          instance: site.instance?.name,
          bound: site.instance?.bound,
        }));
        link(site, id);
        if (site.operation === "read") family.reads.push(toRef(site));
        else if (site.operation === "write") {
          family.writes.push(toRef(site));
          addTags(family, site.tags);
          const ttl =
            site.ttl.kind === "none" && site.instance && site.instance.defaultTtl.kind !== "none"
              ? site.instance.defaultTtl
              : site.ttl;
          const at = ttl === site.ttl ? site.span : (site.instance?.constructedAt ?? site.span);
          family.ttls.push({
            ms: ttlMs(ttl),
            text: ttl.kind === "set" ? ttl.text : ttl.kind,
            kind: ttl.kind,
            span: at,
            unit: ttl.kind === "set" ? ttl.unit : undefined,
            siteId: site.id,
          });
          const readThrough = READ_THROUGH_METHODS.has(site.method);
          // Counters, lists, sets and streams hold state the code builds, not copies of the source of truth.
          if (site.kind === "in-process" || VALUE_WRITE_COMMANDS.has(site.method))
            populators.push({
              family,
              functionId: site.functionId,
              site,
              strategy: readThrough ? "read-through" : undefined,
            });
          // A write is also an invalidation (the new value replaces the old one), unless it fills a miss.
          if (!readThrough) pendingWrites.push({ site, family });
        } else {
          addInvalidation(site, family);
          // EXPIRE sets the family's TTL as much as `SET … EX` does.
          if (site.operation === "expire" && site.ttl.kind === "set") {
            family.ttls.push({
              ms: site.ttl.ms,
              text: site.ttl.text,
              kind: "set",
              span: site.span,
              unit: site.ttl.unit,
              siteId: site.id,
            });
          }
        }
        continue;
      }
      // Decorator caches keyed by name (@type-cacheable `cacheKey`, NestJS `@CacheKey`): one family per key
      // pattern, shared by the method that fills it and the decorators or cache calls that clear it.
      if (
        (site.library === "type-cacheable" || site.library === "nestjs-cache") &&
        site.key &&
        !isOpaquePattern(site.key.pattern)
      ) {
        if (site.operation === "delete") {
          decoratorDeletes.push(site);
          continue;
        }
        const pattern = site.key.pattern;
        const id = `decorator|${normalizePattern(pattern)}`;
        const family = getFamily(id, () => ({
          id,
          label: pattern,
          pattern,
          kind: site.kind,
          library: site.library,
          instance: undefined,
          bound: site.memoize?.bound,
        }));
        link(site, id);
        family.writes.push(toRef(site));
        const ttl = site.memoize ? site.memoize.maxAge : site.ttl;
        family.ttls.push({
          ms: ttlMs(ttl),
          text: ttl.kind === "set" ? ttl.text : ttl.kind,
          kind: ttl.kind,
          span: site.span,
          unit: ttl.kind === "set" ? ttl.unit : undefined,
          siteId: site.id,
        });
        // The decorated method computes the value: its body follows the decorator, so read inside it rather than before the site.
        const fnSpan = site.memoize?.fn?.span;
        const within: Span = fnSpan ?? { ...site.span, start: site.scopeStart, end: site.scopeEnd };
        populators.push({
          family,
          functionId: fnSpan ? `${fnSpan.file}:${fnSpan.start}` : site.functionId,
          site,
          strategy: "read-through",
          within,
        });
        continue;
      }
      if (site.operation === "memoize" && site.memoize) {
        const id = `memoize|${site.id}`;
        const name = site.memoize.fn?.name ?? site.enclosingFunction;
        const family = getFamily(id, () => ({
          id,
          label: `${name}() ${site.library === "next" ? "unstable_cache" : site.library}`,
          pattern: name,
          kind: site.kind,
          library: site.library,
          instance: name,
          bound: site.memoize!.bound,
        }));
        link(site, id);
        family.writes.push(toRef(site));
        family.ttls.push({
          ms: ttlMs(site.memoize.maxAge),
          text: site.memoize.maxAge.kind === "set" ? site.memoize.maxAge.text : site.memoize.maxAge.kind,
          kind: site.memoize.maxAge.kind,
          span: site.span,
          unit: site.memoize.maxAge.kind === "set" ? site.memoize.maxAge.unit : undefined,
          siteId: site.id,
        });
        // An inline function passed to the memoizer runs as part of the code around it (the call graph's
        // view of callbacks): read only what lies inside it. A function declared elsewhere is its own node.
        const fnSpan = site.memoize.fn?.span;
        const inline =
          fnSpan !== undefined &&
          fnSpan.file === site.span.file &&
          fnSpan.start >= site.span.start &&
          fnSpan.end <= site.span.end;
        const functionId = fnSpan && !inline ? `${fnSpan.file}:${fnSpan.start}` : site.functionId;
        const within = inline ? fnSpan : undefined;
        populators.push({ family, functionId, site, strategy: "read-through", within });
        addTags(family, site.tags);
        continue;
      }
      if (site.library === "next" && site.tags.length > 0) {
        if (site.operation === "delete") {
          tagInvalidations.push(site);
          continue;
        }
        // `cacheTag(…)` inside a 'use cache' function: the function's result is the cached value.
        const id = `use-cache|${site.functionId}`;
        const family = getFamily(id, () => ({
          id,
          label: `${site.enclosingFunction}() 'use cache'`,
          pattern: site.enclosingFunction,
          kind: "framework",
          library: "next",
          instance: undefined,
          bound: undefined,
        }));
        link(site, id);
        family.writes.push(toRef(site));
        addTags(family, site.tags);
        populators.push({ family, functionId: site.functionId, site, strategy: "read-through" });
      }
    }
  }

  function addTags(family: CacheFamily, tags: readonly KeyTemplate[]): void {
    for (const tag of tags) {
      if (!family.tags.includes(tag.pattern)) family.tags.push(tag.pattern);
    }
  }

  // @CacheClear / @CacheUpdate's `cacheKeysToClear` (a prefix with `isPattern`), and cache-manager calls on the
  // store NestJS's interceptor writes to (`cacheManager.del("products")`), clear decorator families by key.
  const decoratorFamilies = [...families.values()].filter((family) => family.id.startsWith("decorator|"));
  for (const site of decoratorDeletes) {
    const prefix = site.method.endsWith("*");
    const wanted = normalizePattern(site.key!.pattern);
    for (const family of decoratorFamilies) {
      const pattern = normalizePattern(family.pattern);
      if (prefix ? pattern.startsWith(wanted) : pattern === wanted) addInvalidation(site, family);
    }
  }
  for (const site of models.flatMap((model) => model.sites)) {
    if (site.library !== "cache-manager" || !site.key || (site.operation !== "delete" && site.operation !== "write"))
      continue;
    const wanted = normalizePattern(site.key.pattern);
    for (const family of decoratorFamilies) {
      if (normalizePattern(family.pattern) !== wanted) continue;
      if (site.operation === "delete") addInvalidation(site, family);
      else pendingWrites.push({ site, family });
    }
  }

  // Revalidating a tag purges every entry carrying it, whatever other tags the entry has.
  for (const site of tagInvalidations) {
    const revalidated = new Set(site.tags.map((tag) => normalizePattern(tag.pattern)));
    for (const family of families.values()) {
      // Next.js tags are global; a cache library's tags belong to that library's caches.
      if (site.library !== "next" && family.library !== site.library) continue;
      if (family.tags.some((tag) => revalidated.has(normalizePattern(tag)))) addInvalidation(site, family);
    }
  }
  // The cache-aside fill (`get` → miss → load → `set`) refreshes nothing on a hit: it is not an invalidation.
  for (const { site, family } of pendingWrites) {
    const fillsMiss =
      family.reads.some((read) => read.functionId === site.functionId && read.span.start < site.span.start) ||
      fillsMissThroughWrapper(site, family);
    if (!fillsMiss) addInvalidation(site, family);
  }

  /** `const hit = await cache.get(k); if (!hit) await cache.set(k, v)` through a wrapper's two methods: a caller reads, then writes. */
  function fillsMissThroughWrapper(site: CacheSite, family: CacheFamily): boolean {
    const readFunctions = new Set(family.reads.map((read) => read.functionId));
    for (const caller of callers.get(site.functionId) ?? []) {
      const calls = functions.get(caller)?.calls ?? [];
      for (const write of calls.filter((call) => call.target === site.functionId)) {
        if (calls.some((call) => readFunctions.has(call.target) && call.span.start < write.span.start)) return true;
      }
    }
    return false;
  }
  for (const { prefix, site } of wildcardInvalidations) {
    for (const family of families.values()) if (family.id.startsWith(prefix)) addInvalidation(site, family, true);
  }

  /**
   * Entity reads of a function and its callees that can feed a value produced at `before`: reads
   * (and calls) earlier in the function. With `within`, only code inside that span (an inline callback).
   */
  const collectReads = (functionId: string, within: Span | undefined, before: Span | undefined): EntityAccess[] => {
    const inside = (span: Span) =>
      (!within || (span.file === within.file && span.start >= within.start && span.end <= within.end)) &&
      (!before || span.file !== before.file || span.start < before.start);
    const direct = (entityReadsByFunction.get(functionId) ?? []).filter((read) => inside(read.span));
    const calls = (functions.get(functionId)?.calls ?? []).filter((call) => inside(call.span));
    const reached = calls.flatMap((call) => collectReachable(call.target, functions, MAX_CALL_DEPTH - 1));
    return [...direct, ...[...new Set(reached)].flatMap((id) => entityReadsByFunction.get(id) ?? [])];
  };

  // Entity dependencies: what the function computing the value reads before writing it, through its
  // callees. A wrapper's `set(id, value)` receives the value from its callers: when it reads nothing
  // itself, look at what each caller reads before calling it.
  /** Reads feeding a value, each with the fields of its row that reach the value (undefined: the whole row). */
  type FeedingRead = { read: EntityAccess; fields: string[] | undefined };
  /** Reads feeding a value: direct reads among the value's source calls, and what the source calls to project functions reach. */
  const collectSourceReads = (sources: ValueSources): FeedingRead[] => {
    const starts = [...new Set(sources.calls.map((span) => `${span.file}:${span.start}`))];
    const direct = starts.flatMap((key) => entityReadsByCall.get(key) ?? []);
    const calls = starts.flatMap((key) => projectCallsByPosition.get(key) ?? []);
    const feeding: FeedingRead[] = direct.map((read) => ({
      read,
      fields: toColumns(sources.callFields[`${read.span.file}:${read.span.start}`], read) ?? read.fields,
    }));
    for (const call of calls) {
      // What a called function returns is not traced. When the value takes only some properties of
      // its result (`(await getCustomer(id)).name`), they stand for the row's columns: a function
      // that returns the row, or a copy of it, keeps their names.
      const used = toColumns(sources.callFields[`${call.span.file}:${call.span.start}`], undefined);
      for (const id of collectReachable(call.target, functions, MAX_CALL_DEPTH - 1)) {
        for (const read of entityReadsByFunction.get(id) ?? []) feeding.push({ read, fields: used ?? read.fields });
      }
    }
    return feeding;
  };

  const handsOffWrites = findWriteHandOffs(models, functions, handlers, entityWrites);
  for (const { family, functionId, site, strategy, within } of populators) {
    // A memoizer that lives for one call or one request (React `cache`) cannot serve a later request stale data;
    // a cache filled by a script, a migration or a test is not the service's cache.
    if (site.memoize?.lifetime === "local" || isTestFile(site.span.file)) continue;
    // An in-flight table (`pending.set(k, p); p.finally(() => pending.delete(k))`): every entry is removed by
    // the function that adds it, so it lives for one call and cannot serve a later request stale data.
    if (
      family.kind === "in-process" &&
      family.writes.length > 0 &&
      family.writes.every((write) =>
        family.invalidations.some((ref) => ref.operation === "delete" && ref.functionId === write.functionId),
      )
    )
      continue;
    // A key family nothing reads back is a marker, a buffer or a log, not a cache of the source of truth.
    // (A read-through call, `wrap`/`getOrSet`/`fetch`, reads as it writes.)
    if (
      (family.kind === "redis" || family.kind === "in-process") &&
      family.reads.length === 0 &&
      !family.writes.some((w) => READ_THROUGH_METHODS.has(w.method))
    )
      continue;
    let reads: FeedingRead[];
    if (site.valueSources) {
      // Data flow: only reads whose results reach the stored value (a flag or a counter depends on nothing).
      reads = collectSourceReads(site.valueSources);
      // A wrapper's `set(id, value)`: the value comes from its callers' arguments.
      for (const index of site.valueSources.parameters) {
        for (const caller of callers.get(functionId) ?? []) {
          for (const call of functions.get(caller)?.calls ?? []) {
            const argument = call.target === functionId ? call.arguments[index] : undefined;
            if (argument)
              reads = reads.concat(
                collectSourceReads(selectArgumentSources(argument, site.valueSources.parameterFields[index])),
              );
          }
        }
      }
    } else {
      reads = collectReads(functionId, within, within ? undefined : site.span).map((read) => ({
        read,
        fields: read.fields,
      }));
    }
    for (const { read, fields } of reads) {
      if (isTestFile(read.span.file)) continue;
      const collection = COLLECTION_READS.has(read.action);
      const known = family.entities.find((e) => e.entity === read.entity);
      if (!known)
        family.entities.push({
          entity: read.entity,
          displayName: read.displayName,
          span: read.span,
          orm: read.orm,
          collection,
          fields,
        });
      else {
        if (collection) known.collection = true;
        known.fields = known.fields && fields ? [...new Set([...known.fields, ...fields])].sort() : undefined;
      }
    }
    const inferred = strategy ?? inferStrategy(site, family, reads.length > 0, entityWrites, callers, handsOffWrites);
    if (inferred && !family.strategies.includes(inferred)) family.strategies.push(inferred);
  }
  // A write without expiry followed by an EXPIRE of the same family in the same function or
  // pipeline (`HSET` + `EXPIRE`, `INCR` + `EXPIRE`) does get a TTL: drop its "none".
  const sitesById = new Map(models.flatMap((model) => model.sites.map((site) => [site.id, site] as const)));
  for (const family of families.values()) {
    const expiries = family.invalidations
      .map((ref) => sitesById.get(ref.siteId))
      .filter((site): site is CacheSite => site?.operation === "expire");
    family.ttls = family.ttls.filter((ttl) => {
      if (ttl.kind !== "none") return true;
      const write = sitesById.get(ttl.siteId);
      return (
        !write ||
        !expiries.some(
          (expire) =>
            (write.batchId !== undefined && expire.batchId === write.batchId) ||
            (expire.functionId === write.functionId && expire.span.start > write.span.start),
        )
      );
    });
  }
  // A key popped by a consumer (`RPOP`, `XREADGROUP`…) is a queue, not a cache family.
  for (const [id, family] of families) {
    if (family.kind === "redis" && family.reads.some((read) => REDIS_CONSUMING_COMMANDS.has(read.method)))
      families.delete(id);
  }
  const byPosition = (a: { span: Span }, b: { span: Span }) =>
    a.span.file.localeCompare(b.span.file) || a.span.start - b.span.start;
  for (const family of families.values()) {
    family.maxStalenessMs = computeMaxStaleness(family.ttls);
    family.reads.sort(byPosition);
    family.writes.sort(byPosition);
    family.invalidations.sort(byPosition);
  }

  const freshIdentityCalls = new Map<string, number>();
  for (const model of models) {
    for (const gap of model.keyGaps) {
      if (gap.kind === "fresh-identity-argument" && gap.cacheId)
        freshIdentityCalls.set(gap.cacheId, (freshIdentityCalls.get(gap.cacheId) ?? 0) + 1);
    }
  }
  return {
    freshIdentityCalls,
    families: [...families.values()].sort((a, b) => a.label.localeCompare(b.label)),
    functions,
    callers,
    handlers,
    invalidatedIn,
    preciseInvalidatedIn,
    deletedIn,
    entityWrites,
    familiesOfSite,
  };
}

/**
 * A generic wrapper (`get(key) { return redis.get(key) }`) has no family of its own: each call to it
 * with a readable key (`cache.get(\`user:${id}\`)`) is a site of that key's family, at the call,
 * with the value its caller passes.
 */
/** Wrapper layers followed up from a cache call whose key is a parameter (`getDataOrSet(key)` → `getData(key)` → `redis.get(key)`). */
const MAX_WRAPPER_DEPTH = 3;

function expandWrapperSites(
  sites: CacheSite[],
  functions: ReadonlyMap<string, FunctionFacts>,
  callers: ReadonlyMap<string, string[]>,
): CacheSite[] {
  const result: CacheSite[] = [];
  const queue = sites.map((site) => ({ site, depth: 0 }));
  while (queue.length > 0) {
    const { site, depth } = queue.shift()!;
    const index = site.keyParameter;
    const siteCallers = callers.get(site.functionId) ?? [];
    // Without callers the wrapper's own site stands (a key we cannot read); with callers, each call replaces it.
    if (index === undefined || siteCallers.length === 0 || depth >= MAX_WRAPPER_DEPTH) {
      result.push(site);
      continue;
    }
    for (const caller of siteCallers) {
      const facts = functions.get(caller);
      for (const call of facts?.calls ?? []) {
        if (call.target !== site.functionId) continue;
        const readable = call.argumentKeys[index];
        const opaque = !readable || /^(\{[^{}]*\})+$/.test(readable.pattern);
        // An unreadable key at the call keeps the wrapper's behaviour (a wildcard delete), but at the caller.
        const key = opaque ? site.key : readable;
        const sources = site.valueSources?.parameters
          .map(
            (parameter) =>
              call.arguments[parameter] &&
              selectArgumentSources(call.arguments[parameter], site.valueSources!.parameterFields[parameter]),
          )
          .filter((s): s is ValueSources => s !== undefined);
        // The caller passes its own parameter on as the key: one more wrapper layer, follow its callers too.
        const forwarded = opaque ? call.arguments[index]?.parameters : undefined;
        const expanded: CacheSite = {
          ...site,
          id: `${site.id}@${call.span.file}:${call.span.start}`,
          key,
          span: call.span,
          calleeSpan: call.span,
          functionId: caller,
          enclosingFunction: facts!.name,
          keyParameter: forwarded?.length === 1 ? forwarded[0] : undefined,
          valueSources: site.valueSources ? mergeValueSources(sources!) : undefined,
        };
        if (expanded.keyParameter !== undefined) queue.push({ site: expanded, depth: depth + 1 });
        else result.push(expanded);
      }
    }
  }
  return result;
}

/** Commands that append to a Redis list or stream: a queue when something pops it. */
const QUEUE_PUSH_COMMANDS = new Set(["lpush", "rpush", "lpushx", "rpushx", "xadd"]);

/**
 * Functions that queue a write of the source of truth instead of doing it: they emit an event (or
 * publish) whose handler writes an entity, or push to a Redis list or stream whose consumer does.
 */
function findWriteHandOffs(
  models: readonly FileCacheModel[],
  functions: ReadonlyMap<string, FunctionFacts>,
  handlers: ReadonlyMap<string, string[]>,
  entityWrites: readonly EntityAccess[],
): Set<string> {
  const writers = new Set(entityWrites.map((write) => write.functionId));
  const reachesWrite = (id: string) =>
    collectReachable(id, functions, MAX_CALL_DEPTH).some((reached) => writers.has(reached));
  const handOffs = new Set<string>();
  for (const facts of functions.values()) {
    if (facts.emits.some((emit) => (handlers.get(emit.event) ?? []).some(reachesWrite))) handOffs.add(facts.id);
  }
  const sites = models.flatMap((model) => model.sites).filter((site) => site.kind === "redis" && site.key);
  const consumers = new Map<string, string[]>();
  for (const site of sites) {
    if (!REDIS_CONSUMING_COMMANDS.has(site.method)) continue;
    const key = normalizePattern(site.key!.pattern);
    consumers.set(key, [...(consumers.get(key) ?? []), site.functionId]);
  }
  for (const site of sites) {
    if (
      QUEUE_PUSH_COMMANDS.has(site.method) &&
      (consumers.get(normalizePattern(site.key!.pattern)) ?? []).some(reachesWrite)
    )
      handOffs.add(site.functionId);
  }
  return handOffs;
}

/** Cache-aside: a read of the family before the write in the same function, with a load from the source between. Write-through: the write follows a write of the source. */
function inferStrategy(
  site: CacheSite,
  family: CacheFamily,
  loadsFromSource: boolean,
  entityWrites: EntityAccess[],
  callers: ReadonlyMap<string, string[]>,
  handsOffWrites: ReadonlySet<string>,
): Strategy | undefined {
  // Through a wrapper (`cache.get(id)` … `cache.set(id, v)`), the read and the write sit in two methods with a common caller.
  const writeCallers = new Set(callers.get(site.functionId) ?? []);
  const readBefore = family.reads.some(
    (read) =>
      (read.functionId === site.functionId && read.span.start < site.span.start) ||
      (callers.get(read.functionId) ?? []).some((caller) => writeCallers.has(caller)),
  );
  if (readBefore && loadsFromSource) return "cache-aside";
  if (entityWrites.some((write) => write.functionId === site.functionId && write.span.start < site.span.start))
    return "write-through";
  if (readBefore) return "cache-aside";
  // The new value goes to the cache now and to the source of truth later, through a queue.
  if (!loadsFromSource && handsOffWrites.has(site.functionId)) return "write-behind";
  return undefined;
}

function computeMaxStaleness(ttls: FamilyTtl[]): number | undefined {
  let max = 0;
  for (const ttl of ttls) {
    if (ttl.kind === "keep") continue;
    if (ttl.ms === undefined) return undefined;
    max = Math.max(max, ttl.ms);
  }
  return ttls.length === 0 ? undefined : max;
}

/** The function and every project function it calls, up to `depth` calls deep. */
export function collectReachable(
  start: string,
  functions: ReadonlyMap<string, FunctionFacts>,
  depth: number,
): string[] {
  const seen = new Set<string>([start]);
  let frontier = [start];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const call of functions.get(id)?.calls ?? []) {
        if (!seen.has(call.target)) {
          seen.add(call.target);
          next.push(call.target);
        }
      }
    }
    frontier = next;
  }
  return [...seen];
}

/** How a write reads in messages: `user.update`, `UPDATE teams`. */
/** Result envelopes of SQL drivers around the rows (`const { rows } = await pool.query(…)`). */
const SQL_ENVELOPES = new Set(["rows", "recordset", "recordsets"]);

/**
 * The columns of a row that property paths read (`rows.plan` → `plan`, `profile.name` → `profile`),
 * or undefined when some path takes the row whole.
 */
function toColumns(paths: readonly string[] | undefined, read: EntityAccess | undefined): string[] | undefined {
  if (!paths) return undefined;
  const columns = new Set<string>();
  for (const path of paths) {
    if (path === EXISTS_FIELD) {
      columns.add(path);
      continue;
    }
    const tested = path.startsWith(TESTED_PREFIX);
    const segments = (tested ? path.slice(TESTED_PREFIX.length) : path).split(".");
    if (read && read.action === "SELECT" && SQL_ENVELOPES.has(segments[0]!)) segments.shift();
    if (segments.length > 0) columns.add(segments[0]!);
    else if (tested) columns.add(EXISTS_FIELD);
    else return undefined;
  }
  return [...columns].sort();
}

/**
 * Whether a write of the source of truth can change what a family holds from that entity: same
 * entity, and, when both sides are known, a written column that reaches the cached value
 * (`data: { lastUsed }` leaves a cache of `name` alone). Deletes and unknown writes change everything.
 */
export function isChangedByWrite(dependency: FamilyEntity, write: EntityAccess): boolean {
  if (dependency.entity !== write.entity) return false;
  if (!dependency.fields || !write.fields) return true;
  const read = new Set(dependency.fields.map(normalizeFieldName));
  return write.fields.some((field) => read.has(normalizeFieldName(field)));
}

/** `default_product`, `defaultProduct`, `"DefaultProduct"` → `defaultproduct`. */
function normalizeFieldName(field: string): string {
  return field.replace(/["'`_]/g, "").toLowerCase();
}

export function describeEntityWrite(write: EntityAccess): string {
  return write.orm === "sql" ? `${write.action} ${write.displayName}` : `${write.displayName}.${write.action}`;
}

/** Human form of a staleness bound: `5 min`, `until it is invalidated or the process restarts`. */
export function describeStaleness(ms: number | undefined): string {
  if (ms === undefined) return "for an unknown time";
  if (ms === Infinity) return "forever (nothing expires it)";
  return `for up to ${formatDuration(ms)}`;
}
