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
  // Walk down the builder chain to the `knex("table")` call, also through a local that holds a builder
  // (`const query = knex("users"); query.andWhere(…); await query.update(…)`).
  let current = cx.resolver.skipOuter(receiver);
  for (let step = 0; step < 12; step++) {
    if (ts.isIdentifier(current)) {
      const builder = findLocalBuilder(cx, current);
      if (!builder) return undefined;
      current = builder;
      continue;
    }
    if (!ts.isCallExpression(current)) return undefined;
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

/** The initialiser of a `const` (or `let`) declared in the same function, when it is a call (a builder chain). */
function findLocalBuilder(cx: EntityContext, name: TS.Identifier): TS.Expression | undefined {
  const { ts } = cx;
  const symbol = cx.resolver.tryChecker(() => cx.resolver.checker.getSymbolAtLocation(name), undefined);
  const declaration = symbol?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  if (declaration.getSourceFile() !== name.getSourceFile() || !ts.isIdentifier(declaration.name)) return undefined;
  // A module-level builder would be shared by every caller: only a function's own local.
  if (!ts.isVariableDeclarationList(declaration.parent) || ts.isSourceFile(declaration.parent.parent.parent))
    return undefined;
  const initializer = cx.resolver.skipOuter(declaration.initializer);
  return ts.isCallExpression(initializer) ? initializer : undefined;
}
