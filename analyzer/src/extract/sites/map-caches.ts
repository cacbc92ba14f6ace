// Module-level `Map` and index-signature object caches used cache-aside (get-then-set in one function).
import type * as TS from "typescript";
import type { CacheSite, InstanceInfo, MapCache, Operation } from "../../model/cache-model";
import { traceValueSources } from "../value-sources";
import type { SiteBuilder } from "../site-builder";
import { addMissingInputGap } from "./key-gaps";
import { findEnclosingFunction } from "../functions";
import { walkTree } from "../walk";

export function findMapCaches(builder: SiteBuilder): MapCache[] {
  const { ts } = builder;
  const r = builder.resolver;
  const candidates: Array<{
    declaration: TS.VariableDeclaration;
    symbol: TS.Symbol;
    exported: boolean;
    isMap: boolean;
  }> = [];
  for (const statement of builder.sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const initializer = r.skipOuter(declaration.initializer);
      let isMap = false;
      if (
        ts.isNewExpression(initializer) &&
        ts.isIdentifier(initializer.expression) &&
        builder.instances.isGlobalMap(initializer.expression)
      )
        isMap = true;
      else if (!(
        ts.isObjectLiteralExpression(initializer) &&
        initializer.properties.length === 0 &&
        declaration.type &&
        hasIndexSignature(builder, declaration)
      ))
        continue;
      const symbol = r.checker.getSymbolAtLocation(declaration.name);
      if (symbol) candidates.push({ declaration, symbol, exported, isMap });
    }
  }
  if (candidates.length === 0) return [];
  const bySymbol = new Map(
    candidates.map((c) => [
      c.symbol,
      {
        ...c,
        reads: [] as TS.Node[],
        writes: [] as TS.Node[],
        evicts: false,
        evictions: [] as TS.Node[],
        escapes: false,
        exportedLater: false,
      },
    ]),
  );
  const names = new Set(candidates.map((c) => (c.declaration.name as TS.Identifier).text));
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && names.has(node.text)) {
      const symbol = r.checker.getSymbolAtLocation(node);
      const entry = symbol ? bySymbol.get(symbol) : undefined;
      if (entry && node !== entry.declaration.name) classifyMapReference(builder, node, entry);
      // `export { cache }` refers to the local through an export specifier.
      if (!entry && ts.isExportSpecifier(node.parent)) {
        const local = r.checker.getExportSpecifierLocalTargetSymbol(node.parent);
        const target = local ? bySymbol.get(local) : undefined;
        if (target) target.exportedLater = true;
      }
    }
  };
  walkTree(ts, builder.sourceFile, visit);
  const result: MapCache[] = [];
  for (const entry of bySymbol.values()) {
    if (entry.escapes) continue;
    const runtimeWrites = entry.writes.filter((w) => isInsideFunction(builder, w));
    // The cache signature is get-then-set in one function; reads and writes in separate
    // functions are a store (a registry, an in-memory repository), not a cache.
    const readScopes = entry.reads.map((read) => ({
      start: read.getStart(),
      scope: builder.findOwningFunction(read),
    }));
    const cacheAsideWrites = runtimeWrites.filter((write) => {
      const scope = builder.findOwningFunction(write);
      return readScopes.some((read) => read.scope.id === scope.id && read.start < write.getStart());
    });
    if (cacheAsideWrites.length === 0) continue;
    for (const write of cacheAsideWrites) {
      if (!ts.isCallExpression(write) || write.arguments.length < 2) continue;
      addMissingInputGap(
        builder,
        write,
        write.arguments[0]!,
        write.arguments[1]!,
        (entry.declaration.name as TS.Identifier).text,
        "map",
      );
    }
    result.push({
      name: (entry.declaration.name as TS.Identifier).text,
      span: r.makeSpan(entry.declaration),
      reads: entry.reads.map((n) => r.makeSpan(n)),
      writes: cacheAsideWrites.map((n) => r.makeSpan(n)),
      evicts: entry.evicts,
      hasFiniteKeyDomain:
        hasFiniteMapKey(builder, entry.declaration, entry.writes) ||
        cacheAsideWrites.every((w) => isGuardedKey(builder, w) || isDecoratorRegistration(builder, w)),
      browserOnly: isBrowserOnly(builder, cacheAsideWrites),
      holdsInstances: cacheAsideWrites.every((w) => writesInstance(builder, w)),
      entriesExpire: cacheAsideWrites.length > 0 && cacheAsideWrites.every((w) => writesTimestamp(builder, w)),
      keyParameters: findKeyParameters(builder, cacheAsideWrites),
      exported: entry.exported || entry.exportedLater,
      sites: describeMapSites(builder, entry.declaration, entry.reads, cacheAsideWrites, entry.evictions),
    });
  }
  return result;
}

