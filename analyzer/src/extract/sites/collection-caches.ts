// A database collection (or any project store) used as a cache: in one function, a read of a key
// (`const cached = await models.reportCache.getById(key)`) whose result is used in place of a value the function
// otherwise computes (`if (cached) return JSON.parse(cached.contents)`), and a write of that computed value under the
// same key on the same receiver (`models.reportCache.upsert(key, JSON.stringify(report))`). Such a store is a cache
// by what the code does with it, not by its library: its read and write become sites of a family keyed by the
// receiver, and the key is checked against the inputs of the computed value like any hand-built cache-aside.
//
// A find-or-create (`row ?? (await rows.create(data))`) is not one: the write is what produces the value, nothing
// is computed beside it. A lazily stored default row is not one either unless the code says it caches: the stored
// value is serialized (`JSON.stringify`) or the store, the read or the result is named as a cache.
import type * as TS from "typescript";
import type { CacheSite, InstanceInfo } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { traceValueSources } from "../value-sources";
import { addMissingInputGap } from "./key-gaps";
import { walkTree } from "../walk";

const READ_METHOD = /^(get|find|load|read|fetch|lookup)/i;
const WRITE_METHOD = /^(set|put|upsert|save|store|write|update|create|insert|replace)/i;
const DELETE_METHOD = /^(delete|remove|destroy|del$|invalidate|evict|purge|clear)/i;
const SERIALIZE = /^(stringify|serialize|encode|pack|compress)/i;
const CACHE_NAME = /cache/i;
const REDIS_LIKE_WRITE = new Set(["set", "setnx", "getset", "setex", "psetex"]);

export type FunctionWithBody = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

/** A function, function expression, arrow function or method whose body is a block (not an expression). */
export function isFunctionWithBlock(ts: typeof TS, node: TS.Node): node is FunctionWithBody & { body: TS.Block } {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node)) &&
    node.body !== undefined &&
    ts.isBlock(node.body)
  );
}

interface StoreCall {
  call: TS.CallExpression;
  callee: TS.PropertyAccessExpression;
  receiver: string;
  key: string;
}

export function findCollectionCaches(builder: SiteBuilder, sourceFile: TS.SourceFile): void {
  const { ts } = builder;
  const caches = new Map<string, InstanceInfo>();
  const calls: StoreCall[] = [];
  const known = new Set(builder.siteCalls.values());
  walkTree(ts, sourceFile, (node) => {
    if (isFunctionWithBlock(ts, node)) calls.push(...checkFunction(builder, node, node.body, known, caches));
    return true;
  });
  if (caches.size === 0) return;
  // The store's other calls in the file: refreshes, deletes and other reads of the same collection.
  const done = new Set(builder.siteCalls.values());
  for (const other of calls) {
    const instance = caches.get(other.receiver);
    if (!instance || done.has(other.call)) continue;
    const method = other.callee.name.text;
    const operation = DELETE_METHOD.test(method)
      ? "delete"
      : WRITE_METHOD.test(method)
        ? "write"
        : READ_METHOD.test(method)
          ? "read"
          : undefined;
    if (!operation) continue;
    addSite(builder, other, operation, instance, other.call.arguments[1]);
  }
}

