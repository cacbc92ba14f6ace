// Where a value comes from, inside one function: the calls whose results flow into it (through
// local variables, their initialisers and assignments) and the parameters it is built from.
// Used to tie a cached value to the reads of the source of truth that produce it. Types only.
import type * as TS from "typescript";
import { EXISTS_FIELD, TESTED_PREFIX, type ValueSources } from "../model/cache-model";
import type { Resolver } from "./resolver";
import { walkTree } from "./walk";

const MAX_NODES = 400;

/** Calls whose result is their arguments' data, reshaped. */
const TRANSFORMS = new Set([
  "JSON.stringify",
  "JSON.parse",
  "String",
  "Number",
  "Boolean",
  "structuredClone",
  "Object.assign",
  "Object.freeze",
  "Object.fromEntries",
  "Object.entries",
  "Object.values",
  "Promise.all",
  "Promise.resolve",
  "Array.from",
  "superjson.stringify",
  "devalue.stringify",
]);

/** Built-in collections whose constructor takes the entries they hold. */
const COLLECTIONS = new Set(["Set", "Map"]);

/**
 * What flows along one path back from the value: the properties read on the way
 * (`workspace.defaultProduct` → `defaultProduct`), and whether the path only tests the data
 * (a condition), so that a write to other columns is known not to change the value.
 */
interface PathState {
  fields: readonly string[];
  testOnly: boolean;
}

const WHOLE: PathState = { fields: [], testOnly: false };

/**
 * `throughArguments`: every argument of a call flows into its result, for a key built by a key helper
 * (`keys.user(user.email)`): what the key is made of, not what a call reads.
 */
