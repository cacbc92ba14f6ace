// Lookups over a program model that rules make for every file, every entity write or every cache write: the
// families that depend on an entity, a family's write TTLs by site, the families keyed like another one. Rules run
// once per file, so a rule that scans `program.families` (or a family's writes) for each of its file's writes costs
// files × families: quadratic in the size of the project. The index is built once per program model, on first use,
// and shared by every rule and every file (the CLI and the ESLint host each build the program model once per program).
import type { CacheFamily, FamilySiteRef, FamilyTtl, ProgramModel } from "../model/program-model";
import { hasGlobalTags } from "../libraries/registry";
import { namespaceOf, splitPattern } from "./key-patterns";

/** What the rules ask about one family's writes, TTLs and expiries; computed on first ask. */
export interface FamilyWriteFacts {
  /** The first write reference of each write site. */
  writeOf: ReadonlyMap<string, FamilySiteRef>;
  /** The first TTL of each site. */
  ttlOf: ReadonlyMap<string, FamilyTtl>;
  /** TTLs given by writes (not by an EXPIRE in a soft delete) with a finite, known duration, in the family's order. */
  finiteWriteTtls: readonly FamilyTtl[];
  /** The same, shortest first (ties in the family's order). */
  finiteWriteTtlsByDuration: readonly FamilyTtl[];
  /** How many TTLs given by writes are set or unknown, in all and by site. */
  expiringWriteTtls: { total: number; bySite: ReadonlyMap<string, number> };
  /** The functions that EXPIRE the family's keys. */
  expiringFunctions: ReadonlySet<string>;
}

export interface ProgramIndex {
  /** The families with a dependency on the entity, in `program.families` order. */
  findFamiliesOfEntity(entity: string): readonly CacheFamily[];
  /** The other families that could be the family's sibling: same kind, library, holes and namespace, in `program.families` order (the family itself included). */
  findFamiliesKeyedLike(family: CacheFamily): readonly CacheFamily[];
  /** The families whose first write in the program (by file, then position) is in the file, with that write, in `program.families` order. */
  findFamiliesFirstWrittenIn(file: string): ReadonlyArray<{ family: CacheFamily; first: FamilySiteRef }>;
  /** The families whose tags a revalidation of the library can reach, in `program.families` order. */
  findTagScope(library: NonNullable<CacheFamily["library"]>): TagScope;
  getWriteFacts(family: CacheFamily): FamilyWriteFacts;
  /** The families of some stores (`redis`, `in-process:<instance>`, `decorator`: a family id's part before `|`) that the program reads or writes, indexed by namespace. */
  findKeyScope(stores: Iterable<string>): KeyScope;
}

/** The used families of one store, by the namespace of their pattern. */
export interface KeyScope {
  /** Every used family of the stores, in `program.families` order. */
  readonly families: readonly CacheFamily[];
  /** The families some key of the pattern could also belong to: those of its namespace and those whose namespace is not fixed text, in `program.families` order (all when the pattern's own namespace is not fixed). */
  findOverlapCandidates(pattern: string): readonly CacheFamily[];
  /** The namespaces (`namespaceOf`) of the families, each once. */
  readonly namespaces: readonly string[];
  /** The families whose namespace is one of these, in `program.families` order. */
  findFamiliesInNamespaces(namespaces: Iterable<string>): readonly CacheFamily[];
}

export interface TagScope {
  families: readonly CacheFamily[];
  /** Every tag pattern of those families, with its family, in order. */
  tagged: ReadonlyArray<{ family: CacheFamily; pattern: string }>;
  /** The tag patterns, for an exact match before trying overlaps. */
  patterns: ReadonlySet<string>;
  /** Some of those families carry tags the extractor could not read (they may carry any tag). */
  hasUnreadableTags: boolean;
}

const indexes = new WeakMap<ProgramModel, ProgramIndex>();

