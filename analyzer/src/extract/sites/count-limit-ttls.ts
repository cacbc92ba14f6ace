// A counter cache whose expiry is computed from the counter's own limit. A rate limiter keeps a count per client in
// an in-process cache (`const count = (hits.get(key) || 0) + 1; if (count > limit) …; hits.set(key, count)`), and the
// entries' TTL is what decides how long the count is kept, the window the limit applies to. When the TTL is computed
// from the very value the count is compared with (`ttl: limit * 1000`), a number of events is read as a number of
// seconds: the window follows the limit, which is almost never what was meant (the window is a setting of its own).
import type * as TS from "typescript";
import type { CacheSite, CountLimitTtl } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { walkTree } from "../walk";

const READ_METHODS = new Set(["get", "peek"]);
const RELATIONAL = new Set(["<", "<=", ">", ">="]);
const CONVERSIONS = new Set(["parseInt", "parseFloat", "Number"]);

export function findCountLimitTtls(builder: SiteBuilder, sourceFile: TS.SourceFile): CountLimitTtl[] {
  const { ts } = builder;
  const found: CountLimitTtl[] = [];
  for (const [site, call] of builder.siteCalls) {
    if (site.operation !== "write" || site.kind !== "in-process" || !ts.isPropertyAccessExpression(call.expression))
      continue;
    const [keyArgument, valueArgument] = call.arguments;
    if (!keyArgument || !valueArgument) continue;
    const counter = builder.resolver.skipOuter(valueArgument);
    if (!ts.isIdentifier(counter)) continue;
    const receiver = compact(call.expression.expression.getText());
    const declaration = counterDeclaration(builder, counter, receiver, compact(keyArgument.getText()));
    if (!declaration) continue;
    const ttlNode = findTtlExpression(builder, site, call, sourceFile);
    if (!ttlNode) continue;
    const base = stripScale(builder, ttlNode);
    if (!base || !isNamedValue(ts, base)) continue;
    const comparison = findLimitComparison(builder, declaration, base);
    if (!comparison) continue;
    found.push({
      span: builder.resolver.makeSpan(ttlNode),
      ttl: compact(ttlNode.getText()),
      limit: compact(base.getText()),
      counter: counter.text,
      comparedAt: builder.resolver.makeSpan(comparison),
      writtenAt: builder.resolver.makeSpan(call),
    });
  }
  return found;
}

function compact(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * The declaration of the written value when it counts: its initializer adds to what the same cache holds under the
 * same key (`(cache.get(key) || 0) + n`, `(cache.peek(key) ?? 0) + 1`).
 */
function counterDeclaration(
  builder: SiteBuilder,
  counter: TS.Identifier,
  receiver: string,
  key: string,
): TS.VariableDeclaration | undefined {
  const { ts } = builder;
  const symbol = builder.resolver.tryChecker(() => builder.resolver.checker.getSymbolAtLocation(counter), undefined);
  const declaration = symbol?.declarations?.find(ts.isVariableDeclaration);
  if (!declaration?.initializer) return undefined;
  const initializer = builder.resolver.skipOuter(declaration.initializer);
  if (!ts.isBinaryExpression(initializer) || initializer.operatorToken.kind !== ts.SyntaxKind.PlusToken)
    return undefined;
  const readsSameEntry = (side: TS.Expression): boolean => {
    let node = builder.resolver.skipOuter(side);
    if (
      ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.BarBarToken ||
        node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)
    )
      node = builder.resolver.skipOuter(node.left);
    return (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      READ_METHODS.has(node.expression.name.text) &&
      compact(node.expression.expression.getText()) === receiver &&
      node.arguments[0] !== undefined &&
      compact(node.arguments[0].getText()) === key
    );
  };
  return readsSameEntry(initializer.left) || readsSameEntry(initializer.right) ? declaration : undefined;
}

/**
 * The TTL's expression as written: the write's own TTL argument, or the option of the cache's construction when it is
 * built in this file.
 */
