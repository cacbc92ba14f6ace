// Shared by the per-ORM readers of source-of-truth accesses: the access record, entity names, and
// the syntax their calls are read with (object literal keys, builder chains, template text).
import type * as TS from "typescript";
import type { EntityAccess, Orm } from "../../model/cache-model";
import type { EntityContext } from "./entity-context";

export interface DescribedAccess {
  entity: string;
  displayName: string;
  operation: EntityAccess["operation"];
  action: string;
  orm: Orm;
  fields?: string[];
  /** Raw SQL recognised by its text on a receiver no known driver or ORM backs (see `EntityAccess.unidentifiedDriver`). */
  unidentifiedDriver?: true;
}

/** An access record; the entity name is normalised for comparison, the display name kept as written. */
export function describeAccess(
  name: string,
  operation: DescribedAccess["operation"],
  action: string,
  orm: Orm,
): DescribedAccess {
  return { entity: normalizeEntityName(name), displayName: name, operation, action, orm };
}

/** `Users`, `users`, `user_accounts`, `"UserAccount"` → a comparable entity name: lower case, no separators, singular. */
export function normalizeEntityName(name: string): string {
  let normalized = name
    .replace(/["'\x60[\]]/g, "")
    .replace(/[_\-\s]/g, "")
    .toLowerCase();
  if (normalized.endsWith("ies") && normalized.length > 4) normalized = `${normalized.slice(0, -3)}y`;
  else if (/(ses|xes|ches|shes)$/.test(normalized)) normalized = normalized.slice(0, -2);
  else if (normalized.endsWith("s") && !normalized.endsWith("ss") && normalized.length > 3)
    normalized = normalized.slice(0, -1);
  return normalized;
}

/** Methods called on the result of a call, in chain order: `a().b().c()` from `a()` → b, c. */
export function findChainedMethods(
  cx: EntityContext,
  call: TS.CallExpression,
): Array<{ name: string; call: TS.CallExpression }> {
  const { ts } = cx;
  const chain: Array<{ name: string; call: TS.CallExpression }> = [];
  let current: TS.Node = call;
  for (let step = 0; step < 12; step++) {
    const access = current.parent;
    if (!access || !ts.isPropertyAccessExpression(access) || !access.parent || !ts.isCallExpression(access.parent))
      break;
    chain.push({ name: access.name.text, call: access.parent });
    current = access.parent;
  }
  return chain;
}

export function readTypeName(cx: EntityContext, expression: TS.Expression): string | undefined {
  return cx.resolver.tryChecker(
    () => cx.resolver.checker.getTypeAtLocation(expression).getSymbol()?.getName(),
    undefined,
  );
}

/** Property names of an object literal, or undefined when it is not one or has spreads or computed names. */
export function readLiteralKeys(cx: EntityContext, expression: TS.Expression, depth = 0): string[] | undefined {
  const { ts } = cx;
  const outer = cx.resolver.skipOuter(expression);
  if (depth > 4) return undefined;
  // `cond ? { a } : { b }`: either literal may be written, so both sets of columns.
  if (ts.isConditionalExpression(outer)) {
    const whenTrue = readLiteralKeys(cx, outer.whenTrue, depth + 1);
    const whenFalse = readLiteralKeys(cx, outer.whenFalse, depth + 1);
    return whenTrue && whenFalse ? [...new Set([...whenTrue, ...whenFalse])] : undefined;
  }
  // `const data: { name?: string; image?: string } = {}` then `data.name = …`: the declared members.
  if (ts.isIdentifier(outer)) {
    const declared = readDeclaredMembers(cx, outer);
    if (declared) return declared;
  }
  // `const data = { name, image }; prisma.user.update({ data })`: the literal the constant holds.
  const node = ts.isIdentifier(outer) ? cx.resolver.readObjectLiteral(outer) : outer;
  if (!node || !ts.isObjectLiteralExpression(node)) return undefined;
  const keys: string[] = [];
  for (const property of node.properties) {
    if (ts.isSpreadAssignment(property)) {
      // `...(cond && { a })`, `...(cond ? { a } : {})`: the keys of the literals it may add.
      for (const part of cx.resolver.listSpreadParts(property.expression)) {
        const inner = readLiteralKeys(cx, part, depth + 1);
        if (!inner) return undefined;
        keys.push(...inner);
      }
      continue;
    }
    const name = property.name;
    if (!name || !(ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return undefined;
    keys.push(name.text);
  }
  return keys;
}

/**
 * The members of a variable declared with an object type literal (`const data: { a?: string; b?: number } = {}`):
 * the only columns it can hold, however it is filled.
 */
function readDeclaredMembers(cx: EntityContext, identifier: TS.Identifier): string[] | undefined {
  const { ts } = cx;
  // `update({ where, data })`: the shorthand names the variable, whose symbol the checker gives apart.
  const symbol = ts.isShorthandPropertyAssignment(identifier.parent)
    ? cx.resolver.tryChecker(() => cx.resolver.checker.getShorthandAssignmentValueSymbol(identifier.parent), undefined)
    : cx.resolver.getDeclaredSymbol(identifier);
  const declaration = symbol?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.type) return undefined;
  if (!ts.isTypeLiteralNode(declaration.type)) return undefined;
  const names: string[] = [];
  for (const member of declaration.type.members) {
    if (!ts.isPropertySignature(member) || !member.name) return undefined;
    if (!ts.isIdentifier(member.name) && !ts.isStringLiteral(member.name)) return undefined;
    names.push(member.name.text);
  }
  return names;
}

export function templateText(cx: EntityContext, template: TS.TemplateLiteral): string {
  const { ts } = cx;
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text;
  return template.head.text + template.templateSpans.map((span) => ` ? ${span.literal.text}`).join("");
}

/** `db.update(t).set({…})` (Drizzle), `db.updateTable(t).set({…})` (Kysely), possibly after `.where(…)`: the keys of the `set` literal. */
export function findBuilderSetKeys(cx: EntityContext, call: TS.CallExpression, method: string): string[] | undefined {
  const { ts } = cx;
  if (method !== "update" && method !== "updateTable") return undefined;
  // Follow the builder chain up.
  let current: TS.Node = call;
  for (let step = 0; step < 6; step++) {
    const access = current.parent;
    if (!access || !ts.isPropertyAccessExpression(access) || !access.parent || !ts.isCallExpression(access.parent))
      return undefined;
    if (access.name.text === "set")
      return access.parent.arguments[0] ? readLiteralKeys(cx, access.parent.arguments[0]) : undefined;
    current = access.parent;
  }
  return undefined;
}
