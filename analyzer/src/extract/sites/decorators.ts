// Cache decorators on methods: memoize decorators, @type-cacheable's @CacheClear/@CacheUpdate, NestJS @CacheKey/@CacheTTL.
import type * as TS from "typescript";
import type { KeyTemplate, MemoizedFunction, MemoizeInfo } from "../../model/cache-model";
import type { ResolvedExport } from "../resolver";
import type { SiteBuilder } from "../site-builder";
import { getAdapter, getMemoizerAdapter } from "../../libraries/registry";
import { createArgumentReader } from "../argument-reader";
import { describeUnrecognisedMemoizer, isTrueLiteral, toMemoizeInfo } from "./memoizers";
import { describeFunctionDeclaration } from "./memoized-functions";

export function visitDecorator(builder: SiteBuilder, decorator: TS.Decorator): void {
  const { ts } = builder;
  const r = builder.resolver;
  const expression = decorator.expression;
  const callee = ts.isCallExpression(expression) ? expression.expression : expression;
  if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return;
  const resolved = r.resolveExport(r.findImportOrigin(callee));
  if (!resolved) return;
  const method = decorator.parent;
  if (!ts.isMethodDeclaration(method) && !ts.isGetAccessorDeclaration(method)) return;
  const args = ts.isCallExpression(expression) ? expression.arguments : ([] as unknown as TS.NodeArray<TS.Expression>);
  const decoratorName = `@${resolved.exportName}`;
  switch (resolved.role.role) {
    case "memoize-decorator": {
      const fn = describeFunctionDeclaration(builder, method, method.name.getText(), 0);
      const memoize = describeDecorator(builder, resolved, args, fn);
      // @type-cacheable's `cacheKey` names the entry in the shared store, where @CacheClear finds it.
      const keyOption = getMemoizerAdapter(resolved.entry.library)?.decoratorKeyOption;
      const key = keyOption ? readDecoratorKey(builder, r.readOptions(args[0]).props.get(keyOption)) : undefined;
      builder.addSite(decorator, callee, {
        library: resolved.entry.library,
        kind: resolved.entry.kind,
        operation: "memoize",
        method: decoratorName,
        memoize,
        key,
      });
      return;
    }
    case "cache-clear-decorator":
    case "cache-update-decorator": {
      // @CacheClear({ cacheKey }) deletes after the method runs; @CacheUpdate writes its result and clears `cacheKeysToClear`.
      const { props } = r.readOptions(args[0]);
      const pattern = props.get("isPattern");
      const clears =
        resolved.role.role === "cache-clear-decorator" ? props.get("cacheKey") : props.get("cacheKeysToClear");
      for (const key of readDecoratorKeys(builder, clears)) {
        builder.addSite(decorator, callee, {
          library: resolved.entry.library,
          kind: resolved.entry.kind,
          operation: "delete",
          method: isTrueLiteral(builder, pattern) ? `${decoratorName}*` : decoratorName,
          key,
          runsAfterBody: true,
        });
      }
      if (resolved.role.role === "cache-update-decorator") {
        const key = readDecoratorKey(builder, props.get("cacheKey"));
        if (key)
          builder.addSite(decorator, callee, {
            library: resolved.entry.library,
            kind: resolved.entry.kind,
            operation: "write",
            method: decoratorName,
            key,
            runsAfterBody: true,
          });
      }
      return;
    }
    case "nest-cache-key": {
      // With CacheInterceptor, the method's response is cached under this key, for @CacheTTL milliseconds (or the module default).
      const key = readDecoratorKey(builder, args[0]);
      if (!key) return;
      const ttlDecorator = ts.canHaveDecorators(method)
        ? ts.getDecorators(method)?.find((d) => {
            const call = d.expression;
            if (!ts.isCallExpression(call)) return false;
            const origin = r.resolveExport(r.findImportOrigin(call.expression as TS.Identifier));
            return origin?.role.role === "nest-cache-ttl";
          })
        : undefined;
      const ttlArgument =
        ttlDecorator && ts.isCallExpression(ttlDecorator.expression) ? ttlDecorator.expression.arguments[0] : undefined;
      const ttl = ttlArgument ? builder.instances.readTtl(ttlArgument, "ms") : ({ kind: "unknown" } as const);
      builder.addSite(decorator, callee, {
        library: "nestjs-cache",
        kind: "framework",
        operation: "write",
        method: decoratorName,
        key,
        ttl,
      });
      return;
    }
    default:
      return;
  }
}

/** A decorator's cache key: a string, a template, or a builder `(args) => \`user:${args[0]}\``. */
function readDecoratorKey(builder: SiteBuilder, expression: TS.Expression | undefined): KeyTemplate | undefined {
  const { ts } = builder;
  if (!expression) return undefined;
  const node = builder.resolver.skipOuter(expression);
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const body = ts.isBlock(node.body) ? node.body.statements.find(ts.isReturnStatement)?.expression : node.body;
    return body ? builder.resolver.buildKeyTemplate(body) : undefined;
  }
  if (
    ts.isStringLiteralLike(node) ||
    ts.isTemplateExpression(node) ||
    ts.isBinaryExpression(node) ||
    ts.isIdentifier(node) ||
    ts.isPropertyAccessExpression(node)
  )
    return builder.resolver.buildKeyTemplate(node);
  return undefined;
}

/** One key, or each key of an array literal. */
function readDecoratorKeys(builder: SiteBuilder, expression: TS.Expression | undefined): KeyTemplate[] {
  const { ts } = builder;
  if (!expression) return [];
  const node = builder.resolver.skipOuter(expression);
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((element) => readDecoratorKeys(builder, element));
  const key = readDecoratorKey(builder, node);
  return key ? [key] : [];
}

function describeDecorator(
  builder: SiteBuilder,
  resolved: ResolvedExport,
  args: readonly TS.Expression[],
  fn: MemoizedFunction,
): MemoizeInfo {
  const reader = getMemoizerAdapter(resolved.entry.library)?.decorate;
  if (!reader) {
    const library = getAdapter(resolved.entry.library).displayName;
    return describeUnrecognisedMemoizer(fn, "class", library, `@${resolved.exportName}`);
  }
  const facts = reader(createArgumentReader(builder.instances, args, resolved.exportName, resolved.role.variant));
  return toMemoizeInfo(fn, facts, "class");
}
