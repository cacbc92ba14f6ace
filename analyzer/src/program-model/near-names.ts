// Names that look like one another: a plural or singular, the same words with other separators or case, or a typo
// in a long name (`members` and `member`, `team_events` and `team-events`, `notifcations` and `notifications`).
// no-unmatched-invalidation names the family a delete was most likely meant for with them.

/** A name this long that differs from another by this many edits at most is taken as a typo of it. */
const MIN_TYPO_LENGTH = 8;
const MAX_TYPO_EDITS = 2;

/** A plural or singular of the other, the same words with other separators or case, or a typo in a long name. */
export function isNearName(a: string, b: string): boolean {
  if (a === b || a.length === 0 || b.length === 0) return false;
  if ([a + "s", a + "es"].includes(b) || [b + "s", b + "es"].includes(a)) return true;
  if (bareName(a) === bareName(b)) return true;
  return Math.min(a.length, b.length) >= MIN_TYPO_LENGTH && computeEditDistance(a, b) <= MAX_TYPO_EDITS;
}

/**
 * The names among a set of names that `isNearName` can accept, found without comparing with each: by their bare
 * form, by a plural's or singular's spelling, and, for a typo, by the strings left after deleting up to
 * `MAX_TYPO_EDITS` characters (two names within that many edits share one: the symmetric-delete index).
 */
export interface NearNameIndex {
  byBare: Map<string, string[]>;
  names: Set<string>;
  byDeletion: Map<string, string[]>;
  /** Names too long to index their deletions (rare): compared one by one. */
  long: string[];
}

/** Longest name whose deletions are indexed (a name of n characters has about n²/2 of them). */
const MAX_INDEXED_NAME = 40;
export function createNearNameIndex(names: Iterable<string>): NearNameIndex {
  const index: NearNameIndex = { byBare: new Map(), names: new Set(names), byDeletion: new Map(), long: [] };
  for (const name of index.names) {
    push(index.byBare, bareName(name), name);
    if (name.length < MIN_TYPO_LENGTH) continue;
    if (name.length > MAX_INDEXED_NAME) index.long.push(name);
    else for (const variant of listDeletions(name, MAX_TYPO_EDITS)) push(index.byDeletion, variant, name);
  }
  return index;
}

/** Exactly the scope's names `n` with `isNearName(name, n)`. */
export function findNearNames(name: string, index: NearNameIndex): string[] {
  const candidates = new Set<string>(index.byBare.get(bareName(name)) ?? []);
  for (const plural of [name + "s", name + "es", name.slice(0, -1), name.slice(0, -2)])
    if (index.names.has(plural)) candidates.add(plural);
  if (name.length >= MIN_TYPO_LENGTH) {
    const variants = name.length > MAX_INDEXED_NAME ? [] : listDeletions(name, MAX_TYPO_EDITS);
    for (const variant of variants) for (const other of index.byDeletion.get(variant) ?? []) candidates.add(other);
    // A long name, or a query too long to list its deletions: compared one by one.
    const oneByOne = name.length > MAX_INDEXED_NAME ? index.names : index.long;
    for (const other of oneByOne) candidates.add(other);
  }
  return [...candidates].filter((other) => isNearName(name, other));
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The strings left after deleting up to `edits` characters of the name (the name itself included). */
export function listDeletions(name: string, edits: number): Set<string> {
  const out = new Set([name]);
  let level = [name];
  for (let round = 0; round < edits; round++) {
    const next: string[] = [];
    for (const text of level)
      for (let i = 0; i < text.length; i++) {
        const variant = text.slice(0, i) + text.slice(i + 1);
        if (!out.has(variant)) {
          out.add(variant);
          next.push(variant);
        }
      }
    level = next;
  }
  return out;
}

/** The same words with other separators or case give the same bare name (`team_events`, `teamEvents`). */
function bareName(name: string): string {
  return name.replace(/[-_.]/g, "").toLowerCase();
}

/** Levenshtein distance. */
export function computeEditDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
