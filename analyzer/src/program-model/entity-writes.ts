// Writes of the source of truth as the rules see them: whether one can change what a family holds,
// and how it reads in messages.
import type { EntityAccess } from "../model/cache-model";
import type { FamilyEntity } from "../model/program-model";

/**
 * Whether a write of the source of truth can change what a family holds from that entity: same
 * entity, and, when both sides are known, a written column that reaches the cached value
 * (`data: { lastUsed }` leaves a cache of `name` alone). Deletes and unknown writes change everything.
 */
export function isChangedByWrite(dependency: FamilyEntity, write: EntityAccess): boolean {
  if (dependency.entity !== write.entity) return false;
  if (!dependency.fields || !write.fields) return true;
  const read = new Set(dependency.fields.map(normalizeFieldName));
  return write.fields.some((field) => read.has(normalizeFieldName(field)));
}

/** `default_product`, `defaultProduct`, `"DefaultProduct"` → `defaultproduct`. */
function normalizeFieldName(field: string): string {
  return field.replace(/["'`_]/g, "").toLowerCase();
}

/** How a write reads in messages: `user.update`, `UPDATE teams`. */
export function describeEntityWrite(write: EntityAccess): string {
  return write.orm === "sql" ? `${write.action} ${write.displayName}` : `${write.displayName}.${write.action}`;
}
