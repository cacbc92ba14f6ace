// Maps live Redis keys to the cache families found in code (`user:{id}` ← `user:42`), so that a
// keyspace profile can be grouped by family. Pure: no Redis, no TypeScript. A key runs through a
// handful of candidate patterns picked by its first namespace segment, because profiles classify
// millions of keys.
import { formatKeyForDisplay } from "../keyspace/key-format";

/** The part of a family the matcher needs. */
export interface MatchableFamily {
  id: string;
  /** `user:{id}`, `demo:session:{token}`: text with `{hole}` placeholders, prefixes included. */
  pattern: string;
}

export interface KeyFamilyMatcher {
  /** The id of the most specific family whose pattern matches the whole key (its display form, `formatKeyForDisplay`), or undefined. */
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
    // Keys arrive in their display form: a pattern's text is compared in the same form, so that a
    // backslash or an escaped character (`\u202e`) in the code still matches the key it writes.
    const pattern = toDisplayPattern(family.pattern);
    const compiled = compilePattern(family.id, pattern);
    if (!compiled) continue;
    size++;
    const literalPrefix = pattern.split("{")[0]!;
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

/** The pattern's text between holes as `formatKeyForDisplay` prints it; the holes as they are. */
function toDisplayPattern(pattern: string): string {
  return pattern
    .split(/(\{[^{}]*\})/)
    .map((part, i) => (i % 2 === 0 ? formatKeyForDisplay(part) : part))
    .join("");
}

/** `user:{id}:profile` → `^user:(.*?):profile$`; undefined for patterns with no literal text. */
function compilePattern(id: string, pattern: string): CompiledPattern | undefined {
  const literal = pattern.replace(HOLE, "");
  if (literal.length === 0) return undefined;
  const source = pattern
    .split(HOLE)
    .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*?");
  return {
    id,
    regex: new RegExp(`^${source}$`),
    literalLength: literal.length,
    holes: (pattern.match(HOLE) ?? []).length,
  };
}