/** The function's calls on a receiver with a key argument; a cache-aside pair among them makes its receiver a cache. */
function checkFunction(
  builder: SiteBuilder,
  fn: FunctionWithBody,
  body: TS.Block,
  known: ReadonlySet<TS.CallExpression>,
  caches: Map<string, InstanceInfo>,
): StoreCall[] {
  const { ts } = builder;
  const r = builder.resolver;
  const calls: StoreCall[] = [];
  walkTree(ts, body, (node) => {
    // Nested functions are checked on their own.
    if (ts.isFunctionLike(node)) return false;
    if (!ts.isCallExpression(node) || known.has(node)) return true;
    const callee = r.skipOuter(node.expression);
    const key = node.arguments[0];
    if (!ts.isPropertyAccessExpression(callee) || !key || ts.isSpreadElement(key)) return true;
    calls.push({ call: node, callee, receiver: squash(callee.expression.getText()), key: squash(key.getText()) });
    return true;
  });
  if (calls.length < 2) return calls;
  for (const read of calls) {
    if (!READ_METHOD.test(read.callee.name.text)) continue;
    const result = resultSymbol(builder, read.call);
    if (!result) continue;
    for (const write of calls) {
      if (
        write.call.pos <= read.call.end ||
        write.receiver !== read.receiver ||
        write.key !== read.key ||
        !WRITE_METHOD.test(write.callee.name.text)
      )
        continue;
      const value = write.call.arguments[1];
      if (!value || ts.isSpreadElement(value)) continue;
      const computed = findComputedValue(builder, fn, value, read.receiver, result.symbol);
      if (!computed) continue;
      if (
        !isProjectStore(builder, read.callee.expression) ||
        wrapsKnownCache(builder, read.callee) ||
        wrapsKnownCache(builder, write.callee)
      )
        continue;
      const named = [read.receiver, result.name, computed.name].some((name) => CACHE_NAME.test(name));
      if (!named && !isSerialized(builder, value)) continue;
      const instance = caches.get(read.receiver) ?? collectionInstance(read.receiver);
      caches.set(read.receiver, instance);
      addSite(builder, read, "read", instance, undefined);
      const site = addSite(builder, write, "write", instance, value);
      // A `set(key, value)` after a read of its key is checked by the cache-aside pass already (`findCacheAsideKeyGaps`).
      if (!REDIS_LIKE_WRITE.has(write.callee.name.text))
        addMissingInputGap(
          builder,
          write.call,
          write.call.arguments[0]!,
          value,
          site.key?.pattern ?? read.receiver,
          "cache-layer",
          site.calleeSpan,
        );
      checkKeyField(builder, fn, write.call.arguments[0]!, site.key?.pattern ?? read.receiver);
      return calls;
    }
  }
  return calls;
}

/**
 * Not a store of the language (a `Map`, an array: the map-cache pass reads those) and not an instance of a known
 * cache library (its calls are that library's sites already).
 */
function isProjectStore(builder: SiteBuilder, receiver: TS.Expression): boolean {
  const r = builder.resolver;
  const type = r.tryChecker(() => r.checker.getTypeAtLocation(receiver), undefined);
  const declaration = type?.getSymbol()?.declarations?.[0];
  if (declaration && r.isDefaultLibraryFile(declaration.getSourceFile())) return false;
  return builder.instances.resolveReceiver(receiver) === undefined;
}

/**
 * A project wrapper over a cache (`userCache.get(id)` whose method calls `redis.get(…)`): the cache calls inside it
 * are the sites already, so its callers are not a collection of their own.
 */
export function wrapsKnownCache(builder: SiteBuilder, callee: TS.Expression): boolean {
  const { ts } = builder;
  const declaration = builder.resolver.findFunctionDeclaration(callee);
  if (!declaration?.body) return false;
  let found = false;
  walkTree(ts, declaration.body, (node) => {
    if (found) return false;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression))
      found = builder.instances.resolveReceiver(node.expression.expression) !== undefined;
    return !found;
  });
  return found;
}

/** `const cached = await store.get(key)` (also `let`, or `cached = …` on a declared variable): the variable. */
export function resultSymbol(
  builder: SiteBuilder,
  call: TS.CallExpression,
): { symbol: TS.Symbol; name: string } | undefined {
  const { ts } = builder;
  let node: TS.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  const name =
    ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)
      ? parent.name
      : ts.isBinaryExpression(parent) &&
          parent.right === node &&
          parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          ts.isIdentifier(parent.left)
        ? parent.left
        : undefined;
  const symbol = name && builder.resolver.checker.getSymbolAtLocation(name);
  return symbol && name ? { symbol, name: name.text } : undefined;
}

/**
 * The local variable of the written value that the function computes by a call on something else than the store,
 * and that the read's result replaces: assigned from the result (`defs = JSON.parse(cached.contents)`), or the
 * result is returned in its place (`if (cached) return cached.value`), or the function ends early when there is one
 * (`if (cached !== undefined) { send(cached); return }`: a handler that answers with the entry instead of returning it).
 */
