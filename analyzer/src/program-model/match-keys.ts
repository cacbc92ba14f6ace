// Maps live Redis keys to the cache families found in code (`user:{id}` ← `user:42`), so that a
// keyspace profile can be grouped by family. Pure: no Redis, no TypeScript. A key runs through a
// handful of candidate patterns picked by its first namespace segment, because profiles classify
// millions of keys.

/** The part of a family the matcher needs. */
export interface MatchableFamily {
  id: string;
  /** `user:{id}`, `demo:session:{token}`: text with `{hole}` placeholders, prefixes included. */
  pattern: string;
}

export interface KeyFamilyMatcher {
  /** The id of the most specific family whose pattern matches the whole key, or undefined. */
  match(key: string): string | undefined;
  /** How many families take part (patterns made only of holes are left out: they would match every key). */
  readonly size: number;
}

interface CompiledPattern {
  id: string;
  regex: RegExp;
  /** Characters of literal text: more is more specific. */
  literalLength: number;
  holes: number;
}

const HOLE = /\{[^{}]*\}/g;

/** Builds a matcher over the families' key patterns; `delimiter` is the namespace separator used for indexing. */
export function createKeyMatcher(families: readonly MatchableFamily[], delimiter = ":"): KeyFamilyMatcher {
  const bySegment = new Map<string, CompiledPattern[]>();
  const loose: CompiledPattern[] = [];
  let size = 0;
  for (const family of families) {
    const compiled = compilePattern(family);
    if (!compiled) continue;
    size++;
    const literalPrefix = family.pattern.split("{")[0]!;
    const end = literalPrefix.indexOf(delimiter);
    if (end === -1) loose.push(compiled);
    else {
      const segment = literalPrefix.slice(0, end + delimiter.length);
      const list = bySegment.get(segment) ?? [];
      list.push(compiled);
      bySegment.set(segment, list);
    }
  }
  const bySpecificity = (a: CompiledPattern, b: CompiledPattern) =>
    b.literalLength - a.literalLength || a.holes - b.holes || a.id.localeCompare(b.id);
  for (const list of bySegment.values()) list.sort(bySpecificity);
  loose.sort(bySpecificity);
  return {
    size,
    match(key: string): string | undefined {
      const end = key.indexOf(delimiter);
      const candidates = end === -1 ? undefined : bySegment.get(key.slice(0, end + delimiter.length));
      const first = candidates?.find((pattern) => pattern.regex.test(key));
      const second = loose.find((pattern) => pattern.regex.test(key));
      if (!first) return second?.id;
      if (!second) return first.id;
      return bySpecificity(first, second) <= 0 ? first.id : second.id;
    },
  };
}

/** `user:{id}:profile` → `^user:(.*?):profile$`; undefined for patterns with no literal text. */
function compilePattern(family: MatchableFamily): CompiledPattern | undefined {
  const literal = family.pattern.replace(HOLE, "");
  if (literal.length === 0) return undefined;
  const source = family.pattern
    .split(HOLE)
    .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*?");
  return {
    id: family.id,
    regex: new RegExp(`^${source}$`),
    literalLength: literal.length,
    holes: (family.pattern.match(HOLE) ?? []).length,
  };
}
