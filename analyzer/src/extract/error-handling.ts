// How the code around a call handles its error, within the function that runs it: a `try` whose `catch`
// recovers, a `.catch` on its promise, the calls it is an argument of (a fallback helper, a circuit breaker's
// `execute`), or a promise nobody waits for. Read by require-cache-fallback. Imports `typescript` for types only.
import type * as TS from "typescript";
import type { CalleeRef, ErrorHandling } from "../model/cache-model";
import type { Resolver } from "./resolver";
import { walkTree } from "./walk";

/** Methods of a promise whose result is the chain's: the operation waits on the last one. */
const CHAIN_METHODS = new Set(["then", "catch", "finally"]);

/** Response methods that end a request with a status (`res.status(500)`, `reply.code(503)`, `res.sendStatus(500)`). */
const STATUS_METHODS = new Set(["status", "code", "sendStatus", "writeHead"]);

/** Callbacks that hand an error on to the framework or the caller (`next(err)`, `done(err)`, `reject(err)`). */
const HAND_ON_CALLBACKS = new Set(["next", "done", "reject", "callback", "cb"]);

/**
 * The error handling around `call` up to `owner`, the function that runs it (inline callbacks between them are
 * walked through: a callback passed to `policy.execute` runs inside the caller's operation).
 */
export function describeErrorHandling(r: Resolver, call: TS.CallExpression, owner: TS.Node | undefined): ErrorHandling {
  const { ts } = r;
  const within: CalleeRef[] = [];
  let caught: ErrorHandling["caught"];
  let current: TS.Node = call;
  let detached = false;
  // Still on the call's own promise chain (`call`, `call.then(…)`, `call.catch(…)`), before any enclosing expression.
  let onChain = true;
  let inlineFunction: TS.Node | undefined;
  while (current.parent && current !== owner && !ts.isSourceFile(current)) {
    const parent: TS.Node = current.parent;
    // `call.then(…).catch(…)`: follow the chain, whose last promise is what the operation waits on.
    if (
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === current &&
      CHAIN_METHODS.has(parent.name.text) &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent
    ) {
      const chained = parent.parent;
      const handler =
        parent.name.text === "catch"
          ? chained.arguments[0]
          : parent.name.text === "then"
            ? chained.arguments[1]
            : undefined;
      if (handler && handlerRecovers(r, handler)) caught ??= "promise-catch";
      current = chained;
      continue;
    }
    if (onChain) {
      // The outermost expression of the call's chain, as a statement of its own or under `void`: nothing waits on it.
      if (ts.isExpressionStatement(skipParentheses(ts, parent)) || ts.isVoidExpression(parent)) detached = true;
      onChain = false;
    }
    if (ts.isTryStatement(parent) && parent.tryBlock === current && parent.catchClause) {
      if (blockRecovers(r, parent.catchClause.block)) caught ??= "try-catch";
    }
    if (
      (ts.isCallExpression(parent) || ts.isNewExpression(parent)) &&
      parent.arguments?.includes(current as TS.Expression)
    ) {
      const callee = describeCallee(r, parent);
      if (callee) within.push(callee);
    }
    if (owner === undefined && ts.isFunctionLike(parent)) inlineFunction = parent;
    current = parent;
  }
  const handling: ErrorHandling = { within };
  if (caught) handling.caught = caught;
  if (detached && !caught) handling.detached = true;
  if (inlineFunction) handling.inlineFunction = r.makeSpan(inlineFunction);
  return handling;
}

/** The statement-level parent of an expression seen through parentheses (`(call());`). */
function skipParentheses(ts: Resolver["ts"], parent: TS.Node): TS.Node {
  let node = parent;
  while (ts.isParenthesizedExpression(node) && node.parent) node = node.parent;
  return node;
}

/** A `.catch`/`onRejected` handler recovers unless it rethrows or returns a rejection; one that is not a function literal is given the benefit of the doubt. */
function handlerRecovers(r: Resolver, handler: TS.Expression): boolean {
  const { ts } = r;
  const fn = r.skipOuter(handler);
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return true;
  if (ts.isBlock(fn.body)) return blockRecovers(r, fn.body);
  return !isRejection(r, fn.body);
}

/**
 * A `catch` block recovers unless it throws, hands the error on (`next(err)`, `reject(err)`), answers with a 5xx
 * status, returns a rejection or ends the process: those fail the operation as the uncaught error would.
 */
function blockRecovers(r: Resolver, block: TS.Block): boolean {
  const { ts } = r;
  let recovers = true;
  walkTree(ts, block, (node) => {
    if (!recovers) return false;
    if (ts.isFunctionLike(node)) return false;
    if (ts.isThrowStatement(node)) recovers = false;
    else if (ts.isReturnStatement(node) && node.expression && isRejection(r, node.expression)) recovers = false;
    else if (ts.isCallExpression(node)) {
      const callee = r.skipOuter(node.expression);
      if (ts.isIdentifier(callee) && HAND_ON_CALLBACKS.has(callee.text) && node.arguments.length > 0) recovers = false;
      else if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        const status = node.arguments[0] && r.foldNumber(node.arguments[0]);
        if (STATUS_METHODS.has(method) && status !== undefined && status >= 500) recovers = false;
        if (method === "exit" && ts.isIdentifier(callee.expression) && callee.expression.text === "process")
          recovers = false;
      }
    }
    return recovers;
  });
  return recovers;
}

/** `Promise.reject(…)`. */
function isRejection(r: Resolver, expression: TS.Expression): boolean {
  const { ts } = r;
  const node = r.skipOuter(expression);
  if (!ts.isCallExpression(node)) return false;
  const callee = r.skipOuter(node.expression);
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === "reject" &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === "Promise"
  );
}

/**
 * The function a call or `new` invokes: its name, the file that declares it and the package it comes from.
 * Undefined for the language's own functions (`Promise.all`, `items.map`), which guard nothing.
 */
function describeCallee(r: Resolver, call: TS.CallExpression | TS.NewExpression): CalleeRef | undefined {
  const { ts } = r;
  const callee = r.skipOuter(call.expression);
  const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
  const name = nameNode ? nameNode.text : callee.getText().slice(0, 40);
  let file: string | undefined;
  let pkg: string | undefined;
  if (nameNode) {
    const symbol = r.tryChecker(() => r.getDeclaredSymbol(nameNode), undefined);
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (declaration) {
      if (r.isDefaultLibraryFile(declaration.getSourceFile())) return undefined;
      file = declaration.getSourceFile().fileName;
      pkg = packageOfFile(file);
    }
    if (!pkg) {
      const origin = r.tryChecker(
        () => r.findImportOrigin(ts.isPropertyAccessExpression(callee) ? callee.expression : callee),
        undefined,
      );
      if (origin && !origin.module.startsWith(".")) pkg = origin.module;
    }
  }
  return { name, file: pkg ? undefined : file, package: pkg };
}

/** `cockatiel` for `…/node_modules/cockatiel/dist/…`, `@scope/name` for a scoped package; undefined for project files. */
export function packageOfFile(file: string): string | undefined {
  const name = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
  // Types from DefinitelyTyped describe the package they are named after (`@types/scope__name` is `@scope/name`).
  if (name?.startsWith("@types/")) {
    const typed = name.slice("@types/".length);
    return typed.includes("__") ? `@${typed.replace("__", "/")}` : typed;
  }
  return name;
}