export function findComputedValue(
  builder: SiteBuilder,
  fn: FunctionWithBody,
  value: TS.Expression,
  receiver: string,
  result: TS.Symbol,
): { name: string } | undefined {
  const { ts } = builder;
  const { checker } = builder.resolver;
  const candidates = new Map<TS.Symbol, string>();
  walkTree(ts, value, (node) => {
    if (ts.isFunctionLike(node)) return false;
    if (ts.isIdentifier(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      const declaration = symbol?.valueDeclaration;
      if (
        symbol &&
        symbol !== result &&
        declaration &&
        ts.isVariableDeclaration(declaration) &&
        declaration.pos >= fn.pos &&
        declaration.end <= fn.end
      )
        candidates.set(symbol, node.text);
    }
    return true;
  });
  if (candidates.size === 0) return undefined;
  const computedBy = new Map<TS.Symbol, boolean>();
  const replacedBy = new Set<TS.Symbol>();
  let resultReturned = false;
  const check = (target: TS.Symbol, assigned: TS.Expression): void => {
    if (mentions(builder, assigned, result)) replacedBy.add(target);
    else if (isComputation(builder, assigned, receiver)) computedBy.set(target, true);
  };
  walkTree(ts, fn.body!, (node) => {
    if (ts.isFunctionLike(node)) return false;
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isIdentifier(node.name)) {
      const symbol = checker.getSymbolAtLocation(node.name);
      if (symbol && candidates.has(symbol)) check(symbol, node.initializer);
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(node.left)
    ) {
      const symbol = checker.getSymbolAtLocation(node.left);
      if (symbol && candidates.has(symbol)) check(symbol, node.right);
    } else if (ts.isReturnStatement(node) && node.expression && mentions(builder, node.expression, result))
      resultReturned = true;
    else if (ts.isIfStatement(node) && mentions(builder, node.expression, result) && endsInReturn(builder, node))
      resultReturned = true;
    return true;
  });
  for (const [symbol, name] of candidates)
    if (computedBy.get(symbol) && (replacedBy.has(symbol) || resultReturned)) return { name };
  return undefined;
}

/** `if (…) return` or `if (…) { …; return }`: the branch leaves the function. */
function endsInReturn(builder: SiteBuilder, statement: TS.IfStatement): boolean {
  const { ts } = builder;
  const then = statement.thenStatement;
  const last = ts.isBlock(then) ? then.statements.at(-1) : then;
  return last !== undefined && ts.isReturnStatement(last);
}

/** A call (awaited or not) on something else than the store: the value the cache saves recomputing. */
function isComputation(builder: SiteBuilder, expression: TS.Expression, receiver: string): boolean {
  const { ts } = builder;
  let node: TS.Expression = builder.resolver.skipOuter(expression);
  if (ts.isAwaitExpression(node)) node = builder.resolver.skipOuter(node.expression);
  if (!ts.isCallExpression(node)) return false;
  const callee = builder.resolver.skipOuter(node.expression);
  return !(ts.isPropertyAccessExpression(callee) && squash(callee.expression.getText()) === receiver);
}

function mentions(builder: SiteBuilder, expression: TS.Node, symbol: TS.Symbol): boolean {
  const { ts } = builder;
  let found = false;
  walkTree(ts, expression, (node) => {
    if (found) return false;
    if (ts.isIdentifier(node) && builder.resolver.checker.getSymbolAtLocation(node) === symbol) found = true;
    return !found;
  });
  return found;
}

