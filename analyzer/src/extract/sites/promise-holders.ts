// Hand-rolled promise holders that keep a rejection. A promise is stored in a holder (a settings key,
// `app.set("session", promise)` read back with `app.get("session")`, or a field, `this.pending = promise`) that a
// function returns to later callers while it is set; the promise ends in a rejection handler
// (`.catch(handler)`, `.then(ok, handler)`), and the holder is cleared somewhere in the file (set to `null` or
// `undefined`, directly or in a method such as `reset()`). When one of the handler's rejecting exits does not clear
// the holder first, the rejected promise stays in it and every later caller gets the same failure.
//
// Only what the file shows is read: the handler as written, or the one method of the same class (or function of the
// same file) that it delegates to; an exit whose outcome is not known (a call of something else) is not a rejection.
import type * as TS from "typescript";
import type { KeptRejection } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { nameFunction } from "../functions";
import { walkTree } from "../walk";

type Ts = SiteBuilder["ts"];

interface Holder {
  /** Identity within the file: the receiver's text and the key, or the property access's text. */
  id: string;
  /** How the finding names it. */
  display: string;
}

interface HolderWrite {
  holder: Holder;
  value: TS.Expression;
  node: TS.Node;
}

export function findKeptRejections(builder: SiteBuilder, sourceFile: TS.SourceFile): KeptRejection[] {
  const { ts } = builder;
  // A cheap test first: most files hold no promise in a settings key or a field.
  const text = sourceFile.text;
  if (!text.includes(".catch(") && !text.includes(".then(")) return [];
  const finder = new HolderFinder(builder, sourceFile);
  const writes: HolderWrite[] = [];
  const clears = new Map<string, TS.Node[]>();
  const returnedBy = new Map<string, string>();
  walkTree(ts, sourceFile, (node) => {
    const write = finder.write(node);
    if (write) {
      if (isEmptyValue(ts, builder.resolver.skipOuter(write.value))) {
        const list = clears.get(write.holder.id) ?? [];
        list.push(write.node);
        clears.set(write.holder.id, list);
      } else writes.push(write);
      return;
    }
    const read = finder.read(node);
    if (read && !returnedBy.has(read.id)) {
      const reader = returningFunction(ts, builder, node as TS.Expression);
      if (reader) returnedBy.set(read.id, nameFunction(ts, reader));
    }
  });
  if (writes.length === 0 || clears.size === 0) return [];
  const exits = new ExitReader(builder, sourceFile, finder, clears);
  const found: KeptRejection[] = [];
  const seen = new Set<string>();
  for (const write of writes) {
    const clearing = clears.get(write.holder.id);
    const reader = returnedBy.get(write.holder.id);
    if (!clearing || !reader) continue;
    const handler = rejectionHandler(ts, builder, write.value);
    if (!handler) continue;
    for (const exit of exits.handlerExits(handler, write.holder.id)) {
      if (exit.cleared) continue;
      const key = `${exit.node.getStart()}:${write.holder.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const clearedIn = enclosingFunction(ts, clearing[0]!);
      const named = clearedIn && (ts.isMethodDeclaration(clearedIn) || ts.isFunctionDeclaration(clearedIn));
      found.push({
        span: builder.resolver.makeSpan(exit.node),
        holder: write.holder.display,
        storedAt: builder.resolver.makeSpan(write.node),
        returnedBy: reader,
        clearedAt: builder.resolver.makeSpan(clearing[0]!),
        ...(named ? { clearedBy: nameFunction(ts, clearedIn) } : {}),
      });
    }
  }
  return found.sort((a, b) => a.span.start - b.span.start);
}

/** Writes and reads of holders: `receiver.set("key", value)` / `receiver.get("key")`, `this.field = value` / `this.field`. */
class HolderFinder {
  private readonly ts: Ts;

  constructor(
    builder: SiteBuilder,
    private readonly sourceFile: TS.SourceFile,
  ) {
    this.ts = builder.ts;
  }

  write(node: TS.Node): HolderWrite | undefined {
    const { ts } = this;
    if (ts.isCallExpression(node)) {
      const holder = this.settingsKey(node, "set", 2);
      return holder && { holder, value: node.arguments[1]!, node };
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword
    )
      return { holder: this.field(node.left), value: node.right, node };
    return undefined;
  }

  read(node: TS.Node): Holder | undefined {
    const { ts } = this;
    if (ts.isCallExpression(node)) return this.settingsKey(node, "get", 1);
    if (
      ts.isPropertyAccessExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ThisKeyword &&
      !(ts.isBinaryExpression(node.parent) && node.parent.left === node) &&
      !(ts.isCallExpression(node.parent) && node.parent.expression === node)
    )
      return this.field(node);
    return undefined;
  }

  private settingsKey(call: TS.CallExpression, method: string, count: number): Holder | undefined {
    const { ts } = this;
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== method) return undefined;
    if (call.arguments.length !== count) return undefined;
    const key = call.arguments[0]!;
    if (!ts.isStringLiteral(key) && !ts.isNoSubstitutionTemplateLiteral(key)) return undefined;
    const receiver = callee.expression.getText(this.sourceFile);
    return {
      id: `${this.scope(callee.expression)}${receiver}#${key.text}`,
      display: `the \`${key.text}\` key of \`${receiver}\``,
    };
  }

  private field(access: TS.PropertyAccessExpression): Holder {
    const text = access.getText(this.sourceFile);
    return { id: `${this.scope(access)}${text}`, display: `\`${text}\`` };
  }

  /** `this.…` is the enclosing class's: two classes of a file with a field of one name hold two promises. */
  private scope(expression: TS.Expression): string {
    const { ts } = this;
    let root: TS.Expression = expression;
    while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = root.expression;
    if (root.kind !== ts.SyntaxKind.ThisKeyword) return "";
    for (let current = root.parent; current; current = current.parent)
      if (ts.isClassLike(current)) return `${current.getStart(this.sourceFile)}:`;
    return "";
  }
}

