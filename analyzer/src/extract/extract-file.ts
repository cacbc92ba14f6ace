// TypeScript → cache model, once per source file. Hosts inject `{ ts, program, checker }`;
// this module imports `typescript` for types only.
import { NEXT_CACHE_LIFE_REVALIDATE_SECONDS } from "../libraries/next";
import type * as TS from "typescript";
import type { FileCacheModel, KeyValueAccess, MissingCacheMethod, UnresolvedCall } from "../model/cache-model";
import { assertHostMatches, type ExtractionHost } from "./host";
import { InstanceResolver } from "./instances";
import {
  getMemoizerAdapter,
  isRemoteStoreOnlyMethodName,
  isStoreMethodName,
  isTagServiceMethodName,
  REMOTE_STORE_MODULES,
} from "../libraries/registry";
import { isRedisCommand } from "../libraries/redis-protocol";
import { CachedValueTracker } from "./cached-values";
import { collectDeclaredFunctionNames } from "./call-graph";
import { EntityExtractor } from "./entities/entity-extractor";
import { KeyCoverage } from "./key-coverage";
import { PurityAnalyzer } from "./purity";
import { Resolver, type ResolvedExport } from "./resolver";
import { SiteBuilder, type ProgramContext } from "./site-builder";
import { addRedisSite } from "./sites/redis-sites";
import { addAuthSessionCacheSite, findSessionUserReads } from "./sites/auth-session-caches";
import { resolveBoundMethod } from "./sites/bound-methods";
import { findSingleSlotKeyGaps } from "./sites/single-slot";
import { findKeptRejections } from "./sites/promise-holders";
import { findUnusedClassTtls } from "./sites/unused-ttl";
import { findCountLimitTtls } from "./sites/count-limit-ttls";
import { findCollectionCaches } from "./sites/collection-caches";
import { findFunctionPairCaches } from "./sites/function-pair-caches";
import { findInFlightRejections } from "./sites/in-flight-rejections";
import { addTagServiceInvalidation, addStoreSite } from "./sites/store-sites";
import { addMemoizeSite } from "./sites/memoizers";
import { visitDecorator } from "./sites/decorators";
import {
  addNextCacheTagSite,
  addNextRevalidateSite,
  addUnstableCacheSite,
  addNestModuleSite,
} from "./sites/framework-caches";
import { findMapCaches } from "./sites/map-caches";
import { checkBatchKeyFunction, findCacheAsideKeyGaps, checkIdentityArguments } from "./sites/key-gaps";
import { traceDeletedKeys, traceWrittenValues } from "./sites/written-values";
import { addDeclaredLayerSites, findDeclaredLayer } from "./sites/declared-layers";
import type { CacheLayer } from "../model/cache-layers";
import { walkTree } from "./walk";
import { describeKeyValueCall, markStoreMirrors } from "./sites/key-value-stores";

const programContexts = new WeakMap<TS.Program, ProgramContext>();

