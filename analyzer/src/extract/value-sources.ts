// Where a value comes from, inside one function: the calls whose results flow into it (through
// local variables, their initialisers and assignments) and the parameters it is built from.
// Used to tie a cached value to the reads of the source of truth that produce it. Types only.
import type * as TS from "typescript";
import type { ValueSources } from "../model/cache-model";
import type { Resolver } from "./resolver";

const MAX_NODES = 400;

/** Calls whose result is their arguments' data, reshaped. */
const TRANSFORMS = new Set([
  "JSON.stringify", "JSON.parse", "String", "Number", "Boolean", "structuredClone", "Object.assign", "Object.freeze", "Object.fromEntries",
  "Object.entries", "Object.values", "Promise.all", "Promise.resolve", "Array.from", "superjson.stringify", "devalue.stringify",
]);

export function traceValueSources(resolver: Resolver, value: TS.Expression, fn: TS.FunctionLikeDeclaration | undefined): ValueSources {
  const { ts } = resolver;
  const calls: ValueSources["calls"] = [];
  const parameters: number[] = [];
  const visitedSymbols = new Set<TS.Symbol>();
  let budget = MAX_NODES;
  const isInside = (node: TS.Node) => fn !== undefined && node.getSourceFile() === fn.getSourceFile() && node.pos >= fn.pos && node.end <= fn.end;
  const visit = (node: TS.Node): void => {
    if (budget-- <= 0) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) {
      calls.push(resolver.makeSpan(node));
      if (ts.isTaggedTemplateExpression(node)) return;
      // The result of a call depends on what the callee reads; its arguments are mostly inputs (a
      // where-clause, a key) rather than the data returned. Follow them only through data transforms
      // (`JSON.stringify(user)`) and plain variables passed on (`serialize(user)`), and follow the
      // receiver of a method call (`users.map(…)`).
      const callee = resolver.skipOuter(node.expression);
      if (ts.isPropertyAccessExpression(callee)) visit(callee.expression);
      const transform = TRANSFORMS.has(callee.getText().replace(/\s+/g, ""));
      for (const argument of node.arguments ?? []) {
        const inner = resolver.skipOuter(ts.isSpreadElement(argument) ? argument.expression : argument);
        if (transform || ts.isIdentifier(inner)) visit(argument);
      }
      return;
    } else if (ts.isIdentifier(node)) {
      const parent = node.parent;
      if ((ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node)) return;
      const symbol = ts.isShorthandPropertyAssignment(parent) ? resolver.checker.getShorthandAssignmentValueSymbol(parent) : resolver.checker.getSymbolAtLocation(node);
      if (!symbol || visitedSymbols.has(symbol)) return;
      visitedSymbols.add(symbol);
      const declaration = symbol.valueDeclaration;
      if (!declaration || !isInside(declaration)) return;
      const parameter = findParameter(ts, declaration);
      if (parameter && fn && parameter.parent === fn) {
        parameters.push(fn.parameters.indexOf(parameter));
        return;
      }
      for (const source of findLocalSources(ts, resolver, fn!, symbol, declaration)) visit(source);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(value);
  return { calls, parameters: [...new Set(parameters)].sort() };
}

function findParameter(ts: Resolver["ts"], declaration: TS.Node): TS.ParameterDeclaration | undefined {
  let current: TS.Node | undefined = declaration;
  while (current && (ts.isBindingElement(current) || ts.isObjectBindingPattern(current) || ts.isArrayBindingPattern(current))) current = current.parent;
  return current && ts.isParameter(current) ? current : undefined;
}

/** The initialiser of a local (or of the destructuring it is part of) and the right-hand sides assigned to it. */
function findLocalSources(ts: Resolver["ts"], resolver: Resolver, fn: TS.FunctionLikeDeclaration, symbol: TS.Symbol, declaration: TS.Declaration): TS.Node[] {
  const sources: TS.Node[] = [];
  let root: TS.Node = declaration;
  while (ts.isBindingElement(root) || ts.isObjectBindingPattern(root) || ts.isArrayBindingPattern(root)) root = root.parent;
  if (ts.isVariableDeclaration(root) && root.initializer) sources.push(root.initializer);
  const name = symbol.getName();
  const visit = (node: TS.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(node.left) && node.left.text === name) {
      if (resolver.checker.getSymbolAtLocation(node.left) === symbol) sources.push(node.right);
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return sources;
}
