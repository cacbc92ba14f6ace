// The families being built and the indexes every pass adds to: which families a site belongs to,
// and which families each function invalidates.
import type { CacheSite, KeyTemplate, Span } from "../model/cache-model";
import type { CacheFamily, FamilySiteRef } from "../model/program-model";

/** A family's identity and description, as the pass that creates it knows them. */
export type FamilyHead = Omit<
  CacheFamily,
  | "reads"
  | "writes"
  | "invalidations"
  | "ttls"
  | "strategies"
  | "entities"
  | "maxStalenessMs"
  | "tags"
  | "unrecognised"
  | "role"
  | "roleEvidence"
  | "volatility"
  | "volatilityEvidence"
  | "keyDomain"
  | "keyDomainEvidence"
>;

export class FamilyTable {
  readonly families = new Map<string, CacheFamily>();
  // The indexes of the same names in `ProgramModel`.
  readonly familiesOfSite = new Map<string, string[]>();
  readonly invalidatedIn = new Map<string, Set<string>>();
  readonly preciseInvalidatedIn = new Map<string, Set<string>>();
  readonly deletedIn = new Map<string, Set<string>>();

  getFamily(id: string, init: () => FamilyHead): CacheFamily {
    let family = this.families.get(id);
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
        unrecognised: [],
        role: "unknown",
        roleEvidence: "",
        volatility: "unknown",
        volatilityEvidence: "",
        keyDomain: "unknown",
        keyDomainEvidence: "",
      };
      this.families.set(id, family);
    }
    return family;
  }

  link(site: CacheSite, familyId: string): void {
    const list = this.familiesOfSite.get(site.id) ?? [];
    if (!list.includes(familyId)) list.push(familyId);
    this.familiesOfSite.set(site.id, list);
    const family = this.families.get(familyId);
    if (family) addUnrecognised(family, site);
  }

  addInvalidation(site: CacheSite, family: CacheFamily, wildcard = false): void {
    family.invalidations.push(wildcard ? { ...toRef(site), wildcard } : toRef(site));
    const maps = wildcard
      ? [this.invalidatedIn]
      : site.operation === "write"
        ? [this.invalidatedIn, this.preciseInvalidatedIn]
        : [this.invalidatedIn, this.preciseInvalidatedIn, this.deletedIn];
    for (const map of maps) {
      const set = map.get(site.functionId) ?? new Set<string>();
      set.add(family.id);
      map.set(site.functionId, set);
    }
    this.link(site, family.id);
  }
}

export function toRef(site: CacheSite): FamilySiteRef {
  const ref: FamilySiteRef = {
    siteId: site.id,
    span: site.span,
    method: site.method,
    operation: site.operation,
    functionId: site.functionId,
    enclosingFunction: site.enclosingFunction,
  };
  if (site.runsAfterBody) ref.runsAfterBody = true;
  if (site.setIfAbsent) ref.setIfAbsent = true;
  if (site.storesRequestInput) ref.storesRequestInput = true;
  if (site.wrapped) ref.wrapped = site.wrapped;
  if (site.keySources) ref.keySources = site.keySources;
  return ref;
}

export function addTags(family: CacheFamily, tags: readonly KeyTemplate[]): void {
  for (const tag of tags) {
    if (!family.tags.includes(tag.pattern)) family.tags.push(tag.pattern);
  }
}

/** Carries what an adapter could not read at a site (or at its instance's construction) to the family. */
function addUnrecognised(family: CacheFamily, site: CacheSite): void {
  const facts: Array<{ what: string; span: Span }> = [];
  if (site.unrecognised) facts.push({ what: site.unrecognised, span: site.span });
  if (site.memoize?.unrecognised) facts.push({ what: site.memoize.unrecognised, span: site.span });
  const instance = site.instance;
  if (instance?.unrecognised) facts.push({ what: instance.unrecognised, span: instance.constructedAt ?? site.span });
  for (const fact of facts) {
    const known = family.unrecognised.some(
      (other) => other.what === fact.what && other.span.file === fact.span.file && other.span.start === fact.span.start,
    );
    if (!known) family.unrecognised.push(fact);
  }
}
