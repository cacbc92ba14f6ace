// Program model pass: each cache site joins its family (a key pattern of a Redis client or of an
// in-process cache, a decorator's key, a memoized function, a 'use cache' function). Sites whose
// family a later pass decides (tag and decorator invalidations, wildcards, writes that may fill a
// miss) and the sites that populate a family are handed on.
import type { CacheSite, Span, Ttl } from "../model/cache-model";
import type { CacheFamily, Strategy } from "../model/program-model";
import { hasDecoratorFamilies, hasGlobalTags, labelsFamiliesByMethod } from "../libraries/registry";
import { isCounterCommand } from "./roles";
import { addTags, toRef, type FamilyTable } from "./family-table";
import { isOpaquePattern, normalizePattern } from "./key-patterns";
import type { WriteExpiries } from "./write-expiries";

/** In-process calls that return the cached value or compute and store it. */
export const READ_THROUGH_METHODS = new Set(["wrap", "getOrSet", "getOrSetForever", "fetch"]);

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

/** A populating site, for entity dependencies: the function that computes the value. */
export interface Populator {
  family: CacheFamily;
  functionId: string;
  site: CacheSite;
  strategy: Strategy | undefined;
  within?: Span;
}

/** What family assignment leaves to the later passes. */
export interface AssignedFamilies {
  /** Sites whose family is decided by a later pass (tag invalidations, wildcards, decorator deletes). */
  tagInvalidations: CacheSite[];
  decoratorDeletes: CacheSite[];
  /** Writes that invalidate their family unless they fill a miss. */
  pendingWrites: Array<{ site: CacheSite; family: CacheFamily }>;
  /** Wildcard invalidations (a delete with an unknown key, `clear()`), by family-id prefix. */
  wildcardInvalidations: Array<{ prefix: string; site: CacheSite }>;
  populators: Populator[];
}

