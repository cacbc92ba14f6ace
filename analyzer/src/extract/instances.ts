// Cache instances: from a receiver expression to the construction that built it
// (through variables, class fields, constructor assignments and factory functions,
// across files), and from a construction to its TTL and bound.
import type * as TS from "typescript";
import type { InstanceInfo, Lifetime, ReplacedMethod, Ttl, TtlUnit } from "../model/cache-model";
import type { SharedStore } from "../libraries/adapter";
import type { Resolver, ResolvedExport } from "./resolver";
import { getAdapter, getRemoteStoreAdapter, getStoreAdapter, findLibraryByModule } from "../libraries/registry";
import { createArgumentReader, fromExpr, type ReaderServices } from "./argument-reader";
import { findAssignedName, nameFunction } from "./functions";
import { walkTree } from "./walk";
import { findAssignedFacades, type FacadeMethod } from "./property-facades";

const MAX_DEPTH = 8;

/** A resolved receiver: the instance, plus the pipeline/transaction it goes through. */
export interface ReceiverInfo {
  instance: InstanceInfo;
  batchId: string | undefined;
}

/** Methods that return the same client (chaining) rather than a new object. */
const SAME_INSTANCE_METHODS = new Set(["on", "once", "connect", "duplicate", "withTypeMapping", "namespace", "use"]);
const BATCH_METHODS = new Set(["pipeline", "multi", "batch"]);

/** The method that returns a namespaced view of the same store, when the library has one. */
function namespaceMethodOf(library: InstanceInfo["library"]): string | undefined {
  return getStoreAdapter(library)?.namespaceMethod;
}

/** Whether reads of an instance seen only through its type return the stored object itself. */
function storesReferencesWhenUnknown(library: InstanceInfo["library"]): boolean {
  const adapter = getStoreAdapter(library);
  return adapter?.kind === "in-process" ? adapter.storesReferencesWhenUnknown : false;
}

export class InstanceResolver implements ReaderServices {
  private readonly cache = new Map<TS.Node, ReceiverInfo | null>();
  private readonly assignmentIndex = new Map<TS.SourceFile, Map<TS.Symbol, TS.Expression[]>>();
  private readonly assignedMethods = new Map<
    TS.VariableDeclaration,
    Map<string, TS.FunctionExpression | TS.ArrowFunction>
  >();
  /** Facades being resolved: a facade method that calls the facade itself (`cache.get(key)` in `cache.getMany`) stops here. */
  private readonly resolvingFacades = new Set<TS.VariableDeclaration>();

  /** @param installedMajor the installed major version of a package, which some adapters read (cache-manager's units). */
  constructor(
    readonly resolver: Resolver,
    readonly installedMajor: (packageName: string) => number | undefined,
  ) {}

  /** Resolves the instance a method is called on. */
  resolveReceiver(expression: TS.Expression, depth = 0): ReceiverInfo | undefined {
    // Inside a factory read with its arguments bound, the answer depends on the call: not memoized.
    if (this.resolver.hasBindings) return this.computeReceiver(expression, depth);
    const cached = this.cache.get(expression);
    if (cached !== undefined) return cached ?? undefined;
    const result = this.computeReceiver(expression, depth);
    // A failure deep in a chain may be the depth limit, not the expression: only a failure from the top is final.
    if (result || depth === 0) this.cache.set(expression, result ?? null);
    return result;
  }