function isEmptyValue(ts: Ts, value: TS.Expression): boolean {
  return (
    value.kind === ts.SyntaxKind.NullKeyword ||
    (ts.isIdentifier(value) && value.text === "undefined") ||
    ts.isVoidExpression(value)
  );
}

type FunctionLike = TS.FunctionLikeDeclaration;

function enclosingFunction(ts: Ts, node: TS.Node): FunctionLike | undefined {
  for (let current = node.parent; current; current = current.parent)
    if (ts.isFunctionLike(current) && "body" in current) return current as FunctionLike;
  return undefined;
}

/**
 * The function that returns a holder's read to its caller: `return holder`, or `let p = holder; …; return p`. The
 * read in a condition only (`if (holder) …`) does not hand the promise on.
 */
function returningFunction(ts: Ts, builder: SiteBuilder, read: TS.Expression): FunctionLike | undefined {
  let node: TS.Node = read;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  const fn = enclosingFunction(ts, read);
  if (!fn) return undefined;
  if (ts.isReturnStatement(parent)) return fn;
  if (ts.isArrowFunction(parent) && parent.body === node) return parent;
  let local: TS.Symbol | undefined;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name))
    local = builder.resolver.checker.getSymbolAtLocation(parent.name);
  if (!local) return undefined;
  let returned = false;
  walkTree(ts, fn.body!, (child) => {
    if (returned || (child !== fn.body && ts.isFunctionLike(child))) return false;
    if (ts.isReturnStatement(child) && child.expression) {
      const value = builder.resolver.skipOuter(child.expression);
      if (ts.isIdentifier(value) && builder.resolver.checker.getSymbolAtLocation(value) === local) returned = true;
    }
    return undefined;
  });
  return returned ? fn : undefined;
}

/** The local's initializer when `value` names a `const`/`let` of the function the write is in. */
function resolveLocal(ts: Ts, builder: SiteBuilder, value: TS.Expression): TS.Expression {
  const node = builder.resolver.skipOuter(value);
  if (!ts.isIdentifier(node)) return node;
  const symbol = builder.resolver.checker.getSymbolAtLocation(node);
  const declaration = symbol?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return node;
  if (enclosingFunction(ts, declaration) !== enclosingFunction(ts, node)) return node;
  return builder.resolver.skipOuter(declaration.initializer);
}

