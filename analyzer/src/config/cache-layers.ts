// Validation of `cacheLayers` in the configuration, with messages that name the entry and the key.
import * as path from "node:path";
import type { ArgumentPath, CacheLayer, CacheLayerOperation } from "../model/cache-layers";

const OPERATIONS: readonly CacheLayerOperation[] = ["read-through", "read", "write", "delete"];
const KEYS = new Set(["function", "operation", "key", "load", "value", "ttl", "unit", "defaultTtl"]);

/**
 * Reads `cacheLayers` entries. `function` is `path/to/file.ts#name` (relative to `baseDir`), `Class.method` after the
 * `#` for a method, or `package#name` for compiled code. The operation defaults to `read-through` when `load` is given,
 * `write` when `value` is, else `read`. Returns the layers, or the first problem as a sentence.
 */
export function readCacheLayers(raw: unknown, baseDir: string): { layers: CacheLayer[] } | { problem: string } {
  if (raw === undefined) return { layers: [] };
  if (!Array.isArray(raw)) return { problem: '"cacheLayers" must be an array of layer declarations' };
  const layers: CacheLayer[] = [];
  for (const [i, entry] of raw.entries()) {
    const where = `cacheLayers[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      return { problem: `${where} must be an object` };
    const object = entry as Record<string, unknown>;
    const unknown = Object.keys(object).find((key) => !KEYS.has(key));
    if (unknown) return { problem: `${where}: unknown key "${unknown}" (expected one of: ${[...KEYS].join(", ")})` };
    const declared = object.function;
    if (typeof declared !== "string" || !/^[^#]+#[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?$/.test(declared))
      return { problem: `${where}.function must be "path/to/file.ts#name", "file.ts#Class.method" or "package#name"` };
    const [target, name] = declared.split("#") as [string, string];
    const isFile = /\.[cm]?[jt]sx?$/.test(target);
    const paths: Partial<Record<"key" | "load" | "value" | "ttl", ArgumentPath>> = {};
    for (const key of ["key", "load", "value", "ttl"] as const) {
      if (object[key] === undefined) continue;
      const parsed = readArgumentPath(object[key]);
      if (!parsed) return { problem: `${where}.${key} must be an argument index (0, 1…) or "index.property"` };
      paths[key] = parsed;
    }
    if (!paths.key) return { problem: `${where}.key is required: the argument that holds the cache key` };
    const operation =
      object.operation === undefined
        ? paths.load
          ? "read-through"
          : paths.value
            ? "write"
            : "read"
        : (object.operation as CacheLayerOperation);
    if (!OPERATIONS.includes(operation))
      return { problem: `${where}.operation must be one of ${OPERATIONS.join(", ")}` };
    if (operation === "read-through" && !paths.load)
      return { problem: `${where}: a read-through layer needs "load", the argument that computes the value` };
    const unit = object.unit ?? (paths.ttl || object.defaultTtl !== undefined ? undefined : "s");
    if (unit !== "s" && unit !== "ms")
      return { problem: `${where}.unit must be "s" or "ms" (the unit of the layer's TTL)` };
    const defaultTtl = object.defaultTtl;
    if (defaultTtl !== undefined && defaultTtl !== "none" && !(typeof defaultTtl === "number" && defaultTtl > 0))
      return { problem: `${where}.defaultTtl must be a positive number (in "unit") or "none"` };
    layers.push({
      file: isFile ? path.resolve(baseDir, target) : undefined,
      module: isFile ? undefined : target,
      name,
      operation,
      key: paths.key,
      load: paths.load,
      value: paths.value,
      ttl: paths.ttl,
      unit,
      defaultTtl: defaultTtl as CacheLayer["defaultTtl"],
      declared,
    });
  }
  return { layers };
}

function readArgumentPath(value: unknown): ArgumentPath | undefined {
  if (typeof value === "number")
    return Number.isInteger(value) && value >= 0 ? { index: value, property: undefined } : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^(\d+)(?:\.([A-Za-z_$][\w$]*))?$/.exec(value);
  return match ? { index: Number(match[1]), property: match[2] } : undefined;
}