export function assignFamilies(
  sites: readonly CacheSite[],
  table: FamilyTable,
  expiries: Pick<WriteExpiries, "expiryOf" | "partOfWrite">,
): AssignedFamilies {
  const tagInvalidations: CacheSite[] = [];
  const decoratorDeletes: CacheSite[] = [];
  const pendingWrites: Array<{ site: CacheSite; family: CacheFamily }> = [];
  const wildcardInvalidations: Array<{ prefix: string; site: CacheSite }> = [];
  const populators: Populator[] = [];
  for (const site of sites) {
    if (site.operation === "construct") continue;
    // A library's own cache of rows (an auth library's stored sessions): one family per configuring call, filled by
    // the library, whose source is the rows it holds (added with the entities).
    if (site.heldEntities) {
      const id = `held|${site.id}`;
      const family = table.getFamily(id, () => ({
        id,
        label: `${site.method}() sessions`,
        pattern: site.method,
        kind: site.kind,
        library: site.library,
        instance: undefined,
        bound: undefined,
      }));
      table.link(site, id);
      family.writes.push(toRef(site));
      family.ttls.push({
        ms: ttlMs(site.ttl),
        text: site.ttl.kind === "set" ? site.ttl.text : site.ttl.kind,
        kind: site.ttl.kind,
        span: site.calleeSpan,
        unit: site.ttl.kind === "set" ? site.ttl.unit : undefined,
        siteId: site.id,
      });
      populators.push({ family, functionId: site.functionId, site, strategy: "read-through" });
      continue;
    }
    if (site.kind === "redis" || site.kind === "remote-kv" || site.kind === "in-process") {
      const prefix = site.instance?.keyPrefix ?? "";
      // A shared store (Redis, Memcached…) holds one family per key pattern whatever the client instance; an
      // in-process cache's families belong to the instance.
      const isRedis = site.kind === "redis" || site.kind === "remote-kv";
      const scope = isRedis ? site.kind : `in-process:${instanceKey(site)}`;
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
      // The key as a person reads it: holes labelled after their values (`auth:{id}` for `auth:${id.toString()}`).
      const shown = prefix + (pattern !== "*" && site.key?.label ? site.key.label : pattern);
      const family = table.getFamily(id, () => ({
        id,
        label: isRedis
          ? shown
          : pattern === "*"
            ? (site.instance?.name ?? site.library)
            : `${site.instance?.name ?? site.library} ${shown}`,
        pattern: full,
        kind: site.kind,
        library: site.library,
        instance: site.instance?.name,
        bound: site.instance?.bound,
      }));
      table.link(site, id);
      if (site.operation === "read") family.reads.push(toRef(site));
      else if (site.operation === "write") {
        family.writes.push(toRef(site));
        addTags(family, site.tags);
        const ttl =
          site.ttl.kind === "none" && site.instance && site.instance.defaultTtl.kind !== "none"
            ? site.instance.defaultTtl
            : site.ttl;
        // A TTL an EXPIRE after the write gives (`HSET` + `EXPIRE`) is set at the EXPIRE.
        const expire = expiries.expiryOf.get(site.id);
        const at =
          ttl !== site.ttl
            ? (site.instance?.constructedAt ?? site.span)
            : expire && site.ttl === expire.ttl
              ? expire.span
              : site.span;
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
        if (
          site.kind === "in-process" ||
          (site.kind === "redis" && VALUE_WRITE_COMMANDS.has(site.method)) ||
          (site.kind === "remote-kv" && !isCounterCommand(site.method))
        )
          populators.push({
            family,
            functionId: site.functionId,
            site,
            strategy: readThrough ? "read-through" : undefined,
          });
        // A write is also an invalidation (the new value replaces the old one), unless it fills a miss.
        if (!readThrough) pendingWrites.push({ site, family });
        // The EXPIRE that completes a write of the key is that write's TTL (above), not an invalidation.
      } else if (!expiries.partOfWrite.has(site.id)) {
        table.addInvalidation(site, family);
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
    if (hasDecoratorFamilies(site.library) && site.key && !isOpaquePattern(site.key.pattern)) {
      if (site.operation === "delete") {
        decoratorDeletes.push(site);
        continue;
      }
      const pattern = site.key.pattern;
      const id = `decorator|${normalizePattern(pattern)}`;
      const family = table.getFamily(id, () => ({
        id,
        label: site.key!.label ?? pattern,
        pattern,
        kind: site.kind,
        library: site.library,
        instance: undefined,
        bound: site.memoize?.bound,
      }));
      table.link(site, id);
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
      const family = table.getFamily(id, () => ({
        id,
        label: `${name}() ${labelsFamiliesByMethod(site.library) ? site.method : site.library}`,
        pattern: name,
        kind: site.kind,
        library: site.library,
        instance: name,
        bound: site.memoize!.bound,
      }));
      table.link(site, id);
      family.writes.push(toRef(site));
      // A memoized function that reads nothing but its arguments (no I/O, clock or outer state): a value of the key.
      if (site.memoize.fn && !site.memoize.fn.isAsync && site.memoize.fn.impurities.length === 0)
        family.computedFromKey = true;
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
    if (hasGlobalTags(site.library) && site.tags.length > 0) {
      if (site.operation === "delete") {
        tagInvalidations.push(site);
        continue;
      }
      // `cacheTag(…)` inside a 'use cache' function: the function's result is the cached value.
      const id = `use-cache|${site.functionId}`;
      const family = table.getFamily(id, () => ({
        id,
        label: `${site.enclosingFunction}() 'use cache'`,
        pattern: site.enclosingFunction,
        kind: "framework",
        library: "next",
        instance: undefined,
        bound: undefined,
      }));
      table.link(site, id);
      family.writes.push(toRef(site));
      addTags(family, site.tags);
      populators.push({ family, functionId: site.functionId, site, strategy: "read-through" });
    }
  }
  return { tagInvalidations, decoratorDeletes, pendingWrites, wildcardInvalidations, populators };
}

function instanceKey(site: CacheSite): string {
  const at = site.instance?.builtBy ?? site.instance?.constructedAt;
  return at ? `${at.file}:${at.start}` : (site.instance?.name ?? site.library);
}

function ttlMs(ttl: Ttl): number | undefined {
  if (ttl.kind === "none") return Infinity;
  if (ttl.kind === "set") return ttl.ms;
  return undefined;
}
