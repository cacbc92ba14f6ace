// TypeORM: repositories and the EntityManager (`repo.update(…)`, `manager.save(User, …)`) and
// query builders (`createQueryBuilder`, `insert().into(User)`, `delete().from(User)`).
import type * as TS from "typescript";
import type { EntityContext } from "./entity-context";
import {
  describeAccess,
  findChainedMethods,
  readLiteralKeys,
  readTypeName,
  type DescribedAccess,
} from "./entity-helpers";

export const TYPEORM_READS = new Set([
  "find",
  "findBy",
  "findOne",
  "findOneBy",
  "findOneOrFail",
  "findOneByOrFail",
  "findAndCount",
  "findAndCountBy",
  "count",
  "countBy",
  "exists",
  "existsBy",
  "findByIds",
]);

export const TYPEORM_WRITES = new Set([
  "save",
  "insert",
  "update",
  "upsert",
  "delete",
  "remove",
  "softDelete",
  "softRemove",
  "restore",
  "recover",
  "increment",
  "decrement",
  "clear",
]);

/**
 * `repo.createQueryBuilder("u").where(…).getOne()` (a read of the repository's entity, unless the chain
 * goes on with a write, which `update()`/`delete()` describe themselves), `qb.insert().into(User)`,
 * `qb.delete().from(User)`, `qb.select().from(User, "u")`. `update(User)` is a repository-style call.
 */
export function describeTypeormQueryBuilder(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  if (method === "createQueryBuilder") {
    // On a Repository<T>: the chain decides; on a DataSource or EntityManager, its `from`/`into` does.
    if (!cx.isFrom(receiver, "typeorm")) return undefined;
    const entity = findTypeormEntity(cx, receiver);
    if (!entity) return undefined;
    const chained = findChainedMethods(cx, call);
    const write = chained.find(
      (m) =>
        m.name === "update" ||
        m.name === "delete" ||
        m.name === "insert" ||
        m.name === "softDelete" ||
        m.name === "restore",
    );
    // A write in the chain (`.delete()`, `.update(User)`) is described where it is called: its builder type names the entity.
    if (write) return [];
    return [describeAccess(entity, "read", "select", "typeorm")];
  }
  if (
    (method !== "into" && method !== "from") ||
    !call.arguments[0] ||
    !ts.isIdentifier(cx.resolver.skipOuter(call.arguments[0]))
  )
    return undefined;
  const builder = readTypeName(cx, receiver);
  if (!builder || !/QueryBuilder$/.test(builder) || !cx.isFrom(receiver, "typeorm") || !cx.isClass(call.arguments[0]))
    return undefined;
  const entity = (cx.resolver.skipOuter(call.arguments[0]) as TS.Identifier).text;
  // `teams.createQueryBuilder().delete().from(Team)`: the `delete()` of a typed builder already named the entity.
  const previous = cx.resolver.skipOuter(receiver);
  if (
    ts.isCallExpression(previous) &&
    ts.isPropertyAccessExpression(previous.expression) &&
    findTypeormEntity(cx, previous.expression.expression)
  )
    return [];
  if (builder === "InsertQueryBuilder") return [describeAccess(entity, "write", "insert", "typeorm")];
  if (builder === "DeleteQueryBuilder" || builder === "SoftDeleteQueryBuilder")
    return [describeAccess(entity, "write", "delete", "typeorm")];
  if (builder === "SelectQueryBuilder") return [describeAccess(entity, "read", "select", "typeorm")];
  return undefined;
}

/** A Repository<T> or EntityManager call, on a receiver from TypeORM. */
export function describeTypeormRepository(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  const isRead = TYPEORM_READS.has(method);
  if (!isRead && !TYPEORM_WRITES.has(method)) return undefined;
  // EntityManager: the entity class is the first argument; a Repository carries it in its type.
  const first = call.arguments[0];
  const fromArgument =
    first && ts.isIdentifier(cx.resolver.skipOuter(first)) && cx.isClass(first)
      ? (cx.resolver.skipOuter(first) as TS.Identifier).text
      : undefined;
  const entity = fromArgument ?? findTypeormEntity(cx, receiver);
  return entity ? [describeAccess(entity, isRead ? "read" : "write", method, "typeorm")] : undefined;
}

/** `Repository<User>` (type or annotation), `getRepository(User)`, `@InjectRepository(User)`. */
function findTypeormEntity(cx: EntityContext, receiver: TS.Expression): string | undefined {
  const { ts } = cx;
  const { checker } = cx.resolver;
  const name = cx.resolver.tryChecker(() => {
    const type = checker.getTypeAtLocation(receiver);
    const argument =
      (type.flags & ts.TypeFlags.Object) !== 0 ? checker.getTypeArguments(type as TS.TypeReference)[0] : undefined;
    return argument?.getSymbol()?.getName();
  }, undefined);
  if (name && name !== "ObjectLiteral" && name !== "__type") return name;
  // Otherwise from the declarations.
  const node = cx.resolver.skipOuter(receiver);
  const nameNode = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) ? node.name : undefined;
  const declaration = nameNode ? cx.resolver.checker.getSymbolAtLocation(nameNode)?.valueDeclaration : undefined;
  if (!declaration) return undefined;
  if (
    (ts.isParameter(declaration) || ts.isPropertyDeclaration(declaration)) &&
    declaration.type &&
    ts.isTypeReferenceNode(declaration.type)
  ) {
    const argument = declaration.type.typeArguments?.[0];
    if (argument && ts.isTypeReferenceNode(argument)) return argument.typeName.getText();
  }
  if (ts.isParameter(declaration) || ts.isPropertyDeclaration(declaration)) {
    for (const decorator of ts.getDecorators(declaration) ?? []) {
      const expression = decorator.expression;
      if (
        ts.isCallExpression(expression) &&
        expression.expression.getText() === "InjectRepository" &&
        expression.arguments[0]
      )
        return expression.arguments[0].getText();
    }
  }
  const initializer =
    (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer
      ? cx.resolver.skipOuter(declaration.initializer)
      : undefined;
  if (
    initializer &&
    ts.isCallExpression(initializer) &&
    ts.isPropertyAccessExpression(initializer.expression) &&
    initializer.expression.name.text === "getRepository" &&
    initializer.arguments[0]
  ) {
    return initializer.arguments[0].getText();
  }
  return undefined;
}

/** The columns a TypeORM or MikroORM update writes (the two take the same shapes). */
export function findTypeormWrittenFields(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
): string[] | undefined {
  const args = call.arguments;
  // A query builder's `update(User).set({ … })`.
  if (method === "update" && args.length <= 1) {
    const values = findChainedMethods(cx, call).find((m) => m.name === "set")?.call.arguments[0];
    return values ? readLiteralKeys(cx, values) : undefined;
  }
  if (method === "update" || method === "nativeUpdate") return args[1] ? readLiteralKeys(cx, args[1]) : undefined;
  if ((method === "increment" || method === "decrement") && args[1]) {
    const column = cx.resolver.foldString(args[1]);
    return column === undefined ? undefined : [column];
  }
  return undefined;
}