/** The rejection handler a stored promise ends in: `.catch(handler)` or `.then(ok, handler)`. */
function rejectionHandler(ts: Ts, builder: SiteBuilder, value: TS.Expression): TS.Expression | undefined {
  const chain = resolveLocal(ts, builder, value);
  if (!ts.isCallExpression(chain) || !ts.isPropertyAccessExpression(chain.expression)) return undefined;
  const method = chain.expression.name.text;
  if (method === "catch" && chain.arguments.length === 1) return chain.arguments[0];
  if (method === "then" && chain.arguments.length === 2) return chain.arguments[1];
  return undefined;
}

interface Exit {
  node: TS.Node;
  cleared: boolean;
}

/** The rejecting exits of a handler, each with whether the holder is cleared before it. */
class ExitReader {
  private readonly ts: Ts;
  /** Functions of the file that clear each holder directly (a write of `null`/`undefined`). */
  private readonly clearingFunctions = new Map<string, Set<TS.Node>>();

  constructor(
    private readonly builder: SiteBuilder,
    private readonly sourceFile: TS.SourceFile,
    private readonly finder: HolderFinder,
    clears: ReadonlyMap<string, TS.Node[]>,
  ) {
    this.ts = builder.ts;
    for (const [holder, nodes] of clears) {
      const fns = new Set<TS.Node>();
      for (const node of nodes) {
        const fn = enclosingFunction(this.ts, node);
        if (fn) fns.add(fn);
      }
      this.clearingFunctions.set(holder, fns);
    }
  }

  handlerExits(handler: TS.Expression, holder: string): Exit[] {
    const { ts } = this;
    const node = this.builder.resolver.skipOuter(handler);
    const fn = ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? node : this.callee(node);
    if (!fn?.body) return [];
    if (!ts.isBlock(fn.body)) return this.classify(fn.body, fn.body, holder, false, false);
    return this.blockExits(fn, holder, false);
  }

