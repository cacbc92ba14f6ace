// Key gaps: inputs that change a cached value but are missing from its key, and keys compared by identity that never hit.
import type * as TS from "typescript";
import type { CacheSite, KeyGap } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { getAdapter, getMemoizerAdapter } from "../../libraries/registry";
import { createArgumentReader, fromExpr } from "../argument-reader";
import { findEnclosingFunction } from "../functions";
import { isNonIdentityName } from "../key-coverage";
import type { ResolvedExport } from "../resolver";
import { walkTree } from "../walk";

/** Cache-aside writes (after a read of the same key in the same function) and read-through factories. */
export function findCacheAsideKeyGaps(builder: SiteBuilder): void {
  const { ts } = builder;
  const readsBefore = indexReads(builder.sites);
  for (const [site, call] of builder.siteCalls) {
    if (
      site.operation !== "write" ||
      (site.kind !== "redis" && site.kind !== "in-process" && site.kind !== "remote-kv")
    )
      continue;
    const args = call.arguments;
    // (A cache-manager or Keyv over Memcached is a remote store with the same methods.)
    const isStore = site.kind === "in-process" || site.kind === "remote-kv";
    if (isStore && site.method === "wrap" && args[0] && args[1]) {
      addMissingInputGap(
        builder,
        call,
        args[0],
        args[1],
        site.key?.pattern ?? site.instance?.name ?? site.library,
        site.library,
        site.calleeSpan,
      );
      continue;
    }
    if (isStore && site.method === "getOrSet" && args[0]) {
      const { props } = builder.resolver.readOptions(args[0]);
      const key = props.get("key");
      const factory = props.get("factory");
      if (key && factory)
        addMissingInputGap(
          builder,
          call,
          key,
          factory,
          site.key?.pattern ?? site.library,
          site.library,
          site.calleeSpan,
        );
      continue;
    }
    const valueIndex =
      site.method === "setex" || site.method === "psetex"
        ? 2
        : site.method === "set" || site.method === "setnx" || site.method === "getset"
          ? 1
          : undefined;
    const key = args[0];
    const value = valueIndex === undefined ? undefined : args[valueIndex];
    if (!key || !value || ts.isSpreadElement(value) || !site.key) continue;
    const populatedAfterRead = (readsBefore.get(readKeyOf(site, site.key.pattern)) ?? Infinity) < site.span.start;
    if (populatedAfterRead)
      addMissingInputGap(builder, call, key, value, site.key.pattern, site.library, site.calleeSpan);
  }
}

/**
 * The earliest read of each key in each function (by kind, function and key pattern): a write fills the cache after a
 * read when such a read starts before it. One pass over the file's sites, not one per write.
 */
function indexReads(sites: readonly CacheSite[]): Map<string, number> {
  const earliest = new Map<string, number>();
  for (const read of sites) {
    if (read.operation !== "read" || !read.key) continue;
    const key = readKeyOf(read, read.key.pattern);
    earliest.set(key, Math.min(earliest.get(key) ?? Infinity, read.span.start));
  }
  return earliest;
}

function readKeyOf(site: CacheSite, pattern: string): string {
  return JSON.stringify([site.kind, site.functionId, pattern]);
}

export function addMissingInputGap(
  builder: SiteBuilder,
  call: TS.CallExpression,
  key: TS.Expression | readonly TS.Expression[],
  value: TS.Expression,
  cache: string,
  library: KeyGap["library"],
  span = builder.resolver.makeSpan(call.expression),
): void {
  const fn = findEnclosingFunction(builder.ts, call);
  if (!fn) return;
  // An input the entry stores beside its value (`{ sourceHtml, promise }`, `{ ...session, verified }`) is a field of
  // a record the reader can compare, not a key the writer forgot.
  const stored = collectStoredNames(builder, value);
  const fixed = fixedByGuards(builder, call, fn);
  const missing = builder.context.keyCoverage
    .findMissingInputs(fn, key, value)
    .filter((input) => !stored.has(input) && !fixed.has(input));
  if (missing.length > 0)
    builder.keyGaps.push({ kind: "input-missing-from-key", span, cache, inputs: missing, library, cacheId: undefined });
}

/**
 * Inputs that a guard around the write fixes to one value: `if (category == null) put(…)`, `region === "eu" && put(…)`,
 * or a constant that says so (`const cacheable = unread === true && tag === undefined; if (cacheable) put(…)`). Every
 * entry written then holds that value, so the key needs no part for it. Only conditions that must all hold (`&&`) are
 * read, and only comparisons of a plain name with `null`, `undefined`, a boolean, a string or a number.
 */
