// Value comparison for stale-read sampling: the cached value against a fresh load from the source.

/**
 * Deep equality of JSON-like values: primitives by `Object.is` (so `NaN` equals `NaN`), arrays element by element,
 * plain objects by their own enumerable keys (order ignored), `Date` by time, `Map`/`Set` by entries in order,
 * byte arrays (`Buffer`, `Uint8Array`) by bytes. `null` and `undefined` are both "absent" and equal each other.
 * Two values of different kinds (a string and an object) are different: the source must return the value in the
 * form the cache holds (a JSON string for a JSON string), or the caller passes its own `equals`.
 */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!isDeepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map || a instanceof Set || b instanceof Set) {
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    return isDeepEqual([...(a as Iterable<unknown>)], [...(b as Iterable<unknown>)]);
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!isDeepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
