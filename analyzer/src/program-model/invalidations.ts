// Program model pass: the invalidations family assignment left open, once every family exists:
// decorator deletes, cache-manager calls on decorator families, tag revalidations, writes that do
// not fill a miss, and wildcard deletes.
import type { CacheSite, FileCacheModel } from "../model/cache-model";
import type { CacheFamily, FamilySiteRef } from "../model/program-model";
import type { AssignedFamilies } from "./assign-families";
import type { CallIndex } from "./call-index";
import type { FamilyTable } from "./family-table";
import { normalizePattern } from "./key-patterns";
import { backsDecoratorCaches, hasGlobalTags } from "../libraries/registry";

export function addInvalidations(
  models: readonly FileCacheModel[],
  table: FamilyTable,
  assigned: AssignedFamilies,
  calls: CallIndex,
): void {
  const { families } = table;
  const { decoratorDeletes, tagInvalidations, wildcardInvalidations } = assigned;
  const pendingWrites = [...assigned.pendingWrites];
  // @CacheClear / @CacheUpdate's `cacheKeysToClear` (a prefix with `isPattern`), and cache-manager calls on the
  // store NestJS's interceptor writes to (`cacheManager.del("products")`), clear decorator families by key.
  const decoratorFamilies = [...families.values()].filter((family) => family.id.startsWith("decorator|"));
  for (const site of decoratorDeletes) {
    const prefix = site.method.endsWith("*");
    const wanted = normalizePattern(site.key!.pattern);
    for (const family of decoratorFamilies) {
      const pattern = normalizePattern(family.pattern);
      if (prefix ? pattern.startsWith(wanted) : pattern === wanted) table.addInvalidation(site, family);
    }
  }
  for (const site of models.flatMap((model) => model.sites)) {
    if (!backsDecoratorCaches(site.library) || !site.key || (site.operation !== "delete" && site.operation !== "write"))
      continue;
    const wanted = normalizePattern(site.key.pattern);
    for (const family of decoratorFamilies) {
      if (normalizePattern(family.pattern) !== wanted) continue;
      if (site.operation === "delete") table.addInvalidation(site, family);
      else pendingWrites.push({ site, family });
    }
  }

  // Revalidating a tag purges every entry carrying it, whatever other tags the entry has.
  for (const site of tagInvalidations) {
    const revalidated = new Set(site.tags.map((tag) => normalizePattern(tag.pattern)));
    for (const family of families.values()) {
      // Next.js tags are global; a cache library's tags belong to that library's caches.
      if (!hasGlobalTags(site.library) && family.library !== site.library) continue;
      if (family.tags.some((tag) => revalidated.has(normalizePattern(tag)))) table.addInvalidation(site, family);
    }
  }
  // The cache-aside fill (`get` → miss → load → `set`) refreshes nothing on a hit: it is not an invalidation.
  for (const { site, family } of pendingWrites) {
    const fillsMiss =
      family.reads.some((read) => read.functionId === site.functionId && runsBefore(read, site)) ||
      fillsMissThroughWrapper(site, family, calls);
    if (!fillsMiss) table.addInvalidation(site, family);
  }
  for (const { prefix, site } of wildcardInvalidations) {
    for (const family of families.values()) if (family.id.startsWith(prefix)) table.addInvalidation(site, family, true);
  }
}

/** `const hit = await cache.get(k); if (!hit) await cache.set(k, v)` through a wrapper's two methods: a caller reads, then writes. */
function fillsMissThroughWrapper(site: CacheSite, family: CacheFamily, { callers, functions }: CallIndex): boolean {
  const readFunctions = new Set(family.reads.map((read) => read.functionId));
  for (const caller of callers.get(site.functionId) ?? []) {
    const calls = functions.get(caller)?.calls ?? [];
    for (const write of calls.filter((call) => call.target === site.functionId)) {
      if (calls.some((call) => readFunctions.has(call.target) && call.span.start < write.span.start)) return true;
    }
  }
  return false;
}

/** Source order; two sites at one call of a generic wrapper (`getOrLoad(key)`: `get`, then `set`) in the wrapper's order. */
function runsBefore(a: Pick<FamilySiteRef, "span" | "wrapped">, b: Pick<CacheSite, "span" | "wrapped">): boolean {
  return (a.span.start - b.span.start || (a.wrapped?.span.start ?? 0) - (b.wrapped?.span.start ?? 0)) < 0;
}