function hasIndexSignature(builder: SiteBuilder, declaration: TS.VariableDeclaration): boolean {
  const type = builder.resolver.checker.getTypeAtLocation(declaration.name);
  return type.getStringIndexType() !== undefined || type.getNumberIndexType() !== undefined;
}

function classifyMapReference(
  builder: SiteBuilder,
  node: TS.Identifier,
  entry: { reads: TS.Node[]; writes: TS.Node[]; evicts: boolean; evictions: TS.Node[]; escapes: boolean },
): void {
  const { ts } = builder;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    const member = parent.name.text;
    const call = parent.parent;
    const isCall = ts.isCallExpression(call) && call.expression === parent;
    if (member === "get" || member === "has") entry.reads.push(call);
    else if (member === "set" && isCall) entry.writes.push(call);
    else if (member === "delete" || member === "clear" || member === "size") {
      entry.evicts = true;
      if (isCall && member !== "size") entry.evictions.push(call);
    }
    return;
  }
  if (ts.isElementAccessExpression(parent) && parent.expression === node) {
    const outer = parent.parent;
    if (
      ts.isBinaryExpression(outer) &&
      outer.left === parent &&
      isAssignmentOperator(builder, outer.operatorToken.kind)
    )
      entry.writes.push(outer);
    else if (ts.isDeleteExpression(outer)) {
      entry.evicts = true;
      entry.evictions.push(outer);
    } else entry.reads.push(parent);
    return;
  }
  if (
    ts.isBinaryExpression(parent) &&
    parent.left === node &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  ) {
    entry.evicts = true;
    entry.evictions.push(parent);
    return;
  }
  if (ts.isTypeQueryNode(parent)) return;
  // Passed elsewhere, returned, aliased: we cannot see every use, so stay silent.
  entry.escapes = true;
}

/** A Map cache's operations as cache sites of one in-process instance (`cache.get(k)`, `cache[k] = v`, `cache.delete(k)`, `cache = new Map()`). */
function describeMapSites(
  builder: SiteBuilder,
  declaration: TS.VariableDeclaration,
  reads: TS.Node[],
  writes: TS.Node[],
  evictions: TS.Node[],
): CacheSite[] {
  const { ts } = builder;
  const r = builder.resolver;
  const name = (declaration.name as TS.Identifier).text;
  const instance: InstanceInfo = {
    library: "map",
    kind: "in-process",
    constructedAt: r.makeSpan(declaration),
    name,
    defaultTtl: { kind: "none" },
    bound: { kind: "none" },
    lifetime: "module",
    optionsOpaque: false,
    storesReferences: true,
    keyPrefix: undefined,
  };
  const keyOf = (node: TS.Node): TS.Expression | undefined => {
    if (ts.isCallExpression(node)) return node.arguments[0];
    if (ts.isElementAccessExpression(node)) return node.argumentExpression;
    if (ts.isBinaryExpression(node) && ts.isElementAccessExpression(node.left)) return node.left.argumentExpression;
    if (ts.isDeleteExpression(node) && ts.isElementAccessExpression(node.expression))
      return node.expression.argumentExpression;
    return undefined;
  };
  const make = (node: TS.Node, operation: Operation, method: string, value?: TS.Expression): CacheSite => {
    const keyExpression = keyOf(node);
    const site = builder.createSite(node, node, {
      library: "map",
      kind: "in-process",
      operation,
      method,
      instance,
      key: keyExpression && !ts.isSpreadElement(keyExpression) ? r.buildKeyTemplate(keyExpression) : undefined,
    });
    if (value) site.valueSources = traceValueSources(r, value, builder.callGraph.findOwner(node));
    return site;
  };
  return [
    ...reads.map((node) =>
      make(
        node,
        "read",
        ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : "[]",
      ),
    ),
    ...writes.map((node) =>
      ts.isCallExpression(node)
        ? make(node, "write", "set", node.arguments[1])
        : make(node, "write", "[]=", (node as TS.BinaryExpression).right),
    ),
    ...evictions.map((node) =>
      make(
        node,
        "delete",
        ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)
          ? node.expression.name.text
          : ts.isDeleteExpression(node)
            ? "delete"
            : "clear",
      ),
    ),
  ];
}