function fixedByGuards(builder: SiteBuilder, call: TS.CallExpression, fn: TS.Node): Set<string> {
  const { ts } = builder;
  const r = builder.resolver;
  const fixed = new Set<string>();
  const isConstant = (node: TS.Expression): boolean =>
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isNumericLiteral(node) ||
    (ts.isIdentifier(node) && node.text === "undefined");
  const collect = (condition: TS.Expression, depth: number): void => {
    const node = r.skipOuter(condition);
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.AmpersandAmpersandToken) {
        collect(node.left, depth);
        collect(node.right, depth);
        return;
      }
      if (operator !== ts.SyntaxKind.EqualsEqualsEqualsToken && operator !== ts.SyntaxKind.EqualsEqualsToken) return;
      const left = r.skipOuter(node.left);
      const right = r.skipOuter(node.right);
      if (ts.isIdentifier(left) && left.text !== "undefined" && isConstant(right)) fixed.add(left.text);
      else if (ts.isIdentifier(right) && right.text !== "undefined" && isConstant(left)) fixed.add(right.text);
      return;
    }
    // A constant named for the condition: `const cacheable = …; if (cacheable)`.
    if (ts.isIdentifier(node) && depth < 2) {
      const declaration = r.getDeclaredSymbol(node)?.valueDeclaration;
      if (
        declaration &&
        ts.isVariableDeclaration(declaration) &&
        declaration.initializer &&
        ts.isVariableDeclarationList(declaration.parent) &&
        (declaration.parent.flags & ts.NodeFlags.Const) !== 0
      )
        collect(declaration.initializer, depth + 1);
    }
  };
  for (let node: TS.Node = call; node.parent && node !== fn; node = node.parent) {
    const parent = node.parent;
    if (ts.isIfStatement(parent) && parent.thenStatement === node) collect(parent.expression, 0);
    else if (
      ts.isBinaryExpression(parent) &&
      parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
      parent.right === node
    )
      collect(parent.left, 0);
    else if (ts.isConditionalExpression(parent) && parent.whenTrue === node) collect(parent.condition, 0);
  }
  return fixed;
}

/**
 * The names of the inputs a written value stores as properties: `{ a, b: b }`, through `JSON.stringify(…)` and
 * other calls' arguments, and through constants of the same function (`const next = { ...prev, a }`).
 */
function collectStoredNames(builder: SiteBuilder, value: TS.Expression): Set<string> {
  const { ts } = builder;
  const r = builder.resolver;
  const names = new Set<string>();
  const visit = (expression: TS.Expression, depth: number): void => {
    if (depth > 4) return;
    const node = r.skipOuter(expression);
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (ts.isShorthandPropertyAssignment(property)) names.add(property.name.text);
        else if (ts.isPropertyAssignment(property)) {
          const initializer = r.skipOuter(property.initializer);
          if (ts.isIdentifier(initializer)) names.add(initializer.text);
        }
      }
    } else if (ts.isCallExpression(node)) {
      for (const argument of node.arguments) visit(argument, depth + 1);
    } else if (ts.isIdentifier(node)) {
      const declaration = r.getDeclaredSymbol(node)?.valueDeclaration;
      if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer)
        visit(declaration.initializer, depth + 1);
    }
  };
  visit(value, 0);
  return names;
}

/**
 * `getUser({ id })` where `getUser = cache(fn)` (React) or `weakMapMemoize(fn)`, or `weakMap.get({ … })`:
 * objects are keyed by identity, so a fresh one never hits.
 */
