// TypeScript → cache model, once per source file. Hosts inject `{ ts, program, checker }`;
// this module imports `typescript` for types only.
import type * as TS from "typescript";
import type {
  FileCacheModel,
  FrameworkInfo,
  InstanceInfo,
  KeyTemplate,
  MemoizedFunction,
  MemoizeInfo,
} from "../model/cache-model";
import { assertHostMatches, type ExtractionHost } from "./host";
import { InstanceResolver, parseDuration } from "./instances";
import {
  IN_PROCESS_DELETE_METHODS,
  IN_PROCESS_READ_METHODS,
  IN_PROCESS_WRITE_METHODS,
  REDIS_CONSUMING_COMMANDS,
  REDIS_DELETE_COMMANDS,
  REDIS_EXPIRE_COMMANDS,
  REDIS_KEY_CREATING_COMMANDS,
  REDIS_READ_COMMANDS,
  REDIS_WRITE_WITH_TTL_COMMANDS,
} from "./library-table";
import { CachedValueTracker } from "./cached-values";
import { collectDeclaredFunctionNames } from "./call-graph";
import { EntityExtractor } from "./entities";
import { KeyCoverage } from "./key-coverage";
import { PurityAnalyzer } from "./purity";
import { Resolver, type ResolvedExport } from "./resolver";
import { SiteBuilder, type ProgramContext } from "./site-builder";
import { addRedisSite } from "./sites/redis-sites";
import { addCacheableTagInvalidation, addInProcessSite } from "./sites/in-process-sites";
import { findMapCaches } from "./sites/map-caches";
import { findCacheAsideKeyGaps, checkIdentityArguments, checkResolver } from "./sites/key-gaps";
import { traceWrittenValues } from "./sites/written-values";

const programContexts = new WeakMap<TS.Program, ProgramContext>();

