// An invalidation whose key or tag no cache family of the program writes does nothing: the entries
// it was meant to drop stay, and readers see them until they expire. Most often the key drifted
// from the one the cache writes (`members:{id}` for `member:{id}`, `team-event:{id}` for `team-events`).
import type { CacheSite, KeyTemplate, MissingCacheMethod, Span } from "../model/cache-model";
import type { CacheFamily, ProgramModel } from "../model/program-model";
import { defineRule, findingOf, type RuleReport } from "../model/rule";
import { backsDecoratorCaches, hasDecoratorFamilies, hasGlobalTags } from "../libraries/registry";
import { isTestFile } from "../program-model/file-kinds";
import { getProgramIndex, type KeyScope } from "../program-model/program-index";
import {
  isOpaquePattern,
  namespaceOf,
  normalizePattern,
  patternsOverlap,
  splitPattern,
} from "../program-model/key-patterns";
import {
  computeEditDistance,
  createNearNameIndex,
  findNearNames,
  isNearName,
  type NearNameIndex,
} from "../program-model/near-names";

export type NoUnmatchedInvalidationOptions = Record<string, never>;

const messages = {
  unmatchedKey:
    "`{{what}}` deletes `{{key}}`, but no cache family in the program writes such a key: this invalidation does nothing. The closest family is `{{family}}` (written at {{writtenAt}}), {{difference}}. Delete the key the cache writes.",
  bareValue:
    "`{{what}}` deletes `{{value}}` itself, but every cache family of this store builds its keys around such a value (`{{family}}`, written at {{writtenAt}}): no entry is stored under the bare value, so this invalidation does nothing. Delete the key built from it.",
  unmatchedTag:
    "`{{what}}` revalidates the tag `{{tag}}`, but no cached function or entry carries it: this invalidation does nothing. The closest tag is `{{closest}}` on `{{family}}` ({{taggedAt}}), {{difference}}. Revalidate the tag the cache is written with.",
  missingMethod:
    "`{{receiver}}.{{method}}` is not a method of the cache object `{{receiver}}` (declared at {{declaredAt}}), which has {{methods}}: the call throws (`{{method}}` is not a function) instead of invalidating, and readers keep the cached entry. Call {{fix}}.",
} as const;

type Report = RuleReport<typeof messages>;
const finding = findingOf(messages);

export const noUnmatchedInvalidation = defineRule<NoUnmatchedInvalidationOptions, typeof messages>({
  id: "no-unmatched-invalidation",
  description:
    "Disallow invalidating a key or tag that no cache family of the program writes, when a family of the same store and namespace shows which one was meant.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: { type: "object", properties: {}, additionalProperties: false },
  defaultOptions: {},
  check(model, context) {
    if (isTestFile(model.file)) return [];
    const missing = (model.missingCacheMethods ?? []).map((call) => reportMissingMethod(call, context.formatLocation));
    const sites = [
      ...model.sites,
      ...model.mapCaches.flatMap((cache) => cache.sites),
      ...(context.getProgramModel().wrapperCallSitesByFile.get(model.file) ?? []),
    ].filter((site) => site.operation === "delete");
    if (sites.length === 0) return missing;
    const program = context.getProgramModel();
    const findings: Report[] = [...missing];
    for (const site of sites) {
      const report =
        site.tags.length > 0
          ? checkTags(site, program, context.formatLocation)
          : checkKey(site, program, context.formatLocation, model.sites);
      if (report) findings.push(report);
    }
    return findings;
  },
});

type FormatLocation = (span: Span) => string;

/** Methods that drop one entry, and those that drop every entry: the fix is the object's method of the same kind. */
const ENTRY_DELETES = ["delete", "del", "remove", "unlink", "invalidate", "evict", "purge"];
const WHOLE_CLEARS = ["clear", "reset", "flush", "flushAll", "flushall"];