function isAssignmentOperator(builder: SiteBuilder, kind: TS.SyntaxKind): boolean {
  const { ts } = builder;
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isInsideFunction(builder: SiteBuilder, node: TS.Node): boolean {
  let current: TS.Node | undefined = node.parent;
  while (current && !builder.ts.isSourceFile(current)) {
    if (builder.ts.isFunctionLike(current)) return true;
    current = current.parent;
  }
  return false;
}

function hasFiniteMapKey(builder: SiteBuilder, declaration: TS.VariableDeclaration, writes: TS.Node[]): boolean {
  const { ts } = builder;
  const { checker } = builder.resolver;
  const type = checker.getTypeAtLocation(declaration.name);
  const finiteFlags =
    ts.TypeFlags.BooleanLike |
    ts.TypeFlags.EnumLike |
    ts.TypeFlags.StringLiteral |
    ts.TypeFlags.NumberLiteral |
    ts.TypeFlags.Undefined |
    ts.TypeFlags.Null;
  const isFinite = (t: TS.Type): boolean => (t.flags & finiteFlags) !== 0 || (t.isUnion() && t.types.every(isFinite));
  const typeArguments =
    (type.flags & ts.TypeFlags.Object) !== 0 ? checker.getTypeArguments(type as TS.TypeReference) : [];
  if (typeArguments.length > 0 && isFinite(typeArguments[0]!)) return true;
  // `const CACHE: Record<"a" | "b", X> = {}` or a Map whose every written key has a finite type.
  const keyTypes = writes.map((write) => {
    if (ts.isCallExpression(write) && write.arguments[0]) return checker.getTypeAtLocation(write.arguments[0]);
    if (ts.isBinaryExpression(write) && ts.isElementAccessExpression(write.left))
      return checker.getTypeAtLocation(write.left.argumentExpression);
    return undefined;
  });
  return keyTypes.length > 0 && keyTypes.every((t) => t !== undefined && isFinite(t));
}

/** The key a write stores under, when it is a plain name (`cache.set(name, v)`, `cache[name] = v`). */
function writtenKeyName(builder: SiteBuilder, write: TS.Node): string | undefined {
  const { ts } = builder;
  let key: TS.Expression | undefined;
  if (ts.isCallExpression(write)) key = write.arguments[0];
  else if (ts.isBinaryExpression(write) && ts.isElementAccessExpression(write.left))
    key = write.left.argumentExpression;
  key = key && builder.resolver.skipOuter(key);
  return key && ts.isIdentifier(key) ? key.text : undefined;
}

/**
 * The key is checked against a static table before the write, in the writing function: `name in TABLE`,
 * `Object.hasOwn(TABLE, name)`, or a `switch (name)` whose `default` throws or returns. Only names of that table
 * reach the cache, whatever the key's type says.
 */
function isGuardedKey(builder: SiteBuilder, write: TS.Node): boolean {
  const { ts } = builder;
  const name = writtenKeyName(builder, write);
  const owner = findEnclosingFunction(builder.ts, write);
  if (!name || !owner) return false;
  const isName = (node: TS.Node | undefined) => !!node && ts.isIdentifier(node) && node.text === name;
  let guarded = false;
  const visit = (node: TS.Node): boolean => {
    if (guarded || node.getStart() > write.getStart()) return false;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword && isName(node.left))
      guarded = true;
    else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      (node.expression.name.text === "hasOwn" || node.expression.name.text === "hasOwnProperty") &&
      node.arguments.some(isName)
    )
      guarded = true;
    else if (
      ts.isSwitchStatement(node) &&
      isName(node.expression) &&
      node.caseBlock.clauses.some(
        (clause) =>
          ts.isDefaultClause(clause) &&
          clause.statements.some((statement) => ts.isThrowStatement(statement) || ts.isReturnStatement(statement)),
      )
    )
      guarded = true;
    return !guarded;
  };
  walkTree(ts, owner, visit);
  return guarded;
}

/**
 * The cache lives in a browser tab, not in a server process: the module says `"use client"`, or the writing
 * function returns early outside a browser (`typeof window === "undefined"`).
 */
