// The call graph facts the whole-program rules need: for each function, the project functions
// it calls, the events it emits and the events it handles. Calls are resolved through the
// checker, but only for callee names that some project function declares (a syntactic filter
// computed once per Program), so library calls cost nothing. Imports `typescript` for types only.
import type * as TS from "typescript";
import type { FunctionFacts } from "../model/cache-model";
import { findEnclosingFunction, nameFunction } from "./functions";
import type { Resolver } from "./resolver";
import { traceArgumentSources } from "./value-sources";
import { describeOptionalArguments } from "./sites/ttl-guards";
import { walkTree } from "./walk";
import { describeErrorHandling } from "./error-handling";

/** Methods that call their callback before they return. */
const ITERATION_METHODS = new Set([
  "map",
  "forEach",
  "filter",
  "reduce",
  "some",
  "every",
  "find",
  "findIndex",
  "flatMap",
  "sort",
  "then",
]);

/** Registration methods whose function argument becomes an event handler. */
const SUBSCRIBE_METHODS = new Set([
  "on",
  "once",
  "addListener",
  "prependListener",
  "prependOnceListener",
  "subscribe",
  "psubscribe",
  "addEventListener",
]);
const EMIT_METHODS = new Set(["emit", "emitAsync", "publish", "dispatch", "dispatchEvent", "spublish"]);

type FunctionNode = TS.FunctionLikeDeclaration;

/**
 * Callee names that say the call is a lock or a single-flight: one caller refills while the others wait
 * (`acquireLock`, `withLock`, `mutex.runExclusive`, `redlock.using`, `singleFlight`, `dedupe`, `coalesce`).
 */
const REFILL_GUARD_WORDS = new Set([
  "lock",
  "locks",
  "locked",
  "redlock",
  "mutex",
  "semaphore",
  "singleflight",
  "dedupe",
  "deduplicate",
  "coalesce",
  "exclusive",
  "inflight",
]);

/** A name's words, with `single flight` and `in flight` joined: `acquireLock` → `acquire`, `lock`; `single_flight` → `singleflight`. */
function isRefillGuardName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/\b(single|in)[\s_-]*flight\b/g, "$1flight")
    .split(/[^a-z0-9]+/);
  return words.some((word) => REFILL_GUARD_WORDS.has(word));
}
/** Methods of a lock library's instance whose names alone say nothing (`redlock.using`, `lock.acquire`): guards when the receiver says lock. */
const LOCK_METHODS = new Set(["acquire", "using", "runExclusive", "lock", "tryLock", "withLock"]);

/** Roots of HTTP client calls: the global `fetch` and the usual client packages (checked by import origin). */
const HTTP_CLIENT_PACKAGES = new Set(["axios", "got", "ky", "node-fetch", "undici", "ofetch", "cross-fetch"]);
const HTTP_ROOT_NAMES = new Set(["fetch", "axios", "got", "ky", "request", "ofetch", "$fetch", "undici"]);

const EMPTY_SOURCES = { calls: [], parameters: [], callFields: {}, parameterFields: {} };

export class CallGraphCollector {
  private readonly ts: Resolver["ts"];
  private readonly facts = new Map<FunctionNode, FunctionFacts>();
  private readonly forwarded = new Map<FunctionNode, Set<number>>();
  private readonly moduleFacts: FunctionFacts;

  constructor(
    private readonly resolver: Resolver,
    private readonly declaredNames: ReadonlySet<string>,
    sourceFile: TS.SourceFile,
    private readonly assignedMethods: ReadonlyMap<string, readonly FunctionNode[]> = new Map(),
  ) {
    this.ts = resolver.ts;
    this.moduleFacts = {
      id: `${sourceFile.fileName}:module`,
      name: "<module>",
      span: resolver.makeSpan(sourceFile.statements[0] ?? sourceFile),
      calls: [],
      emits: [],
      handles: [],
    };
  }

  /** Called for every node by the file extractor's traversal. */
  observe(node: TS.Node): void {
    const { ts } = this;
    if (ts.isCallExpression(node)) this.observeCall(node);
    else if (ts.isMethodDeclaration(node)) this.observeDecorators(node);
    else if (ts.isJsxSelfClosingElement(node) || ts.isJsxOpeningElement(node)) this.observeJsx(node);
  }

