import { tokenCache } from "../cache/local.js";

const evaluations = new Map<string, boolean>();

/** Mistake: a module-level Map used as a cache that nothing evicts, one entry per user. */
export function isEnabled(flag: string, userId: string): boolean {
  const key = `${flag}:${userId}`;
  const known = evaluations.get(key);
  if (known !== undefined) return known;
  const enabled = hash(key) % 100 < 20;
  evaluations.set(key, enabled);
  return enabled;
}

/** Mistake: tokenCache was built without a TTL, and this write gives none (one defect: reported once, at its construction). */
export function rememberToken(token: string, userId: string): void {
  tokenCache.set(token, userId);
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return Math.abs(h);
}