function isBrowserOnly(builder: SiteBuilder, writes: TS.Node[]): boolean {
  const { ts } = builder;
  const first = builder.sourceFile.statements[0];
  if (
    first &&
    ts.isExpressionStatement(first) &&
    ts.isStringLiteral(first.expression) &&
    first.expression.text === "use client"
  )
    return true;
  return (
    writes.length > 0 &&
    writes.every((write) => {
      const owner = findEnclosingFunction(builder.ts, write);
      return owner !== undefined && /typeof\s+(window|document)\s*===?\s*["']undefined["']/.test(owner.getText());
    })
  );
}

/** The value stored is an object the code constructs (`new Queue(name)`): a pool of live clients, not cached data. */
function writesInstance(builder: SiteBuilder, write: TS.Node): boolean {
  const { ts } = builder;
  const r = builder.resolver;
  if (!ts.isCallExpression(write) || !write.arguments[1]) return false;
  let value = r.skipOuter(write.arguments[1]);
  if (ts.isIdentifier(value)) {
    const symbol = r.getDeclaredSymbol(value);
    const declaration = symbol?.valueDeclaration;
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer)
      value = r.skipOuter(declaration.initializer);
  }
  return ts.isNewExpression(value);
}

/**
 * A write made by a decorator as classes are defined (`EntityId()` returns `(target, property) => registry.set(target,
 * …)`): keyed by the decorated classes, a set fixed once the code is loaded.
 */
function isDecoratorRegistration(builder: SiteBuilder, write: TS.Node): boolean {
  const { ts } = builder;
  const name = writtenKeyName(builder, write);
  const owner = findEnclosingFunction(builder.ts, write);
  if (!name || !owner || !(ts.isArrowFunction(owner) || ts.isFunctionExpression(owner))) return false;
  if (owner.parameters.length < 2 || owner.parameters.length > 3) return false;
  const first = owner.parameters[0]!.name;
  if (!ts.isIdentifier(first) || first.text !== name) return false;
  // Returned by a decorator factory, named as decorators are (`EntityId`, `Money`).
  const returned = ts.isReturnStatement(owner.parent) ? owner.parent : undefined;
  const factory = returned && findEnclosingFunction(builder.ts, returned);
  if (!factory || !ts.isFunctionDeclaration(factory) || !factory.name) return false;
  return /^[A-Z]/.test(factory.name.text);
}

/** A clock read: `Date.now()`, `new Date()`, `performance.now()`. */
const CLOCK = /\b(Date\.now\(\)|new Date\(\)|performance\.now\(\))/;

/**
 * The entry carries its own time (`{ value, expiresAt: Date.now() + ttl }`, `{ rates, ts: Date.now() }`, or a
 * `now` taken from the clock): a deadline the reader compares, a hand-written expiry.
 */
function writesTimestamp(builder: SiteBuilder, write: TS.Node): boolean {
  const { ts } = builder;
  const r = builder.resolver;
  const value =
    ts.isCallExpression(write) && write.arguments[1]
      ? write.arguments[1]
      : ts.isBinaryExpression(write)
        ? write.right
        : undefined;
  const literal = value ? r.readObjectLiteral(value) : undefined;
  if (!literal) return false;
  const readsClock = (expression: TS.Node, depth: number): boolean => {
    if (CLOCK.test(expression.getText())) return true;
    if (depth > 2) return false;
    let found = false;
    walkTree(ts, expression, (node) => {
      if (found) return false;
      if (ts.isIdentifier(node)) {
        const declaration = r.getDeclaredSymbol(node)?.valueDeclaration;
        if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer)
          found = readsClock(declaration.initializer, depth + 1);
        return false;
      }
    });
    return found;
  };
  return literal.properties.some(
    (property) =>
      (ts.isPropertyAssignment(property) && readsClock(property.initializer, 0)) ||
      (ts.isShorthandPropertyAssignment(property) && readsClock(property.name, 0)),
  );
}

/** By write (`file:start`, its site id): the index of the writing function's parameter that is the key, if any. */
function findKeyParameters(builder: SiteBuilder, writes: TS.Node[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const write of writes) {
    if (!builder.ts.isCallExpression(write)) continue;
    const index = builder.findKeyParameter(write);
    if (index !== undefined) {
      const span = builder.resolver.makeSpan(write);
      result[`${span.file}:${span.start}`] = index;
    }
  }
  return result;
}
