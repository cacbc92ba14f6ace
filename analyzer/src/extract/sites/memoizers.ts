// Memoizer calls (`memoize(fn)`, `moize.maxAge(1000)(fn)`, React `cache(fn)`): keying, bounds, expiry and rejection handling.
import type * as TS from "typescript";
import type { MemoizedFunction, MemoizeInfo } from "../../model/cache-model";
import type { MemoizerFacts } from "../../libraries/adapter";
import { getAdapter } from "../../libraries/registry";
import { createArgumentReader } from "../argument-reader";
import type { ResolvedExport } from "../resolver";
import type { SiteBuilder } from "../site-builder";
import { describeMemoizedFunction } from "./memoized-functions";
import { checkResolver } from "./key-gaps";
import { walkTree } from "../walk";

export function addMemoizeSite(
  builder: SiteBuilder,
  call: TS.CallExpression,
  resolved: ResolvedExport,
  fnArgument: TS.Expression | undefined,
  curriedCall: TS.CallExpression | undefined,
): void {
  const fn = fnArgument ? describeMemoizedFunction(builder, fnArgument, call) : undefined;
  const memoize = describeMemoizer(builder, resolved, call, curriedCall, fn);
  memoize.evictedByCode = isEvictedByCode(builder, call);
  builder.addSite(call, call.expression, {
    library: resolved.entry.library,
    kind: resolved.entry.kind,
    operation: "memoize",
    method: resolved.exportName === "default" ? resolved.entry.library : resolved.exportName,
    memoize,
  });
}

function describeMemoizer(
  builder: SiteBuilder,
  resolved: ResolvedExport,
  call: TS.CallExpression,
  curriedCall: TS.CallExpression | undefined,
  fn: MemoizedFunction | undefined,
): MemoizeInfo {
  const adapter = getAdapter(resolved.entry.library);
  const lifetime = builder.instances.findLifetime(call);
  const reader = adapter.kind === "memoizer" || adapter.kind === "framework" ? adapter.memoize : undefined;
  if (!reader) return describeUnrecognisedMemoizer(fn, lifetime, adapter.displayName, resolved.exportName);
  const read = createArgumentReader(
    builder.instances,
    call.arguments,
    resolved.exportName,
    resolved.role.variant,
    curriedCall?.arguments,
  );
  const facts = reader(read);
  if (facts.resolverArgument !== undefined)
    checkResolver(builder, call, call.arguments[facts.resolverArgument], resolved.entry.library, fn?.name);
  return toMemoizeInfo(fn, facts, facts.lifetime ?? lifetime);
}

/** The model's memoizer facts, in the model's field order. */
export function toMemoizeInfo(
  fn: MemoizedFunction | undefined,
  facts: MemoizerFacts,
  lifetime: MemoizeInfo["lifetime"],
): MemoizeInfo {
  return {
    fn,
    keying: facts.keying,
    maxAge: facts.maxAge,
    bound: facts.bound,
    customCache: facts.customCache,
    lifetime,
    optionsOpaque: facts.optionsOpaque,
    rejections: facts.rejections,
    rejectionFix: facts.rejectionFix,
    evictedByCode: false,
  };
}

/** A memoizer export whose adapter has no reader for this call shape: everything unknown, and said so. */
export function describeUnrecognisedMemoizer(
  fn: MemoizedFunction | undefined,
  lifetime: MemoizeInfo["lifetime"],
  library: string,
  exportName: string,
): MemoizeInfo {
  return {
    fn,
    keying: "all-arguments",
    maxAge: { kind: "unknown" },
    bound: { kind: "unknown" },
    customCache: false,
    lifetime,
    optionsOpaque: true,
    rejections: "kept",
    rejectionFix: undefined,
    evictedByCode: false,
    unrecognised: `${library} has no reader for \`${exportName}\` in this position`,
  };
}

/** The memoized binding is cleared somewhere in its file: `fn.cache.delete(k)`, `fn.clear()`, `memoizeClear(fn)`. */
function isEvictedByCode(builder: SiteBuilder, call: TS.CallExpression): boolean {
  const { ts } = builder;
  const r = builder.resolver;
  let current: TS.Node = call;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent)) current = current.parent;
  const declaration = current.parent;
  if (
    !(ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) ||
    !declaration.name ||
    !(ts.isIdentifier(declaration.name) || ts.isPrivateIdentifier(declaration.name))
  )
    return false;
  const symbol = r.checker.getSymbolAtLocation(declaration.name);
  const name = declaration.name.text;
  if (!symbol) return false;
  let found = false;
  const visit = (node: TS.Node): boolean | void => {
    if (found) return false;
    if (
      (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) &&
      node.text === name &&
      node !== declaration.name &&
      r.checker.getSymbolAtLocation(node) === symbol
    ) {
      // `memoized`, `this.memoized`: climb to the whole reference.
      let reference: TS.Node = node;
      if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) reference = node.parent;
      const parent = reference.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === reference) {
        const member = parent.name.text;
        if (member === "clear" || member === "delete" || member === "remove" || member === "reset") found = true;
        if (
          member === "cache" &&
          ts.isPropertyAccessExpression(parent.parent) &&
          ["delete", "clear", "remove", "reset"].includes(parent.parent.name.text)
        )
          found = true;
      }
      if (ts.isCallExpression(parent) && parent.arguments.includes(reference as TS.Expression)) {
        const clearer = r.resolveExport(r.findImportOrigin(parent.expression));
        if (clearer?.entry.kind === "memoizer") found = true;
      }
    }
  };
  walkTree(ts, call.getSourceFile(), visit);
  return found;
}

export function isTrueLiteral(builder: SiteBuilder, expression: TS.Expression | undefined): boolean {
  return expression !== undefined && expression.kind === builder.ts.SyntaxKind.TrueKeyword;
}