/** `JSON.stringify(value)`, `serialize(value)`: the store keeps the value as an opaque blob. */
function isSerialized(builder: SiteBuilder, value: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(value);
  if (!ts.isCallExpression(node)) return false;
  const callee = builder.resolver.skipOuter(node.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : "";
  return SERIALIZE.test(name);
}

export function collectionInstance(receiver: string): InstanceInfo {
  return {
    library: "cache-layer",
    kind: "redis",
    constructedAt: undefined,
    name: receiver,
    // A collection keeps its documents until the code replaces or deletes them; nothing here says how long.
    defaultTtl: { kind: "unknown" },
    bound: { kind: "unknown" },
    lifetime: "module",
    optionsOpaque: true,
    storesReferences: false,
    keyPrefix: undefined,
  };
}

function addSite(
  builder: SiteBuilder,
  store: StoreCall,
  operation: "read" | "write" | "delete",
  instance: InstanceInfo,
  value: TS.Expression | undefined,
): CacheSite {
  const r = builder.resolver;
  const key = r.buildKeyTemplate(store.call.arguments[0]!);
  // Its keys live in the collection, not beside other stores' keys: the receiver is their namespace (a document id
  // alone is a family there, where a bare Redis key would not be).
  const namespace = `${store.receiver}:`;
  builder.addSite(store.call, store.callee.name, {
    library: "cache-layer",
    kind: "redis",
    instance,
    ttl: { kind: "unknown" },
    operation,
    method: store.callee.name.text,
    key: {
      ...key,
      parts: [{ kind: "text", value: namespace }, ...key.parts],
      pattern: namespace + key.pattern,
      ...(key.label ? { label: namespace + key.label } : {}),
    },
  });
  const site = builder.sites[builder.sites.length - 1]!;
  if (operation === "write")
    site.valueSources = value
      ? traceValueSources(r, value, builder.callGraph.findOwner(store.call))
      : { calls: [], parameters: [], callFields: {}, parameterFields: {} };
  return site;
}

/**
 * A key that is one field of an object the function is given (`params.key`), while the value is computed from the
 * object's other fields (`params.projects`): the key is complete only where the object is built so that the key
 * field decides the others. In this file, each caller's object built by a function it calls (`params = await
 * paramsFor(apiKey, req)`) is checked per returned object literal: a field the value reads that comes from an input
 * of the builder the key field does not come from (`projects` from `req.query`, where the key is the bare `apiKey`)
 * is missing from the key. Fields read off one row found by the key (`row.key`, `row.projects`) are decided by it.
 */
function checkKeyField(builder: SiteBuilder, fn: FunctionWithBody, key: TS.Expression, cache: string): void {
  const { ts } = builder;
  const r = builder.resolver;
  const { checker } = r;
  const access = r.skipOuter(key);
  if (!ts.isPropertyAccessExpression(access) || !ts.isIdentifier(access.expression)) return;
  const field = access.name.text;
  const holder = checker.getSymbolAtLocation(access.expression);
  const declaration = holder?.valueDeclaration;
  if (!holder || !declaration) return;
  // How a call hands the object over: the parameter's position, and the property of an object argument when the
  // parameter is destructured (`({ context, params })`).
  let position: { index: number; property?: string } | undefined;
  if (ts.isParameter(declaration) && declaration.parent === fn)
    position = { index: fn.parameters.indexOf(declaration) };
  else if (
    ts.isBindingElement(declaration) &&
    ts.isObjectBindingPattern(declaration.parent) &&
    ts.isParameter(declaration.parent.parent) &&
    declaration.parent.parent.parent === fn
  ) {
    const property = declaration.propertyName ?? declaration.name;
    if (!ts.isIdentifier(property)) return;
    position = { index: fn.parameters.indexOf(declaration.parent.parent), property: property.text };
  }
  if (!position) return;
  const read = new Set<string>();
  walkTree(ts, fn.body!, (node) => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.name.text !== field &&
      checker.getSymbolAtLocation(node.expression) === holder
    )
      read.add(node.name.text);
    return true;
  });
  if (read.size === 0 || !fn.name) return;
  const self = checker.getSymbolAtLocation(fn.name);
  if (!self) return;
  // Callers that build their params with the same function are that function's one finding.
  const builders = new Set<TS.FunctionLikeDeclaration>();
  walkTree(ts, fn.getSourceFile(), (node) => {
    if (!ts.isCallExpression(node) || checker.getSymbolAtLocation(r.skipOuter(node.expression)) !== self) return true;
    const handed = argumentAt(builder, node, position!);
    const built = handed && builtBy(builder, handed);
    if (built) builders.add(built);
    return true;
  });
  for (const built of builders)
    for (const returned of builder.instances.findReturnedExpressions(built)) {
      const literal = r.skipOuter(returned);
      if (ts.isObjectLiteralExpression(literal)) checkLiteral(builder, built, literal, field, read, cache);
    }
}

function argumentAt(
  builder: SiteBuilder,
  call: TS.CallExpression,
  position: { index: number; property?: string },
): TS.Expression | undefined {
  const { ts } = builder;
  const argument = call.arguments[position.index];
  if (!argument || ts.isSpreadElement(argument)) return undefined;
  if (position.property === undefined) return argument;
  const literal = builder.resolver.skipOuter(argument);
  if (!ts.isObjectLiteralExpression(literal)) return undefined;
  return propertyValue(builder, literal, position.property);
}

/** `{ name }` or `{ name: value }`: the value expression. */
function propertyValue(
  builder: SiteBuilder,
  literal: TS.ObjectLiteralExpression,
  name: string,
): TS.Expression | undefined {
  const { ts } = builder;
  for (const property of literal.properties) {
    if (!property.name || !ts.isIdentifier(property.name) || property.name.text !== name) continue;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
    if (ts.isPropertyAssignment(property)) return property.initializer;
  }
  return undefined;
}

