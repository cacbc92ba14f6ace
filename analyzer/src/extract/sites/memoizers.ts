// Memoizer calls (`memoize(fn)`, `moize.maxAge(1000)(fn)`, React `cache(fn)`): keying, bounds, expiry and rejection handling.
import type * as TS from "typescript";
import type { MemoizedFunction, MemoizeInfo } from "../../model/cache-model";
import type { ResolvedExport } from "../resolver";
import type { SiteBuilder } from "../site-builder";
import { describeMemoizedFunction } from "./memoized-functions";
import { checkResolver } from "./key-gaps";

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
  const r = builder.resolver;
  const args = call.arguments;
  const lifetime = builder.instances.findLifetime(call);
  const base: MemoizeInfo = {
    fn,
    keying: "all-arguments",
    maxAge: { kind: "none" },
    bound: { kind: "none" },
    customCache: false,
    lifetime,
    optionsOpaque: false,
    rejections: "kept",
    rejectionOption: undefined,
    evictedByCode: false,
  };
  const options = (index: number) => r.readOptions(args[index]);
  switch (resolved.entry.library) {
    case "lodash":
    case "underscore":
      checkResolver(builder, call, args[1], resolved.entry.library, fn?.name);
      return { ...base, keying: args[1] ? "custom" : "first-argument" };
    case "memoizee": {
      const { props, opaque } = options(1);
      const max = props.get("max");
      const maxAge = props.get("maxAge");
      const custom = props.has("normalizer") || props.has("length") || props.has("primitive");
      // memoizee's `promise` mode removes a rejected promise from the cache.
      const promiseMode = props.get("promise");
      return {
        ...base,
        optionsOpaque: opaque,
        rejections: promiseMode && promiseMode.kind !== builder.ts.SyntaxKind.FalseKeyword ? "dropped" : "kept",
        rejectionOption: "`promise: true`",
        keying: custom ? "custom" : "function-length",
        maxAge: maxAge ? builder.instances.readTtl(maxAge, "ms", true) : { kind: "none" },
        bound: max ? { kind: "entries", value: r.foldNumber(max), text: max.getText() } : { kind: "none" },
      };
    }
    case "memoize":
    case "p-memoize": {
      const { props, opaque } = options(1);
      const maxAge = props.get("maxAge");
      const cache = props.get("cache");
      return {
        ...base,
        optionsOpaque: opaque,
        keying: props.has("cacheKey") ? "custom" : "first-argument",
        maxAge: maxAge ? builder.instances.readTtl(maxAge, "ms") : { kind: "none" },
        customCache: cache !== undefined,
        // p-memoize deletes a rejected promise; memoize (mem) caches whatever the function returned.
        rejections: resolved.entry.library === "p-memoize" ? "dropped" : "kept",
        rejectionOption:
          resolved.entry.library === "memoize"
            ? "p-memoize instead of memoize, which drops rejected promises"
            : undefined,
      };
    }
    case "moize": {
      const variant = resolved.role.variant;
      if (variant === "curried-maxAge" && curriedCall) {
        const maxAge = curriedCall.arguments[0];
        return {
          ...base,
          maxAge: maxAge ? builder.instances.readTtl(maxAge, "ms") : { kind: "unknown" },
          bound: { kind: "entries", value: 1, text: "1 (default)" },
        };
      }
      if (variant === "curried-maxSize" && curriedCall) {
        const maxSize = curriedCall.arguments[0];
        return {
          ...base,
          bound: maxSize
            ? { kind: "entries", value: r.foldNumber(maxSize), text: maxSize.getText() }
            : { kind: "unknown" },
        };
      }
      const { props, opaque } = options(1);
      const maxSize = props.get("maxSize");
      const maxAge = props.get("maxAge");
      const infinite = variant === "infinite";
      let bound: MemoizeInfo["bound"] = infinite
        ? { kind: "none" }
        : { kind: "entries", value: 1, text: "1 (default)" };
      if (maxSize) {
        const value = r.foldNumber(maxSize);
        bound = value === Infinity ? { kind: "none" } : { kind: "entries", value, text: maxSize.getText() };
      }
      const promiseMode = variant === "promise" || isTrueLiteral(builder, props.get("isPromise"));
      return {
        ...base,
        optionsOpaque: opaque,
        maxAge: maxAge ? builder.instances.readTtl(maxAge, "ms") : { kind: "none" },
        bound,
        keying: props.has("transformArgs") || props.has("isSerialized") ? "custom" : "all-arguments",
        rejections: promiseMode ? "dropped" : "kept",
        rejectionOption: "`isPromise: true` (or `moize.promise`)",
      };
    }
    case "micro-memoize": {
      const { props, opaque } = options(1);
      const maxSize = props.get("maxSize");
      const expires = props.get("expires");
      let bound: MemoizeInfo["bound"] = { kind: "entries", value: 1, text: "1 (default)" };
      if (maxSize) {
        const value = r.foldNumber(maxSize);
        bound = value === Infinity ? { kind: "none" } : { kind: "entries", value, text: maxSize.getText() };
      }
      return {
        ...base,
        optionsOpaque: opaque,
        bound,
        maxAge: expires ? builder.instances.readTtl(expires, "ms") : { kind: "none" },
        rejections: microMemoizeDropsRejections(builder, props) ? "dropped" : "kept",
        rejectionOption:
          builder.context.microMemoizeMajor !== undefined && builder.context.microMemoizeMajor < 5
            ? "`isPromise: true`"
            : "`async: true`",
      };
    }
    case "fast-memoize": {
      const { props, opaque } = options(1);
      return {
        ...base,
        optionsOpaque: opaque,
        keying: props.has("serializer") || props.has("strategy") ? "custom" : "function-length",
        customCache: props.has("cache"),
      };
    }
    case "memoize-one":
      return {
        ...base,
        bound: { kind: "entries", value: 1, text: "1 (last call)" },
        keying: args[1] ? "custom" : "all-arguments",
      };
    case "reselect": {
      if (resolved.exportName === "lruMemoize") {
        const { props, opaque } = options(1);
        const maxSize = props.get("maxSize");
        return {
          ...base,
          optionsOpaque: opaque,
          bound: maxSize
            ? { kind: "entries", value: r.foldNumber(maxSize), text: maxSize.getText() }
            : { kind: "entries", value: 1, text: "1 (default)" },
        };
      }
      // weakMapMemoize: entries live as long as their object arguments.
      return { ...base, keying: "identity", bound: { kind: "unknown" } };
    }
    case "react":
      // React `cache` is reset on every server request.
      return { ...base, keying: "identity", bound: { kind: "unknown" }, lifetime: "local" };
    default:
      return { ...base, optionsOpaque: true, bound: { kind: "unknown" }, maxAge: { kind: "unknown" } };
  }
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
  const visit = (node: TS.Node): void => {
    if (found) return;
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
    ts.forEachChild(node, visit);
  };
  visit(call.getSourceFile());
  return found;
}

/** micro-memoize 5 reads `async`; version 4 (and moize's bundled copy) read `isPromise`, which version 5 silently ignores. */
function microMemoizeDropsRejections(builder: SiteBuilder, props: Map<string, TS.Expression>): boolean {
  const major = builder.context.microMemoizeMajor;
  if (major === undefined)
    return isTrueLiteral(builder, props.get("async")) || isTrueLiteral(builder, props.get("isPromise"));
  return major >= 5 ? isTrueLiteral(builder, props.get("async")) : isTrueLiteral(builder, props.get("isPromise"));
}

export function isTrueLiteral(builder: SiteBuilder, expression: TS.Expression | undefined): boolean {
  return expression !== undefined && expression.kind === builder.ts.SyntaxKind.TrueKeyword;
}
