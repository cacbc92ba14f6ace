// Key patterns as family identities.
import type { KeyTemplate } from "../model/cache-model";

/** Normalises a key pattern for identity: holes are unnamed, so `user:{id}` and `user:{userId}` are one family. */
export function normalizePattern(pattern: string): string {
  return pattern.replace(/\{[^{}]*\}/g, "{}");
}

/** True when the pattern is nothing but holes: a generic wrapper's `key` parameter, not a family. */
export function isOpaquePattern(pattern: string): boolean {
  return /^(\{[^{}]*\})+$/.test(pattern) || pattern === "";
}

/** The literal text and the holes of a family's pattern (`usage:{type}:{id}` → `usage::`, `type`, `id`). */
export function splitPattern(pattern: string): { text: string; holes: string[] } {
  const holes: string[] = [];
  const text = pattern.replace(/\{([^{}]*)\}/g, (_whole, hole: string) => {
    holes.push(hole);
    return ":";
  });
  return { text, holes };
}

/** The first segment of a pattern (`check:base:{id}` → `check`); "" when it starts with a hole. */
export function namespaceOf(pattern: string): string {
  return /^[^:{]*/.exec(pattern)![0];
}

/**
 * True when some key matches both patterns: a hole (`{id}`) or a glob star (`user:*`) stands for any text,
 * in either pattern (`user:42` and `user:{id}`, `{env}:user:{id}` and `app:user:{id}`, `user:*` and `user:{id}:posts`).
 */
export function patternsOverlap(a: string, b: string): boolean {
  const left = tokenize(a);
  const right = tokenize(b);
  // Reachability in the product of the two patterns' automata: a hole loops on any character.
  const seen = new Set<number>();
  const width = right.length + 1;
  const stack = [0];
  while (stack.length > 0) {
    const state = stack.pop()!;
    if (seen.has(state)) continue;
    seen.add(state);
    const i = Math.floor(state / width);
    const j = state % width;
    if (i === left.length && j === right.length) return true;
    const x = left[i];
    const y = right[j];
    if (x === HOLE_TOKEN) stack.push(state + width);
    if (y === HOLE_TOKEN) stack.push(state + 1);
    if (x !== undefined && y !== undefined) {
      if (x === HOLE_TOKEN && y !== HOLE_TOKEN) stack.push(state + 1);
      else if (y === HOLE_TOKEN && x !== HOLE_TOKEN) stack.push(state + width);
      else if (x === y && x !== HOLE_TOKEN) stack.push(state + width + 1);
    }
  }
  return false;
}

const HOLE_TOKEN = "\u0000";

/** A pattern as characters, each hole or glob star one `HOLE_TOKEN`. */
function tokenize(pattern: string): string[] {
  return Array.from(pattern.replace(/\{[^{}]*\}|\*+/g, HOLE_TOKEN));
}

/** The key has some text of its own, not only values (`group:{name}`, not `{key}`). */
export function hasText(key: KeyTemplate): boolean {
  return key.parts.some((part) => part.kind === "text" && part.value.length > 0);
}