/** The index of a program model, built once and shared by every rule that asks. */
export function getProgramIndex(program: ProgramModel): ProgramIndex {
  let index = indexes.get(program);
  if (!index) {
    index = createProgramIndex(program);
    indexes.set(program, index);
  }
  return index;
}

function createProgramIndex(program: ProgramModel): ProgramIndex {
  // Each table is built on its first use: a rule that is switched off, or a program without entity writes, pays nothing.
  let byEntity: Map<string, CacheFamily[]> | undefined;
  let bySiblingKey: Map<string, CacheFamily[]> | undefined;
  let byFirstWriteFile: Map<string, Array<{ family: CacheFamily; first: FamilySiteRef }>> | undefined;
  const tagScopes = new Map<string, TagScope>();
  const writeFacts = new Map<CacheFamily, FamilyWriteFacts>();
  const keyScopes = new Map<string, KeyScope>();
  return {
    findFamiliesOfEntity(entity) {
      byEntity ??= groupFamilies(program.families, (family) => new Set(family.entities.map((e) => e.entity)));
      return byEntity.get(entity) ?? [];
    },
    findFamiliesKeyedLike(family) {
      bySiblingKey ??= groupFamilies(program.families, (other) => [siblingKeyOf(other)]);
      return bySiblingKey.get(siblingKeyOf(family)) ?? [];
    },
    findFamiliesFirstWrittenIn(file) {
      if (!byFirstWriteFile) {
        byFirstWriteFile = new Map();
        for (const family of program.families) {
          const first = findFirstWrite(family.writes);
          if (!first) continue;
          const list = byFirstWriteFile.get(first.span.file);
          if (list) list.push({ family, first });
          else byFirstWriteFile.set(first.span.file, [{ family, first }]);
        }
      }
      return byFirstWriteFile.get(file) ?? [];
    },
    findTagScope(library) {
      const scopeKey = hasGlobalTags(library) ? "global" : `library:${library}`;
      let scope = tagScopes.get(scopeKey);
      if (!scope) {
        const families = program.families.filter((family) =>
          hasGlobalTags(library)
            ? family.library !== undefined && hasGlobalTags(family.library)
            : family.library === library,
        );
        const tagged = families.flatMap((family) => family.tags.map((pattern) => ({ family, pattern })));
        scope = {
          families,
          tagged,
          patterns: new Set(tagged.map(({ pattern }) => pattern)),
          hasUnreadableTags: families.some((family) => program.familiesWithUnreadableTags.has(family.id)),
        };
        tagScopes.set(scopeKey, scope);
      }
      return scope;
    },
    findKeyScope(stores) {
      const wanted = new Set(stores);
      const scopeKey = JSON.stringify([...wanted].sort());
      let keyScope = keyScopes.get(scopeKey);
      if (!keyScope) {
        keyScope = createKeyScope(
          program.families.filter(
            (family) =>
              wanted.has(family.id.slice(0, family.id.indexOf("|"))) &&
              (family.writes.length > 0 || family.reads.length > 0),
          ),
        );
        keyScopes.set(scopeKey, keyScope);
      }
      return keyScope;
    },
    getWriteFacts(family) {
      let facts = writeFacts.get(family);
      if (!facts) {
        facts = collectWriteFacts(family);
        writeFacts.set(family, facts);
      }
      return facts;
    },
  };
}

function createKeyScope(families: readonly CacheFamily[]): KeyScope {
  const byClosedNamespace = groupFamilies(families, (family) => {
    const namespace = closedNamespaceOf(family.pattern);
    return namespace === undefined ? [] : [namespace];
  });
  const open = families.filter((family) => closedNamespaceOf(family.pattern) === undefined);
  const byNamespace = groupFamilies(families, (family) => [namespaceOf(family.pattern)]);
  const order = new Map(families.map((family, index) => [family, index]));
  const inOrder = (lists: ReadonlyArray<readonly CacheFamily[]>): CacheFamily[] =>
    lists.length === 1 ? [...lists[0]!] : lists.flat().sort((a, b) => order.get(a)! - order.get(b)!);
  return {
    families,
    findOverlapCandidates(pattern) {
      const namespace = closedNamespaceOf(pattern);
      if (namespace === undefined) return families;
      return inOrder([byClosedNamespace.get(namespace) ?? [], open]);
    },
    namespaces: [...byNamespace.keys()],
    findFamiliesInNamespaces(namespaces) {
      const lists: CacheFamily[][] = [];
      for (const namespace of new Set(namespaces)) {
        const list = byNamespace.get(namespace);
        if (list) lists.push(list);
      }
      return lists.length === 0 ? [] : inOrder(lists);
    },
  };
}