export function checkIdentityArguments(builder: SiteBuilder, call: TS.CallExpression): void {
  const { ts } = builder;
  const r = builder.resolver;
  if (!builder.context.usesIdentityCaches) return;
  const fresh = call.arguments.find((argument) => isFreshObject(builder, argument));
  if (!fresh) return;
  const callee = r.skipOuter(call.expression);
  if (
    ts.isPropertyAccessExpression(callee) &&
    ["get", "has", "set"].includes(callee.name.text) &&
    call.arguments[0] === fresh
  ) {
    const receiver = r.skipOuter(callee.expression);
    const symbol =
      ts.isIdentifier(receiver) || ts.isPropertyAccessExpression(receiver)
        ? r.getDeclaredSymbol(ts.isIdentifier(receiver) ? receiver : receiver.name)
        : undefined;
    const initializer = r.getConstInitializer(symbol);
    const built = initializer && r.skipOuter(initializer);
    if (
      built &&
      ts.isNewExpression(built) &&
      ts.isIdentifier(built.expression) &&
      built.expression.text === "WeakMap" &&
      isGlobalName(builder, built.expression)
    ) {
      builder.keyGaps.push({
        kind: "fresh-identity-argument",
        span: r.makeSpan(fresh),
        cache: receiver.getText(),
        inputs: [describeFresh(fresh)],
        library: "map",
        cacheId: declarationId(symbol),
      });
    }
    return;
  }
  if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return;
  const symbol = r.getDeclaredSymbol(ts.isIdentifier(callee) ? callee : callee.name);
  const initializer = r.getConstInitializer(symbol);
  const memoizeCall = initializer && r.skipOuter(initializer);
  if (!memoizeCall || !ts.isCallExpression(memoizeCall)) return;
  const resolved = r.resolveExport(r.findImportOrigin(memoizeCall.expression));
  const identityKeyed =
    resolved !== undefined &&
    (resolved.role.role === "react-cache" ||
      (getMemoizerAdapter(resolved.entry.library)?.identityKeyedExports.has(resolved.exportName) ?? false));
  if (!identityKeyed || !resolved) return;
  builder.keyGaps.push({
    kind: "fresh-identity-argument",
    span: r.makeSpan(fresh),
    cache: callee.getText(),
    inputs: [describeFresh(fresh)],
    library: resolved.entry.library,
    cacheId: declarationId(symbol),
  });
}

function declarationId(symbol: TS.Symbol | undefined): string | undefined {
  const declaration = symbol?.valueDeclaration;
  return declaration ? `${declaration.getSourceFile().fileName}:${declaration.getStart()}` : undefined;
}

/** lodash/underscore compare resolver results with SameValueZero: an async resolver or one returning an object never hits. */
export function checkResolver(
  builder: SiteBuilder,
  call: TS.CallExpression,
  resolver: TS.Expression | undefined,
  library: KeyGap["library"],
  name: string | undefined,
): void {
  const { ts } = builder;
  if (!resolver) return;
  const declaration = builder.resolver.findFunctionDeclaration(resolver);
  if (!declaration?.body) return;
  const isAsync = (ts.getCombinedModifierFlags(declaration as TS.Declaration) & ts.ModifierFlags.Async) !== 0;
  const returned = ts.isBlock(declaration.body)
    ? builder.instances.findReturnedExpressions(declaration)
    : [declaration.body];
  const fresh =
    returned.length > 0 &&
    returned.every(
      (expression) => isFreshObject(builder, expression) && !ts.isArrowFunction(builder.resolver.skipOuter(expression)),
    );
  if (!isAsync && !fresh) return;
  builder.keyGaps.push({
    kind: "unstable-resolver-key",
    span: builder.resolver.makeSpan(resolver),
    cache: name ?? call.expression.getText(),
    inputs: [isAsync ? "a Promise" : "a new object"],
    library,
    cacheId: undefined,
  });
}

function isFreshObject(builder: SiteBuilder, argument: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(argument);
  return (
    ts.isObjectLiteralExpression(node) ||
    ts.isArrayLiteralExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isNewExpression(node)
  );
}

function describeFresh(argument: TS.Expression): string {
  const text = argument.getText().replace(/\s+/g, " ");
  return text.length <= 40 ? text : `${text.slice(0, 37)}…`;
}

function isGlobalName(builder: SiteBuilder, identifier: TS.Identifier): boolean {
  const symbol = builder.resolver.checker.getSymbolAtLocation(identifier);
  const declaration = symbol?.declarations?.[0];
  return (
    declaration !== undefined &&
    declaration.getSourceFile().isDeclarationFile &&
    !(symbol!.flags & builder.ts.SymbolFlags.Alias)
  );
}

/**
 * `new DataLoader(batch, { cacheKeyFn: (r) => `${r.a}` })` where `batch` also reads `r.b` of each request: requests
 * that differ only in `b` share one entry. The key function must read the request by its fields (a key that hands
 * the whole request to a call, `JSON.stringify(r)`, covers every field); the batch function's fields are the ones it
 * reads on the elements it walks (`requests.map((r) => r.b)`, `for (const r of requests)`). A field the batch only
 * passes on to another function is not seen, so nothing is reported for it.
 */
