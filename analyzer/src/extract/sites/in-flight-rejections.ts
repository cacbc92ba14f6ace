// A hand-rolled table of in-flight promises that forgets an entry only when its promise resolves. An async function
// puts a promise it starts into a long-lived holder (a module variable or a field of `this`): `inflight.set(key, p)`,
// or a field of an entry object that a helper registers in the holder (`entry.result = load()` where `entry` came
// from `this.register(…)`, whose body adds to `this.pending`). It then awaits the promise and, after the await, removes
// the entry (`inflight.delete(key)`, or a helper given the entry that changes the holder). When the promise rejects,
// the await throws, the removal never runs, and the holder keeps the rejected promise: every later caller that finds
// it gets the failure, until the process restarts.
//
// Silent when the await sits in a `try` (a `finally` or `catch` may remove the entry), or when the promise has a
// rejection handler of its own (`.catch`, `.finally`, `.then(…, onRejected)`) anywhere in the function.
import type * as TS from "typescript";
import type { InFlightRejection } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { walkTree } from "../walk";
import { isFunctionWithBlock } from "./collection-caches";

type FunctionWithBody = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

const ADD_METHODS = new Set(["set", "add", "push", "unshift"]);
const REMOVE_METHODS = new Set(["delete", "set", "splice", "shift", "pop", "clear", "filter"]);
const HANDLERS = new Set(["catch", "finally"]);

interface Stored {
  /** The holder as written (`this.inflight`, `pending`). */
  holder: string;
  /** How the awaited promise is reached: a local's symbol, or an entry's symbol and field. */
  local: TS.Symbol;
  field: string | undefined;
  /** The entry object (shape with a field): its removal is a call given the entry. */
  at: number;
}

export function findInFlightRejections(builder: SiteBuilder, sourceFile: TS.SourceFile): InFlightRejection[] {
  const { ts } = builder;
  const found: InFlightRejection[] = [];
  walkTree(ts, sourceFile, (node) => {
    if (isFunctionWithBlock(ts, node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      const finding = checkFunction(builder, node, node.body);
      if (finding) found.push(finding);
    }
    return true;
  });
  return found;
}

function checkFunction(builder: SiteBuilder, fn: FunctionWithBody, body: TS.Block): InFlightRejection | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  const { checker } = r;
  const stores: Stored[] = [];
  const awaits: Array<{ node: TS.AwaitExpression; local: TS.Symbol; field: string | undefined }> = [];
  const calls: TS.CallExpression[] = [];
  const handled = new Set<TS.Symbol>();
  walkTree(ts, body, (node) => {
    if (ts.isFunctionLike(node)) return false;
    if (ts.isCallExpression(node)) {
      calls.push(node);
      const callee = r.skipOuter(node.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        // `p.catch(…)`, `p.finally(…)`, `p.then(ok, failed)`: the promise's rejection is handled.
        if (HANDLERS.has(method) || (method === "then" && node.arguments.length >= 2)) {
          const target = promiseTarget(builder, callee.expression);
          if (target) handled.add(target.local);
        }
        // `holder.set(key, p)` with `p` a local holding a call's unawaited result.
        if (method === "set" && node.arguments.length === 2) {
          const holder = longLivedHolder(builder, fn, callee.expression);
          const value = r.skipOuter(node.arguments[1] as TS.Expression);
          const symbol = ts.isIdentifier(value) ? checker.getSymbolAtLocation(value) : undefined;
          if (holder && symbol && holdsUnawaitedCall(builder, fn, symbol))
            stores.push({ holder, local: symbol, field: undefined, at: node.end });
        }
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      // `entry.result = load(…)` where the entry was registered in a holder by the call that produced it.
      const left = node.left;
      const right = r.skipOuter(node.right);
      if (
        ts.isPropertyAccessExpression(left) &&
        ts.isIdentifier(left.expression) &&
        ts.isCallExpression(right) &&
        !ts.isAwaitExpression(node.right)
      ) {
        const entry = checker.getSymbolAtLocation(left.expression);
        const holder = entry && registeringHolder(builder, fn, entry);
        if (entry && holder) stores.push({ holder, local: entry, field: left.name.text, at: node.end });
      }
    } else if (ts.isAwaitExpression(node)) {
      const target = promiseTarget(builder, node.expression);
      if (target) awaits.push({ node, ...target });
    }
    return true;
  });
  for (const store of stores) {
    if (handled.has(store.local)) continue;
    const awaited = awaits.find(
      (a) =>
        a.local === store.local && a.field === store.field && a.node.pos >= store.at && !insideTry(builder, a.node, fn),
    );
    if (!awaited) continue;
    const removal = calls.find(
      (call) => call.pos >= awaited.node.end && removes(builder, fn, call, store) && !insideTry(builder, call, fn),
    );
    if (!removal) continue;
    return {
      span: r.makeSpan(awaited.node),
      holder: store.holder,
      removal: squash(removal.getText()),
      removalSpan: r.makeSpan(removal),
    };
  }
  return undefined;
}

/** `p` or `entry.result` (through parentheses and assertions): the symbol and field awaited. */
function promiseTarget(
  builder: SiteBuilder,
  expression: TS.Expression,
): { local: TS.Symbol; field: string | undefined } | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  const node = r.skipOuter(expression);
  if (ts.isIdentifier(node)) {
    const local = r.checker.getSymbolAtLocation(node);
    return local ? { local, field: undefined } : undefined;
  }
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    const local = r.checker.getSymbolAtLocation(node.expression);
    return local ? { local, field: node.name.text } : undefined;
  }
  return undefined;
}

