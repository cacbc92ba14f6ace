// Key gaps: inputs that change a cached value but are missing from its key, and keys compared by identity that never hit.
import type * as TS from "typescript";
import type { CacheSite, KeyGap } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { getMemoizerAdapter } from "../../libraries/registry";
import { findEnclosingFunction } from "../functions";

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
  key: TS.Expression,
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
  const missing = builder.context.keyCoverage.findMissingInputs(fn, key, value).filter((input) => !stored.has(input));
  if (missing.length > 0)
    builder.keyGaps.push({ kind: "input-missing-from-key", span, cache, inputs: missing, library, cacheId: undefined });
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
