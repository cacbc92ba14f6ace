// Drizzle: `db.update(users)`, `db.insert(users)`, `db.select().from(users)`, `db.query.users.findFirst()`.
import type * as TS from "typescript";
import type { EntityContext } from "./entity-context";
import { describeAccess, type DescribedAccess } from "./entity-helpers";

/** `db.update(users)`, `db.insert(users)`, `db.delete(users)`, `db.select().from(users)`, `db.query.users.findFirst()`. */
export function describeDrizzle(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  const table = call.arguments[0];
  if (
    (method === "update" || method === "insert" || method === "delete") &&
    table &&
    ts.isIdentifier(cx.resolver.skipOuter(table))
  ) {
    if (!cx.isFrom(receiver, "drizzle") || !isDrizzleTable(cx, table)) return undefined;
    return [describeAccess((cx.resolver.skipOuter(table) as TS.Identifier).text, "write", method, "drizzle")];
  }
  if (method === "from" && table && ts.isIdentifier(cx.resolver.skipOuter(table)) && isDrizzleTable(cx, table)) {
    return [describeAccess((cx.resolver.skipOuter(table) as TS.Identifier).text, "read", "select", "drizzle")];
  }
  if ((method === "findFirst" || method === "findMany") && ts.isPropertyAccessExpression(receiver)) {
    const query = cx.resolver.skipOuter(receiver.expression);
    if (ts.isPropertyAccessExpression(query) && query.name.text === "query" && cx.isFrom(query.expression, "drizzle")) {
      return [describeAccess(receiver.name.text, "read", method, "drizzle")];
    }
  }
  return undefined;
}

/** A table built with drizzle's `pgTable`/`mysqlTable`/`sqliteTable`, by its type or initializer. */
function isDrizzleTable(cx: EntityContext, table: TS.Expression): boolean {
  return cx.isFrom(table, "drizzle");
}