export function traceValueSources(
  resolver: Resolver,
  value: TS.Expression,
  fn: TS.FunctionLikeDeclaration | undefined,
  { throughArguments = false }: { throughArguments?: boolean } = {},
): ValueSources {
  const { ts } = resolver;
  const calls: ValueSources["calls"] = [];
  const parameters: number[] = [];
  // Per parameter: the properties used from it, or null once some path uses it whole.
  const fieldsByParameter = new Map<number, Set<string> | null>();
  // Per call: the fields read from its result, or null once some path takes it whole.
  const fieldsByCall = new Map<string, Set<string> | null>();
  const visitedSymbols = new Map<TS.Symbol, Set<string>>();
  let budget = MAX_NODES;
  const isInside = (node: TS.Node) =>
    fn !== undefined && node.getSourceFile() === fn.getSourceFile() && node.pos >= fn.pos && node.end <= fn.end;
  const recordCall = (node: TS.Node, state: PathState) => {
    const span = resolver.makeSpan(node);
    calls.push(span);
    const key = `${span.file}:${span.start}`;
    const known = fieldsByCall.get(key);
    if (known === null) return;
    if (state.fields.length === 0 && !state.testOnly) {
      fieldsByCall.set(key, null);
      return;
    }
    const set = known ?? new Set<string>();
    // A tested path is marked: when it names no column (`rows.length`), it only tests existence.
    if (state.testOnly) set.add(state.fields.length > 0 ? `${TESTED_PREFIX}${state.fields.join(".")}` : EXISTS_FIELD);
    else set.add(state.fields.join("."));
    fieldsByCall.set(key, set);
  };
  // A new value built from parts (a literal, an operator, a call): its parts flow in whole, unless the path only tests.
  const restart = (state: PathState): PathState => (state.testOnly ? { fields: [], testOnly: true } : WHOLE);
  const visit = (node: TS.Node, state: PathState): void => {
    if (budget-- <= 0) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) {
      recordCall(node, state);
      if (ts.isTaggedTemplateExpression(node)) return;
      // The result of a call depends on what the callee reads; its arguments are mostly inputs (a
      // where-clause, a key) rather than the data returned. Follow them only through data transforms
      // (`JSON.stringify(user)`) and plain variables passed on (`serialize(user)`), and follow the
      // receiver of a method call (`users.map(…)`).
      const callee = resolver.skipOuter(node.expression);
      const inner = restart(state);
      // A builder chain (`qb.where(…).getOne()`) yields the rows its start reads: the properties taken
      // from the end of the chain are theirs.
      if (ts.isPropertyAccessExpression(callee))
        visit(callee.expression, ts.isCallExpression(resolver.skipOuter(callee.expression)) ? state : inner);
      // Calling a callback parameter or a local function value (`await fn()`): what it computes is the result.
      else if (ts.isIdentifier(callee)) visit(callee, inner);
      const calleeText = callee.getText().replace(/\s+/g, "");
      // `new Set(rows.map(…))`, `new Map(entries)`: a collection holds the data it is built from.
      const transform = TRANSFORMS.has(calleeText) || (ts.isNewExpression(node) && COLLECTIONS.has(calleeText));
      for (const argument of node.arguments ?? []) {
        const expression = resolver.skipOuter(ts.isSpreadElement(argument) ? argument.expression : argument);
        // A row passed to a mapper (`formatLink(row).url`): the properties taken from the result
        // stand for the row's columns of the same names.
        if (transform || throughArguments || ts.isIdentifier(expression))
          visit(argument, ts.isIdentifier(expression) && !ts.isSpreadElement(argument) ? state : inner);
      }
      return;
    }
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      if (
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node)
      )
        return;
      const symbol = ts.isShorthandPropertyAssignment(parent)
        ? resolver.checker.getShorthandAssignmentValueSymbol(parent)
        : resolver.checker.getSymbolAtLocation(node);
      if (!symbol) return;
      const stateKey = `${state.testOnly ? "?" : ""}${state.fields.join(".")}`;
      const seen = visitedSymbols.get(symbol) ?? new Set<string>();
      if (seen.has(stateKey)) return;
      seen.add(stateKey);
      visitedSymbols.set(symbol, seen);
      const declaration = symbol.valueDeclaration;
      if (!declaration || !isInside(declaration)) return;
      const parameter = findParameter(ts, declaration);
      const bindingPath = findBindingPath(ts, declaration);
      if (parameter && fn && parameter.parent === fn) {
        const index = fn.parameters.indexOf(parameter);
        parameters.push(index);
        const property = [...bindingPath, ...state.fields][0];
        const known = fieldsByParameter.get(index);
        if (property === undefined || known === null) fieldsByParameter.set(index, null);
        else fieldsByParameter.set(index, (known ?? new Set<string>()).add(property));
        return;
      }
      for (const source of findLocalSources(ts, resolver, fn!, symbol, declaration))
        visit(source, { ...state, fields: [...bindingPath, ...state.fields] });
      return;
    }
    if (ts.isPropertyAccessExpression(node)) {
      visit(node.expression, { ...state, fields: [node.name.text, ...state.fields] });
      return;
    }
    if (ts.isElementAccessExpression(node)) {
      const argument = node.argumentExpression;
      const field = ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument) ? [argument.text] : [];
      visit(node.expression, { ...state, fields: [...field, ...state.fields] });
      visit(argument, restart(state));
      return;
    }
    // The value is one of the operands, as it is.
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isAwaitExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isSatisfiesExpression(node) ||
      ts.isTypeAssertionExpression(node)
    ) {
      visit(node.expression, state);
      return;
    }
    if (ts.isConditionalExpression(node)) {
      // The condition picks a branch: it only tests the data.
      visit(node.condition, { fields: [], testOnly: true });
      visit(node.whenTrue, state);
      visit(node.whenFalse, state);
      return;
    }
    if (
      ts.isBinaryExpression(node) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(
        node.operatorToken.kind,
      )
    ) {
      // `a ?? b`, `a || b`: either operand as it is; `a && b`: the left one is returned only when falsy, a test.
      const testsLeft = node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken;
      visit(node.left, testsLeft ? { fields: [], testOnly: true } : state);
      visit(node.right, state);
      return;
    }
    const inner = restart(state);
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(value, WHOLE);
  const callFields: Record<string, string[]> = {};
  for (const [key, fields] of fieldsByCall) if (fields) callFields[key] = [...fields].sort();
  const parameterFields: Record<number, string[]> = {};
  for (const [index, fields] of fieldsByParameter) if (fields) parameterFields[index] = [...fields].sort();
  return { calls, parameters: [...new Set(parameters)].sort(), callFields, parameterFields };
}

