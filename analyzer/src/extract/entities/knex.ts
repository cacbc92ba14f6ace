// Knex: `knex("users").where(…).update(…)`, `db("users").insert(…)`, `knex("users").select()`.
import type * as TS from "typescript";
import type { EntityContext } from "./entity-context";
import { describeAccess, readLiteralKeys, type DescribedAccess } from "./entity-helpers";

const KNEX_WRITES = new Set(["insert", "update", "del", "delete", "upsert", "increment", "decrement", "truncate"]);

/** `knex("users").where(…).update(…)`, `db("users").insert(…)`, `knex("users").select()`. */
export function describeKnex(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  const isWrite = KNEX_WRITES.has(method);
  if (!isWrite && !["select", "first", "pluck"].includes(method)) return undefined;
  // Walk down the builder chain to the `knex("table")` call.
  let current = cx.resolver.skipOuter(receiver);
  for (let step = 0; step < 12 && ts.isCallExpression(current); step++) {
    const callee = cx.resolver.skipOuter(current.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      current = cx.resolver.skipOuter(callee.expression);
      continue;
    }
    const table = current.arguments[0] && cx.resolver.foldString(current.arguments[0]);
    if (table === undefined || !cx.isFrom(callee, "knex")) return undefined;
    void call;
    return [describeAccess(table.split(/\s+/)[0]!, isWrite ? "write" : "read", method, "knex")];
  }
  return undefined;
}

/** The columns a Knex `.update({…})` writes. */
export function findKnexWrittenFields(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
): string[] | undefined {
  const args = call.arguments;
  return method === "update" && args[0] ? readLiteralKeys(cx, args[0]) : undefined;
}
