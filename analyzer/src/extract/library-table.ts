// Transitional: what library-table.ts exported now comes from the library adapters
// (analyzer/src/libraries/). Importers move to the adapters' modules; this file goes then.
export type { ExportRole } from "../libraries/adapter";
export { findLibraryByModule, findLibraryByPackage, getPackageName, type LibraryEntry } from "../libraries/registry";
export {
  REDIS_CONSUMING_COMMANDS,
  REDIS_DELETE_COMMANDS,
  REDIS_EXPIRE_COMMANDS,
  REDIS_KEY_CREATING_COMMANDS,
  REDIS_READ_COMMANDS,
  REDIS_STRING_COMMANDS,
  REDIS_TTL_DROPPING_COMMANDS,
  REDIS_WRITE_WITH_TTL_COMMANDS,
} from "../libraries/redis-protocol";
import { COMMON_CACHE_METHODS } from "../libraries/in-process-methods";
import { getPackageName } from "../libraries/registry";

/** In-process cache methods by operation. */
export const IN_PROCESS_WRITE_METHODS = COMMON_CACHE_METHODS.write;
export const IN_PROCESS_READ_METHODS = COMMON_CACHE_METHODS.read;
export const IN_PROCESS_DELETE_METHODS = COMMON_CACHE_METHODS.delete;

/** Finds the package a declaration file belongs to, from its path under node_modules. */
export function findPackageOfDeclarationFile(fileName: string): string | undefined {
  const marker = "/node_modules/";
  const index = fileName.replace(/\\/g, "/").lastIndexOf(marker);
  if (index < 0) return undefined;
  const rest = fileName.replace(/\\/g, "/").slice(index + marker.length);
  const packageName = getPackageName(rest);
  // `@types/lodash` describes `lodash`; `@types/lodash.memoize` describes `lodash.memoize`.
  if (packageName.startsWith("@types/")) {
    const inner = packageName.slice("@types/".length);
    return inner.includes("__") ? `@${inner.replace("__", "/")}` : inner;
  }
  return packageName;
}
