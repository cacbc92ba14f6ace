// Writes without an expiry that run only when a TTL option is missing: a wrapper such as
// `set(key, value, { ttl } = {}) { if (ttl) { store.set(key, value, "EX", ttl); return } store.set(key, value) }`
// writes forever exactly when its caller leaves the option out. The write records which parameter (and field of a
// destructured options parameter) guards it; each call of a function records, for its parameters that may be left out,
// whether the call gives them, leaves them out, or passes on one of its own parameters that has no default. The
// program model then keeps the write at the calls that leave the option out and drops it at those that give one.
import type * as TS from "typescript";
import type { OptionalArgument, TtlGuard } from "../../model/cache-model";
import type { Resolver } from "../resolver";
import type { TsModule } from "../host";
import { walkTree } from "../walk";

type FunctionLike = TS.FunctionLikeDeclaration;

/** A parameter, or a field of a destructured parameter, that a binding stands for, when it has no default. */
function parameterOf(
  ts: TsModule,
  resolver: Resolver,
  name: TS.Identifier,
  fn: FunctionLike,
): { parameter: number; field?: string } | undefined {
  // `{ ttl }` names the variable through the shorthand property.
  const symbol = ts.isShorthandPropertyAssignment(name.parent)
    ? resolver.checker.getShorthandAssignmentValueSymbol(name.parent)
    : resolver.checker.getSymbolAtLocation(name);
  const declaration = symbol?.valueDeclaration;
  if (!declaration) return undefined;
  if (ts.isParameter(declaration) && declaration.parent === fn) {
    if (declaration.initializer || declaration.dotDotDotToken) return undefined;
    return { parameter: fn.parameters.indexOf(declaration) };
  }
  if (!ts.isBindingElement(declaration) || declaration.initializer || declaration.dotDotDotToken) return undefined;
  const pattern = declaration.parent;
  if (!ts.isObjectBindingPattern(pattern) || !ts.isParameter(pattern.parent) || pattern.parent.parent !== fn)
    return undefined;
  const property = declaration.propertyName ?? declaration.name;
  if (!ts.isIdentifier(property)) return undefined;
  return { parameter: fn.parameters.indexOf(pattern.parent), field: property.text };
}

function alwaysExits(ts: TsModule, statement: TS.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return last !== undefined && alwaysExits(ts, last);
  }
  return false;
}

function mentions(ts: TsModule, node: TS.Node, name: string): boolean {
  let found = false;
  walkTree(ts, node, (child) => {
    if (found) return false;
    if (ts.isIdentifier(child) && child.text === name) found = true;
    return undefined;
  });
  return found;
}

/**
 * The option that guards a write without expiry: the write is in the `else` of `if (ttl)`, or after an `if (ttl)`
 * whose branch writes with `ttl` and returns. `ttl` must be a parameter (or a field of a destructured parameter)
 * without default of the function the write is in.
 */
export function findTtlGuard(
  ts: TsModule,
  resolver: Resolver,
  call: TS.CallExpression,
  fn: FunctionLike | undefined,
): TtlGuard | undefined {
  if (!fn?.body) return undefined;
  const guardOf = (condition: TS.Expression, branch: TS.Statement): TtlGuard | undefined => {
    const node = resolver.skipOuter(condition);
    if (!ts.isIdentifier(node) || !mentions(ts, branch, node.text)) return undefined;
    const parameter = parameterOf(ts, resolver, node, fn);
    return parameter && { ...parameter, name: node.text };
  };
  let node: TS.Node = call;
  while (node !== fn.body && node.parent) {
    const parent = node.parent;
    if (ts.isFunctionLike(parent)) return undefined;
    if (ts.isIfStatement(parent) && parent.elseStatement === node) {
      const guard = guardOf(parent.expression, parent.thenStatement);
      if (guard) return guard;
    }
    if (ts.isBlock(parent)) {
      for (const statement of parent.statements) {
        if (statement === node) break;
        if (ts.isIfStatement(statement) && !statement.elseStatement && alwaysExits(ts, statement.thenStatement)) {
          const guard = guardOf(statement.expression, statement.thenStatement);
          if (guard) return guard;
        }
      }
    }
    node = parent;
  }
  return undefined;
}

/**
 * For each of the target's first six parameters that may be left out (an identifier or an object pattern without
 * default), what the call gives: `"omitted"`, `"given"` (or not known), one of the caller's own parameters without
 * default passed on, or, for an object literal, its fields. Undefined when the target has no such parameter or the
 * call gives them all.
 */
export function describeOptionalArguments(
  ts: TsModule,
  resolver: Resolver,
  call: TS.CallExpression,
  target: FunctionLike,
  owner: TS.Node | undefined,
): Array<OptionalArgument | null> | undefined {
  const caller = owner && ts.isFunctionLike(owner) && "body" in owner ? (owner as FunctionLike) : undefined;
  let any = false;
  const passedOn = (expression: TS.Expression): OptionalArgument => {
    const node = resolver.skipOuter(expression);
    if (ts.isIdentifier(node) && node.text === "undefined") return "omitted";
    if (ts.isIdentifier(node) && caller) return parameterOf(ts, resolver, node, caller) ?? "given";
    return "given";
  };
  const result = target.parameters.slice(0, 6).map((parameter, index): OptionalArgument | null => {
    if (parameter.dotDotDotToken) return null;
    const pattern = ts.isObjectBindingPattern(parameter.name);
    if (!pattern && (!ts.isIdentifier(parameter.name) || parameter.initializer)) return null;
    any = true;
    const argument = call.arguments[index];
    if (!argument) return "omitted";
    const node = resolver.skipOuter(argument);
    if (!pattern || !ts.isObjectLiteralExpression(node)) return passedOn(node);
    const fields: Record<string, OptionalArgument> = {};
    for (const property of node.properties) {
      if (ts.isSpreadAssignment(property)) return "given";
      if (ts.isShorthandPropertyAssignment(property)) fields[property.name.text] = passedOn(property.name);
      else if (
        ts.isPropertyAssignment(property) &&
        (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
      )
        fields[property.name.text] = passedOn(property.initializer);
      else return "given";
    }
    return { fields };
  });
  // "given" is what a missing record means: a call that gives every such parameter records nothing.
  return any && result.some((entry) => entry !== null && entry !== "given") ? result : undefined;
}