function getProgramContext(host: ExtractionHost): ProgramContext {
  let context = programContexts.get(host.program);
  if (!context) {
    const resolver = new Resolver(host);
    const cacheManagerMajor = findInstalledMajor(host, "cache-manager");
    const cacheManagerUnit = cacheManagerMajor === undefined ? undefined : cacheManagerMajor < 5 ? "s" : "ms";
    context = {
      resolver,
      instances: new InstanceResolver(resolver, cacheManagerUnit),
      purity: new PurityAnalyzer(resolver),
      keyCoverage: new KeyCoverage(resolver),
      entities: new EntityExtractor(resolver),
      declaredFunctionNames: collectDeclaredFunctionNames(host.ts, host.program),
      usesIdentityCaches: host.program
        .getSourceFiles()
        .some(
          (file) =>
            !file.isDeclarationFile &&
            /\bWeakMap\b|weakMapMemoize|from\s*["']react["']|require\(\s*["']react["']\s*\)/.test(file.text),
        ),
      microMemoizeMajor: findInstalledMajor(host, "micro-memoize"),
      nodeRedisMajor: findInstalledMajor(host, "@redis/client"),
    };
    programContexts.set(host.program, context);
  }
  return context;
}

/** Reads the installed major version of a package the program's declarations come from. */
function findInstalledMajor(host: ExtractionHost, packageName: string): number | undefined {
  const marker = `/node_modules/${packageName}/`;
  for (const file of host.program.getSourceFiles()) {
    const index = file.fileName.indexOf(marker);
    // Only the project's own copy: moize bundles an older micro-memoize under its own node_modules.
    if (index < 0 || file.fileName.indexOf("/node_modules/") !== index) continue;
    const text = host.ts.sys?.readFile(file.fileName.slice(0, index + marker.length) + "package.json");
    const version = text ? (JSON.parse(text) as { version?: string }).version : undefined;
    return version ? Number(version.split(".")[0]) : undefined;
  }
  return undefined;
}

/** Library modules the program imports without being able to resolve them (no node_modules). */
export function getUnresolvedLibraryImports(host: ExtractionHost): string[] {
  return [...getProgramContext(host).resolver.unresolvedModules].sort();
}

/** Extracts the cache model of one source file. */
export function extractFileModel(host: ExtractionHost, sourceFile: TS.SourceFile): FileCacheModel {
  assertHostMatches(host, sourceFile);
  const context = getProgramContext(host);
  const extractor = new FileExtractor(host, context, sourceFile);
  return extractor.run();
}

/** Walks one source file, hands each call, `new` and decorator to the reader for its kind, then runs the post-passes. */
class FileExtractor {
  private readonly ts: ExtractionHost["ts"];
  private readonly resolver: Resolver;
  private readonly instances: InstanceResolver;
  /** The sites, key gaps and entity accesses found so far: the state every reader writes into. */
  private readonly builder: SiteBuilder;
  private readonly unresolvedBefore: Set<string>;

  constructor(
    host: ExtractionHost,
    private readonly context: ProgramContext,
    private readonly sourceFile: TS.SourceFile,
  ) {
    this.ts = host.ts;
    this.resolver = context.resolver;
    this.instances = context.instances;
    this.unresolvedBefore = new Set(context.resolver.unresolvedModules);
    this.builder = new SiteBuilder(host, context, sourceFile);
  }

  run(): FileCacheModel {
    const { ts } = this;
    const mapCacheNames = new Set<string>();
    const cachedValues = new CachedValueTracker(this.resolver, this.instances, this.context.purity, mapCacheNames);
    const callGraph = this.builder.callGraph;
    const visit = (node: TS.Node): void => {
      cachedValues.observe(node);
      callGraph.observe(node);
      if (ts.isCallExpression(node)) {
        this.visitCall(node);
        this.builder.addEntityAccesses(node, this.context.entities.describeCall(node));
      } else if (ts.isTaggedTemplateExpression(node))
        this.builder.addEntityAccesses(node, this.context.entities.describeTaggedTemplate(node));
      else if (ts.isNewExpression(node)) this.visitNew(node);
      else if (ts.isDecorator(node)) this.visitDecorator(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    traceWrittenValues(this.builder);
    const mapCaches = findMapCaches(this.builder);
    for (const mapCache of mapCaches) mapCacheNames.add(mapCache.name);
    findCacheAsideKeyGaps(this.builder);
    const unresolved = [...this.resolver.unresolvedModules].filter(
      (m) => !this.unresolvedBefore.has(m) || this.importsModule(m),
    );
    return {
      file: this.sourceFile.fileName,
      sites: this.builder.sites.sort((a, b) => a.span.start - b.span.start || a.calleeSpan.start - b.calleeSpan.start),
      mapCaches,
      keyGaps: this.builder.keyGaps.sort((a, b) => a.span.start - b.span.start),
      cachedValueMutations: cachedValues.finish(),
      entityAccesses: this.builder.entityAccesses,
      functions: callGraph.finish(),
      unresolvedLibraryImports: unresolved.sort(),
    };
  }

  private importsModule(specifier: string): boolean {
    return this.sourceFile.statements.some(
      (s) =>
        this.ts.isImportDeclaration(s) &&
        this.ts.isStringLiteral(s.moduleSpecifier) &&
        s.moduleSpecifier.text === specifier,
    );
  }

  private visitCall(call: TS.CallExpression): void {
    const { ts } = this;
    const r = this.resolver;
    const callee = call.expression;
    if (r.isRequireCall(call)) return;
    checkIdentityArguments(this.builder, call);

    // `memoize(fn)`, `_.memoize(fn)`, `createClient()`, `unstable_cache(...)`, `CacheModule.register()`.
    const calleeExport =
      ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee)
        ? r.resolveExport(r.findImportOrigin(callee))
        : undefined;
    if (calleeExport) {
      this.handleLibraryCall(call, calleeExport);
      return;
    }
    // Curried: `moize.maxAge(1000)(fn)`.
    if (ts.isCallExpression(callee)) {
      const inner =
        ts.isIdentifier(callee.expression) || ts.isPropertyAccessExpression(callee.expression)
          ? r.resolveExport(r.findImportOrigin(callee.expression))
          : undefined;
      if (inner?.role.role === "memoizer" && inner.role.variant?.startsWith("curried")) {
        this.addMemoizeSite(call, inner, call.arguments[0], callee);
      }
      return;
    }
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const lower = method.toLowerCase();
    const isRedisCandidate =
      REDIS_KEY_CREATING_COMMANDS.has(lower) ||
      REDIS_WRITE_WITH_TTL_COMMANDS.has(lower) ||
      REDIS_EXPIRE_COMMANDS.has(lower) ||
      REDIS_DELETE_COMMANDS.has(lower) ||
      REDIS_READ_COMMANDS.has(lower) ||
      REDIS_CONSUMING_COMMANDS.has(lower);
    const isInProcessCandidate =
      IN_PROCESS_WRITE_METHODS.has(method) ||
      IN_PROCESS_READ_METHODS.has(method) ||
      IN_PROCESS_DELETE_METHODS.has(method);
    // cacheable's tag service: `cache.tags.invalidateTag("products")`, `cache.tags.invalidateTags([...])`.
    if (
      (method === "invalidateTag" || method === "invalidateTags") &&
      ts.isPropertyAccessExpression(callee.expression) &&
      callee.expression.name.text === "tags"
    ) {
      addCacheableTagInvalidation(this.builder, call, callee, callee.expression.expression, method);
      return;
    }
    if (!isRedisCandidate && !isInProcessCandidate) return;
    const receiver = this.instances.resolveReceiver(callee.expression);
    if (!receiver) return;
    if (receiver.instance.kind === "redis" && isRedisCandidate)
      addRedisSite(this.builder, call, callee, lower, receiver.instance, receiver.batchId);
    else if (receiver.instance.kind === "in-process" && isInProcessCandidate)
      addInProcessSite(this.builder, call, callee, method, receiver.instance);
  }

  private visitNew(node: TS.NewExpression): void {
    const r = this.resolver;
    const resolved = r.resolveExport(r.findImportOrigin(node.expression));
    if (!resolved) return;
    const role = resolved.role.role;
    if (role === "client-class" || role === "cache-class") {
      const instance = this.instances.describeConstruction(resolved, node);
      this.builder.addSite(node, node.expression, {
        library: instance.library,
        kind: instance.kind,
        operation: "construct",
        method: "new",
        instance,
      });
    }
  }

  private handleLibraryCall(call: TS.CallExpression, resolved: ResolvedExport): void {
    const role = resolved.role.role;
    switch (role) {
      case "client-factory":
      case "cache-factory": {
        const instance = this.instances.describeConstruction(resolved, call);
        this.builder.addSite(call, call.expression, {
          library: instance.library,
          kind: instance.kind,
          operation: "construct",
          method: resolved.exportName,
          instance,
        });
        return;
      }
      case "memoizer":
        if (!resolved.role.variant?.startsWith("curried"))
          this.addMemoizeSite(call, resolved, call.arguments[0], undefined);
        return;
      case "next-unstable-cache":
        this.addUnstableCacheSite(call);
        return;
      case "react-cache":
        this.addMemoizeSite(call, resolved, call.arguments[0], undefined);
        return;
      case "next-cache-tag":
        this.addNextCacheTagSite(call, resolved);
        return;
      case "next-revalidate":
        this.addNextRevalidateSite(call, resolved);
        return;
      case "nest-cache-module":
        if (resolved.rest[0] === "register" || resolved.rest[0] === "registerAsync")
          this.addNestModuleSite(call, resolved.rest[0]);
        return;
      default:
        return;
    }
  }

  /** `cacheTag("user", `user:${id}`)` inside a 'use cache' function: the function's result is cached under these tags. */
  private addNextCacheTagSite(call: TS.CallExpression, resolved: ResolvedExport): void {
    const tags = call.arguments.map((argument) => this.resolver.buildKeyTemplate(argument));
    this.builder.addSite(call, call.expression, {
      library: "next",
      kind: "framework",
      operation: "write",
      method: resolved.exportName,
      tags,
    });
  }

  private addNextRevalidateSite(call: TS.CallExpression, resolved: ResolvedExport): void {
    const argument = call.arguments[0];
    if (!argument) return;
    const template = this.resolver.buildKeyTemplate(argument);
    const tag = resolved.role.variant === "path" ? this.prefixTemplate("path:", template) : template;
    this.builder.addSite(call, call.expression, {
      library: "next",
      kind: "framework",
      operation: "delete",
      method: resolved.exportName,
      tags: [tag],
    });
  }

  private prefixTemplate(prefix: string, template: KeyTemplate): KeyTemplate {
    return {
      parts: [{ kind: "text", value: prefix }, ...template.parts],
      pattern: prefix + template.pattern,
      text: template.text,
    };
  }

  /** The `tags` of Next.js cache options, as key templates. */
  private readTags(expression: TS.Expression | undefined): KeyTemplate[] {
    const node = expression && this.resolver.skipOuter(expression);
    if (!node || !this.ts.isArrayLiteralExpression(node)) return [];
    return node.elements
      .filter((element) => !this.ts.isSpreadElement(element))
      .map((element) => this.resolver.buildKeyTemplate(element));
  }

  private addMemoizeSite(
    call: TS.CallExpression,
    resolved: ResolvedExport,
    fnArgument: TS.Expression | undefined,
    curriedCall: TS.CallExpression | undefined,
  ): void {
    const fn = fnArgument ? this.describeMemoizedFunction(fnArgument, call) : undefined;
    const memoize = this.describeMemoizer(resolved, call, curriedCall, fn);
    memoize.evictedByCode = this.isEvictedByCode(call);
    this.builder.addSite(call, call.expression, {
      library: resolved.entry.library,
      kind: resolved.entry.kind,
      operation: "memoize",
      method: resolved.exportName === "default" ? resolved.entry.library : resolved.exportName,
      memoize,
    });
  }

  private isTrueLiteral(expression: TS.Expression | undefined): boolean {
    return expression !== undefined && expression.kind === this.ts.SyntaxKind.TrueKeyword;
  }

  /** micro-memoize 5 reads `async`; version 4 (and moize's bundled copy) read `isPromise`, which version 5 silently ignores. */
  private microMemoizeDropsRejections(props: Map<string, TS.Expression>): boolean {
    const major = this.context.microMemoizeMajor;
    if (major === undefined)
      return this.isTrueLiteral(props.get("async")) || this.isTrueLiteral(props.get("isPromise"));
    return major >= 5 ? this.isTrueLiteral(props.get("async")) : this.isTrueLiteral(props.get("isPromise"));
  }

  /** The memoized binding is cleared somewhere in its file: `fn.cache.delete(k)`, `fn.clear()`, `memoizeClear(fn)`. */
  private isEvictedByCode(call: TS.CallExpression): boolean {
    const { ts } = this;
    const r = this.resolver;
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

  private describeMemoizer(
    resolved: ResolvedExport,
    call: TS.CallExpression,
    curriedCall: TS.CallExpression | undefined,
    fn: MemoizedFunction | undefined,
  ): MemoizeInfo {
    const r = this.resolver;
    const args = call.arguments;
    const lifetime = this.instances.findLifetime(call);
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
        checkResolver(this.builder, call, args[1], resolved.entry.library, fn?.name);
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
          rejections: promiseMode && promiseMode.kind !== this.ts.SyntaxKind.FalseKeyword ? "dropped" : "kept",
          rejectionOption: "`promise: true`",
          keying: custom ? "custom" : "function-length",
          maxAge: maxAge ? this.instances.readTtl(maxAge, "ms", true) : { kind: "none" },
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
          maxAge: maxAge ? this.instances.readTtl(maxAge, "ms") : { kind: "none" },
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
            maxAge: maxAge ? this.instances.readTtl(maxAge, "ms") : { kind: "unknown" },
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
        const promiseMode = variant === "promise" || this.isTrueLiteral(props.get("isPromise"));
        return {
          ...base,
          optionsOpaque: opaque,
          maxAge: maxAge ? this.instances.readTtl(maxAge, "ms") : { kind: "none" },
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
          maxAge: expires ? this.instances.readTtl(expires, "ms") : { kind: "none" },
          rejections: this.microMemoizeDropsRejections(props) ? "dropped" : "kept",
          rejectionOption:
            this.context.microMemoizeMajor !== undefined && this.context.microMemoizeMajor < 5
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

  /** The function being memoized: inline, or resolved through its symbol (across files). */
  private describeMemoizedFunction(expression: TS.Expression, call: TS.Node): MemoizedFunction | undefined {
    const r = this.resolver;
    const declaration = r.findFunctionDeclaration(expression);
    const name =
      this.instances.findBindingName(call) ?? (this.ts.isIdentifier(expression) ? expression.text : undefined);
    if (!declaration) {
      // An imported function without source (a library, or no types): only the signature is known.
      return this.describeFromSignature(expression, name);
    }
    return this.describeFunctionDeclaration(declaration, name, 0);
  }

  private describeFunctionDeclaration(
    declaration: TS.FunctionLikeDeclaration,
    name: string | undefined,
    keyedParameters: number,
  ): MemoizedFunction {
    const { ts } = this;
    const parameters = declaration.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === "this"));
    void keyedParameters;
    const firstOptional = parameters.findIndex((p) => p.initializer !== undefined || p.dotDotDotToken !== undefined);
    return {
      name,
      parameterCount: parameters.length,
      hasRestParameter: parameters.some((p) => p.dotDotDotToken !== undefined),
      hasDefaultParameter: parameters.some((p) => p.initializer !== undefined),
      isAsync: this.isAsyncFunction(declaration),
      hasFiniteDomain: parameters.every((p) => !p.dotDotDotToken && this.isFiniteType(p)),
      length: firstOptional < 0 ? parameters.length : firstOptional,
      parameterNames: parameters.map((p) => p.name.getText()),
      neverRejects: this.neverRejects(declaration),
      impurities: declaration.body ? this.context.purity.describeImpurities(declaration) : [],
      span: this.resolver.makeSpan(declaration),
    };
  }

  private describeFromSignature(expression: TS.Expression, name: string | undefined): MemoizedFunction | undefined {
    const { checker } = this.resolver;
    const type = checker.getTypeAtLocation(expression);
    const signature = type.getCallSignatures()[0];
    if (!signature) return undefined;
    const returnType = checker.getReturnTypeOfSignature(signature);
    return {
      name,
      parameterCount: signature.parameters.length,
      hasRestParameter: signature.parameters.some((p) => {
        const declaration = p.valueDeclaration;
        return (
          declaration !== undefined && this.ts.isParameter(declaration) && declaration.dotDotDotToken !== undefined
        );
      }),
      hasDefaultParameter: false,
      isAsync: this.isPromiseType(returnType),
      hasFiniteDomain: signature.parameters.length === 0,
      length: signature.parameters.length,
      parameterNames: signature.parameters.map((p) => p.getName()),
      neverRejects: false,
      impurities: [],
      span: undefined,
    };
  }

  /** `try { … } catch { return fallback }` around the whole body, or `return p.catch(() => fallback)`. */
  private neverRejects(declaration: TS.FunctionLikeDeclaration): boolean {
    const { ts } = this;
    const body = declaration.body;
    if (!body) return false;
    if (!ts.isBlock(body)) return this.isCatchingExpression(body);
    const statements = body.statements;
    const attempts = statements.filter(ts.isTryStatement);
    if (attempts.length === 0) {
      const last = statements[statements.length - 1];
      return (
        statements.length === 1 &&
        last !== undefined &&
        ts.isReturnStatement(last) &&
        last.expression !== undefined &&
        this.isCatchingExpression(last.expression)
      );
    }
    const attempt = attempts[0]!;
    if (attempts.length !== 1 || !attempt.catchClause || this.containsThrow(attempt.catchClause.block)) return false;
    // Anything outside the try must not be able to throw: only literal returns are accepted.
    return statements.every(
      (s) =>
        s === attempt ||
        (ts.isReturnStatement(s) &&
          (!s.expression || ts.isLiteralExpression(s.expression) || s.expression.kind === ts.SyntaxKind.NullKeyword)),
    );
  }

  private isCatchingExpression(expression: TS.Expression): boolean {
    const { ts } = this;
    const node = this.resolver.skipOuter(expression);
    if (
      !ts.isCallExpression(node) ||
      !ts.isPropertyAccessExpression(node.expression) ||
      node.expression.name.text !== "catch"
    )
      return false;
    const handler = node.arguments[0];
    return (
      handler !== undefined &&
      (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) &&
      !this.containsThrow(handler.body)
    );
  }

  /** A `throw` or `Promise.reject` that runs in this code (nested functions excluded). */
  private containsThrow(node: TS.Node): boolean {
    const { ts } = this;
    let found = false;
    const visit = (child: TS.Node): void => {
      if (found || (child !== node && ts.isFunctionLike(child))) return;
      if (ts.isThrowStatement(child)) found = true;
      else if (
        ts.isCallExpression(child) &&
        ts.isPropertyAccessExpression(child.expression) &&
        child.expression.name.text === "reject" &&
        child.expression.expression.getText() === "Promise"
      )
        found = true;
      else ts.forEachChild(child, visit);
    };
    visit(node);
    return found;
  }

  private isAsyncFunction(declaration: TS.FunctionLikeDeclaration): boolean {
    const { ts } = this;
    const { checker } = this.resolver;
    if (ts.getCombinedModifierFlags(declaration as TS.Declaration) & ts.ModifierFlags.Async) return true;
    const signature = checker.getSignatureFromDeclaration(declaration);
    return signature ? this.isPromiseType(checker.getReturnTypeOfSignature(signature)) : false;
  }

  private isPromiseType(type: TS.Type): boolean {
    const symbol = type.getSymbol();
    if (!symbol) return false;
    const name = symbol.getName();
    if (name !== "Promise" && name !== "PromiseLike") return false;
    const declaration = symbol.declarations?.[0];
    return declaration !== undefined && this.resolver.program.isSourceFileDefaultLibrary(declaration.getSourceFile());
  }

  /** Booleans, literal unions and enums have a small, finite domain. */
  private isFiniteType(parameter: TS.ParameterDeclaration): boolean {
    const { ts } = this;
    const { checker } = this.resolver;
    const type = checker.getTypeAtLocation(parameter);
    const finiteFlags =
      ts.TypeFlags.BooleanLike |
      ts.TypeFlags.EnumLike |
      ts.TypeFlags.StringLiteral |
      ts.TypeFlags.NumberLiteral |
      ts.TypeFlags.BigIntLiteral |
      ts.TypeFlags.Undefined |
      ts.TypeFlags.Null |
      ts.TypeFlags.Void;
    const isFinite = (t: TS.Type): boolean => {
      if (t.flags & finiteFlags) return true;
      if (t.isUnion()) return t.types.every(isFinite);
      return false;
    };
    return isFinite(type);
  }

  private addUnstableCacheSite(call: TS.CallExpression): void {
    const r = this.resolver;
    const [fnArgument, , optionsArgument] = call.arguments;
    const { props, opaque } = r.readOptions(optionsArgument);
    const revalidateExpression = props.get("revalidate");
    let revalidate: FrameworkInfo["revalidate"] = { kind: "none" };
    if (revalidateExpression) {
      revalidate =
        revalidateExpression.kind === this.ts.SyntaxKind.FalseKeyword
          ? "false"
          : this.instances.readTtl(revalidateExpression, "s");
    } else if (opaque) revalidate = { kind: "unknown" };
    const tags = props.has("tags") || opaque;
    const fn = fnArgument ? this.describeMemoizedFunction(fnArgument, call) : undefined;
    const inline = fnArgument && r.skipOuter(fnArgument);
    if (inline && (this.ts.isArrowFunction(inline) || this.ts.isFunctionExpression(inline))) {
      const uncaptured = this.context.keyCoverage.findUncapturedInputs(inline, call.arguments[1]);
      if (uncaptured && uncaptured.length > 0) {
        this.builder.keyGaps.push({
          kind: "captured-not-in-key-parts",
          span: r.makeSpan(call.expression),
          cache: fn?.name ?? "unstable_cache",
          inputs: uncaptured,
          library: "next",
          cacheId: undefined,
        });
      }
    }
    this.builder.addSite(call, call.expression, {
      library: "next",
      kind: "framework",
      operation: "memoize",
      method: "unstable_cache",
      tags: this.readTags(props.get("tags")),
      framework: { revalidate, tags },
      memoize: {
        fn,
        keying: "custom",
        maxAge: revalidate === "false" ? { kind: "none" } : revalidate,
        bound: { kind: "unknown" },
        customCache: false,
        lifetime: this.instances.findLifetime(call),
        optionsOpaque: opaque,
        // A function that throws stores nothing in the Data Cache.
        rejections: "dropped",
        rejectionOption: undefined,
        evictedByCode: false,
      },
    });
  }

  private addNestModuleSite(call: TS.CallExpression, method: string): void {
    const r = this.resolver;
    let optionsExpression: TS.Expression | undefined = call.arguments[0];
    let opaque = false;
    if (method === "registerAsync") {
      const { props } = r.readOptions(optionsExpression);
      const factory = props.get("useFactory");
      const declaration = factory ? r.findFunctionDeclaration(factory) : undefined;
      const returned = declaration ? this.instances.findReturnedExpressions(declaration) : [];
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
        ? this.instances.readTtl(ttl, "ms", true)
        : opaque || options.opaque || options.props.has("stores") || options.props.has("store")
          ? { kind: "unknown" }
          : { kind: "none" },
      bound: { kind: "unknown" },
      lifetime: "module",
      optionsOpaque: opaque || options.opaque,
      storesReferences: false,
      keyPrefix: undefined,
    };
    this.builder.addSite(call, call.expression, {
      library: "nestjs-cache",
      kind: "framework",
      operation: "construct",
      method,
      instance,
    });
  }

  private visitDecorator(decorator: TS.Decorator): void {
    const { ts } = this;
    const r = this.resolver;
    const expression = decorator.expression;
    const callee = ts.isCallExpression(expression) ? expression.expression : expression;
    if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return;
    const resolved = r.resolveExport(r.findImportOrigin(callee));
    if (!resolved) return;
    const method = decorator.parent;
    if (!ts.isMethodDeclaration(method) && !ts.isGetAccessorDeclaration(method)) return;
    const args = ts.isCallExpression(expression)
      ? expression.arguments
      : ([] as unknown as TS.NodeArray<TS.Expression>);
    const decoratorName = `@${resolved.exportName}`;
    switch (resolved.role.role) {
      case "memoize-decorator": {
        const fn = this.describeFunctionDeclaration(method, method.name.getText(), 0);
        const memoize = this.describeDecorator(resolved, args, fn);
        // @type-cacheable's `cacheKey` names the entry in the shared store, where @CacheClear finds it.
        const key =
          resolved.entry.library === "type-cacheable"
            ? this.readDecoratorKey(r.readOptions(args[0]).props.get("cacheKey"))
            : undefined;
        this.builder.addSite(decorator, callee, {
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
        for (const key of this.readDecoratorKeys(clears)) {
          this.builder.addSite(decorator, callee, {
            library: resolved.entry.library,
            kind: resolved.entry.kind,
            operation: "delete",
            method: this.isTrueLiteral(pattern) ? `${decoratorName}*` : decoratorName,
            key,
            runsAfterBody: true,
          });
        }
        if (resolved.role.role === "cache-update-decorator") {
          const key = this.readDecoratorKey(props.get("cacheKey"));
          if (key)
            this.builder.addSite(decorator, callee, {
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
        const key = this.readDecoratorKey(args[0]);
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
          ttlDecorator && ts.isCallExpression(ttlDecorator.expression)
            ? ttlDecorator.expression.arguments[0]
            : undefined;
        const ttl = ttlArgument ? this.instances.readTtl(ttlArgument, "ms") : ({ kind: "unknown" } as const);
        this.builder.addSite(decorator, callee, {
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
  private readDecoratorKey(expression: TS.Expression | undefined): KeyTemplate | undefined {
    const { ts } = this;
    if (!expression) return undefined;
    const node = this.resolver.skipOuter(expression);
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const body = ts.isBlock(node.body) ? node.body.statements.find(ts.isReturnStatement)?.expression : node.body;
      return body ? this.resolver.buildKeyTemplate(body) : undefined;
    }
    if (
      ts.isStringLiteralLike(node) ||
      ts.isTemplateExpression(node) ||
      ts.isBinaryExpression(node) ||
      ts.isIdentifier(node) ||
      ts.isPropertyAccessExpression(node)
    )
      return this.resolver.buildKeyTemplate(node);
    return undefined;
  }

  /** One key, or each key of an array literal. */
  private readDecoratorKeys(expression: TS.Expression | undefined): KeyTemplate[] {
    const { ts } = this;
    if (!expression) return [];
    const node = this.resolver.skipOuter(expression);
    if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((element) => this.readDecoratorKeys(element));
    const key = this.readDecoratorKey(node);
    return key ? [key] : [];
  }

  private describeDecorator(
    resolved: ResolvedExport,
    args: readonly TS.Expression[],
    fn: MemoizedFunction,
  ): MemoizeInfo {
    const r = this.resolver;
    // @type-cacheable awaits the method and stores only resolved values; pMemoizeDecorator drops rejections.
    const dropsRejections = resolved.entry.library === "type-cacheable" || resolved.entry.library === "p-memoize";
    const base: MemoizeInfo = {
      fn,
      keying: "all-arguments",
      maxAge: { kind: "none" },
      bound: { kind: "none" },
      customCache: false,
      lifetime: "class",
      optionsOpaque: false,
      rejections: dropsRejections ? "dropped" : "kept",
      rejectionOption:
        resolved.entry.library === "memoize"
          ? "p-memoize's `pMemoizeDecorator`, which drops rejected promises"
          : undefined,
      evictedByCode: false,
    };
    switch (resolved.entry.library) {
      case "typescript-memoize": {
        if (resolved.role.variant === "expiring") {
          const ms = args[0];
          return {
            ...base,
            keying: args[1] ? "custom" : "first-argument",
            maxAge: ms ? this.instances.readTtl(ms, "ms") : { kind: "none" },
          };
        }
        const first = args[0];
        if (!first) return { ...base, keying: "first-argument" };
        const { props, opaque, literal } = r.readOptions(first);
        if (!literal)
          return {
            ...base,
            keying: opaque && !this.ts.isObjectLiteralExpression(r.skipOuter(first)) ? "custom" : "first-argument",
            optionsOpaque: false,
          };
        const expiring = props.get("expiring");
        return {
          ...base,
          optionsOpaque: opaque,
          keying: props.has("hashFunction") ? "custom" : "first-argument",
          maxAge: expiring ? this.instances.readTtl(expiring, "ms") : { kind: "none" },
        };
      }
      case "memoize":
      case "p-memoize": {
        const { props, opaque } = r.readOptions(args[0]);
        const maxAge = props.get("maxAge");
        return {
          ...base,
          optionsOpaque: opaque,
          keying: props.has("cacheKey") ? "custom" : "first-argument",
          maxAge: maxAge ? this.instances.readTtl(maxAge, "ms") : { kind: "none" },
          customCache: props.has("cache"),
        };
      }
      case "type-cacheable": {
        const { props, opaque } = r.readOptions(args[0]);
        const ttl = props.get("ttlSeconds");
        // Without ttlSeconds the global or client default applies, which may be set elsewhere.
        return {
          ...base,
          optionsOpaque: opaque,
          keying: props.has("cacheKey") ? "custom" : "all-arguments",
          maxAge: ttl ? this.instances.readTtl(ttl, "s") : { kind: "unknown" },
          bound: { kind: "unknown" },
        };
      }
      default:
        return { ...base, optionsOpaque: true, bound: { kind: "unknown" }, maxAge: { kind: "unknown" } };
    }
  }
}

/** Re-exported for hosts that need to interpret duration strings consistently. */
export { parseDuration };
/** A key template's display form, for messages. */
export function formatKey(key: KeyTemplate | undefined): string {
  return key ? key.pattern : "<dynamic key>";
}