export function checkBatchKeyFunction(builder: SiteBuilder, node: TS.NewExpression, resolved: ResolvedExport): void {
  const adapter = getAdapter(resolved.entry.library);
  if (adapter.kind !== "in-process" || !adapter.keyedBatch) return;
  const r = builder.resolver;
  const read = createArgumentReader(
    builder.instances,
    node.arguments ?? [],
    resolved.exportName,
    resolved.role.variant,
  );
  const { batch, key } = adapter.keyedBatch(read);
  if (!batch || !key) return;
  const keyFunction = r.findFunctionDeclaration(fromExpr(key));
  const batchFunction = r.findFunctionDeclaration(fromExpr(batch));
  const keyParameter = keyFunction?.parameters[0];
  const batchParameter = batchFunction?.parameters[0];
  if (!keyFunction?.body || !batchFunction?.body || !keyParameter || !batchParameter) return;
  const keyed = readFields(builder, keyParameter.name, keyFunction.body);
  if (keyed.whole || keyed.fields.size === 0) return;
  const used = new Set<string>();
  for (const element of findElements(builder, batchParameter.name, batchFunction.body))
    for (const field of readFields(builder, element.name, element.scope).fields) used.add(field);
  const missing = [...used].filter((field) => !keyed.fields.has(field) && !isNonIdentityName(field)).sort();
  if (missing.length === 0) return;
  builder.keyGaps.push({
    kind: "key-function-missing-field",
    span: r.makeSpan(fromExpr(key)),
    cache: builder.instances.findBindingName(node) ?? node.expression.getText(),
    inputs: missing,
    keyInputs: [...keyed.fields].sort(),
    library: resolved.entry.library,
    cacheId: undefined,
  });
}

/**
 * The fields of an object read through a binding inside `scope`: `{ a, b }` destructured, or `x.a`, `x["b"]`,
 * `const { c } = x` on a name. `whole` when the object is also used as a whole (handed to a call, spread, returned).
 */
function readFields(
  builder: SiteBuilder,
  name: TS.BindingName,
  scope: TS.Node,
): { fields: Set<string>; whole: boolean } {
  const { ts } = builder;
  const fields = new Set<string>();
  let whole = false;
  const fromPattern = (pattern: TS.ObjectBindingPattern): void => {
    for (const element of pattern.elements) {
      if (element.dotDotDotToken) whole = true;
      const property = element.propertyName ?? element.name;
      if (ts.isIdentifier(property) || ts.isStringLiteral(property)) fields.add(property.text);
      else whole = true;
    }
  };
  if (ts.isObjectBindingPattern(name)) {
    fromPattern(name);
    return { fields, whole };
  }
  if (!ts.isIdentifier(name)) return { fields, whole: true };
  const symbol = builder.resolver.checker.getSymbolAtLocation(name);
  if (!symbol) return { fields, whole: true };
  walkTree(ts, scope, (node) => {
    if (!ts.isIdentifier(node) || node === name) return true;
    if (builder.resolver.checker.getSymbolAtLocation(node) !== symbol) return false;
    const parent = node.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === node) fields.add(parent.name.text);
    else if (
      ts.isElementAccessExpression(parent) &&
      parent.expression === node &&
      ts.isStringLiteralLike(parent.argumentExpression)
    )
      fields.add(parent.argumentExpression.text);
    else if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isObjectBindingPattern(parent.name))
      fromPattern(parent.name);
    else whole = true;
    return false;
  });
  return { fields, whole };
}

const ELEMENT_CALLBACKS = new Set(["map", "forEach", "filter", "some", "every", "find", "findIndex", "flatMap"]);

/** The bindings that walk the elements of an array parameter: `list.map((item) => …)`, `for (const item of list)`. */
function findElements(
  builder: SiteBuilder,
  name: TS.BindingName,
  scope: TS.Node,
): Array<{ name: TS.BindingName; scope: TS.Node }> {
  const { ts } = builder;
  if (!ts.isIdentifier(name)) return [];
  const symbol = builder.resolver.checker.getSymbolAtLocation(name);
  if (!symbol) return [];
  const elements: Array<{ name: TS.BindingName; scope: TS.Node }> = [];
  walkTree(ts, scope, (node) => {
    if (!ts.isIdentifier(node) || node === name) return true;
    if (builder.resolver.checker.getSymbolAtLocation(node) !== symbol) return false;
    const parent = node.parent;
    if (
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === node &&
      ELEMENT_CALLBACKS.has(parent.name.text) &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent
    ) {
      const callback = parent.parent.arguments[0] && builder.resolver.skipOuter(parent.parent.arguments[0]);
      const item =
        callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) ? callback : undefined;
      if (item?.parameters[0]) elements.push({ name: item.parameters[0].name, scope: item.body });
    } else if (ts.isForOfStatement(parent) && parent.expression === node) {
      const declarations = parent.initializer;
      if (ts.isVariableDeclarationList(declarations) && declarations.declarations[0])
        elements.push({ name: declarations.declarations[0].name, scope: parent.statement });
    }
    return false;
  });
  return elements;
}