  /** `<Stats locale={locale} />` whose tag is a project function: a component it renders. */
  private observeJsx(element: TS.JsxSelfClosingElement | TS.JsxOpeningElement): void {
    const { ts } = this;
    const tag = element.tagName;
    if (!ts.isIdentifier(tag) || !/^[A-Z]/.test(tag.text) || !this.declaredNames.has(tag.text)) return;
    const target = this.resolveName(tag);
    if (!target) return;
    const facts = this.getFacts(this.findOwner(element));
    (facts.renders ??= []).push({
      target: this.idOf(target),
      targetName: nameFunction(ts, target),
      span: this.resolver.makeSpan(element),
    });
  }

  /**
   * `cacheLife(…)` of next/cache: the lifetime of the `'use cache'` function that calls it (its own directive, or the
   * file's for a function declared at its top level). `revalidateOf` gives a named profile's refresh period.
   */
  observeCacheLife(call: TS.CallExpression, revalidateOf: (profile: string) => number | undefined): void {
    const { ts } = this;
    const r = this.resolver;
    const owner = this.findOwner(call);
    if (!owner?.body || !ts.isBlock(owner.body)) return;
    const fileLevel = hasUseCacheDirective(ts, owner.getSourceFile().statements) && isTopLevel(ts, owner);
    if (!fileLevel && !hasUseCacheDirective(ts, owner.body.statements)) return;
    const argument = call.arguments[0];
    if (!argument) return;
    const profile = r.foldString(argument);
    let revalidateSeconds: number | undefined;
    if (profile !== undefined) revalidateSeconds = revalidateOf(profile);
    else {
      const revalidate = r.readOptions(argument).props.get("revalidate");
      revalidateSeconds = revalidate ? r.foldNumber(revalidate) : undefined;
    }
    this.getFacts(owner).cacheLife = {
      profile: profile !== undefined ? JSON.stringify(profile) : argument.getText(),
      revalidateSeconds,
      span: r.makeSpan(call),
    };
  }

  finish(): FunctionFacts[] {
    const all = [...this.facts.values()];
    const module = this.moduleFacts;
    if (module.calls.length > 0 || module.emits.length > 0 || module.refillGuards || module.requests) all.push(module);
    return all.sort((a, b) => a.span.start - b.span.start);
  }

  /** The function whose execution runs this node: callbacks passed to calls run as part of their caller, except event handlers. */
  findOwner(node: TS.Node): FunctionNode | undefined {
    return findEnclosingFunction(this.ts, node, { skip: (fn) => this.isInlineCallback(fn) });
  }

  /** The id of the function that owns a node, as used by `FunctionFacts.id`, or the module's. */
  findOwnerId(node: TS.Node): string {
    const owner = this.findOwner(node);
    return owner ? this.idOf(owner) : this.moduleFacts.id;
  }

  idOf(fn: FunctionNode): string {
    return `${fn.getSourceFile().fileName}:${fn.getStart()}`;
  }

  /** An arrow or function expression passed straight to a call (not an event handler) runs inside its caller. */
  private isInlineCallback(fn: FunctionNode): boolean {
    const { ts } = this;
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
    let current: TS.Node = fn;
    while (ts.isParenthesizedExpression(current.parent)) current = current.parent;
    const parent = current.parent;
    if (!ts.isCallExpression(parent) || !parent.arguments.includes(current as TS.Expression)) return false;
    if (this.findSubscription(parent) !== undefined) return false;
    // At module scope, a callback handed to a method is registered, not run by the module's own path: a route handler
    // (`app.post(path, …)`), a server action built by a chain (`export const remove = client.action(async () => …)`).
    // Each runs on its own, so one does not invalidate for another. Array iteration and awaited calls run it in place.
    const owner = findEnclosingFunction(ts, parent, { skip: (outer) => this.isInlineCallback(outer) });
    return owner !== undefined || this.runsInPlace(parent);
  }

  /** A call that runs its callback before it returns (or whose result is awaited), or a plain function's call. */
  private runsInPlace(call: TS.CallExpression): boolean {
    const { ts } = this;
    let current: TS.Node = call;
    while (ts.isParenthesizedExpression(current.parent)) current = current.parent;
    if (ts.isAwaitExpression(current.parent)) return true;
    const callee = this.resolver.skipOuter(call.expression);
    return !ts.isPropertyAccessExpression(callee) || ITERATION_METHODS.has(callee.name.text);
  }