/** `cache.del(key)` on a project cache object whose delete is `delete`. */
function reportMissingMethod(call: MissingCacheMethod, formatLocation: FormatLocation): Report {
  const kind = WHOLE_CLEARS.includes(call.method) ? WHOLE_CLEARS : ENTRY_DELETES;
  const fix = kind.filter((name) => call.methods.includes(name));
  return {
    messageId: "missingMethod",
    data: {
      receiver: call.receiver,
      method: call.method,
      declaredAt: formatLocation(call.declaredAt),
      methods: call.methods.map((name) => `\`${name}\``).join(", "),
      fix: fix.length > 0 ? fix.map((name) => `\`${name}\``).join(" or ") : "the method the object has",
    },
    span: call.span,
  };
}

const nearNameIndexes = new WeakMap<KeyScope, NearNameIndex>();

/** The near-name index of a scope's namespaces, built once per program. */
function getNearNameIndex(scope: KeyScope): NearNameIndex {
  let index = nearNameIndexes.get(scope);
  if (!index) {
    index = createNearNameIndex(scope.namespaces);
    nearNameIndexes.set(scope, index);
  }
  return index;
}

/** A delete by key: unmatched when no family of its store that the program reads or writes can hold the key. */
function checkKey(
  site: CacheSite,
  program: ProgramModel,
  formatLocation: FormatLocation,
  fileSites: readonly CacheSite[],
): Report | undefined {
  if (site.key && isOpaquePattern(site.key.pattern)) return checkBareValue(site, program, formatLocation, fileSites);
  // A key with no literal text (a parameter) may be any family's: it counts for all of them.
  if (!site.key) return undefined;
  // A wrapper's own site whose key its callers give stands for those calls, judged at them.
  if (site.keyParameter !== undefined) return undefined;
  const own = program.familiesOfSite.get(site.id) ?? [];
  // A family the model dropped after linking (a queue) is not a cache: the delete is about it.
  if (own.some((id) => !program.familiesById.has(id))) return undefined;
  if (own.some((id) => isUsed(program.familiesById.get(id)!, site))) return undefined;
  const scopes = new Set(own.map(scopeOf));
  if (hasDecoratorFamilies(site.library) || backsDecoratorCaches(site.library)) scopes.add("decorator");
  // `@CacheClear({ cacheKeysToClear, isPattern })` clears every key that starts with its text.
  const key = (site.instance?.keyPrefix ?? "") + site.key.pattern + (site.method.endsWith("*") ? "*" : "");
  // The index keeps this linear in deletes: only the families of the key's namespace (or of an unfixed one) can
  // hold it, and only those of a namespace near the key's can be the one it was meant for.
  const keyScope = getProgramIndex(program).findKeyScope(scopes);
  // The key's own families are unused (above): they hold nothing for it to drop.
  const overlapping = keyScope
    .findOverlapCandidates(key)
    .filter((family) => !own.includes(family.id) && patternsOverlap(key, family.pattern));
  if (overlapping.some((family) => !isGenericPattern(family.pattern))) return undefined;
  const ours = namespaceOf(key);
  const closest = findClosest(
    key,
    keyScope
      .findFamiliesInNamespaces([ours, ...findNearNames(ours, getNearNameIndex(keyScope))])
      .map((family) => ({ family, pattern: family.pattern })),
  );
  if (!closest) return undefined;
  const { family } = closest;
  // A family of keys with no text of their own (`{prefix}:{id}`) may hold this key, unless it stops short of a
  // family's variable part: the bare prefix of keys the program writes with more after it.
  if (overlapping.length > 0 && !stopsShort(key, family.pattern)) return undefined;
  return finding(
    site.calleeSpan,
    "unmatchedKey",
    {
      what: site.method,
      key,
      family: family.label,
      writtenAt: formatLocation((family.writes[0] ?? family.reads[0]!).span),
      difference: describeDifference(key, family.pattern),
    },
    { familyIds: [family.id] },
  );
}

/**
 * A delete of a row's field itself (`del(user.email)`) where every family of the store wraps such values in a key
 * (`u-{email}`): the key builder was forgotten. Only a field of an object whose name does not say it holds a key, and
 * only when a family of the store has a hole named like the field, so a key computed elsewhere is not taken for a value.
 * Writes under bare values make no family: they are seen when they are in the same file.
 */