/** The sources of an argument; for an object literal, also of each of its properties. */
export function traceArgumentSources(
  resolver: Resolver,
  argument: TS.Expression,
  fn: TS.FunctionLikeDeclaration | undefined,
): ValueSources {
  const { ts } = resolver;
  const node = resolver.skipOuter(argument);
  if (!ts.isObjectLiteralExpression(node)) return traceValueSources(resolver, argument, fn);
  const properties: Record<string, ValueSources[]> = {};
  const collect = (literal: TS.ObjectLiteralExpression): boolean => {
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) {
        // `...(referrer && { referrer })`, `...(a ? { x } : {})`: the literals it may add.
        for (const part of resolver.listSpreadParts(property.expression)) {
          const object = resolver.skipOuter(part);
          if (!ts.isObjectLiteralExpression(object) || !collect(object)) return false;
        }
        continue;
      }
      const name =
        property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
          ? property.name.text
          : undefined;
      // A computed name or a method: the properties are not known one by one.
      if (name === undefined || !(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)))
        return false;
      (properties[name] ??= []).push(
        traceValueSources(resolver, ts.isPropertyAssignment(property) ? property.initializer : property.name, fn),
      );
    }
    return true;
  };
  if (!collect(node)) return traceValueSources(resolver, argument, fn);
  const merged = Object.fromEntries(Object.entries(properties).map(([name, all]) => [name, mergeValueSources(all)]));
  return { ...mergeValueSources(Object.values(merged)), properties: merged };
}

/** The sources of the properties `fields` of an argument, when it was a literal that has them all; else the whole argument. */
export function selectArgumentSources(argument: ValueSources, fields: readonly string[] | undefined): ValueSources {
  if (!fields || !argument.properties || !fields.every((field) => argument.properties![field] !== undefined))
    return argument;
  return mergeValueSources(fields.map((field) => argument.properties![field]!));
}

/** Merges the sources of several values (or several paths): a call taken whole anywhere is whole. */
export function mergeValueSources(all: readonly ValueSources[]): ValueSources {
  const callFields: Record<string, string[]> = {};
  const whole = new Set<string>();
  for (const sources of all) {
    for (const span of sources.calls) {
      const key = `${span.file}:${span.start}`;
      const fields = sources.callFields[key];
      if (!fields) whole.add(key);
      else if (!whole.has(key)) callFields[key] = [...new Set([...(callFields[key] ?? []), ...fields])].sort();
    }
  }
  for (const key of whole) delete callFields[key];
  const parameterFields: Record<number, string[]> = {};
  const wholeParameters = new Set<number>();
  for (const sources of all) {
    for (const index of sources.parameters) {
      const fields = sources.parameterFields[index];
      if (!fields) wholeParameters.add(index);
      else parameterFields[index] = [...new Set([...(parameterFields[index] ?? []), ...fields])].sort();
    }
  }
  for (const index of wholeParameters) delete parameterFields[index];
  return {
    calls: all.flatMap((s) => s.calls),
    parameters: [...new Set(all.flatMap((s) => s.parameters))].sort(),
    callFields,
    parameterFields,
  };
}

/** The properties a destructured local is taken from: `const { data: { user } } = …` → `["data", "user"]`. */
function findBindingPath(ts: Resolver["ts"], declaration: TS.Node): string[] {
  const path: string[] = [];
  let current: TS.Node = declaration;
  while (ts.isBindingElement(current)) {
    // A rest element (`{ id, ...rest }`) copies the other properties: take the row whole.
    if (current.dotDotDotToken) return [];
    if (ts.isObjectBindingPattern(current.parent)) {
      const name = current.propertyName ?? current.name;
      if (!ts.isIdentifier(name) && !ts.isStringLiteral(name)) return [];
      path.unshift(name.text);
    }
    current = current.parent.parent;
  }
  return path;
}

function findParameter(ts: Resolver["ts"], declaration: TS.Node): TS.ParameterDeclaration | undefined {
  let current: TS.Node | undefined = declaration;
  while (
    current &&
    (ts.isBindingElement(current) || ts.isObjectBindingPattern(current) || ts.isArrayBindingPattern(current))
  )
    current = current.parent;
  return current && ts.isParameter(current) ? current : undefined;
}

/** The initialiser of a local (or of the destructuring it is part of) and the right-hand sides assigned to it. */
function findLocalSources(
  ts: Resolver["ts"],
  resolver: Resolver,
  fn: TS.FunctionLikeDeclaration,
  symbol: TS.Symbol,
  declaration: TS.Declaration,
): TS.Node[] {
  const sources: TS.Node[] = [];
  let root: TS.Node = declaration;
  while (ts.isBindingElement(root) || ts.isObjectBindingPattern(root) || ts.isArrayBindingPattern(root))
    root = root.parent;
  if (ts.isVariableDeclaration(root) && root.initializer) sources.push(root.initializer);
  const name = symbol.getName();
  const visit = (node: TS.Node): void => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment &&
      ts.isIdentifier(node.left) &&
      node.left.text === name
    ) {
      if (resolver.checker.getSymbolAtLocation(node.left) === symbol) sources.push(node.right);
    }
  };
  if (fn.body) walkTree(ts, fn.body, visit);
  return sources;
}
