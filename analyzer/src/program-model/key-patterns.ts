// Key patterns as family identities.

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
