// Framework caches: Next.js `unstable_cache`, `cacheTag` and `revalidateTag`/`revalidatePath`, NestJS `CacheModule`.
import type * as TS from "typescript";
import type { FrameworkInfo, InstanceInfo, KeyTemplate } from "../../model/cache-model";
import type { ResolvedExport } from "../resolver";
import type { SiteBuilder } from "../site-builder";
import { describeMemoizedFunction } from "./memoized-functions";

function prefixTemplate(prefix: string, template: KeyTemplate): KeyTemplate {
  return {
    parts: [{ kind: "text", value: prefix }, ...template.parts],
    pattern: prefix + template.pattern,
    text: template.text,
  };
}

/** The `tags` of Next.js cache options, as key templates. */
function readTags(builder: SiteBuilder, expression: TS.Expression | undefined): KeyTemplate[] {
  const node = expression && builder.resolver.skipOuter(expression);
  if (!node || !builder.ts.isArrayLiteralExpression(node)) return [];
  return node.elements
    .filter((element) => !builder.ts.isSpreadElement(element))
    .map((element) => builder.resolver.buildKeyTemplate(element));
}

/** `cacheTag("user", `user:${id}`)` inside a 'use cache' function: the function's result is cached under these tags. */
export function addNextCacheTagSite(builder: SiteBuilder, call: TS.CallExpression, resolved: ResolvedExport): void {
  const tags = call.arguments.map((argument) => builder.resolver.buildKeyTemplate(argument));
  builder.addSite(call, call.expression, {
    library: "next",
    kind: "framework",
    operation: "write",
    method: resolved.exportName,
    tags,
  });
}

export function addNextRevalidateSite(builder: SiteBuilder, call: TS.CallExpression, resolved: ResolvedExport): void {
  const argument = call.arguments[0];
  if (!argument) return;
  const template = builder.resolver.buildKeyTemplate(argument);
  const tag = resolved.role.variant === "path" ? prefixTemplate("path:", template) : template;
  builder.addSite(call, call.expression, {
    library: "next",
    kind: "framework",
    operation: "delete",
    method: resolved.exportName,
    tags: [tag],
  });
}

export function addUnstableCacheSite(builder: SiteBuilder, call: TS.CallExpression): void {
  const r = builder.resolver;
  const [fnArgument, , optionsArgument] = call.arguments;
  const { props, opaque } = r.readOptions(optionsArgument);
  const revalidateExpression = props.get("revalidate");
  let revalidate: FrameworkInfo["revalidate"] = { kind: "none" };
  if (revalidateExpression) {
    revalidate =
      revalidateExpression.kind === builder.ts.SyntaxKind.FalseKeyword
        ? "false"
        : builder.instances.readTtl(revalidateExpression, "s");
  } else if (opaque) revalidate = { kind: "unknown" };
  const tags = props.has("tags") || opaque;
  const fn = fnArgument ? describeMemoizedFunction(builder, fnArgument, call) : undefined;
  const inline = fnArgument && r.skipOuter(fnArgument);
  if (inline && (builder.ts.isArrowFunction(inline) || builder.ts.isFunctionExpression(inline))) {
    const uncaptured = builder.context.keyCoverage.findUncapturedInputs(inline, call.arguments[1]);
    if (uncaptured && uncaptured.length > 0) {
      builder.keyGaps.push({
        kind: "captured-not-in-key-parts",
        span: r.makeSpan(call.expression),
        cache: fn?.name ?? "unstable_cache",
        inputs: uncaptured,
        library: "next",
        cacheId: undefined,
      });
    }
  }
  builder.addSite(call, call.expression, {
    library: "next",
    kind: "framework",
    operation: "memoize",
    method: "unstable_cache",
    tags: readTags(builder, props.get("tags")),
    framework: { revalidate, tags },
    memoize: {
      fn,
      keying: "custom",
      maxAge: revalidate === "false" ? { kind: "none" } : revalidate,
      bound: { kind: "unknown" },
      customCache: false,
      lifetime: builder.instances.findLifetime(call),
      optionsOpaque: opaque,
      // A function that throws stores nothing in the Data Cache.
      rejections: "dropped",
      rejectionFix: undefined,
      evictedByCode: false,
    },
  });
}

export function addNestModuleSite(builder: SiteBuilder, call: TS.CallExpression, method: string): void {
  const r = builder.resolver;
  let optionsExpression: TS.Expression | undefined = call.arguments[0];
  let opaque = false;
  if (method === "registerAsync") {
    const { props } = r.readOptions(optionsExpression);
    const factory = props.get("useFactory");
    const declaration = factory ? r.findFunctionDeclaration(factory) : undefined;
    const returned = declaration ? builder.instances.findReturnedExpressions(declaration) : [];
    optionsExpression = returned.length === 1 ? returned[0] : undefined;
    opaque = optionsExpression === undefined || !r.readObjectLiteral(optionsExpression);
  }
  const options = r.readOptions(optionsExpression);
  const ttl = options.props.get("ttl");
  const instance: InstanceInfo = {
    library: "nestjs-cache",
    kind: "framework",
    constructedAt: r.makeSpan(call),
    name: "CacheModule",
    defaultTtl: ttl
      ? builder.instances.readTtl(ttl, "ms", true)
      : opaque || options.opaque || options.props.has("stores") || options.props.has("store")
        ? { kind: "unknown" }
        : { kind: "none" },
    bound: { kind: "unknown" },
    lifetime: "module",
    optionsOpaque: opaque || options.opaque,
    storesReferences: false,
    keyPrefix: undefined,
  };
  builder.addSite(call, call.expression, {
    library: "nestjs-cache",
    kind: "framework",
    operation: "construct",
    method,
    instance,
  });
}
