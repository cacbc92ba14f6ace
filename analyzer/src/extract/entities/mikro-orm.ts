// MikroORM: EntityManager calls (`em.nativeUpdate(User, …)`, `em.persistAndFlush(user)`).
import type * as TS from "typescript";
import type { EntityContext } from "./entity-context";
import { describeAccess, type DescribedAccess } from "./entity-helpers";

export const MIKRO_READS = new Set(["find", "findOne", "findOneOrFail", "findAndCount", "count", "findAll"]);

export const MIKRO_WRITES = new Set([
  "nativeInsert",
  "nativeUpdate",
  "nativeDelete",
  "upsert",
  "upsertMany",
  "insert",
  "insertMany",
]);

export const MIKRO_ENTITY_WRITES = new Set(["persistAndFlush", "removeAndFlush", "persist", "remove"]);

/** An EntityManager call: the entity class is the first argument, or the type of the entity persisted. */
export function describeMikroOrmCall(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  const first = call.arguments[0];
  if (MIKRO_ENTITY_WRITES.has(method) && first) {
    const type = cx.resolver.checker.getTypeAtLocation(first);
    const name = type.getSymbol()?.getName();
    return name && name !== "__type" ? [describeAccess(name, "write", method, "mikro-orm")] : undefined;
  }
  const isRead = MIKRO_READS.has(method);
  if ((!isRead && !MIKRO_WRITES.has(method)) || !first || !ts.isIdentifier(cx.resolver.skipOuter(first)))
    return undefined;
  return [
    describeAccess(
      (cx.resolver.skipOuter(first) as TS.Identifier).text,
      isRead ? "read" : "write",
      method,
      "mikro-orm",
    ),
  ];
}
