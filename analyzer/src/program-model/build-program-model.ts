// The whole-program cache model: cache families (all keys of one template, one tag, one
// memoized function), the entities each depends on, and the call graph and events that
// connect writes of the source of truth to invalidations. Built from the per-file models
// only (plain data in, plain data out): the same code serves the CLI and ESLint.
// This file is the pipeline: each pass lives in its own file and runs once, in this order.
import type { CacheSite, FileCacheModel } from "../model/cache-model";
import type { ProgramModel } from "../model/program-model";
import { assignFamilies } from "./assign-families";
import { constructionKey } from "./construction-key";
import { indexCalls } from "./call-index";
import { addEntityDependencies, indexEntityAccesses, isSourceOfTruthCache } from "./entity-dependencies";
import { FamilyTable } from "./family-table";
import { dropTtlsSetByExpire, finishFamilies, removeQueueFamilies } from "./finish-families";
import { addInvalidations } from "./invalidations";
import { addRefills } from "./refills";
import { assignRoles } from "./roles";
import { addStrategies } from "./strategy";
import { expandWrapperSites, isWrapperCallSite } from "./wrapper-sites";
import { attachWriteExpiries } from "./write-expiries";

export function buildProgramModel(models: readonly FileCacheModel[]): ProgramModel {
  const calls = indexCalls(models);
  const entities = indexEntityAccesses(models);
  const table = new FamilyTable();
  // Module-level Map caches take part as in-process caches (their sites live beside the model's, see `MapCache.sites`).
  const mapSites = models.flatMap((model) => model.mapCaches.flatMap((cache) => cache.sites));
  const expiries = attachWriteExpiries([
    ...expandWrapperSites(
      models.flatMap((model) => model.sites),
      calls.functions,
      calls.callers,
    ),
    ...mapSites,
  ]);
  const sites = expiries.sites;
  const assigned = assignFamilies(sites, table, expiries);
  addInvalidations(models, table, assigned, calls);
  const fed = addEntityDependencies(
    assigned.populators.filter(isSourceOfTruthCache),
    calls,
    entities,
    indexSessionUserReads(models),
  );
  addStrategies(fed, models, calls, entities.writes);
  dropTtlsSetByExpire(models, table.families);
  removeQueueFamilies(table.families);
  finishFamilies(table.families);
  addRefills(fed, sites, table.families, table.familiesOfSite, calls);
  assignRoles(table.families.values());
  const wrapperCallSitesByFile = new Map<string, CacheSite[]>();
  for (const site of sites.filter(isWrapperCallSite)) {
    const list = wrapperCallSitesByFile.get(site.span.file);
    if (list) list.push(site);
    else wrapperCallSitesByFile.set(site.span.file, [site]);
  }
  return {
    freshIdentityCalls: countFreshIdentityCalls(models),
    families: [...table.families.values()].sort((a, b) => a.label.localeCompare(b.label)),
    familiesById: table.families,
    functions: calls.functions,
    callers: calls.callers,
    handlers: calls.handlers,
    invalidatedIn: table.invalidatedIn,
    preciseInvalidatedIn: table.preciseInvalidatedIn,
    deletedIn: table.deletedIn,
    entityWrites: entities.writes,
    entityReadsByFunction: entities.readsByFunction,
    familiesOfSite: table.familiesOfSite,
    familiesOfInstance: indexFamiliesOfInstance(sites, table.familiesOfSite),
    wrapperCallSitesByFile,
    familiesWithUnreadableTags: findFamiliesWithUnreadableTags(sites, table.familiesOfSite),
  };
}

/** Configuring call (`CacheSite.id`) → the user fields the program reads off the sessions it serves. */
function indexSessionUserReads(models: readonly FileCacheModel[]): Map<string, Set<string>> {
  const byInstance = new Map<string, Set<string>>();
  for (const model of models) {
    for (const read of model.sessionUserReads ?? []) {
      const fields = byInstance.get(read.configuredAt) ?? new Set<string>();
      for (const field of read.fields) fields.add(field.toLowerCase());
      byInstance.set(read.configuredAt, fields);
    }
  }
  return byInstance;
}

/** Construction (`instanceKey`) → the families its instance's sites reach, across files. */
function indexFamiliesOfInstance(
  sites: readonly CacheSite[],
  familiesOfSite: ReadonlyMap<string, string[]>,
): Map<string, string[]> {
  const byInstance = new Map<string, Set<string>>();
  for (const site of sites) {
    const at = site.instance?.constructedAt;
    const families = familiesOfSite.get(site.id);
    if (!at || !families) continue;
    const key = constructionKey(at);
    const set = byInstance.get(key) ?? new Set<string>();
    for (const id of families) set.add(id);
    byInstance.set(key, set);
  }
  return new Map([...byInstance].map(([key, ids]) => [key, [...ids]]));
}

/** Families of sites that pass tags the extractor could not read (a variable or a call instead of an array literal). */
function findFamiliesWithUnreadableTags(
  sites: readonly CacheSite[],
  familiesOfSite: ReadonlyMap<string, string[]>,
): Set<string> {
  const ids = new Set<string>();
  for (const site of sites) {
    if (site.framework?.tags && site.tags.length === 0) for (const id of familiesOfSite.get(site.id) ?? []) ids.add(id);
  }
  return ids;
}

/** Identity-keyed cache id → number of calls with a fresh object argument. */
function countFreshIdentityCalls(models: readonly FileCacheModel[]): Map<string, number> {
  const freshIdentityCalls = new Map<string, number>();
  for (const model of models) {
    for (const gap of model.keyGaps) {
      if (gap.kind === "fresh-identity-argument" && gap.cacheId)
        freshIdentityCalls.set(gap.cacheId, (freshIdentityCalls.get(gap.cacheId) ?? 0) + 1);
    }
  }
  return freshIdentityCalls;
}
