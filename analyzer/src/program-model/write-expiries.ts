// Program model pass, before family assignment: an EXPIRE that follows the write creating its key
// (`HSET k …` then `EXPIRE k 60`, in one function or one pipeline) is that write's TTL, not an
// invalidation of the family.
import type { CacheSite, Span, WrappedCall } from "../model/cache-model";
import { isOpaquePattern, normalizePattern } from "./key-patterns";

/** The commands that only set an expiry (not GETEX, which reads, nor the per-field HEXPIRE). */
const KEY_EXPIRY_COMMANDS = new Set(["expire", "pexpire", "expireat", "pexpireat"]);

export interface WriteExpiries {
  /** The sites, each write an EXPIRE completes carrying that EXPIRE's TTL (when it had none of its own). */
  sites: CacheSite[];
  /** Write site id → the EXPIRE that gives it its TTL. */
  expiryOf: ReadonlyMap<string, CacheSite>;
  /** The EXPIREs that are part of a write. */
  partOfWrite: ReadonlySet<string>;
}

export function attachWriteExpiries(sites: readonly CacheSite[]): WriteExpiries {
  const expiryOf = new Map<string, CacheSite>();
  const partOfWrite = new Set<string>();
  const writes = indexWrites(sites.filter((site) => site.kind === "redis" && site.operation === "write" && site.key));
  for (const expire of sites) {
    if (expire.kind !== "redis" || expire.operation !== "expire" || !KEY_EXPIRY_COMMANDS.has(expire.method)) continue;
    if (!expire.key || isOpaquePattern(expire.key.pattern) || expiresAtOnce(expire)) continue;
    const created = writes
      .findCandidates(expire)
      .filter(
        (write) =>
          sameKey(write, expire) &&
          ((write.batchId !== undefined && write.batchId === expire.batchId) ||
            write.functionId === expire.functionId) &&
          compareSourceOrder(write, expire) < 0,
      );
    if (created.length === 0) continue;
    partOfWrite.add(expire.id);
    // The nearest EXPIRE after a write is the one that completes it.
    for (const write of created) if (!expiryOf.has(write.id)) expiryOf.set(write.id, expire);
  }
  return {
    sites: sites.map((site) => {
      const expire = expiryOf.get(site.id);
      return expire && site.ttl.kind === "none" ? { ...site, ttl: expire.ttl } : site;
    }),
    expiryOf,
    partOfWrite,
  };
}

/**
 * Source order of two sites, by the called method (`multi().hset(k).expire(k)` is one chain); two sites
 * at one call of a generic wrapper in the wrapper's own order.
 */
export function compareSourceOrder(
  a: { calleeSpan: Span; wrapped?: WrappedCall },
  b: { calleeSpan: Span; wrapped?: WrappedCall },
): number {
  return (
    a.calleeSpan.start - b.calleeSpan.start || (a.wrapped?.calleeSpan.start ?? 0) - (b.wrapped?.calleeSpan.start ?? 0)
  );
}

/** `EXPIRE k 0` (or a negative time) deletes the key: an invalidation. */
function expiresAtOnce(expire: CacheSite): boolean {
  return (
    expire.ttl.kind === "set" && expire.ttl.unit !== "timestamp" && expire.ttl.ms !== undefined && expire.ttl.ms <= 0
  );
}

/**
 * The writes an EXPIRE can complete, looked up by scope (function, pipeline or transaction), key prefix and key (text,
 * or normalised pattern) rather than scanned: a program, or one generated file, can hold tens of thousands. The
 * candidates are a superset of the writes `sameKey` accepts in the EXPIRE's function or batch.
 */
function indexWrites(writes: readonly CacheSite[]): { findCandidates(expire: CacheSite): CacheSite[] } {
  const buckets = new Map<string, CacheSite[]>();
  const bucketsOf = (site: CacheSite, pattern: string | undefined): string[] => {
    const scopes: Array<[string, string]> = [["function", site.functionId]];
    if (site.batchId !== undefined) scopes.push(["batch", site.batchId]);
    const prefix = site.instance?.keyPrefix ?? "";
    return scopes.flatMap((scope) => [
      JSON.stringify([...scope, prefix, "text", site.key!.text]),
      ...(pattern === undefined ? [] : [JSON.stringify([...scope, prefix, "pattern", pattern])]),
    ]);
  };
  for (const write of writes) {
    const pattern = isOpaquePattern(write.key!.pattern) ? undefined : normalizePattern(write.key!.pattern);
    for (const bucket of bucketsOf(write, pattern)) {
      const list = buckets.get(bucket);
      if (list) list.push(write);
      else buckets.set(bucket, [write]);
    }
  }
  return {
    findCandidates: (expire) =>
      bucketsOf(expire, normalizePattern(expire.key!.pattern)).flatMap((bucket) => buckets.get(bucket) ?? []),
  };
}

/** One key: the same expression, or the same pattern through the same key prefix. */
function sameKey(write: CacheSite, expire: CacheSite): boolean {
  if ((write.instance?.keyPrefix ?? "") !== (expire.instance?.keyPrefix ?? "")) return false;
  return (
    write.key!.text === expire.key!.text ||
    (!isOpaquePattern(write.key!.pattern) &&
      normalizePattern(write.key!.pattern) === normalizePattern(expire.key!.pattern))
  );
}
