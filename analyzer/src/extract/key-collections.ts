// Collections of keys passed where one call takes many (`cache.del(names.map((n) => \`group:${n}:members\`))`,
// `store.deleteAll(keys)` with `keys.push(\`group:${name}\`, …)` above it): the template of each element.
import type * as TS from "typescript";
import type { KeyTemplate } from "../model/cache-model";
import type { Resolver } from "./resolver";
import { walkTree } from "./walk";

const MAX_DEPTH = 4;

/**
 * The keys a collection of keys holds: an array literal (its spreads read the same way), `xs.map((x) => key)` (and a
 * `filter` of such a collection), or a `const` holding one, including `const keys = []` filled by `keys.push(…)` in
 * the function that declares it. Undefined when the expression is not a collection read this way.
 */
export function readKeyCollection(r: Resolver, expression: TS.Expression, depth = 0): KeyTemplate[] | undefined {
  const { ts } = r;
  if (depth > MAX_DEPTH) return undefined;
  const node = r.skipOuter(expression);
  if (ts.isArrayLiteralExpression(node)) return readElements(r, node.elements, depth);
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    if (method === "map") {
      const returned = findReturnedExpression(r, node.arguments[0]);
      return returned ? [r.buildKeyTemplate(returned)] : undefined;
    }
    if (method === "filter" || method === "slice") return readKeyCollection(r, node.expression.expression, depth + 1);
    return undefined;
  }
  if (!ts.isIdentifier(node)) return undefined;
  const symbol = r.getDeclaredSymbol(node);
  const declaration = symbol?.valueDeclaration;
  if (
    !symbol ||
    !declaration ||
    !ts.isVariableDeclaration(declaration) ||
    !declaration.initializer ||
    !ts.isVariableDeclarationList(declaration.parent) ||
    !(declaration.parent.flags & ts.NodeFlags.Const)
  )
    return undefined;
  const initializer = r.skipOuter(declaration.initializer);
  if (!ts.isArrayLiteralExpression(initializer)) return readKeyCollection(r, initializer, depth + 1);
  const keys = readElements(r, initializer.elements, depth) ?? [];
  // `keys.push(a, b)` wherever the declaring function (or file) does it.
  const scope = findScope(ts, declaration);
  walkTree(ts, scope, (child) => {
    if (
      ts.isCallExpression(child) &&
      ts.isPropertyAccessExpression(child.expression) &&
      child.expression.name.text === "push" &&
      ts.isIdentifier(child.expression.expression) &&
      child.expression.expression.text === node.text &&
      r.getDeclaredSymbol(child.expression.expression) === symbol
    )
      keys.push(...(readElements(r, child.arguments, depth) ?? []));
    return true;
  });
  return keys;
}

function readElements(r: Resolver, elements: readonly TS.Expression[], depth: number): KeyTemplate[] | undefined {
  const keys: KeyTemplate[] = [];
  for (const element of elements) {
    if (r.ts.isSpreadElement(element)) keys.push(...(readKeyCollection(r, element.expression, depth + 1) ?? []));
    else keys.push(r.buildKeyTemplate(element));
  }
  return keys;
}

/** What an inline callback returns: its expression body, or the expression of its only `return`. */
function findReturnedExpression(r: Resolver, callback: TS.Expression | undefined): TS.Expression | undefined {
  const { ts } = r;
  const fn = callback && r.skipOuter(callback);
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  if (!ts.isBlock(fn.body)) return fn.body;
  const [only] = fn.body.statements;
  return fn.body.statements.length === 1 && only && ts.isReturnStatement(only) ? only.expression : undefined;
}

/** The function body (or file) a declaration is local to. */
function findScope(ts: Resolver["ts"], declaration: TS.Node): TS.Node {
  let current: TS.Node = declaration;
  while (current.parent && !ts.isFunctionLike(current.parent) && !ts.isSourceFile(current.parent))
    current = current.parent;
  return current.parent ?? current;
}
