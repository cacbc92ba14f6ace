// Prisma: `prisma.user.update(…)`, `tx.post.findMany(…)`, raw queries (`` prisma.$executeRaw`…` ``).
import type * as TS from "typescript";
import { MAX_DEPTH, type EntityContext } from "./entity-context";
import { describeAccess, readLiteralKeys, type DescribedAccess } from "./entity-helpers";
import { parseSql } from "./sql";

const PRISMA_READS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
]);

const PRISMA_WRITES = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);

/** `prisma.user.update(…)`, `tx.user.findMany(…)`, `this.prisma.post.deleteMany(…)`. */
export function describePrisma(
  cx: EntityContext,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  const isRead = PRISMA_READS.has(method);
  if (!isRead && !PRISMA_WRITES.has(method)) return undefined;
  const delegate = cx.resolver.skipOuter(receiver);
  if (!ts.isPropertyAccessExpression(delegate)) return undefined;
  const model = delegate.name.text;
  if (model.startsWith("$")) return undefined;
  if (!isPrismaClient(cx, delegate.expression)) return undefined;
  return [describeAccess(model, isRead ? "read" : "write", method, "prisma")];
}

function isPrismaClient(cx: EntityContext, expression: TS.Expression, depth = 0): boolean {
  const { ts } = cx;
  if (cx.isFrom(expression, "prisma")) return true;
  if (depth > MAX_DEPTH) return false;
  // `prisma.$transaction(async (tx) => tx.user.update(…))`: the callback's parameter is a client.
  const node = cx.resolver.skipOuter(expression);
  if (!ts.isIdentifier(node)) return false;
  const declaration = cx.resolver.checker.getSymbolAtLocation(node)?.valueDeclaration;
  if (!declaration || !ts.isParameter(declaration)) return false;
  const fn = declaration.parent;
  const call = fn.parent;
  if (
    !ts.isCallExpression(call) ||
    !ts.isPropertyAccessExpression(call.expression) ||
    call.expression.name.text !== "$transaction"
  )
    return false;
  return isPrismaClient(cx, call.expression.expression, depth + 1);
}

/** `` prisma.$executeRaw`UPDATE users …` ``, `` prisma.$queryRaw`…` ``: the tables the SQL text names. */
export function describePrismaRawQuery(
  cx: EntityContext,
  tag: TS.Expression,
  text: string,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  if (
    ts.isPropertyAccessExpression(tag) &&
    ["$executeRaw", "$queryRaw"].includes(tag.name.text) &&
    cx.isFrom(tag.expression, "prisma")
  )
    return parseSql(text, "prisma");
  return undefined;
}

/** The columns a Prisma update writes: its `data` (an upsert's `update`). */
export function findPrismaWrittenFields(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
): string[] | undefined {
  const args = call.arguments;
  if (!/^update/.test(method) && method !== "upsert") return undefined;
  const data = cx.resolver.readOptions(args[0]).props.get(method === "upsert" ? "update" : "data");
  return data ? readLiteralKeys(cx, data) : undefined;
}

/** The columns a read returns when it names them (Prisma `select`); undefined for whole rows. */
export function findPrismaSelectedFields(cx: EntityContext, call: TS.CallExpression): string[] | undefined {
  if (!call.arguments[0]) return undefined;
  const select = cx.resolver.readOptions(call.arguments[0]).props.get("select");
  return select ? readLiteralKeys(cx, select) : undefined;
}