  /** The method of the same class (`this.name`) or the function of the file (`name`) an expression names. */
  private callee(expression: TS.Expression): FunctionLike | undefined {
    const { ts } = this;
    const node = this.builder.resolver.skipOuter(expression);
    if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = this.enclosingClass(node);
      if (!cls) return undefined;
      for (const member of cls.members) {
        if (!member.name || !ts.isIdentifier(member.name) || member.name.text !== node.name.text) continue;
        if (ts.isMethodDeclaration(member)) return member;
        if (ts.isPropertyDeclaration(member) && member.initializer) {
          const init = this.builder.resolver.skipOuter(member.initializer);
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
        }
      }
      return undefined;
    }
    if (ts.isIdentifier(node)) {
      for (const statement of this.sourceFile.statements)
        if (ts.isFunctionDeclaration(statement) && statement.name?.text === node.text) return statement;
    }
    return undefined;
  }

  private enclosingClass(node: TS.Node): TS.ClassLikeDeclaration | undefined {
    const { ts } = this;
    for (let current = node.parent; current; current = current.parent) {
      if (ts.isClassLike(current)) return current;
      // `this` in a function expression is not the class's.
      if (ts.isFunctionExpression(current) || ts.isFunctionDeclaration(current)) return undefined;
    }
    return undefined;
  }

  /** The returns and throws of a function body (not of the functions inside it). */
  private blockExits(fn: FunctionLike, holder: string, delegated: boolean): Exit[] {
    const { ts } = this;
    const exits: Exit[] = [];
    walkTree(ts, fn.body!, (node) => {
      if (node !== fn.body && ts.isFunctionLike(node)) return false;
      if (ts.isThrowStatement(node)) exits.push({ node, cleared: this.clearedBefore(node, fn, holder) });
      else if (ts.isReturnStatement(node) && node.expression)
        exits.push(
          ...this.classify(
            this.builder.resolver.skipOuter(node.expression),
            node,
            holder,
            this.clearedBefore(node, fn, holder),
            delegated,
          ),
        );
      return undefined;
    });
    return exits;
  }

  /**
   * The rejections an expression returned from a handler settles with: `Promise.reject(e)`, `p.then(() =>
   * Promise.reject(e))` (cleared when `p`'s chain clears the holder), both branches of `c ? a : b`, a local's
   * initializer; the exits of the method of the class (or function of the file) it calls and returns
   * (`(error) => this.handleError(error)`), once. Anything else is not known to reject.
   */
  private classify(
    expression: TS.Expression,
    exit: TS.Node,
    holder: string,
    cleared: boolean,
    delegated: boolean,
    depth = 0,
  ): Exit[] {
    const { ts } = this;
    if (depth > 6) return [];
    const node = this.builder.resolver.skipOuter(expression);
    if (ts.isConditionalExpression(node))
      return [
        ...this.classify(node.whenTrue, exit, holder, cleared, delegated, depth + 1),
        ...this.classify(node.whenFalse, exit, holder, cleared, delegated, depth + 1),
      ];
    if (ts.isIdentifier(node)) {
      const init = resolveLocal(ts, this.builder, node);
      return init === node ? [] : this.classify(init, exit, holder, cleared, delegated, depth + 1);
    }
    if (!ts.isCallExpression(node)) return [];
    if (!delegated) {
      const delegate = this.callee(node.expression);
      if (delegate?.body && ts.isBlock(delegate.body))
        return this.blockExits(delegate, holder, true).map((e) => (cleared ? { ...e, cleared } : e));
    }
    if (!ts.isPropertyAccessExpression(node.expression)) return [];
    const callee = node.expression;
    if (ts.isIdentifier(callee.expression) && callee.expression.text === "Promise" && callee.name.text === "reject")
      return [{ node: exit, cleared }];
    if (callee.name.text === "then" && node.arguments.length >= 1) {
      const onFulfilled = this.builder.resolver.skipOuter(node.arguments[0]!);
      if (!this.rejects(onFulfilled)) return [];
      return [
        { node: exit, cleared: cleared || this.clears(callee.expression, holder) || this.clears(onFulfilled, holder) },
      ];
    }
    return [];
  }

  /** A callback that settles its chain with a rejection: `() => Promise.reject(e)`, or a body that throws. */
  private rejects(callback: TS.Expression): boolean {
    const { ts } = this;
    if (!ts.isArrowFunction(callback) && !ts.isFunctionExpression(callback)) return false;
    const body = callback.body;
    if (!ts.isBlock(body)) {
      const value = this.builder.resolver.skipOuter(body);
      return (
        ts.isCallExpression(value) &&
        ts.isPropertyAccessExpression(value.expression) &&
        ts.isIdentifier(value.expression.expression) &&
        value.expression.expression.text === "Promise" &&
        value.expression.name.text === "reject"
      );
    }
    return body.statements.some((statement) => ts.isThrowStatement(statement));
  }

  /** Whether the statements before `exit` in its blocks (up to the function's body) clear the holder. */
  private clearedBefore(exit: TS.Node, fn: FunctionLike, holder: string): boolean {
    const { ts } = this;
    let node: TS.Node = exit;
    while (node !== fn.body && node.parent) {
      const parent = node.parent;
      if (ts.isBlock(parent) || ts.isSourceFile(parent)) {
        for (const statement of parent.statements) {
          if (statement === node) break;
          if (
            (ts.isExpressionStatement(statement) || ts.isVariableStatement(statement)) &&
            this.clears(statement, holder)
          )
            return true;
        }
      }
      node = parent;
    }
    return false;
  }

  /** Whether a node clears the holder: a write of `null`/`undefined` or a call of a function that does. */
  private clears(root: TS.Node, holder: string, depth = 0): boolean {
    const { ts } = this;
    const fns = this.clearingFunctions.get(holder);
    if (!fns || depth > 2) return false;
    let found = false;
    walkTree(ts, root, (node) => {
      if (found) return false;
      if (ts.isCallExpression(node)) {
        const target = this.callee(node.expression);
        if (target && (fns.has(target) || (target.body && this.clears(target.body, holder, depth + 1)))) found = true;
      }
      const write = this.finder.write(node);
      if (write && write.holder.id === holder && isEmptyValue(ts, this.builder.resolver.skipOuter(write.value)))
        found = true;
      return undefined;
    });
    return found;
  }
}