function checkBareValue(
  site: CacheSite,
  program: ProgramModel,
  formatLocation: FormatLocation,
  fileSites: readonly CacheSite[],
): Report | undefined {
  if (!site.key || site.keyParameter !== undefined || site.key.parts.length !== 1) return undefined;
  // The file writes bare values as keys of this store itself (a bare key makes no family, so this is seen per file).
  const writesBareValues = fileSites.some(
    (other) =>
      other.operation === "write" &&
      other.library === site.library &&
      other.key !== undefined &&
      isOpaquePattern(other.key.pattern),
  );
  if (writesBareValues) return undefined;
  const field = /^[A-Za-z_$][\w$]*\??\.([A-Za-z_$][\w$]*)$/.exec(site.key.text.replace(/\s+/g, ""))?.[1];
  if (!field || field.length < 2 || /key|path|url|name|prefix/i.test(field)) return undefined;
  const own = program.familiesOfSite.get(site.id) ?? [];
  const scopes = new Set(own.map(scopeOf));
  const family = findFamilyOfField(getProgramIndex(program).findKeyScope(scopes), field);
  if (!family) return undefined;
  return finding(
    site.calleeSpan,
    "bareValue",
    {
      what: site.method,
      value: site.key.text,
      family: family.label,
      writtenAt: formatLocation((family.writes[0] ?? family.reads[0]!).span),
    },
    { familyIds: [family.id] },
  );
}

const familiesOfField = new WeakMap<KeyScope, Map<string, CacheFamily | undefined>>();

/**
 * The family of the stores whose keys wrap the field's value, none when a family's keys are bare values (it holds
 * this one); answered once per store set and field name, so that many such deletes cost one scan per field.
 */
function findFamilyOfField(scope: KeyScope, field: string): CacheFamily | undefined {
  let byField = familiesOfField.get(scope);
  if (!byField) familiesOfField.set(scope, (byField = new Map()));
  if (byField.has(field)) return byField.get(field);
  const candidates = scope.families;
  const family =
    candidates.length === 0 || candidates.some((other) => isOpaquePattern(other.pattern))
      ? undefined
      : findFamilyOfValue(field, candidates);
  byField.set(field, family);
  return family;
}

/** The family with a hole named like the field: the same name first, then one that contains it (`emailOrKey`). */
function findFamilyOfValue(field: string, families: readonly CacheFamily[]): CacheFamily | undefined {
  const wanted = field.toLowerCase();
  const holesOf = (family: CacheFamily) => splitPattern(family.pattern).holes.map((hole) => hole.toLowerCase());
  return (
    families.find((family) => holesOf(family).some((hole) => hole === wanted || hole.endsWith(`.${wanted}`))) ??
    families.find((family) => holesOf(family).some((hole) => /^[\w$]+$/.test(hole) && hole.includes(wanted)))
  );
}

/** A revalidation by tag: unmatched when no family of the tag's scope carries a tag that can be this one. */
function checkTags(site: CacheSite, program: ProgramModel, formatLocation: FormatLocation): Report | undefined {
  const { tagged, patterns, hasUnreadableTags } = getProgramIndex(program).findTagScope(site.library);
  // A family whose tags could not be read may carry any tag.
  if (hasUnreadableTags) return undefined;
  for (const tag of site.tags) {
    if (!isCheckableTag(tag, site)) continue;
    // A tag some family carries as written, else one that some family's tag pattern can be.
    if (patterns.has(tag.pattern) || tagged.some(({ pattern }) => patternsOverlap(tag.pattern, pattern))) continue;
    const closest = findClosest(tag.pattern, tagged);
    if (!closest) continue;
    const { family, pattern } = closest;
    return finding(
      site.calleeSpan,
      "unmatchedTag",
      {
        what: site.method,
        tag: tag.pattern,
        closest: pattern,
        family: family.label,
        taggedAt: formatLocation(family.writes[0]!.span),
        difference: describeDifference(tag.pattern, pattern),
      },
      { familyIds: [family.id] },
    );
  }
  return undefined;
}