function findTtlExpression(
  builder: SiteBuilder,
  site: CacheSite,
  call: TS.CallExpression,
  sourceFile: TS.SourceFile,
): TS.Expression | undefined {
  const { ts } = builder;
  const byText = (root: TS.Node, text: string, skip: ReadonlySet<TS.Node>): TS.Expression | undefined => {
    let match: TS.Expression | undefined;
    walkTree(ts, root, (node) => {
      if (match || skip.has(node)) return false;
      if (ts.isExpression(node) && compact(node.getText()) === text) {
        match = node;
        return false;
      }
    });
    return match;
  };
  if (site.ttl.kind === "set") {
    const own = byText(call, compact(site.ttl.text), new Set(call.arguments.slice(0, 2)));
    if (own) return own;
  }
  const instance = site.instance;
  if (instance?.defaultTtl.kind !== "set" || !instance.constructedAt) return undefined;
  if (instance.constructedAt.file !== sourceFile.fileName) return undefined;
  const start = instance.constructedAt.start;
  let construction: TS.Node | undefined;
  walkTree(ts, sourceFile, (node) => {
    if (construction || node.getEnd() <= start || node.getStart() > start) return false;
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.getStart() === start) construction = node;
  });
  return construction ? byText(construction, compact(instance.defaultTtl.text), new Set()) : undefined;
}

/** The value a TTL scales: `limit * 1000` → `limit`, `parseInt(limit, 10) * 60 * 1000` → `limit`. */
function stripScale(builder: SiteBuilder, expression: TS.Expression): TS.Expression | undefined {
  const { ts } = builder;
  let node = builder.resolver.skipOuter(expression);
  for (;;) {
    if (
      ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.AsteriskToken || node.operatorToken.kind === ts.SyntaxKind.SlashToken)
    ) {
      const left = builder.resolver.skipOuter(node.left);
      const right = builder.resolver.skipOuter(node.right);
      if (ts.isNumericLiteral(right)) node = left;
      else if (ts.isNumericLiteral(left) && node.operatorToken.kind === ts.SyntaxKind.AsteriskToken) node = right;
      else return node;
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      CONVERSIONS.has(node.expression.text) &&
      node.arguments[0]
    )
      node = builder.resolver.skipOuter(node.arguments[0]);
    else return node;
  }
}

/** A variable or a property read (`limit`, `config.uploadLimit`, `this.max`), not a literal or a computation. */
function isNamedValue(ts: SiteBuilder["ts"], node: TS.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text !== "undefined";
  if (ts.isPropertyAccessExpression(node))
    return isNamedValue(ts, node.expression) || node.expression.kind === ts.SyntaxKind.ThisKeyword;
  return false;
}

/** A comparison of the counter with the TTL's base (`count > limit`) in the function that declares the counter. */
function findLimitComparison(
  builder: SiteBuilder,
  declaration: TS.VariableDeclaration,
  base: TS.Expression,
): TS.BinaryExpression | undefined {
  const { ts } = builder;
  const { checker } = builder.resolver;
  let scope: TS.Node = declaration;
  while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  const counterSymbol = builder.resolver.tryChecker(() => checker.getSymbolAtLocation(declaration.name), undefined);
  const isCounter = (node: TS.Expression) => {
    const inner = builder.resolver.skipOuter(node);
    return (
      ts.isIdentifier(inner) &&
      counterSymbol !== undefined &&
      builder.resolver.tryChecker(() => checker.getSymbolAtLocation(inner), undefined) === counterSymbol
    );
  };
  const sameValue = (node: TS.Expression) => {
    const inner = builder.resolver.skipOuter(node);
    if (!isNamedValue(ts, inner) || compact(inner.getText()) !== compact(base.getText())) return false;
    if (!ts.isIdentifier(inner) || !ts.isIdentifier(base)) return true;
    const a = builder.resolver.tryChecker(() => checker.getSymbolAtLocation(inner), undefined);
    const b = builder.resolver.tryChecker(() => checker.getSymbolAtLocation(base), undefined);
    return a === b;
  };
  let comparison: TS.BinaryExpression | undefined;
  walkTree(ts, scope, (node) => {
    if (comparison) return false;
    if (!ts.isBinaryExpression(node) || !RELATIONAL.has(node.operatorToken.getText())) return;
    if ((isCounter(node.left) && sameValue(node.right)) || (isCounter(node.right) && sameValue(node.left)))
      comparison = node;
  });
  return comparison;
}
