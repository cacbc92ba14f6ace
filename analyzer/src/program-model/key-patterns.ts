// Key patterns as family identities.

/** Normalises a key pattern for identity: holes are unnamed, so `user:{id}` and `user:{userId}` are one family. */
export function normalizePattern(pattern: string): string {
  return pattern.replace(/\{[^{}]*\}/g, "{}");
}

/** True when the pattern is nothing but holes: a generic wrapper's `key` parameter, not a family. */
export function isOpaquePattern(pattern: string): boolean {
  return /^(\{[^{}]*\})+$/.test(pattern) || pattern === "";
}
