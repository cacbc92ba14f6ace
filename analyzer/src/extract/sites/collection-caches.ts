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

type FunctionWithBody = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

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
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node)) &&
      node.body &&
      ts.isBlock(node.body)
    )
      calls.push(...checkFunction(builder, node, node.body, known, caches));
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
      const named = [read.receiver, result.name, computed.name].some((name) => CACHE_NAME.test(name));
      if (!named && !isSerialized(builder, value)) continue;
      const instance = caches.get(read.receiver) ?? collectionInstance(read.receiver);
      caches.set(read.receiver, instance);
      addSite(builder, read, "read", instance, undefined);
      const site = addSite(builder, write, "write", instance, value);
      addMissingInputGap(
        builder,
        write.call,
        write.call.arguments[0]!,
        value,
        site.key?.pattern ?? read.receiver,
        "cache-layer",
        site.calleeSpan,
      );
      return calls;
    }
  }
  return calls;
}

/** `const cached = await store.get(key)` (also `let`, or `cached = …` on a declared variable): the variable. */
function resultSymbol(builder: SiteBuilder, call: TS.CallExpression): { symbol: TS.Symbol; name: string } | undefined {
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
 * result is returned in its place (`if (cached) return cached.value`).
 */
function findComputedValue(
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
    return true;
  });
  for (const [symbol, name] of candidates)
    if (computedBy.get(symbol) && (replacedBy.has(symbol) || resultReturned)) return { name };
  return undefined;
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

function collectionInstance(receiver: string): InstanceInfo {
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

function squash(text: string): string {
  return text.replace(/\s+/g, "");
}