/** `revalidatePath` purges a route, which no family models; a tag with no literal text may be any family's. */
function isCheckableTag(tag: KeyTemplate, site: CacheSite): boolean {
  if (isOpaquePattern(tag.pattern)) return false;
  return !(hasGlobalTags(site.library) && tag.pattern.startsWith("path:"));
}

/**
 * A family the program fills or reads: a key only deleted here may be another service's, or no one's. A read in the
 * function that invalidates (a stale marker keeps the value it reads first) does not make the key used.
 */
function isUsed(family: CacheFamily, site: CacheSite): boolean {
  return family.writes.length > 0 || family.reads.some((read) => read.functionId !== site.functionId);
}

/** `redis`, `in-process:<instance>`, `decorator`…: the store a family id belongs to. */
function scopeOf(familyId: string): string {
  return familyId.slice(0, familyId.indexOf("|"));
}

/**
 * The family the key was most likely meant for: the nearest of those it looks like a misspelling of (see
 * `isMeantFor`). A key of another namespace, or of another segment in the same namespace, belongs to other code:
 * another service, a Lua script, a command the model does not read.
 */
function findClosest<T extends { pattern: string }>(key: string, candidates: readonly T[]): T | undefined {
  if (namespaceOf(key).length < 3) return undefined;
  let best: { candidate: T; distance: number } | undefined;
  for (const candidate of candidates) {
    if (!isMeantFor(key, candidate.pattern)) continue;
    const distance = computeEditDistance(normalizePattern(key), normalizePattern(candidate.pattern));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best?.candidate;
}

/** The namespace is a near spelling of the family's (`members`, `member`), or, in the same namespace, the first segment where they part is (`profiles`, `profile`). */
function isMeantFor(key: string, family: string): boolean {
  const ours = namespaceOf(key);
  const theirs = namespaceOf(family);
  if (ours !== theirs) return isNearName(ours, theirs);
  const keySegments = normalizePattern(key).split(":");
  const familySegments = normalizePattern(family).split(":");
  const at = keySegments.findIndex((segment, index) => segment !== familySegments[index]);
  const [a, b] = [keySegments[at], familySegments[at]];
  if (at === -1 && stopsShort(key, family)) return true;
  return at > 0 && a !== undefined && b !== undefined && !a.includes("{") && !b.includes("{") && isNearName(a, b);
}

/** The key is the family's pattern up to its last literal segment (`pool:size` of `pool:size:{region}`). */
function stopsShort(key: string, family: string): boolean {
  const keySegments = normalizePattern(key).split(":");
  const familySegments = normalizePattern(family).split(":");
  return (
    keySegments.length > 1 &&
    familySegments.length > keySegments.length &&
    keySegments.every((segment, index) => segment === familySegments[index]) &&
    familySegments.slice(keySegments.length).every((segment) => segment === "{}")
  );
}

/** A pattern with no text of its own, only holes, separators and globs (`{prefix}:{id}`, `*`): it says no name. */
function isGenericPattern(pattern: string): boolean {
  return /^[:*]*$/.test(pattern.replace(/\{[^{}]*\}/g, ""));
}

/** Why the key is not the family's, in words: the first segment where they part. */
function describeDifference(key: string, family: string): string {
  const ours = key.split(":");
  const theirs = family.split(":");
  if (ours[0] !== theirs[0]) return `whose namespace is \`${theirs[0]}\`, not \`${ours[0]}\``;
  let same = 1;
  while (
    same < ours.length &&
    same < theirs.length &&
    normalizePattern(ours[same]!) === normalizePattern(theirs[same]!)
  )
    same++;
  const common = theirs.slice(0, same).join(":");
  if (same === ours.length) return `which goes on after \`${common}\` with \`:${theirs.slice(same).join(":")}\``;
  if (same === theirs.length)
    return `which ends at \`${common}\` where this key goes on with \`:${ours.slice(same).join(":")}\``;
  return `which has \`${theirs[same]}\` after \`${common}\` where this key has \`${ours[same]}\``;
}
