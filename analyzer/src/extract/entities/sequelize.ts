// Sequelize: model calls (`User.update(…)`, `db.models.User.findAll(…)`).
import type * as TS from "typescript";
import type { EntityContext } from "./entity-context";
import { describeAccess, readLiteralKeys, type DescribedAccess } from "./entity-helpers";

export const SEQUELIZE_READS = new Set([
  "findAll",
  "findOne",
  "findByPk",
  "findAndCountAll",
  "count",
  "max",
  "min",
  "sum",
]);

export const SEQUELIZE_WRITES = new Set([
  "create",
  "bulkCreate",
  "update",
  "upsert",
  "destroy",
  "increment",
  "decrement",
  "truncate",
  "restore",
]);

/** A call on a Sequelize model: the model is named by its variable or property. */
export function describeSequelizeModel(
  cx: EntityContext,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  const isRead = SEQUELIZE_READS.has(method);
  if (!isRead && !SEQUELIZE_WRITES.has(method)) return undefined;
  const model = cx.resolver.skipOuter(receiver);
  if (!ts.isIdentifier(model) && !ts.isPropertyAccessExpression(model)) return undefined;
  const name = ts.isIdentifier(model) ? model.text : model.name.text;
  return [describeAccess(name, isRead ? "read" : "write", method, "sequelize")];
}

/** The columns a Sequelize `update(values)` writes. */
export function findSequelizeWrittenFields(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
): string[] | undefined {
  const args = call.arguments;
  return method === "update" && args[0] ? readLiteralKeys(cx, args[0]) : undefined;
}
