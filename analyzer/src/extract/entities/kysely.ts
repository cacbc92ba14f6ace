// Kysely: `db.updateTable("users")`, `db.selectFrom("users")`.
import type * as TS from "typescript";
import type { EntityContext } from "./entity-context";
import { describeAccess, type DescribedAccess } from "./entity-helpers";

export function describeKysely(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const kinds: Record<string, DescribedAccess["operation"]> = {
    updateTable: "write",
    insertInto: "write",
    deleteFrom: "write",
    replaceInto: "write",
    mergeInto: "write",
    selectFrom: "read",
  };
  const operation = kinds[method];
  const table = call.arguments[0];
  if (!operation || !table) return undefined;
  const name = cx.resolver.foldString(table);
  if (name === undefined || !cx.isFrom(receiver, "kysely")) return undefined;
  return [describeAccess(name.split(/\s+/)[0]!, operation, method, "kysely")];
}