  private getFacts(fn: FunctionNode | undefined): FunctionFacts {
    if (!fn) return this.moduleFacts;
    let facts = this.facts.get(fn);
    if (!facts) {
      facts = {
        id: this.idOf(fn),
        name: nameFunction(this.ts, fn),
        span: this.resolver.makeSpan(fn.name ?? fn),
        calls: [],
        emits: [],
        handles: [],
      };
      this.facts.set(fn, facts);
    }
    return facts;
  }

  private observeCall(call: TS.CallExpression): void {
    const { ts } = this;
    const r = this.resolver;
    const callee = r.skipOuter(call.expression);
    const name = ts.isIdentifier(callee)
      ? callee.text
      : ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : undefined;
    if (name === undefined) return;
    this.observeGuardOrRequest(call, callee, name);
    if (ts.isPropertyAccessExpression(callee) && EMIT_METHODS.has(name) && call.arguments[0]) {
      const event = r.foldString(call.arguments[0]);
      if (event !== undefined) this.getFacts(this.findOwner(call)).emits.push({ event, span: r.makeSpan(call) });
    }
    const subscription = this.findSubscription(call);
    if (subscription) {
      const handler = call.arguments[call.arguments.length - 1]!;
      const target =
        ts.isArrowFunction(handler) || ts.isFunctionExpression(handler) ? handler : r.findFunctionDeclaration(handler);
      if (target?.body) {
        const facts = this.getFacts(target);
        for (const event of subscription) if (!facts.handles.includes(event)) facts.handles.push(event);
      }
    }
    if (ts.isPropertyAccessExpression(callee) && ITERATION_METHODS.has(name))
      this.observeFunctionReference(call, callee);
    if (!this.declaredNames.has(name)) return;
    // Calls on call results (`items.filter(…).map(…)`, query builders) are library chains in practice,
    // and resolving them costs the checker the type of the whole chain: skip them.
    if (ts.isPropertyAccessExpression(callee) && !this.isPlainReceiver(callee.expression)) return;
    const target = this.resolveTarget(call);
    if (!target) return;
    // What each argument is computed from, so that a wrapper's `set(id, value)` can be tied to the reads of its callers.
    const owner = this.findOwner(call);
    // Only for targets that pass a parameter straight into a call (`redis.set(key, value)`): what a wrapper
    // needs from its callers. Tracing every argument of every call would cost more than the whole rest.
    const forwarded = this.findForwardedParameters(target);
    const args = call.arguments
      .slice(0, 6)
      .map((argument, index) => (forwarded.has(index) ? traceArgumentSources(r, argument, owner) : EMPTY_SOURCES));
    // Keys passed to a generic wrapper (`cache.get(\`user:${id}\`)`): only literal-looking arguments, which are cheap to read.
    const argumentKeys = call.arguments
      .slice(0, 6)
      .map((argument, index) =>
        forwarded.has(index) && this.looksLikeKey(argument) ? r.buildKeyTemplate(argument) : undefined,
      );
    // TTLs passed to a wrapper (`fetch(key, load, 86400)`): forwarded numbers, cheap to fold.
    const argumentNumbers = call.arguments
      .slice(0, 6)
      .map((argument, index) => (forwarded.has(index) ? (r.foldNumber(argument) ?? null) : null));
    const optionalArguments = describeOptionalArguments(ts, r, call, target, owner);
    this.getFacts(owner).calls.push({
      target: this.idOf(target),
      targetName: nameFunction(this.ts, target),
      span: r.makeSpan(call),
      arguments: args,
      argumentKeys,
      ...(argumentNumbers.some((n) => n !== null) ? { argumentNumbers } : {}),
      ...(optionalArguments ? { optionalArguments } : {}),
      ...describeCallHandling(r, call, owner),
    });
  }

  /**
   * `rows.forEach(removeFromCache)`, `users.map(keys.user)`: a project function handed by reference to an iteration
   * method runs in place, once per element, with the element as its first argument: a call of it whose first
   * argument is made of the receiver.
   */
  private observeFunctionReference(call: TS.CallExpression, callee: TS.PropertyAccessExpression): void {
    const { ts } = this;
    const r = this.resolver;
    const reference = call.arguments[0] && r.skipOuter(call.arguments[0]);
    if (!reference || !(ts.isIdentifier(reference) || ts.isPropertyAccessExpression(reference))) return;
    const nameNode = ts.isIdentifier(reference) ? reference : reference.name;
    if (!ts.isIdentifier(nameNode) || !this.declaredNames.has(nameNode.text)) return;
    const target = this.resolveName(nameNode);
    if (!target) return;
    const owner = this.findOwner(call);
    this.getFacts(owner).calls.push({
      target: this.idOf(target),
      targetName: nameFunction(ts, target),
      span: r.makeSpan(call),
      arguments: [traceArgumentSources(r, callee.expression, owner)],
      argumentKeys: [undefined],
      ...describeCallHandling(r, call, owner),
    });
  }

