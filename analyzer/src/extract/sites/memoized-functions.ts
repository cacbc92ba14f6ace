// The function a memoizer wraps: its parameters, whether it is async, whether it can reject, whether it is pure.
import type * as TS from "typescript";
import type { MemoizedFunction } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { walkTree } from "../walk";

/** The function being memoized: inline, or resolved through its symbol (across files). */
export function describeMemoizedFunction(
  builder: SiteBuilder,
  expression: TS.Expression,
  call: TS.Node,
): MemoizedFunction | undefined {
  const r = builder.resolver;
  const declaration = r.findFunctionDeclaration(expression);
  const name =
    builder.instances.findBindingName(call) ?? (builder.ts.isIdentifier(expression) ? expression.text : undefined);
  if (!declaration) {
    // An imported function without source (a library, or no types): only the signature is known.
    return describeFromSignature(builder, expression, name);
  }
  return describeFunctionDeclaration(builder, declaration, name, 0);
}

export function describeFunctionDeclaration(
  builder: SiteBuilder,
  declaration: TS.FunctionLikeDeclaration,
  name: string | undefined,
  keyedParameters: number,
): MemoizedFunction {
  const { ts } = builder;
  const parameters = declaration.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === "this"));
  void keyedParameters;
  const firstOptional = parameters.findIndex((p) => p.initializer !== undefined || p.dotDotDotToken !== undefined);
  return {
    name,
    parameterCount: parameters.length,
    hasRestParameter: parameters.some((p) => p.dotDotDotToken !== undefined),
    hasDefaultParameter: parameters.some((p) => p.initializer !== undefined),
    isAsync: isAsyncFunction(builder, declaration),
    hasFiniteDomain: parameters.every((p) => !p.dotDotDotToken && isFiniteType(builder, p)),
    length: firstOptional < 0 ? parameters.length : firstOptional,
    parameterNames: parameters.map((p) => p.name.getText()),
    neverRejects: neverRejects(builder, declaration),
    impurities: declaration.body ? builder.context.purity.describeImpurities(declaration) : [],
    span: builder.resolver.makeSpan(declaration),
  };
}

function describeFromSignature(
  builder: SiteBuilder,
  expression: TS.Expression,
  name: string | undefined,
): MemoizedFunction | undefined {
  const { checker } = builder.resolver;
  const type = checker.getTypeAtLocation(expression);
  const signature = type.getCallSignatures()[0];
  if (!signature) return undefined;
  const returnType = checker.getReturnTypeOfSignature(signature);
  return {
    name,
    parameterCount: signature.parameters.length,
    hasRestParameter: signature.parameters.some((p) => {
      const declaration = p.valueDeclaration;
      return (
        declaration !== undefined && builder.ts.isParameter(declaration) && declaration.dotDotDotToken !== undefined
      );
    }),
    hasDefaultParameter: false,
    isAsync: isPromiseType(builder, returnType),
    hasFiniteDomain: signature.parameters.length === 0,
    length: signature.parameters.length,
    parameterNames: signature.parameters.map((p) => p.getName()),
    neverRejects: false,
    impurities: [],
    span: undefined,
  };
}

/** `try { … } catch { return fallback }` around the whole body, or `return p.catch(() => fallback)`. */
function neverRejects(builder: SiteBuilder, declaration: TS.FunctionLikeDeclaration): boolean {
  const { ts } = builder;
  const body = declaration.body;
  if (!body) return false;
  if (!ts.isBlock(body)) return isCatchingExpression(builder, body);
  const statements = body.statements;
  const attempts = statements.filter(ts.isTryStatement);
  if (attempts.length === 0) {
    const last = statements[statements.length - 1];
    return (
      statements.length === 1 &&
      last !== undefined &&
      ts.isReturnStatement(last) &&
      last.expression !== undefined &&
      isCatchingExpression(builder, last.expression)
    );
  }
  const attempt = attempts[0]!;
  if (attempts.length !== 1 || !attempt.catchClause || containsThrow(builder, attempt.catchClause.block)) return false;
  // Anything outside the try must not be able to throw: only literal returns are accepted.
  return statements.every(
    (s) =>
      s === attempt ||
      (ts.isReturnStatement(s) &&
        (!s.expression || ts.isLiteralExpression(s.expression) || s.expression.kind === ts.SyntaxKind.NullKeyword)),
  );
}

function isCatchingExpression(builder: SiteBuilder, expression: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(expression);
  if (
    !ts.isCallExpression(node) ||
    !ts.isPropertyAccessExpression(node.expression) ||
    node.expression.name.text !== "catch"
  )
    return false;
  const handler = node.arguments[0];
  return (
    handler !== undefined &&
    (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) &&
    !containsThrow(builder, handler.body)
  );
}

/** A `throw` or `Promise.reject` that runs in this code (nested functions excluded). */
function containsThrow(builder: SiteBuilder, node: TS.Node): boolean {
  const { ts } = builder;
  let found = false;
  walkTree(ts, node, (child) => {
    if (found || (child !== node && ts.isFunctionLike(child))) return false;
    if (ts.isThrowStatement(child)) found = true;
    else if (
      ts.isCallExpression(child) &&
      ts.isPropertyAccessExpression(child.expression) &&
      child.expression.name.text === "reject" &&
      child.expression.expression.getText() === "Promise"
    )
      found = true;
    return !found;
  });
  return found;
}

function isAsyncFunction(builder: SiteBuilder, declaration: TS.FunctionLikeDeclaration): boolean {
  const { ts } = builder;
  const { checker } = builder.resolver;
  if (ts.getCombinedModifierFlags(declaration as TS.Declaration) & ts.ModifierFlags.Async) return true;
  const signature = checker.getSignatureFromDeclaration(declaration);
  return signature ? isPromiseType(builder, checker.getReturnTypeOfSignature(signature)) : false;
}

function isPromiseType(builder: SiteBuilder, type: TS.Type): boolean {
  const symbol = type.getSymbol();
  if (!symbol) return false;
  const name = symbol.getName();
  if (name !== "Promise" && name !== "PromiseLike") return false;
  const declaration = symbol.declarations?.[0];
  return declaration !== undefined && builder.resolver.program.isSourceFileDefaultLibrary(declaration.getSourceFile());
}

/** Booleans, literal unions and enums have a small, finite domain. */
function isFiniteType(builder: SiteBuilder, parameter: TS.ParameterDeclaration): boolean {
  const { ts } = builder;
  const { checker } = builder.resolver;
  const type = checker.getTypeAtLocation(parameter);
  const finiteFlags =
    ts.TypeFlags.BooleanLike |
    ts.TypeFlags.EnumLike |
    ts.TypeFlags.StringLiteral |
    ts.TypeFlags.NumberLiteral |
    ts.TypeFlags.BigIntLiteral |
    ts.TypeFlags.Undefined |
    ts.TypeFlags.Null |
    ts.TypeFlags.Void;
  const isFinite = (t: TS.Type): boolean => {
    if (t.flags & finiteFlags) return true;
    if (t.isUnion()) return t.types.every(isFinite);
    return false;
  };
  return isFinite(type);
}
