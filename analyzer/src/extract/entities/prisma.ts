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

/** How the partial-types warning names a Prisma client read by its call shape (its generated types are missing). */
export const PRISMA_BY_SHAPE = "the Prisma client";

/** Methods only Prisma's model delegates have: enough, with an untyped client, to read the call as Prisma. */
const PRISMA_ONLY_METHODS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirstOrThrow",
  "createManyAndReturn",
  "updateManyAndReturn",
  "upsert",
]);

/** The options Prisma's model methods take. */
const PRISMA_ARGUMENT_KEYS = new Set([
  "where",
  "data",
  "select",
  "include",
  "omit",
  "orderBy",
  "take",
  "skip",
  "cursor",
  "distinct",
  "create",
  "update",
  "by",
  "having",
  "skipDuplicates",
  "relationLoadStrategy",
  "_count",
  "_sum",
  "_avg",
  "_min",
  "_max",
]);

/** `prisma.user.update(…)`, `tx.user.findMany(…)`, `this.prisma.post.deleteMany(…)`. */
export function describePrisma(
  cx: EntityContext,
  call: TS.CallExpression,
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
  if (!isPrismaClient(cx, delegate.expression)) {
    if (!hasPrismaCallShape(cx, call, method, delegate.expression)) return undefined;
    // Said in the "type information is partial" warning: this client was recognised by its calls, not its type.
    cx.resolver.unresolvedModules.add(PRISMA_BY_SHAPE);
  }
  return [describeAccess(model, isRead ? "read" : "write", method, "prisma")];
}

/**
 * A client whose type is not known (a Prisma client generated into the repository and not generated yet, reached
 * through a wrapper object: `db.client.link.update({ where, data })`), read by its call shape: a method only Prisma
 * has, or a model method whose options are Prisma's (`where`, `data`, `select`, …, with `where` or `data` among
 * them). A receiver whose type is known and is not Prisma's is never read this way.
 */
function hasPrismaCallShape(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
  client: TS.Expression,
): boolean {
  const { ts } = cx;
  if (!isUntyped(cx, client)) return false;
  const options = call.arguments[0];
  const literal = options ? cx.resolver.readObjectLiteral(options) : undefined;
  if (literal) {
    const keys = literal.properties.map((property) =>
      property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
        ? property.name.text
        : undefined,
    );
    if (keys.some((key) => key === undefined || !PRISMA_ARGUMENT_KEYS.has(key))) return false;
    if (PRISMA_ONLY_METHODS.has(method)) return true;
    return keys.includes("where") || keys.includes("data");
  }
  // `findUnique(criteria)` with a parameter typed `Prisma.WebsiteFindUniqueArgs`: a Prisma-only method is enough.
  return PRISMA_ONLY_METHODS.has(method) && (options === undefined || ts.isIdentifier(cx.resolver.skipOuter(options)));
}

/** The checker knows nothing of the value: its type is `any` or could not be resolved. */
function isUntyped(cx: EntityContext, expression: TS.Expression): boolean {
  return cx.resolver.tryChecker(() => {
    const type = cx.resolver.checker.getTypeAtLocation(expression);
    return (type.flags & cx.ts.TypeFlags.Any) !== 0;
  }, true);
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