  /** A call named as a lock or single-flight, or an HTTP request: recorded on the function that runs it. */
  private observeGuardOrRequest(call: TS.CallExpression, callee: TS.Expression, name: string): void {
    const { ts } = this;
    const r = this.resolver;
    const receiver = ts.isPropertyAccessExpression(callee) ? r.skipOuter(callee.expression) : undefined;
    const receiverName =
      receiver &&
      (ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : "");
    const guard =
      isRefillGuardName(name) ||
      (LOCK_METHODS.has(name) && receiverName !== undefined && isRefillGuardName(receiverName));
    if (guard) {
      const facts = this.getFacts(this.findOwner(call));
      (facts.refillGuards ??= []).push({
        name: receiverName ? `${receiverName}.${name}` : name,
        span: r.makeSpan(call),
      });
      return;
    }
    // `fetch(url)`, `axios.get(url)`, `got(url)`, `ky.get(url).json()`: the root of the callee names an HTTP client.
    let root: TS.Expression = callee;
    while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root))
      root = r.skipOuter(ts.isPropertyAccessExpression(root) ? root.expression : root.expression);
    if (!ts.isIdentifier(root) || !HTTP_ROOT_NAMES.has(root.text)) return;
    if (!this.isHttpClient(root)) return;
    const facts = this.getFacts(this.findOwner(call));
    (facts.requests ??= []).push(r.makeSpan(call));
  }

  /** The global `fetch`, or an import of an HTTP client package; not a project function or a variable of the same name. */
  private isHttpClient(root: TS.Identifier): boolean {
    const r = this.resolver;
    const origin = r.tryChecker(() => r.findImportOrigin(root), undefined);
    if (origin) return HTTP_CLIENT_PACKAGES.has(origin.module.split("/")[0]!);
    if (root.text !== "fetch") return false;
    const symbol = r.tryChecker(() => r.getDeclaredSymbol(root), undefined);
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    // Without types (no lib), an unresolved `fetch` is the platform's.
    return !declaration || declaration.getSourceFile().isDeclarationFile;
  }

  /** `this`, `x`, `this.a.b`, `x.y`: a receiver the checker resolves cheaply. */
  private isPlainReceiver(expression: TS.Expression): boolean {
    const { ts } = this;
    let node = this.resolver.skipOuter(expression);
    while (ts.isPropertyAccessExpression(node)) node = this.resolver.skipOuter(node.expression);
    return ts.isIdentifier(node) || node.kind === ts.SyntaxKind.ThisKeyword || node.kind === ts.SyntaxKind.SuperKeyword;
  }

  /** Indexes of parameters the function passes directly as an argument of some call (`.set(key, value)`), by a syntactic scan. */
  private findForwardedParameters(fn: FunctionNode): Set<number> {
    const cached = this.forwarded.get(fn);
    if (cached) return cached;
    const { ts } = this;
    const result = new Set<number>();
    const names = new Map<string, number>();
    fn.parameters.forEach((parameter, index) => {
      if (ts.isIdentifier(parameter.name)) names.set(parameter.name.text, index);
      // A destructured parameter (`set({ key, value })`): its parts may go anywhere; keep it.
      else result.add(index);
    });
    if (names.size > 0 && fn.body) {
      walkTree(ts, fn.body, (node) => {
        if (ts.isCallExpression(node)) {
          // A callback parameter the function calls (`getOrSet(key, fn)` → `await fn()`): its result is data.
          const callee = this.resolver.skipOuter(node.expression);
          if (ts.isIdentifier(callee) && names.has(callee.text)) result.add(names.get(callee.text)!);
          for (const argument of node.arguments) {
            const inner = this.resolver.skipOuter(argument);
            const name = ts.isIdentifier(inner)
              ? inner.text
              : ts.isCallExpression(inner) && inner.arguments.length === 1 && ts.isIdentifier(inner.arguments[0]!)
                ? inner.arguments[0].text
                : undefined;
            const index = name === undefined ? undefined : names.get(name);
            if (index !== undefined) result.add(index);
            // A key built from the parameter's fields (`del(keys.user(user.email))`): its callers' rows matter.
            const parts = ts.isCallExpression(inner) ? inner.arguments : [];
            for (const part of [inner, ...parts]) {
              const field = this.resolver.skipOuter(part);
              if (!ts.isPropertyAccessExpression(field)) continue;
              let root: TS.Expression = field;
              while (ts.isPropertyAccessExpression(root)) root = this.resolver.skipOuter(root.expression);
              const rootIndex = ts.isIdentifier(root) ? names.get(root.text) : undefined;
              if (rootIndex !== undefined) result.add(rootIndex);
            }
          }
        }
      });
    }
    this.forwarded.set(fn, result);
    return result;
  }

  private looksLikeKey(argument: TS.Expression): boolean {
    const { ts } = this;
    const node = this.resolver.skipOuter(argument);
    if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node))
      return true;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
    // A key builder (`userKey(id)`, `keys.user(id)`) or a constant or variable named like a key (`this.CACHE_KEY`, `snapshotKey`).
    if (ts.isCallExpression(node)) return /key/i.test(node.expression.getText());
    const name = ts.isIdentifier(node) ? node.text : ts.isPropertyAccessExpression(node) ? node.name.text : "";
    if (/key/i.test(name)) return true;
    // A constant of a table of keys: `KEYS.users.list`, `REDIS_KEYS.SESSION` (a name of the chain says key).
    for (let part: TS.Expression = node; ts.isPropertyAccessExpression(part); part = part.expression) {
      const root = part.expression;
      if (ts.isIdentifier(root) && /key/i.test(root.text)) return true;
      if (ts.isPropertyAccessExpression(root) && /key/i.test(root.name.text)) return true;
    }
    return false;
  }

  /** `emitter.on("user.updated", handler)`, `subscriber.subscribe("channel", handler)`: the events the last argument handles. */
  private findSubscription(call: TS.CallExpression): string[] | undefined {
    const { ts } = this;
    const callee = this.resolver.skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !SUBSCRIBE_METHODS.has(callee.name.text) || call.arguments.length < 2)
      return undefined;
    const events = call.arguments.slice(0, -1).map((argument) => this.resolver.foldString(argument));
    const names = events.filter((event): event is string => event !== undefined);
    return names.length > 0 ? names : undefined;
  }

  /** NestJS `@OnEvent("user.updated")`, `@EventPattern`/`@MessagePattern` handlers. */
  private observeDecorators(method: TS.MethodDeclaration): void {
    const { ts } = this;
    if (!method.body) return;
    for (const decorator of ts.getDecorators(method) ?? []) {
      const expression = decorator.expression;
      if (!ts.isCallExpression(expression) || !expression.arguments[0]) continue;
      const callee = expression.expression;
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : "";
      if (!["OnEvent", "EventPattern", "MessagePattern", "Subscribe", "OnQueueEvent", "Process"].includes(name))
        continue;
      const event = this.resolver.foldString(expression.arguments[0]);
      if (event === undefined) continue;
      const facts = this.getFacts(method);
      if (!facts.handles.includes(event)) facts.handles.push(event);
    }
  }

  /** The project function a call runs, through the checker. */
  private resolveTarget(call: TS.CallExpression): FunctionNode | undefined {
    const { ts } = this;
    const callee = this.resolver.skipOuter(call.expression);
    const nameNode = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    return (nameNode && this.resolveName(nameNode)) ?? this.resolveMixinMethod(callee);
  }

  /**
   * CommonJS mixins: `module.exports = function (Categories) { Categories.clearCache = async function … }`, called
   * as `Categories.clearCache(id)` in another mixin of the same object, where `Categories` is a parameter the checker
   * knows nothing of, or on `require("./categories")`. The method assigned under the same object name (in any case) and
   * method name, when the program assigns exactly one.
   */
  private resolveMixinMethod(callee: TS.Expression): FunctionNode | undefined {
    const { ts } = this;
    if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
    const candidates = this.assignedMethods.get(`${callee.expression.text.toLowerCase()}.${callee.name.text}`);
    if (candidates?.length !== 1) return undefined;
    const r = this.resolver;
    const declaration = r.tryChecker(
      () => r.checker.getSymbolAtLocation(callee.expression),
      undefined,
    )?.valueDeclaration;
    // The object is a parameter (another mixin's), or the project module the mixins extend (`require("./categories")`).
    if (declaration && ts.isParameter(declaration)) return candidates[0];
    return r.findProjectModuleBinding(callee.expression) !== undefined ? candidates[0] : undefined;
  }

  /** The project function a name (a callee's, a JSX tag's) refers to, through the checker. */
  private resolveName(nameNode: TS.Identifier | TS.PrivateIdentifier): FunctionNode | undefined {
    const { ts } = this;
    const r = this.resolver;
    const symbol = r.tryChecker(() => r.getDeclaredSymbol(nameNode), undefined);
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!declaration) return undefined;
    const file = declaration.getSourceFile();
    if (file.isDeclarationFile || file.fileName.includes("/node_modules/")) return undefined;
    if ((ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) && declaration.body)
      return declaration;
    if (
      (ts.isVariableDeclaration(declaration) ||
        ts.isPropertyDeclaration(declaration) ||
        ts.isPropertyAssignment(declaration)) &&
      declaration.initializer
    ) {
      const initializer = r.skipOuter(declaration.initializer);
      if ((ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) && initializer.body)
        return initializer;
    }
    // CommonJS: `exports.load = async function (id) {…}`, `module.exports = function (opts) {…}`.
    const assigned = r.findAssignedValue(declaration);
    const value = assigned && r.skipOuter(assigned);
    if (value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) && value.body) return value;
    return undefined;
  }
}

