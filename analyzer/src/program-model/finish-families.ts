// The last passes of the program model: TTLs an EXPIRE completes, queues that are not caches, and
// each family's staleness bound and site order.
import type { CacheSite, FileCacheModel, Span } from "../model/cache-model";
import type { CacheFamily } from "../model/program-model";
import { REDIS_CONSUMING_COMMANDS } from "../libraries/redis-protocol";
import { computeMaxStaleness } from "./staleness";

/**
 * A write without expiry followed by an EXPIRE of the same family in the same function or
 * pipeline (`HSET` + `EXPIRE`, `INCR` + `EXPIRE`) does get a TTL: drop its "none".
 */
export function dropTtlsSetByExpire(
  models: readonly FileCacheModel[],
  families: ReadonlyMap<string, CacheFamily>,
): void {
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
}

/** A key popped by a consumer (`RPOP`, `XREADGROUP`…) is a queue, not a cache family. */
export function removeQueueFamilies(families: Map<string, CacheFamily>): void {
  for (const [id, family] of families) {
    if (family.kind === "redis" && family.reads.some((read) => REDIS_CONSUMING_COMMANDS.has(read.method)))
      families.delete(id);
  }
}

/** Each family's staleness bound, and its sites in source order. */
export function finishFamilies(families: ReadonlyMap<string, CacheFamily>): void {
  const byPosition = (a: { span: Span }, b: { span: Span }) =>
    a.span.file.localeCompare(b.span.file) || a.span.start - b.span.start;
  for (const family of families.values()) {
    family.maxStalenessMs = computeMaxStaleness(family.ttls);
    family.reads.sort(byPosition);
    family.writes.sort(byPosition);
    family.invalidations.sort(byPosition);
  }
}