/** `this.pending` in a class member, or a module-level variable: it outlives the call. */
function longLivedHolder(builder: SiteBuilder, fn: FunctionWithBody, expression: TS.Expression): string | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  const node = r.skipOuter(expression);
  if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword)
    return ts.isMethodDeclaration(fn) || ts.isClassLike(fn.parent) ? node.getText() : undefined;
  if (!ts.isIdentifier(node)) return undefined;
  const declaration = r.checker.getSymbolAtLocation(node)?.valueDeclaration;
  if (
    declaration &&
    ts.isVariableDeclaration(declaration) &&
    ts.isVariableDeclarationList(declaration.parent) &&
    ts.isVariableStatement(declaration.parent.parent) &&
    ts.isSourceFile(declaration.parent.parent.parent)
  )
    return node.text;
  return undefined;
}

/** A local of `fn` whose value is a call's result, not awaited: `const p = load(key)`. */
function holdsUnawaitedCall(builder: SiteBuilder, fn: FunctionWithBody, symbol: TS.Symbol): boolean {
  const { ts } = builder;
  const declaration = symbol.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  if (declaration.pos < fn.pos || declaration.end > fn.end) return false;
  let node: TS.Expression = declaration.initializer;
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node))
    node = node.expression;
  if (!ts.isCallExpression(node)) return false;
  // `load(key).catch(…)` handles the rejection itself.
  const callee = node.expression;
  return !(ts.isPropertyAccessExpression(callee) && (HANDLERS.has(callee.name.text) || callee.name.text === "then"));
}

/**
 * The holder an entry was registered in: `const entry = this.find(…) ?? this.register(…)`, where a project function
 * called in the initializer adds to a long-lived holder (`this.pending.set(…)`, `pending.push(…)`) and returns.
 */
function registeringHolder(builder: SiteBuilder, fn: FunctionWithBody, entry: TS.Symbol): string | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  const declaration = entry.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  if (declaration.pos < fn.pos || declaration.end > fn.end) return undefined;
  let holder: string | undefined;
  walkTree(ts, declaration.initializer, (node) => {
    if (holder) return false;
    if (ts.isFunctionLike(node)) return false;
    if (!ts.isCallExpression(node)) return true;
    const called = r.findFunctionDeclaration(node.expression);
    if (called?.body && ts.isBlock(called.body)) holder = holderChangedBy(builder, called, ADD_METHODS);
    return !holder;
  });
  return holder;
}

/** The long-lived holder a function's body calls one of `methods` on (`this.pending.set(…)`), if any. */
function holderChangedBy(
  builder: SiteBuilder,
  fn: TS.FunctionLikeDeclaration,
  methods: ReadonlySet<string>,
): string | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  if (!fn.body || !ts.isBlock(fn.body)) return undefined;
  let holder: string | undefined;
  walkTree(ts, fn.body, (node) => {
    if (holder) return false;
    if (ts.isCallExpression(node)) {
      const callee = r.skipOuter(node.expression);
      if (ts.isPropertyAccessExpression(callee) && methods.has(callee.name.text))
        holder = longLivedHolder(builder, fn as FunctionWithBody, callee.expression);
    }
    return !holder;
  });
  return holder;
}

/** The call removes the stored entry: `holder.delete(…)` on the same holder, or a helper given the entry that changes it. */
function removes(builder: SiteBuilder, fn: FunctionWithBody, call: TS.CallExpression, store: Stored): boolean {
  const { ts } = builder;
  const r = builder.resolver;
  const callee = r.skipOuter(call.expression);
  if (
    store.field === undefined &&
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === "delete" &&
    longLivedHolder(builder, fn, callee.expression) === store.holder
  )
    return true;
  if (store.field === undefined) return false;
  const givesEntry = call.arguments.some((argument) => {
    const node = r.skipOuter(argument as TS.Expression);
    return ts.isIdentifier(node) && r.checker.getSymbolAtLocation(node) === store.local;
  });
  if (!givesEntry) return false;
  const called = r.findFunctionDeclaration(call.expression);
  return called !== undefined && holderChangedBy(builder, called, REMOVE_METHODS) === store.holder;
}

/** Inside the `try` block of a try statement of `fn`: a `catch` or `finally` may clean up. */
function insideTry(builder: SiteBuilder, node: TS.Node, fn: FunctionWithBody): boolean {
  const { ts } = builder;
  for (let current: TS.Node = node; current !== fn; current = current.parent) {
    if (ts.isTryStatement(current.parent) && current.parent.tryBlock === current) return true;
    if (ts.isTryStatement(current.parent) && current.parent.finallyBlock === current) return true;
    if (ts.isCatchClause(current.parent)) return true;
  }
  return false;
}

function squash(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}