/** A `"use cache"` directive (or `"use cache: remote"`, `"use cache: private"`) among the leading statements. */
function hasUseCacheDirective(ts: Resolver["ts"], statements: TS.NodeArray<TS.Statement>): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (/^use cache(:|$)/.test(statement.expression.text)) return true;
  }
  return false;
}

/** A function declared at the top level of its file (a file-level directive applies to it). */
function isTopLevel(ts: Resolver["ts"], fn: FunctionNode): boolean {
  const parent = fn.parent;
  if (ts.isSourceFile(parent)) return true;
  // `export const Page = async () => {…}`
  return ts.isVariableDeclaration(parent) && ts.isSourceFile(parent.parent.parent.parent);
}

/**
 * Names of every function and method the project declares: calls to other names are library calls and are not
 * resolved. With `assignedMethods`, also the functions assigned as `Obj.method = function …`, by `Obj.method`.
 */
export function collectDeclaredFunctionNames(
  ts: Resolver["ts"],
  program: TS.Program,
  assignedMethods?: Map<string, FunctionNode[]>,
): Set<string> {
  const names = new Set<string>();
  const visit = (node: TS.Node): void => {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name && ts.isIdentifier(node.name))
      names.add(node.name.text);
    else if (
      (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) &&
      node.initializer &&
      ts.isIdentifier(node.name)
    ) {
      const kind = node.initializer.kind;
      if (kind === ts.SyntaxKind.ArrowFunction || kind === ts.SyntaxKind.FunctionExpression) names.add(node.name.text);
    } else if (
      // CommonJS: `exports.load = async function (id) {…}`, `Users.get = (uid) => …`.
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      (node.right.kind === ts.SyntaxKind.ArrowFunction || node.right.kind === ts.SyntaxKind.FunctionExpression)
    ) {
      names.add(node.left.name.text);
      if (assignedMethods && ts.isIdentifier(node.left.expression)) {
        const key = `${node.left.expression.text.toLowerCase()}.${node.left.name.text}`;
        assignedMethods.set(key, [...(assignedMethods.get(key) ?? []), node.right as FunctionNode]);
      }
    }
  };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes("/node_modules/")) continue;
    walkTree(ts, file, visit);
  }
  return names;
}

/** Whether a call's error is caught around it, and the calls it is an argument of (a fallback helper's callback). */
function describeCallHandling(
  r: Resolver,
  call: TS.CallExpression,
  owner: FunctionNode | undefined,
): Pick<FunctionFacts["calls"][number], "recovered" | "within"> {
  const handling = describeErrorHandling(r, call, owner);
  return {
    ...(handling.caught ? { recovered: true as const } : {}),
    ...(handling.within.length > 0 ? { within: handling.within } : {}),
  };
}
