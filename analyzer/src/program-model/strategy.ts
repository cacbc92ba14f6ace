// Program model pass: how each family is kept (cache-aside, read-through, write-through,
// write-behind), from where its populating sites sit relative to reads of the family and writes of
// the source of truth.
import type { CacheSite, EntityAccess, FileCacheModel, FunctionFacts } from "../model/cache-model";
import type { CacheFamily, Strategy } from "../model/program-model";
import { REDIS_CONSUMING_COMMANDS } from "../libraries/redis-protocol";
import { collectReachable, MAX_CALL_DEPTH, type CallIndex } from "./call-index";
import type { FedPopulator } from "./entity-dependencies";
import { normalizePattern } from "./key-patterns";

export function addStrategies(
  fed: readonly FedPopulator[],
  models: readonly FileCacheModel[],
  { functions, callers, handlers }: CallIndex,
  entityWrites: EntityAccess[],
): void {
  const handsOffWrites = findWriteHandOffs(models, functions, handlers, entityWrites);
  for (const { populator, loadsFromSource } of fed) {
    const { family, site, strategy } = populator;
    const inferred = strategy ?? inferStrategy(site, family, loadsFromSource, entityWrites, callers, handsOffWrites);
    if (inferred && !family.strategies.includes(inferred)) family.strategies.push(inferred);
  }
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
  // (At the same place: a declared read-through layer's call, which reads and fills at once.)
  const readHere = family.reads.some(
    (read) => read.functionId === site.functionId && read.span.start <= site.span.start,
  );
  const readBySibling = family.reads.some((read) =>
    (callers.get(read.functionId) ?? []).some((caller) => writeCallers.has(caller)),
  );
  if ((readHere || readBySibling) && loadsFromSource) return "cache-aside";
  if (entityWrites.some((write) => write.functionId === site.functionId && write.span.start < site.span.start))
    return "write-through";
  // Read in one method and written in another that loads nothing (`getSession()` … `persist(state)`): state kept up
  // to date by its owner, not a refill after a miss. Read and written by one function, it still is one.
  if (readHere) return "cache-aside";
  // The new value goes to the cache now and to the source of truth later, through a queue.
  if (!loadsFromSource && handsOffWrites.has(site.functionId)) return "write-behind";
  return undefined;
}