/** The project function whose result a value is: `const params = await paramsFor(…)`. */
function builtBy(builder: SiteBuilder, value: TS.Expression): TS.FunctionLikeDeclaration | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  const node = r.skipOuter(value);
  if (!ts.isIdentifier(node)) return undefined;
  const symbol = ts.isShorthandPropertyAssignment(node.parent)
    ? r.checker.getShorthandAssignmentValueSymbol(node.parent)
    : r.checker.getSymbolAtLocation(node);
  const declaration = symbol?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  let initializer = r.skipOuter(declaration.initializer);
  if (ts.isAwaitExpression(initializer)) initializer = r.skipOuter(initializer.expression);
  if (!ts.isCallExpression(initializer)) return undefined;
  const built = r.findFunctionDeclaration(initializer.expression);
  return built?.body && ts.isBlock(built.body) ? built : undefined;
}

function checkLiteral(
  builder: SiteBuilder,
  built: TS.FunctionLikeDeclaration,
  literal: TS.ObjectLiteralExpression,
  field: string,
  read: ReadonlySet<string>,
  cache: string,
): void {
  const keyValue = propertyValue(builder, literal, field);
  if (!keyValue) return;
  const roots = new InputRoots(builder, built);
  const keyRoots = roots.of(keyValue);
  if (keyRoots.size === 0) return;
  const missing: string[] = [];
  for (const name of [...read].sort()) {
    const value = propertyValue(builder, literal, name);
    if (value && [...roots.of(value)].some((root) => !keyRoots.has(root))) missing.push(name);
  }
  if (missing.length === 0) return;
  const property = literal.properties.find(
    (candidate) => candidate.name && builder.ts.isIdentifier(candidate.name) && candidate.name.text === field,
  )!;
  builder.keyGaps.push({
    kind: "input-missing-from-key",
    span: builder.resolver.makeSpan(property),
    cache,
    inputs: missing,
    library: "cache-layer",
    cacheId: undefined,
  });
}

/**
 * The parameters of a function an expression comes from, through its local variables (their initializers, their
 * later assignments, names destructured from them) and the arguments of the calls it is built from: a row found by
 * the key comes from the key.
 */
class InputRoots {
  private readonly memo = new Map<TS.Symbol, Set<number>>();

  constructor(
    private readonly builder: SiteBuilder,
    private readonly fn: TS.FunctionLikeDeclaration,
  ) {}

  of(expression: TS.Node): Set<number> {
    const { ts } = this.builder;
    const { checker } = this.builder.resolver;
    const roots = new Set<number>();
    const visit = (node: TS.Node): boolean => {
      if (ts.isFunctionLike(node)) return false;
      if (ts.isPropertyAccessExpression(node)) {
        walkTree(ts, node.expression, visit);
        return false;
      }
      if (ts.isIdentifier(node)) {
        const symbol = ts.isShorthandPropertyAssignment(node.parent)
          ? checker.getShorthandAssignmentValueSymbol(node.parent)
          : checker.getSymbolAtLocation(node);
        if (symbol) for (const root of this.ofSymbol(symbol)) roots.add(root);
      }
      return true;
    };
    walkTree(ts, expression, visit);
    return roots;
  }

  private ofSymbol(symbol: TS.Symbol): Set<number> {
    const known = this.memo.get(symbol);
    if (known) return known;
    const roots = new Set<number>();
    this.memo.set(symbol, roots);
    const { ts } = this.builder;
    const fn = this.fn;
    let declaration: TS.Node | undefined = symbol.valueDeclaration;
    if (!declaration || declaration.pos < fn.pos || declaration.end > fn.end) return roots;
    // A name destructured from a parameter or a variable comes from it.
    while (declaration && ts.isBindingElement(declaration)) declaration = declaration.parent.parent;
    if (!declaration) return roots;
    if (ts.isParameter(declaration)) {
      const index = fn.parameters.indexOf(declaration);
      if (index >= 0) roots.add(index);
      return roots;
    }
    if (!ts.isVariableDeclaration(declaration)) return roots;
    const add = (expression: TS.Node) => {
      for (const root of this.of(expression)) roots.add(root);
    };
    if (declaration.initializer) add(declaration.initializer);
    walkTree(ts, fn.body!, (node) => {
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isIdentifier(node.left) &&
        this.builder.resolver.checker.getSymbolAtLocation(node.left) === symbol
      )
        add(node.right);
      return true;
    });
    return roots;
  }
}

function squash(text: string): string {
  return text.replace(/\s+/g, "");
}