  private computeReceiver(expression: TS.Expression, depth: number): ReceiverInfo | undefined {
    const r = this.resolver;
    const { ts } = r;
    if (depth > MAX_DEPTH) return undefined;
    const node = r.skipOuter(expression);
    // Singletons: `globalThis.redis ?? createRedis()`, `cached || new Redis(url)`, `dev ? a : b`.
    if (
      ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
        node.operatorToken.kind === ts.SyntaxKind.BarBarToken)
    ) {
      return this.resolveReceiver(node.right, depth + 1) ?? this.resolveReceiver(node.left, depth + 1);
    }
    if (ts.isConditionalExpression(node))
      return this.resolveReceiver(node.whenTrue, depth + 1) ?? this.resolveReceiver(node.whenFalse, depth + 1);
    // An optional client: `!disabled && createClient(options)` is the client whenever it is used.
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)
      return this.resolveReceiver(node.right, depth + 1);
    // A lazy singleton: `this.client || (this.client = new Redis(url))`.
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken)
      return this.resolveReceiver(node.right, depth + 1);
    if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
      const constructed = this.describeConstructionCall(node);
      if (constructed) return { instance: constructed, batchId: undefined };
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        if (BATCH_METHODS.has(method) || SAME_INSTANCE_METHODS.has(method)) {
          const base = this.resolveReceiver(node.expression.expression, depth + 1);
          if (base && base.instance.kind === "redis" && BATCH_METHODS.has(method)) {
            return { instance: base.instance, batchId: `${node.getSourceFile().fileName}:${node.getStart()}` };
          }
          // bentocache `namespace("users")`: the same stores, keys under `users:` (nested namespaces stack).
          if (base && method === namespaceMethodOf(base.instance.library)) {
            const name = node.arguments[0] ? r.foldString(node.arguments[0]) : undefined;
            if (name === undefined) return base;
            return {
              ...base,
              instance: {
                ...base.instance,
                keyPrefix: `${base.instance.keyPrefix ?? ""}${name}:`,
                name: `${base.instance.name ?? base.instance.library}.${method}(${name})`,
              },
            };
          }
          if (base) return base;
        }
        // A chained command on a pipeline returns the pipeline: `redis.pipeline().set(..).expire(..)`.
        const base = this.resolveReceiver(node.expression.expression, depth + 1);
        if (base?.batchId) return base;
      }
      // A facade: `new Proxy(target, handler)` forwards to its target.
      if (ts.isNewExpression(node) && this.isGlobal(node.expression, "Proxy") && node.arguments?.[0]) {
        const target = this.resolveProxy(node.arguments[0], node.arguments[1], depth);
        if (target) return target;
      }
      if (ts.isCallExpression(node)) {
        // `Object.assign(target, cache, extras)`: the object holds the cache's methods.
        if (this.isObjectAssign(node.expression)) {
          for (const argument of node.arguments) {
            const info = this.resolveReceiver(argument, depth + 1);
            if (info) return info;
          }
        }
        // A factory of the project: `getRedis()` returning a client, `createClient("tr:")` building one with a prefix.
        const declaration = r.findFunctionDeclaration(node.expression);
        if (declaration?.body) {
          const returned = this.findReturnedExpressions(declaration);
          const info = r.withArguments(declaration, node.arguments, () => {
            for (const value of returned) {
              const found = this.resolveReceiver(value, depth + 1);
              if (found) return found;
            }
            return undefined;
          });
          if (info) {
            // A cache built inside the factory on each call (not a module singleton it hands out) is one cache per call.
            const builtBy = info.instance.lifetime === "local" ? r.makeSpan(node) : info.instance.builtBy;
            return {
              instance: { ...info.instance, lifetime: "unknown", ...(builtBy ? { builtBy } : {}) },
              batchId: undefined,
            };
          }
          // What it returns cannot be followed (a cache of singletons, a registry): its declared return type says.
          if (declaration.type) {
            const declared = this.resolveTypeAnnotation(declaration.type, nameFunction(r.ts, declaration));
            if (declared) return declared;
          }
        }
      }
      return this.resolveFromType(node);
    }
    // `{ ...createCache(), kind: "memory" }`: an object that spreads a cache into itself has its methods.
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!ts.isSpreadAssignment(property)) continue;
        const info = this.resolveReceiver(property.expression, depth + 1);
        if (info) return info;
      }
      return undefined;
    }
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const nameNode = ts.isIdentifier(node) ? node : node.name;
      const symbol = r.getDeclaredSymbol(nameNode);
      const fromDeclarations = symbol ? this.resolveSymbol(symbol, depth) : undefined;
      if (fromDeclarations) return fromDeclarations;
      // `client.helpers` where the client's factory assigns `client.helpers = { get(key) {…}, … }` over its commands.
      if (ts.isPropertyAccessExpression(node)) {
        const facade = this.resolvePropertyFacade(node, symbol, depth);
        if (facade) return facade;
      }
      // A free name (`kv`) or `globalThis.kv` that nothing declares: what the program assigns to `global.kv`.
      const globalName = symbol?.declarations?.some((declaration) => !this.isAmbient(declaration))
        ? undefined
        : this.readGlobalName(node);
      if (globalName) {
        for (const value of r.findGlobalAssignments(globalName)) {
          const info = this.resolveReceiver(value, depth + 1);
          if (info) return this.named(info, globalName);
        }
      }
      return this.resolveFromType(node);
    }
    return undefined;
  }

  private resolveSymbol(symbol: TS.Symbol, depth: number): ReceiverInfo | undefined {
    const r = this.resolver;
    const { ts } = r;
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isVariableDeclaration(declaration)) {
        if (declaration.initializer) {
          const info = this.resolveReceiver(declaration.initializer, depth + 1);
          if (info) return this.withReplacedMethods(this.named(info, declaration.name.getText()), declaration);
          // `const cache = {}` whose methods pass their key on to a cache: `cache.get = (key) => lru.get(key)`.
          const facade = this.resolveFacade(declaration, depth);
          if (facade) return facade;
        }
        // `let client: Redis | undefined` assigned in an init function or a lazy getter.
        if (ts.isIdentifier(declaration.name)) {
          for (const value of this.findAssignments(symbol, declaration.getSourceFile())) {
            const info = this.resolveReceiver(value, depth + 1);
            if (info) return this.named(info, declaration.name.text);
          }
        }
        if (declaration.type) return this.resolveTypeAnnotation(declaration.type, declaration.name.getText());
      } else if (ts.isPropertyDeclaration(declaration) || ts.isPropertyAssignment(declaration)) {
        if (declaration.initializer) {
          const info = this.resolveReceiver(declaration.initializer, depth + 1);
          if (info) return this.named(info, declaration.name.getText());
        }
        if (ts.isPropertyDeclaration(declaration)) {
          const assigned = this.findConstructorAssignment(declaration);
          if (assigned) {
            const info = this.resolveReceiver(assigned, depth + 1);
            if (info) return this.named(info, declaration.name.getText());
          }
          if (declaration.type) return this.resolveTypeAnnotation(declaration.type, declaration.name.getText());
        }
      } else if (ts.isGetAccessorDeclaration(declaration) && declaration.body) {
        // `static get defaultClient() { return this.client || (this.client = new this(url)); }`
        for (const value of this.findReturnedExpressions(declaration)) {
          const info = this.resolveReceiver(value, depth + 1);
          if (info) return this.named(info, declaration.name.getText());
        }
      } else if (ts.isParameter(declaration)) {
        if (declaration.type) return this.resolveTypeAnnotation(declaration.type, declaration.name.getText());
      } else if (ts.isShorthandPropertyAssignment(declaration)) {
        const valueSymbol = r.checker.getShorthandAssignmentValueSymbol(declaration);
        if (valueSymbol) return this.resolveSymbol(valueSymbol, depth + 1);
      } else {
        // CommonJS: `module.exports = createCache({…})` reached by `require("./cache")`, `exports.cache = new LRUCache(…)`.
        const assigned = r.findAssignedValue(declaration);
        if (assigned) {
          const info = this.resolveReceiver(assigned, depth + 1);
          if (info) return info;
        }
      }
    }
    return undefined;
  }

  /**
   * The functions assigned as methods of a variable in the block that declares it: `cache.set = function (k, v) {…}`
   * (an override on a cache instance) or `store.get = (key) => inner.get(key)` (a facade's method).
   */
  private findAssignedMethods(
    declaration: TS.VariableDeclaration,
  ): Map<string, TS.FunctionExpression | TS.ArrowFunction> {
    const cached = this.assignedMethods.get(declaration);
    if (cached) return cached;
    const r = this.resolver;
    const { ts } = r;
    const methods = new Map<string, TS.FunctionExpression | TS.ArrowFunction>();
    this.assignedMethods.set(declaration, methods);
    const container = declaration.parent.parent?.parent;
    if (!ts.isIdentifier(declaration.name) || !container || !(ts.isBlock(container) || ts.isSourceFile(container)))
      return methods;
    const name = declaration.name.text;
    const symbol = r.checker.getSymbolAtLocation(declaration.name);
    for (const statement of container.statements) {
      if (!ts.isExpressionStatement(statement)) continue;
      const assignment = statement.expression;
      if (!ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const { left } = assignment;
      const right = r.skipOuter(assignment.right);
      if (!ts.isPropertyAccessExpression(left) || !ts.isIdentifier(left.expression) || left.expression.text !== name)
        continue;
      if (!ts.isFunctionExpression(right) && !ts.isArrowFunction(right)) continue;
      if (symbol && r.checker.getSymbolAtLocation(left.expression) !== symbol) continue;
      methods.set(left.name.text, right);
    }
    return methods;
  }

  private describeReplacedMethods(declaration: TS.VariableDeclaration): Record<string, ReplacedMethod> | undefined {
    const r = this.resolver;
    const { ts } = r;
    const methods = this.findAssignedMethods(declaration);
    if (methods.size === 0) return undefined;
    const described: Record<string, ReplacedMethod> = {};
    for (const [name, fn] of methods) {
      let takesAny = fn.parameters.some((parameter) => parameter.dotDotDotToken !== undefined);
      if (!takesAny && fn.body)
        walkTree(ts, fn.body, (node) => {
          if (takesAny || (ts.isFunctionLike(node) && !ts.isArrowFunction(node))) return false;
          if (ts.isIdentifier(node) && node.text === "arguments") takesAny = true;
        });
      described[name] = { parameters: takesAny ? undefined : fn.parameters.length, span: r.makeSpan(fn) };
    }
    return described;
  }

  /** An instance whose methods the project replaces in the block that builds it knows them (see `replacedMethods`). */
  private withReplacedMethods(info: ReceiverInfo, declaration: TS.VariableDeclaration): ReceiverInfo {
    const replacedMethods = this.describeReplacedMethods(declaration);
    return replacedMethods ? { ...info, instance: { ...info.instance, replacedMethods } } : info;
  }

  /**
   * A facade object: at least two of its methods pass their first parameter on as the key of a call on one cache
   * (`inner.get(key)`, or `set.apply(inner, [key, value])` through a saved method). Its calls are that cache's calls.
   */
  private resolveFacade(declaration: TS.VariableDeclaration, depth: number): ReceiverInfo | undefined {
    const r = this.resolver;
    const { ts } = r;
    const initializer = declaration.initializer && r.skipOuter(declaration.initializer);
    if (!initializer || !ts.isObjectLiteralExpression(initializer) || !ts.isIdentifier(declaration.name))
      return undefined;
    if (this.resolvingFacades.has(declaration)) return undefined;
    const methods = this.findAssignedMethods(declaration);
    if (methods.size < 2) return undefined;
    this.resolvingFacades.add(declaration);
    try {
      let target: ReceiverInfo | undefined;
      let forwarding = 0;
      for (const fn of methods.values()) {
        const found = this.findForwardedReceiver(fn, depth);
        if (!found || (target && found.instance.constructedAt?.start !== target.instance.constructedAt?.start))
          continue;
        target ??= found;
        forwarding++;
      }
      if (!target || forwarding < 2) return undefined;
      const replacedMethods = this.describeReplacedMethods(declaration);
      return {
        instance: { ...target.instance, name: declaration.name.text, ...(replacedMethods ? { replacedMethods } : {}) },
        batchId: undefined,
      };
    } finally {
      this.resolvingFacades.delete(declaration);
    }
  }

  /**
   * A property of a client that holds an object of functions over the client's commands (see `property-facades.ts`):
   * at least two of its methods pass their first parameter on as the key of a command of the same client. Its calls are
   * the client's calls; the methods it declares are `replacedMethods` (their parameters say which arguments reach it).
   */
  private resolvePropertyFacade(
    node: TS.PropertyAccessExpression,
    symbol: TS.Symbol | undefined,
    depth: number,
  ): ReceiverInfo | undefined {
    const facades = findAssignedFacades(this.resolver, node, symbol);
    if (facades.length === 0) return undefined;
    const base = this.resolveReceiver(node.expression, depth + 1);
    if (!base?.instance.constructedAt || (base.instance.kind !== "redis" && base.instance.kind !== "remote-kv"))
      return undefined;
    const same = (info: ReceiverInfo | undefined) =>
      info?.instance.constructedAt?.file === base.instance.constructedAt!.file &&
      info?.instance.constructedAt?.start === base.instance.constructedAt!.start;
    for (const facade of facades) {
      if (!same(this.resolveReceiver(facade.owner, depth + 1))) continue;
      let forwarding = 0;
      for (const fn of facade.methods.values()) if (same(this.findForwardedReceiver(fn, depth + 1))) forwarding++;
      if (forwarding < 2) continue;
      const replacedMethods: Record<string, ReplacedMethod> = {};
      for (const [name, fn] of facade.methods) {
        const takesAny = fn.parameters.some((parameter) => parameter.dotDotDotToken !== undefined);
        replacedMethods[name] = {
          parameters: takesAny ? undefined : fn.parameters.length,
          span: this.resolver.makeSpan(fn),
        };
      }
      // Named as the call reads (`store.helpers`), or after the client's own name.
      const owner = this.resolver.ts.isIdentifier(node.expression) ? node.expression.text : base.instance.name;
      const name = `${owner ?? node.expression.getText()}.${node.name.text}`;
      return { instance: { ...base.instance, name, replacedMethods }, batchId: undefined };
    }
    return undefined;
  }

  /** The cache a function passes its first parameter to as a key: `inner.get(key)`, `saved.apply(inner, [key, …])`. */
  private findForwardedReceiver(fn: FacadeMethod, depth: number): ReceiverInfo | undefined {
    const r = this.resolver;
    const { ts } = r;
    const first = fn.parameters[0];
    if (!first || !ts.isIdentifier(first.name) || !fn.body) return undefined;
    const parameter = first.name.text;
    const isParameter = (node: TS.Node | undefined) =>
      node !== undefined &&
      ts.isIdentifier(r.skipOuter(node as TS.Expression)) &&
      (r.skipOuter(node as TS.Expression) as TS.Identifier).text === parameter;
    const candidates: TS.Expression[] = [];
    walkTree(ts, fn.body, (node) => {
      if (ts.isFunctionLike(node) && node !== fn) return false;
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const method = node.expression.name.text;
      const [thisArgument, second] = node.arguments;
      if (method === "apply" && thisArgument && second && ts.isArrayLiteralExpression(r.skipOuter(second))) {
        if (isParameter((r.skipOuter(second) as TS.ArrayLiteralExpression).elements[0])) candidates.push(thisArgument);
      } else if (method === "call" && thisArgument) {
        if (isParameter(second)) candidates.push(thisArgument);
      } else if (isParameter(thisArgument)) candidates.push(node.expression.expression);
    });
    for (const candidate of candidates) {
      const info = this.resolveReceiver(candidate, depth + 1);
      if (
        info &&
        (info.instance.kind === "in-process" || info.instance.kind === "redis" || info.instance.kind === "remote-kv")
      )
        return info;
    }
    return undefined;
  }

  private named(info: ReceiverInfo, name: string): ReceiverInfo {
    return info.instance.name ? info : { ...info, instance: { ...info.instance, name } };
  }

  /** `redis: Redis` or `cache: LRUCache<string, User>`: identity from the type's import origin. */
  private resolveTypeAnnotation(type: TS.TypeNode, name: string, depth = 0): ReceiverInfo | undefined {
    const r = this.resolver;
    const { ts } = r;
    if (depth > MAX_DEPTH) return undefined;
    if (ts.isParenthesizedTypeNode(type)) return this.resolveTypeAnnotation(type.type, name, depth + 1);
    // `Redis | Cluster | null`: the client types of the union (null and undefined say nothing).
    if (ts.isUnionTypeNode(type)) {
      for (const member of type.types) {
        const info = this.resolveTypeAnnotation(member, name, depth + 1);
        if (info) return info;
      }
      return undefined;
    }
    if (!ts.isTypeReferenceNode(type)) return undefined;
    // A project's alias: `type Client = Redis | Cluster`.
    if (ts.isIdentifier(type.typeName)) {
      let symbol = r.checker.getSymbolAtLocation(type.typeName);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = r.checker.getAliasedSymbol(symbol);
      const alias = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
      if (alias && !alias.getSourceFile().isDeclarationFile)
        return this.resolveTypeAnnotation(alias.type, name, depth + 1);
    }
    const typeName = type.typeName;
    const expression = ts.isIdentifier(typeName) ? typeName : undefined;
    let resolved: ResolvedExport | undefined;
    if (expression) resolved = r.resolveExport(r.findImportOrigin(expression));
    else if (ts.isQualifiedName(typeName) && ts.isIdentifier(typeName.left)) {
      const origin = r.findImportOrigin(typeName.left);
      if (origin) resolved = r.resolveExport({ ...origin, path: [...origin.path, typeName.right.text] });
    }
    // node-redis types (`RedisClientType`) are not listed exports: accept any type from a Redis package.
    if (!resolved && expression) {
      const origin = r.findImportOrigin(expression);
      const entry = origin ? findLibraryByModule(origin.module) : undefined;
      if (entry?.kind === "redis")
        return { instance: this.describeOpaque(entry.library, entry.kind, name), batchId: undefined };
    }
    if (!resolved || resolved.entry.kind === "memoizer") return undefined;
    const library = resolved.role.library ?? resolved.entry.library;
    const kind = resolved.role.kind ?? resolved.entry.kind;
    if (kind !== "redis" && kind !== "remote-kv" && kind !== "in-process") return undefined;
    return { instance: this.describeOpaque(library, kind, name), batchId: undefined };
  }

  private resolveFromType(expression: TS.Expression): ReceiverInfo | undefined {
    const entry = this.resolver.findLibraryFromType(expression);
    if (!entry || entry.kind === "memoizer" || entry.kind === "framework") return undefined;
    return { instance: this.describeOpaque(entry.library, entry.kind, undefined), batchId: undefined };
  }

  private describeOpaque(
    library: InstanceInfo["library"],
    kind: InstanceInfo["kind"],
    name: string | undefined,
  ): InstanceInfo {
    return {
      library,
      kind,
      constructedAt: undefined,
      name,
      // A Redis server has no default expiry: a write without one keeps the key, whatever the client's options. Nor has
      // a Memcached client whose writes always say theirs (memcached), unlike memjs's `expires`.
      defaultTtl:
        kind === "redis" || (kind === "remote-kv" && getRemoteStoreAdapter(library)?.hasDefaultTtl === false)
          ? { kind: "none" }
          : { kind: "unknown" },
      bound: { kind: "unknown" },
      lifetime: "unknown",
      optionsOpaque: true,
      // Libraries that return references whatever their options (cache-manager injected by NestJS, lru-cache…).
      storesReferences: storesReferencesWhenUnknown(library),
      keyPrefix: undefined,
    };
  }

  /**
   * What `this.name = …` assigns to a class property: the constructor's top-level assignment first, then
   * assignments anywhere in the class's methods (`async init() { this.redis = new Redis(url) }`).
   */
  private findConstructorAssignment(property: TS.PropertyDeclaration): TS.Expression | undefined {
    const r = this.resolver;
    const { ts } = r;
    const classNode = property.parent;
    if (!ts.isClassLike(classNode)) return undefined;
    const name = property.name.getText();
    const isThisAssignment = (expression: TS.Expression): expression is TS.BinaryExpression =>
      ts.isBinaryExpression(expression) &&
      expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(expression.left) &&
      expression.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      expression.left.name.text === name;
    for (const member of classNode.members) {
      if (!ts.isConstructorDeclaration(member) || !member.body) continue;
      for (const statement of member.body.statements) {
        if (ts.isExpressionStatement(statement) && isThisAssignment(statement.expression))
          return statement.expression.right;
      }
    }
    let found: TS.Expression | undefined;
    const visit = (node: TS.Node): boolean => {
      if (found) return false;
      // A nested class has its own `this`.
      if (ts.isClassLike(node) && node !== classNode) return false;
      if (ts.isBinaryExpression(node) && isThisAssignment(node)) {
        found = node.right;
        return false;
      }
      return true;
    };
    for (const member of classNode.members)
      if (!ts.isPropertyDeclaration(member) || member === property) walkTree(ts, member, visit);
    return found;
  }

  /** The values assigned to a variable in its file (`client = new Redis(url)`, `client ??= create()`). */
  private findAssignments(symbol: TS.Symbol, sourceFile: TS.SourceFile): TS.Expression[] {
    let index = this.assignmentIndex.get(sourceFile);
    if (!index) {
      index = this.indexAssignments(sourceFile);
      this.assignmentIndex.set(sourceFile, index);
    }
    return index.get(symbol) ?? [];
  }

  private indexAssignments(sourceFile: TS.SourceFile): Map<TS.Symbol, TS.Expression[]> {
    const r = this.resolver;
    const { ts } = r;
    const index = new Map<TS.Symbol, TS.Expression[]>();
    const assigning = new Set([
      ts.SyntaxKind.EqualsToken,
      ts.SyntaxKind.QuestionQuestionEqualsToken,
      ts.SyntaxKind.BarBarEqualsToken,
    ]);
    const visit = (node: TS.Node): void => {
      if (ts.isBinaryExpression(node) && assigning.has(node.operatorToken.kind) && ts.isIdentifier(node.left)) {
        const symbol = r.checker.getSymbolAtLocation(node.left);
        if (symbol) {
          const values = index.get(symbol) ?? [];
          values.push(node.right);
          index.set(symbol, values);
        }
      }
    };
    walkTree(ts, sourceFile, visit);
    return index;
  }

  /**
   * What a `Proxy` forwards to: its target, else the object its `get` trap reads from (`Reflect.get(real(), prop)`,
   * `real()[prop]`), else the type its placeholder target is cast to (`{} as CacheService`).
   */
  private resolveProxy(target: TS.Expression, handler: TS.Expression | undefined, depth: number) {
    const r = this.resolver;
    const { ts } = r;
    const info = this.resolveReceiver(target, depth + 1);
    if (info) return info;
    const trap = handler
      ? r.readObjectLiteral(handler)?.properties.find((p) => p.name?.getText() === "get")
      : undefined;
    const trapFunction =
      trap && ts.isMethodDeclaration(trap)
        ? trap
        : trap &&
            ts.isPropertyAssignment(trap) &&
            (ts.isArrowFunction(trap.initializer) || ts.isFunctionExpression(trap.initializer))
          ? trap.initializer
          : undefined;
    for (const returned of trapFunction ? this.findReturnedExpressions(trapFunction) : []) {
      let value = r.skipOuter(returned);
      // `typeof v === "function" ? v.bind(real) : v` and friends: any branch that reads the real object.
      if (ts.isConditionalExpression(value)) value = r.skipOuter(value.whenFalse);
      const read = ts.isElementAccessExpression(value)
        ? value.expression
        : ts.isCallExpression(value) &&
            ts.isPropertyAccessExpression(value.expression) &&
            value.expression.name.text === "get" &&
            this.isGlobal(value.expression.expression, "Reflect")
          ? value.arguments[0]
          : undefined;
      const forwarded = read ? this.resolveReceiver(read, depth + 1) : undefined;
      if (forwarded) return forwarded;
    }
    const placeholder = r.skipOuter(target) === target ? undefined : target;
    if (placeholder && (ts.isAsExpression(placeholder) || ts.isSatisfiesExpression(placeholder)))
      return this.resolveTypeAnnotation(placeholder.type, "proxy");
    return undefined;
  }

  /** True when `expression` names a global of the default library (`Proxy`, `Map`), not a local binding. */
  /** `kv` (a bare name) or `global.kv` / `globalThis.kv`: the global property it names. */
  private readGlobalName(node: TS.Identifier | TS.PropertyAccessExpression): string | undefined {
    const { ts } = this.resolver;
    if (ts.isIdentifier(node)) return node.text;
    const object = this.resolver.skipOuter(node.expression);
    return ts.isIdentifier(object) && (object.text === "global" || object.text === "globalThis")
      ? node.name.text
      : undefined;
  }

  /** Declared without a value: `declare global { var kv: KvStore }`, or in a `.d.ts`. */
  private isAmbient(declaration: TS.Declaration): boolean {
    const { ts } = this.resolver;
    if (declaration.getSourceFile().isDeclarationFile) return true;
    for (let node: TS.Node | undefined = declaration; node && !ts.isSourceFile(node); node = node.parent) {
      if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword))
        return true;
    }
    return false;
  }

  private isGlobal(expression: TS.Expression, name: string): boolean {
    const r = this.resolver;
    const node = r.skipOuter(expression);
    if (!r.ts.isIdentifier(node) || node.text !== name) return false;
    const declaration = r.checker.getSymbolAtLocation(node)?.declarations?.[0];
    // No declaration at all: the default library is not loaded (a partial program); the name is still the global.
    return !declaration || declaration.getSourceFile().isDeclarationFile;
  }

  private isObjectAssign(expression: TS.Expression): boolean {
    const { ts } = this.resolver;
    return (
      ts.isPropertyAccessExpression(expression) &&
      expression.name.text === "assign" &&
      this.isGlobal(expression.expression, "Object")
    );
  }

  findReturnedExpressions(declaration: TS.FunctionLikeDeclaration): TS.Expression[] {
    const { ts } = this.resolver;
    const body = declaration.body;
    if (!body) return [];
    if (!ts.isBlock(body)) return [body];
    const found: TS.Expression[] = [];
    walkTree(ts, body, (node) => {
      if (ts.isFunctionLike(node)) return false;
      if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
    });
    return found;
  }

  /** If the call or `new` builds a cache/client of a known library, describes it. */
  describeConstructionCall(node: TS.NewExpression | TS.CallExpression): InstanceInfo | undefined {
    const r = this.resolver;
    const resolved =
      r.resolveExport(r.findImportOrigin(node.expression)) ??
      (r.ts.isNewExpression(node) ? this.resolveBaseClass(node.expression) : undefined);
    if (!resolved) return undefined;
    const role = resolved.role.role;
    if (role !== "client-class" && role !== "client-factory" && role !== "cache-class" && role !== "cache-factory")
      return undefined;
    // The client's options are a fact of its construction site, not of every call through it.
    const instance = this.describeConstruction(resolved, node);
    delete instance.clientOptions;
    return instance;
  }

  /** `new RedisAdapter(url)` or `new this(url)` in its static getter, where `class RedisAdapter extends Redis`: the library class it extends. */
  private resolveBaseClass(expression: TS.Expression, depth = 0): ResolvedExport | undefined {
    const r = this.resolver;
    const { ts } = r;
    if (depth > MAX_DEPTH) return undefined;
    let declaration: TS.ClassLikeDeclaration | undefined;
    if (expression.kind === ts.SyntaxKind.ThisKeyword) {
      let current: TS.Node | undefined = expression.parent;
      while (current && !ts.isClassLike(current)) current = current.parent;
      declaration = current;
    } else {
      const symbol = r.getDeclaredSymbol(r.skipOuter(expression));
      declaration = symbol?.declarations?.find(ts.isClassLike);
    }
    const base = declaration?.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]
      ?.expression;
    if (!base) return undefined;
    const resolved = r.resolveExport(r.findImportOrigin(base));
    if (resolved && (resolved.role.role === "client-class" || resolved.role.role === "cache-class")) return resolved;
    return this.resolveBaseClass(base, depth + 1);
  }

  describeConstruction(resolved: ResolvedExport, node: TS.NewExpression | TS.CallExpression): InstanceInfo {
    const r = this.resolver;
    const { entry } = resolved;
    const adapter = getAdapter(entry.library);
    const base = {
      library: entry.library,
      kind: entry.kind,
      constructedAt: r.makeSpan(node),
      name: this.findBindingName(node),
      lifetime: this.findLifetime(node),
    };
    if (!("construct" in adapter)) {
      // A client or cache role on a library whose adapter does not describe constructions: say so.
      return {
        ...base,
        defaultTtl: { kind: "unknown" },
        bound: { kind: "unknown" },
        optionsOpaque: true,
        storesReferences: false,
        keyPrefix: undefined,
        unrecognised: `${adapter.displayName} has no reader for \`${resolved.exportName}\` constructions`,
      };
    }
    const read = createArgumentReader(this, node.arguments ?? [], resolved.exportName, resolved.role.variant);
    const { optionsAt, ...constructed } = adapter.construct(read);
    // The literal a defaults helper returns, where the missing option belongs: a span the rules can report at.
    const facts = optionsAt ? { ...constructed, optionsAt: r.makeSpan(fromExpr(optionsAt)) } : constructed;
    // A Keyv over a Memcached store: its entries live in that shared store, one family per key pattern.
    const kind = facts.sharedStore ? getAdapter(facts.sharedStore).kind : base.kind;
    if (!facts.optionsOpaque) return { ...base, ...facts, kind };
    return {
      ...base,
      ...facts,
      kind,
      unrecognised: "its options cannot be read: a spread, or a variable of unknown shape",
    };
  }

  /** The remote store (not Redis) that the instance an expression builds or names keeps its entries in. */
  findSharedStore(expression: TS.Expression): SharedStore | undefined {
    const instance = this.resolveReceiver(expression)?.instance;
    if (!instance) return undefined;
    const library =
      instance.sharedStore ?? (getAdapter(instance.library).kind === "remote-kv" ? instance.library : undefined);
    return library === undefined ? undefined : { library, keyPrefix: instance.keyPrefix };
  }

  /** True when an identifier is the global `Map` from the default library, not a local class. */
  isGlobalMap(identifier: TS.Identifier): boolean {
    const r = this.resolver;
    if (identifier.text !== "Map") return false;
    const symbol = r.checker.getSymbolAtLocation(identifier);
    const declaration = symbol?.declarations?.[0];
    if (!declaration) return false;
    return r.isDefaultLibraryFile(declaration.getSourceFile());
  }

  readTtl(expression: TS.Expression, unit: TtlUnit, zeroMeansNone = false): Ttl {
    const r = this.resolver;
    const { ts } = r;
    const node = r.skipOuter(expression);
    if (r.isNullish(node)) return { kind: "none" };
    const text = node.getText();
    if (unit === "duration" || ts.isStringLiteralLike(node)) {
      const literal = r.foldString(node);
      if (literal !== undefined) {
        const ms = parseDuration(literal);
        return { kind: "set", ms, text, unit: "duration" };
      }
    }
    const value = r.foldNumber(node);
    if (value === undefined) return { kind: "set", ms: undefined, text, unit };
    if (value === Infinity || (zeroMeansNone && value === 0)) return { kind: "none" };
    const ms = unit === "s" ? value * 1000 : value;
    return { kind: "set", ms, text, unit };
  }

  /** The variable or property a value is stored in, for messages. */
  findBindingName(node: TS.Node): string | undefined {
    return findAssignedName(this.resolver.ts, node);
  }

  /**
   * How long a value built here lives: at module scope or in a class field it is shared
   * and long-lived; inside a function body it dies with the call unless it escapes.
   */
  findLifetime(node: TS.Node): Lifetime {
    const { ts } = this.resolver;
    let current: TS.Node = node;
    while (
      current.parent &&
      (ts.isParenthesizedExpression(current.parent) ||
        ts.isAsExpression(current.parent) ||
        ts.isAwaitExpression(current.parent) ||
        ts.isSatisfiesExpression(current.parent) ||
        ts.isNonNullExpression(current.parent))
    ) {
      current = current.parent;
    }
    const parent = current.parent;
    if (!parent) return "unknown";
    if (ts.isVariableDeclaration(parent)) {
      const statement = parent.parent.parent;
      if (statement && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent)) return "module";
      return "local";
    }
    if (ts.isPropertyDeclaration(parent)) {
      const isStatic = ts.getCombinedModifierFlags(parent) & ts.ModifierFlags.Static;
      return isStatic ? "module" : "class";
    }
    if (ts.isExportAssignment(parent)) return "module";
    if (
      ts.isBinaryExpression(parent) &&
      parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      parent.right === current
    ) {
      if (ts.isPropertyAccessExpression(parent.left) && parent.left.expression.kind === ts.SyntaxKind.ThisKeyword)
        return "class";
      if (ts.isIdentifier(parent.left)) {
        const symbol = this.resolver.checker.getSymbolAtLocation(parent.left);
        const declaration = symbol?.valueDeclaration;
        if (declaration && ts.isVariableDeclaration(declaration) && ts.isSourceFile(declaration.parent.parent.parent))
          return "module";
        return "local";
      }
    }
    if (ts.isExpressionStatement(parent) && ts.isSourceFile(parent.parent)) return "module";
    return "unknown";
  }
}

/** Parses `'30s'`, `'15m'`, `'1h'`, `'2d'`, `'500ms'` into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match =
    /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)?\s*$/i.exec(
      text,
    );
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? "ms").toLowerCase();
  if (unit === "ms") return value;
  if (unit.startsWith("s")) return value * 1000;
  if (unit.startsWith("m")) return value * 60_000;
  if (unit.startsWith("h")) return value * 3_600_000;
  if (unit.startsWith("d")) return value * 86_400_000;
  if (unit.startsWith("w")) return value * 604_800_000;
  return undefined;
}
