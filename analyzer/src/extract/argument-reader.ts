// The extractor's side of the adapter contract: adapters read arguments through this reader and
// never see TypeScript nodes (analyzer/src/libraries/adapter.ts).
import type * as TS from "typescript";
import type { Bound, ClientOptionValue, Ttl, TtlInsertion, TtlUnit } from "../model/cache-model";
import type { ArgumentReader, Expr, OptionsView, SharedStore } from "../libraries/adapter";
import type { Resolver } from "./resolver";

/** What the reader needs from the program: folding, TTL reading, the global `Map`, installed versions, instances. */
export interface ReaderServices {
  resolver: Resolver;
  readTtl(expression: TS.Expression, unit: TtlUnit, zeroMeansNone?: boolean): Ttl;
  isGlobalMap(identifier: TS.Identifier): boolean;
  installedMajor(packageName: string): number | undefined;
  /** The remote store (not Redis) that the instance an expression builds or names keeps its entries in. */
  findSharedStore(expression: TS.Expression): SharedStore | undefined;
}

/** An adapter's view of a TypeScript expression. */
export function toExpr(expression: TS.Expression): Expr {
  return expression as unknown as Expr;
}

/** The TypeScript expression behind an adapter's `Expr`. */
export function fromExpr(expression: Expr): TS.Expression {
  return expression as unknown as TS.Expression;
}

/** Builds the reader over the arguments of a construction, call or decorator. */
export function createArgumentReader(
  services: ReaderServices,
  args: readonly TS.Expression[],
  exportName: string,
  variant: string | undefined,
  curriedArgs?: readonly TS.Expression[],
): ArgumentReader {
  const r = services.resolver;
  const { ts } = r;
  const optionsOf = (expression: Expr | undefined): OptionsView => {
    const { props, opaque, literal } = r.readOptions(expression ? fromExpr(expression) : undefined);
    return {
      get: (name) => {
        const value = props.get(name);
        return value ? toExpr(value) : undefined;
      },
      has: (name) => props.has(name),
      opaque,
      literal: literal !== undefined,
      names: literal ? literal.properties.map((property) => property.name?.getText() ?? "...") : [],
    };
  };
  return {
    args: args.map(toExpr),
    exportName,
    variant,
    curriedArgs: curriedArgs?.map(toExpr),
    options: (index) => optionsOf(args[index] ? toExpr(args[index]) : undefined),
    optionsOf,
    ttl: (expression, unit, zeroMeansNone) => services.readTtl(fromExpr(expression), unit, zeroMeansNone),
    entries(expression): Bound {
      const value = r.foldNumber(fromExpr(expression));
      if (value === Infinity) return { kind: "none" };
      return { kind: "entries", value, text: fromExpr(expression).getText() };
    },
    bytes: (expression) => ({
      kind: "bytes",
      value: r.foldNumber(fromExpr(expression)),
      text: fromExpr(expression).getText(),
    }),
    number: (expression) => r.foldNumber(fromExpr(expression)),
    string: (expression) => r.foldString(fromExpr(expression)),
    // As written, not through parentheses: `true` and `false` options are literals in practice.
    isTrue: (expression) => expression !== undefined && fromExpr(expression).kind === ts.SyntaxKind.TrueKeyword,
    isFalse: (expression) => expression !== undefined && fromExpr(expression).kind === ts.SyntaxKind.FalseKeyword,
    isSpread: (expression) => ts.isSpreadElement(fromExpr(expression) as TS.Node),
    isObjectLiteral: (expression) => ts.isObjectLiteralExpression(r.skipOuter(fromExpr(expression))),
    isNumericLiteral: (expression) => ts.isNumericLiteral(r.skipOuter(fromExpr(expression))),
    isFunction(expression) {
      const node = r.skipOuter(fromExpr(expression));
      return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
    },
    elements: (expression) => r.readArrayLiteral(fromExpr(expression))?.elements.map(toExpr),
    sharedStoreOf: (expression) => services.findSharedStore(fromExpr(expression)),
    isGlobalMapConstruction(expression) {
      const node = r.skipOuter(fromExpr(expression));
      return ts.isNewExpression(node) && ts.isIdentifier(node.expression) && services.isGlobalMap(node.expression);
    },
    text: (expression) => fromExpr(expression).getText(),
    endOf: (expression) => fromExpr(expression).getEnd(),
    insertIntoObjectLiteral(expression, property): TtlInsertion | undefined {
      const node = r.skipOuter(fromExpr(expression));
      if (!ts.isObjectLiteralExpression(node)) return undefined;
      if (node.properties.length === 0) return { at: node.getStart() + 1, text: ` ${property} ` };
      return { at: node.getStart() + 1, text: ` ${property},` };
    },
    installedMajor: (packageName) => services.installedMajor(packageName),
    isPrimitive: (expression) => isPrimitiveValue(r, fromExpr(expression)),
    assembledOptions(index) {
      const { props, literals, unread } = r.readAssembledOptions(args[index]);
      return {
        get: (name) => {
          const value = props.get(name);
          return value ? toExpr(value) : undefined;
        },
        has: (name) => props.has(name),
        literals: literals.map((literal) => ({
          at: toExpr(literal),
          names: literal.properties.map((property) =>
            property.name ? (r.getPropertyName(property.name) ?? property.name.getText()) : "...",
          ),
        })),
        unread: unread.map((expression) => expression.getText()),
      };
    },
    optionValue(expression): ClientOptionValue {
      const node = r.skipOuter(fromExpr(expression));
      if (r.isNullish(node)) return { kind: "null" };
      if (node.kind === ts.SyntaxKind.TrueKeyword) return { kind: "boolean", value: true };
      if (node.kind === ts.SyntaxKind.FalseKeyword) return { kind: "boolean", value: false };
      if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node))
        return { kind: "function" };
      const value = r.foldNumber(node);
      if (value !== undefined) return { kind: "number", value };
      return { kind: "other", text: node.getText() };
    },
  };
}