function getProgramContext(host: ExtractionHost): ProgramContext {
  let context = programContexts.get(host.program);
  if (!context) {
    const resolver = new Resolver(host);
    const majors = new Map<string, number | undefined>();
    const installedMajor = (packageName: string): number | undefined => {
      if (!majors.has(packageName)) majors.set(packageName, findInstalledMajor(host, packageName));
      return majors.get(packageName);
    };
    const sources = host.program.getSourceFiles().filter((file) => !file.isDeclarationFile);
    const assignedMethods = new Map<string, TS.FunctionLikeDeclaration[]>();
    context = {
      resolver,
      instances: new InstanceResolver(resolver, installedMajor),
      purity: new PurityAnalyzer(resolver),
      keyCoverage: new KeyCoverage(resolver),
      entities: new EntityExtractor(resolver),
      declaredFunctionNames: collectDeclaredFunctionNames(host.ts, host.program, assignedMethods),
      assignedMethods,
      usesIdentityCaches: sources.some((file) =>
        /\bWeakMap\b|weakMapMemoize|from\s*["']react["']|require\(\s*["']react["']\s*\)/.test(file.text),
      ),
      usesRemoteStores: sources.some((file) =>
        REMOTE_STORE_MODULES.some((module) => file.text.includes(`"${module}"`) || file.text.includes(`'${module}'`)),
      ),
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

/** Methods that drop entries: a call of one that a project cache object lacks is an invalidation that never runs. */
const INVALIDATION_METHODS = new Set([
  "del",
  "delete",
  "remove",
  "unlink",
  "invalidate",
  "evict",
  "clear",
  "reset",
  "flush",
  "flushAll",
  "flushall",
  "purge",
]);

/** Receivers named like a cache client (`cache`, `redisClient`, `kvStore`, `valkey`, `memcached`). */
const CACHE_LIKE_RECEIVER = /cache|redis|valkey|memcache|keyv|^kv|kv$/i;

/** Walks one source file, hands each call, `new` and decorator to the reader for its kind, then runs the post-passes. */
class FileExtractor {
  private readonly ts: ExtractionHost["ts"];
  private readonly resolver: Resolver;
  private readonly instances: InstanceResolver;
  /** The sites, key gaps and entity accesses found so far: the state every reader writes into. */
  private readonly builder: SiteBuilder;
  private readonly unresolvedBefore: Set<string>;
  private readonly unresolvedCalls: UnresolvedCall[] = [];
  private readonly missingCacheMethods: MissingCacheMethod[] = [];
  private readonly keyValueAccesses: KeyValueAccess[] = [];
  private readonly cacheLayers: readonly CacheLayer[];

  constructor(
    host: ExtractionHost,
    private readonly context: ProgramContext,
    private readonly sourceFile: TS.SourceFile,
  ) {
    this.ts = host.ts;
    this.resolver = context.resolver;
    this.instances = context.instances;
    this.unresolvedBefore = new Set(context.resolver.unresolvedModules);
    this.cacheLayers = host.cacheLayers ?? [];
    this.builder = new SiteBuilder(host, context, sourceFile);
  }

  run(): FileCacheModel {
    const { ts } = this;
    const mapCacheNames = new Set<string>();
    const cachedValues = new CachedValueTracker(this.resolver, this.instances, this.context.purity, mapCacheNames);
    const callGraph = this.builder.callGraph;
    walkTree(ts, this.sourceFile, (node) => {
      cachedValues.observe(node);
      callGraph.observe(node);
      if (ts.isCallExpression(node)) {
        this.visitCall(node);
        this.builder.addEntityAccesses(node, this.context.entities.describeCall(node));
      } else if (ts.isTaggedTemplateExpression(node))
        this.builder.addEntityAccesses(node, this.context.entities.describeTaggedTemplate(node));
      else if (ts.isNewExpression(node)) this.visitNew(node);
      else if (ts.isDecorator(node)) visitDecorator(this.builder, node);
    });
    findCollectionCaches(this.builder, this.sourceFile);
    findFunctionPairCaches(this.builder, this.sourceFile);
    // A call the collection pass made a site of is resolved after all.
    const resolvedCalls = new Set([...this.builder.siteCalls.values()].map((call) => call.getStart()));
    const unresolvedCalls = this.unresolvedCalls.filter((call) => !resolvedCalls.has(call.span.start));
    traceWrittenValues(this.builder);
    traceDeletedKeys(this.builder);
    markStoreMirrors(this.builder, this.keyValueAccesses);
    const mapCaches = findMapCaches(this.builder);
    for (const mapCache of mapCaches) mapCacheNames.add(mapCache.name);
    findCacheAsideKeyGaps(this.builder);
    findSingleSlotKeyGaps(this.builder, this.sourceFile);
    const unusedTtls = findUnusedClassTtls(this.builder, this.sourceFile);
    const countLimitTtls = findCountLimitTtls(this.builder, this.sourceFile);
    const sessionUserReads = findSessionUserReads(this.builder, this.sourceFile);
    const keptRejections = findKeptRejections(this.builder, this.sourceFile);
    const inFlightRejections = findInFlightRejections(this.builder, this.sourceFile);
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
      ...(unresolvedCalls.length > 0 ? { unresolvedCalls } : {}),
      ...(unusedTtls.length > 0 ? { unusedTtls } : {}),
      ...(countLimitTtls.length > 0 ? { countLimitTtls } : {}),
      ...(inFlightRejections.length > 0 ? { inFlightRejections } : {}),
      ...(this.missingCacheMethods.length > 0 ? { missingCacheMethods: this.missingCacheMethods } : {}),
      ...(this.keyValueAccesses.length > 0 ? { keyValueAccesses: this.keyValueAccesses } : {}),
      ...(sessionUserReads.length > 0 ? { sessionUserReads } : {}),
      ...(keptRejections.length > 0 ? { keptRejections } : {}),
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
    const layer = findDeclaredLayer(this.builder, this.cacheLayers, call);
    if (layer) {
      addDeclaredLayerSites(this.builder, call, layer);
      return;
    }

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
        addMemoizeSite(this.builder, call, inner, call.arguments[0], callee);
      }
      return;
    }
    if (this.visitBoundMethodCall(call)) return;
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const lower = method.toLowerCase();
    const isRedisCandidate = isRedisCommand(lower);
    const isStoreCandidate =
      isStoreMethodName(method) && (this.context.usesRemoteStores || !isRemoteStoreOnlyMethodName(method));
    // A tag service on a cache: `cache.tags.invalidateTag("products")`.
    if (isTagServiceMethodName(method) && ts.isPropertyAccessExpression(callee.expression)) {
      const service = callee.expression;
      addTagServiceInvalidation(this.builder, call, callee, service.expression, service.name.text, method);
      return;
    }
    if (!isRedisCandidate && !isStoreCandidate) {
      this.noteKeyValueCall(call, callee, true);
      return;
    }
    const receiver = this.instances.resolveReceiver(callee.expression);
    if (!receiver) {
      this.noteUnresolvedCall(call, callee);
      this.noteKeyValueCall(call, callee, false);
      return;
    }
    const { kind } = receiver.instance;
    if (kind === "redis" && isRedisCandidate)
      addRedisSite(this.builder, call, callee.name, lower, receiver.instance, receiver.batchId);
    else if ((kind === "in-process" || kind === "remote-kv") && isStoreCandidate)
      addStoreSite(this.builder, call, callee, method, receiver.instance);
  }

  /** `get(key)`, `redis.get(key)`, `getAsync(key)` where it is `promisify(client.get).bind(client)`: the client's command. */
  private visitBoundMethodCall(call: TS.CallExpression): boolean {
    const { ts } = this;
    const callee = call.expression;
    const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    // Named after the command (`get`), or by the promisify convention (`getAsync`).
    if (!name || !isRedisCommand(name.text.replace(/Async$/, "").toLowerCase())) return false;
    const bound = resolveBoundMethod(this.builder, callee);
    const command = bound?.method.toLowerCase();
    if (!bound || bound.receiver.instance.kind !== "redis" || !command || !isRedisCommand(command)) return false;
    addRedisSite(this.builder, call, name, command, bound.receiver.instance, bound.receiver.batchId);
    return true;
  }

  /**
   * A cache-like call (`cache.get`, `redisClient.set`, `kv.del`) on a receiver named like a cache that resolved to
   * nothing, and whose method is not a project function the analyzer reads through: a hole in what was seen.
   */
  private noteUnresolvedCall(call: TS.CallExpression, callee: TS.PropertyAccessExpression): void {
    const receiver = callee.expression.getText(this.sourceFile).replace(/\s+/g, "");
    const missing = this.findMissingCacheMethod(callee);
    if (missing) {
      this.missingCacheMethods.push({
        receiver,
        method: callee.name.text,
        span: this.resolver.makeSpan(call),
        ...missing,
      });
      return;
    }
    const lastName = /([A-Za-z_$][\w$]*)\W*$/.exec(receiver)?.[1] ?? "";
    if (!CACHE_LIKE_RECEIVER.test(lastName) || receiver.length > 60) return;
    const declaration = this.resolver.findFunctionDeclaration(callee);
    if (declaration?.body && !declaration.getSourceFile().isDeclarationFile) return;
    // A `Map` (or `Set`, `WeakMap`) used as a cache is read by the map-cache pass, not through an instance; a string's
    // or a number's own methods (`cacheKey.replace(…)`) are not cache calls.
    if (this.isBuiltinCollection(callee.expression) || this.isPrimitive(callee.expression)) return;
    this.unresolvedCalls.push({ receiver, method: callee.name.text, span: this.resolver.makeSpan(call) });
  }

  /**
   * `cache.del(key)` where `cache` is an object the project builds (an object literal, or a class of its own with no
   * base class) with a cache's methods (`get`, `set` and a delete) but no `del`: its methods and where it is declared.
   */
  private findMissingCacheMethod(
    callee: TS.PropertyAccessExpression,
  ): Pick<MissingCacheMethod, "methods" | "declaredAt"> | undefined {
    const { ts } = this;
    const r = this.resolver;
    const method = callee.name.text;
    if (!INVALIDATION_METHODS.has(method)) return undefined;
    return r.tryChecker(() => {
      const type = r.checker.getTypeAtLocation(callee.expression);
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) || type.isUnion() || type.getStringIndexType())
        return undefined;
      const declaration = type.getSymbol()?.declarations?.[0];
      if (!declaration) return undefined;
      const file = declaration.getSourceFile();
      if (file.isDeclarationFile || file.fileName.includes("/node_modules/")) return undefined;
      const ownObject =
        (ts.isObjectLiteralExpression(declaration) &&
          declaration.properties.every((property) => !ts.isSpreadAssignment(property))) ||
        (ts.isClassLike(declaration) && !declaration.heritageClauses?.length);
      if (!ownObject) return undefined;
      const methods = r.checker.getPropertiesOfType(type).map((property) => property.getName());
      if (methods.includes(method) || !methods.includes("get") || !methods.includes("set")) return undefined;
      if (!methods.some((name) => INVALIDATION_METHODS.has(name))) return undefined;
      return { methods: methods.sort(), declaredAt: r.makeSpan(declaration) };
    }, undefined);
  }

  /** A keyed call on a project module the analyzer cannot see into: a key-value store, if a cache mirrors its keys. */
  private noteKeyValueCall(call: TS.CallExpression, callee: TS.PropertyAccessExpression, checkReceiver: boolean): void {
    const access = describeKeyValueCall(this.builder, call, callee);
    if (!access || (checkReceiver && this.instances.resolveReceiver(callee.expression))) return;
    this.keyValueAccesses.push(access);
  }

  private isPrimitive(expression: TS.Expression): boolean {
    const { ts } = this;
    const type = this.resolver.tryChecker(() => this.resolver.checker.getTypeAtLocation(expression), undefined);
    const primitive =
      ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.BooleanLike;
    return type !== undefined && (type.flags & primitive) !== 0;
  }

  private isBuiltinCollection(expression: TS.Expression): boolean {
    const type = this.resolver.tryChecker(() => this.resolver.checker.getTypeAtLocation(expression), undefined);
    const declaration = type?.getSymbol()?.declarations?.[0];
    return (
      declaration !== undefined &&
      /^(Map|Set|WeakMap|WeakSet|ReadonlyMap)$/.test(type!.getSymbol()!.getName()) &&
      this.resolver.isDefaultLibraryFile(declaration.getSourceFile())
    );
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
      checkBatchKeyFunction(this.builder, node, resolved);
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
          addMemoizeSite(this.builder, call, resolved, this.findMemoizedFunction(call, resolved), undefined);
        return;
      case "next-unstable-cache":
        addUnstableCacheSite(this.builder, call);
        return;
      case "react-cache":
        addMemoizeSite(this.builder, call, resolved, call.arguments[0], undefined);
        return;
      case "next-cache-tag":
        addNextCacheTagSite(this.builder, call, resolved);
        return;
      case "next-revalidate":
        addNextRevalidateSite(this.builder, call, resolved);
        return;
      case "auth-session-cache":
        addAuthSessionCacheSite(this.builder, call);
        return;
      case "nest-cache-module":
        if (resolved.rest[0] === "register" || resolved.rest[0] === "registerAsync")
          addNestModuleSite(this.builder, call, resolved.rest[0]);
        return;
      // A class's static method that builds an instance as `new` does: memjs's `Client.create(servers, options)`.
      case "client-class":
      case "cache-class": {
        const [method, ...more] = resolved.rest;
        if (method === undefined || more.length > 0 || !resolved.role.constructors?.includes(method)) return;
        const instance = this.instances.describeConstruction(resolved, call);
        this.builder.addSite(call, call.expression, {
          library: instance.library,
          kind: instance.kind,
          operation: "construct",
          method: `${resolved.exportName}.${method}`,
          instance,
        });
        return;
      }
      // The lifetime of the 'use cache' function that calls it, for nested caches (consistent-cache-ttl).
      case "next-cache-life":
        this.builder.callGraph.observeCacheLife(call, (profile) => NEXT_CACHE_LIFE_REVALIDATE_SECONDS[profile]);
        return;
      // Read where they act, not as calls: classes at `new` (visitNew), decorators on their method (visitDecorator),
      // namespaces when a member is used.
      case "memoize-decorator":
      case "cache-clear-decorator":
      case "cache-update-decorator":
      case "nest-cache-key":
      case "nest-cache-ttl":
      case "namespace":
        return;
      default:
        // Exhaustive: a new role fails to compile here until it is read or listed above.
        return assertNever(role);
    }
  }
  /** The memoized function: argument 0, or the option of argument 0 that the adapter names (cachified's `getFreshValue`). */
  private findMemoizedFunction(call: TS.CallExpression, resolved: ResolvedExport): TS.Expression | undefined {
    const option = getMemoizerAdapter(resolved.entry.library)?.functionOption;
    if (option === undefined) return call.arguments[0];
    return this.resolver.readOptions(call.arguments[0]).props.get(option);
  }
}

function assertNever(value: never): never {
  throw new Error(`cachewise: unhandled export role ${String(value)}`);
}