/**
 * The first segment of a pattern when it is fixed text that ends the pattern or is followed by `:` (`user:{id}` →
 * `user`, `config` → `config`); undefined when a hole or glob star is part of it (`user{id}`, `us*`, `{env}:user`).
 * Two patterns with different fixed first segments share no key: a key's first segment is both.
 */
function closedNamespaceOf(pattern: string): string | undefined {
  const namespace = /^[^:{*]*/.exec(pattern)![0];
  const next = pattern[namespace.length];
  return next === undefined || next === ":" ? namespace : undefined;
}

/** Families by each of their keys, every list in the families' order. */
function groupFamilies(
  families: readonly CacheFamily[],
  keysOf: (family: CacheFamily) => Iterable<string>,
): Map<string, CacheFamily[]> {
  const groups = new Map<string, CacheFamily[]>();
  for (const family of families) {
    for (const key of keysOf(family)) {
      const list = groups.get(key);
      if (list) list.push(family);
      else groups.set(key, [family]);
    }
  }
  return groups;
}

/** What two families share when one is keyed like the other (`check:base:{id}`, `check:data:{id}`). */
function siblingKeyOf(family: CacheFamily): string {
  return JSON.stringify([
    family.kind,
    family.library ?? null,
    splitPattern(family.pattern).holes.join("|"),
    namespaceOf(family.pattern),
  ]);
}

/** The first write by file name, then position (the earliest listed among equals). */
function findFirstWrite(writes: readonly FamilySiteRef[]): FamilySiteRef | undefined {
  let first: FamilySiteRef | undefined;
  for (const write of writes) {
    if (!first || write.span.file.localeCompare(first.span.file) < 0) first = write;
    else if (write.span.file.localeCompare(first.span.file) === 0 && write.span.start < first.span.start) first = write;
  }
  return first;
}

function collectWriteFacts(family: CacheFamily): FamilyWriteFacts {
  const writeOf = new Map<string, FamilySiteRef>();
  for (const write of family.writes) if (!writeOf.has(write.siteId)) writeOf.set(write.siteId, write);
  const ttlOf = new Map<string, FamilyTtl>();
  for (const ttl of family.ttls) if (!ttlOf.has(ttl.siteId)) ttlOf.set(ttl.siteId, ttl);
  const byWrites = family.ttls.filter((ttl) => writeOf.has(ttl.siteId));
  const finiteWriteTtls = byWrites.filter((ttl) => ttl.kind === "set" && ttl.ms !== undefined && ttl.ms !== Infinity);
  const expiring = byWrites.filter((ttl) => ttl.kind === "set" || ttl.kind === "unknown");
  const bySite = new Map<string, number>();
  for (const ttl of expiring) bySite.set(ttl.siteId, (bySite.get(ttl.siteId) ?? 0) + 1);
  return {
    writeOf,
    ttlOf,
    finiteWriteTtls,
    // `sort` is stable: equal durations keep the family's order.
    finiteWriteTtlsByDuration: [...finiteWriteTtls].sort((a, b) => a.ms! - b.ms!),
    expiringWriteTtls: { total: expiring.length, bySite },
    expiringFunctions: new Set(
      family.invalidations.filter((ref) => ref.operation === "expire").map((ref) => ref.functionId),
    ),
  };
}