/** Names of values that hold a URL, a host or a port (`REDIS_URL`, `env.redisHost`, `config.cache.port`). */
const ADDRESS_NAME = /(url|uri|host|hostname|port|dsn|address|endpoint|servers?|connection_?string)$/i;

/**
 * A string, number, boolean, null or undefined: a URL, a host or a port given to a client, not its options. From the
 * type when the checker knows it; without types (`process` or an env module unresolved), from the shape: literals,
 * `process.env.X`, `a ?? "b"`, `String(x)`, or a value named like an address (`env.REDIS_URL`).
 */
function isPrimitiveValue(r: Resolver, expression: TS.Expression, depth = 0): boolean {
  const { ts } = r;
  const node = r.skipOuter(expression);
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node) || ts.isNumericLiteral(node)) return true;
  if (r.isNullish(node)) return true;
  const type = r.tryChecker(() => r.checker.getTypeAtLocation(node), undefined);
  const primitive =
    ts.TypeFlags.StringLike |
    ts.TypeFlags.NumberLike |
    ts.TypeFlags.BooleanLike |
    ts.TypeFlags.Undefined |
    ts.TypeFlags.Null;
  const unknown = ts.TypeFlags.Any | ts.TypeFlags.Unknown;
  if (type && (type.flags & unknown) === 0) {
    const members = type.isUnion() ? type.types : [type];
    return members.every((member) => (member.flags & primitive) !== 0);
  }
  if (depth > 3) return false;
  if (
    ts.isBinaryExpression(node) &&
    (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
      node.operatorToken.kind === ts.SyntaxKind.BarBarToken ||
      node.operatorToken.kind === ts.SyntaxKind.PlusToken)
  )
    return isPrimitiveValue(r, node.left, depth + 1) || isPrimitiveValue(r, node.right, depth + 1);
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression))
    return ["String", "Number", "parseInt", "parseFloat"].includes(node.expression.text);
  const name = ts.isPropertyAccessExpression(node)
    ? node.name.text
    : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)
      ? node.argumentExpression.text
      : ts.isIdentifier(node)
        ? node.text
        : undefined;
  if (name === undefined) return false;
  const base = ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) ? node.expression : undefined;
  const isEnv = base !== undefined && base.getText() === "process.env";
  return isEnv || ADDRESS_NAME.test(name);
}
