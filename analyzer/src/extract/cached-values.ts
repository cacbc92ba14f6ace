// Cached values mutated by their callers: a value returned by a memoized function, or read from
// an in-process cache that hands out references, is shared by every later caller. Changing it
// in place changes the cache. This module imports `typescript` for types only.
import type * as TS from "typescript";
import type { CachedValueMutation } from "../model/cache-model";
import { findEnclosingFunction, nameFunction } from "./functions";
import type { InstanceResolver } from "./instances";
import { ARRAY_MUTATING_METHODS, type PurityAnalyzer } from "./purity";
import type { Resolver } from "./resolver";
import { getMemoizerAdapter } from "../libraries/registry";
import { walkTree } from "./walk";

/** Methods of reference-storing caches that hand out the stored value. */
const CACHE_READ_METHODS = new Set(["get", "peek", "fetch", "load", "wrap", "getOrSet"]);
/** Memoizers whose memoized function returns the cached object itself (all of them; Next.js `unstable_cache` serialises). */
const MEMOIZER_ROLES = new Set(["memoizer", "react-cache"]);
const MAX_ALIASES = 5;
/** Mutating methods that, on a value of unknown type, can only be an array's (`push` and `pop` are also streams' and stacks'). */
const UNTYPED_ARRAY_METHODS = new Set(["shift", "unshift", "splice", "copyWithin"]);

interface Source {
  kind: "memoized" | "cache";
  name: string;
  node: TS.Node;
}

export class CachedValueTracker {
  private readonly ts: Resolver["ts"];
  private readonly traced = new Map<TS.Symbol, { variable: string; source: Source } | null>();
  private readonly candidateNames = new Set<string>();
  private pending: TS.Node[] = [];
  /** Values stored with `x.set(k, v)` and `x.delete(k)` calls, by receiver text, in this file. */
  private readonly storedValues = new Map<string, TS.Expression[]>();
  private readonly deletes = new Map<string, TS.Node[]>();

  constructor(
    private readonly resolver: Resolver,
    private readonly instances: InstanceResolver,
    private readonly purity: PurityAnalyzer,
    /** Module-level Maps of this file that are used as caches. */
    private readonly mapCacheNames: ReadonlySet<string>,
  ) {
    this.ts = resolver.ts;
  }

  /**
   * Called for every node by the file extractor's single traversal: remembers candidate variables
   * and possible mutations syntactically, so that no extra walk of the file is needed.
   */
  observe(node: TS.Node): void {
    const { ts } = this;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = this.resolver.skipOuter(node.expression.expression).getText();
      if (method === "set" && node.arguments[1]) {
        const list = this.storedValues.get(receiver) ?? [];
        list.push(node.arguments[1]);
        this.storedValues.set(receiver, list);
      } else if (method === "delete" || method === "del" || method === "take") {
        const list = this.deletes.get(receiver) ?? [];
        list.push(node);
        this.deletes.set(receiver, list);
      }
    }
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const value = this.resolver.skipOuter(node.initializer);
      if (
        ts.isCallExpression(value) ||
        ts.isIdentifier(value) ||
        ts.isPropertyAccessExpression(value) ||
        ts.isElementAccessExpression(value)
      )
        this.addCandidateNames(node.name);
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    ) {
      this.pending.push(node);
    } else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      this.pending.push(node);
    } else if (
      ts.isDeleteExpression(node) ||
      (ts.isCallExpression(node) &&
        node.arguments.length + (ts.isPropertyAccessExpression(node.expression) ? 1 : 0) > 0)
    ) {
      this.pending.push(node);
    }
  }

  /** The mutations of cached values among the observed nodes. */
  finish(): CachedValueMutation[] {
    const { ts } = this;
    const result: CachedValueMutation[] = [];
    const report = (target: TS.Expression, node: TS.Node, mutation: string, via: CachedValueMutation["via"]) => {
      const traced = this.traceToSource(target);
      if (!traced) return;
      const r = this.resolver;
      result.push({
        span: r.makeSpan(node),
        variable: traced.variable,
        mutation,
        source: { kind: traced.source.kind, name: traced.source.name, span: r.makeSpan(traced.source.node) },
        via,
      });
    };
    for (const node of this.pending) {
      if (ts.isBinaryExpression(node)) {
        const left = this.resolver.skipOuter(node.left);
        if (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left))
          report(left.expression, node, `an assignment to \`${this.describeMember(left)}\``, undefined);
      } else if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) {
        const operand = this.resolver.skipOuter(node.operand);
        if (ts.isPropertyAccessExpression(operand) || ts.isElementAccessExpression(operand))
          report(operand.expression, node, `an update of \`${this.describeMember(operand)}\``, undefined);
      } else if (ts.isDeleteExpression(node)) {
        const operand = this.resolver.skipOuter(node.expression);
        if (ts.isPropertyAccessExpression(operand) || ts.isElementAccessExpression(operand))
          report(operand.expression, node, `\`delete\` of \`${this.describeMember(operand)}\``, undefined);
      } else if (ts.isCallExpression(node)) {
        this.inspectCall(node, report);
      }
    }
    this.pending = [];
    return result.sort((a, b) => a.span.start - b.span.start);
  }

  private addCandidateNames(name: TS.BindingName): void {
    const { ts } = this;
    if (ts.isIdentifier(name)) this.candidateNames.add(name.text);
    else
      for (const element of name.elements) if (!ts.isOmittedExpression(element)) this.addCandidateNames(element.name);
  }

  private inspectCall(
    call: TS.CallExpression,
    report: (target: TS.Expression, node: TS.Node, mutation: string, via: CachedValueMutation["via"]) => void,
  ): void {
    const { ts } = this;
    const callee = this.resolver.skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      if (ARRAY_MUTATING_METHODS.has(callee.name.text)) {
        // The type check is the expensive part: only for values that come from a cache.
        if (this.traceToSource(callee.expression) && this.isArray(callee.expression, callee.name.text))
          report(callee.expression, call, `\`${callee.name.text}()\``, undefined);
        return;
      }
      if (
        callee.name.text === "assign" &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === "Object" &&
        call.arguments[0]
      ) {
        report(call.arguments[0], call, "`Object.assign()`", undefined);
        return;
      }
    }
    // One level of calls: a project function (`helper(v)`, `this.helper(v)`) that mutates the parameter
    // the value is passed as. Method calls on other objects are mostly library calls and are not followed.
    // Tracing the arguments is cheaper than resolving the callee, so it comes first.
    const isHelperCall =
      ts.isIdentifier(callee) ||
      (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword);
    if (
      !isHelperCall ||
      !call.arguments.some(
        (argument) => ts.isIdentifier(this.resolver.skipOuter(argument)) && this.traceToSource(argument) !== undefined,
      )
    )
      return;
    const target = this.purity.findCallTarget(call);
    if (!target) return;
    const mutated = this.purity.findMutatedParameters(target);
    for (const [index, node] of mutated) {
      const argument = call.arguments[index];
      if (!argument) continue;
      const name = nameFunction(this.ts, target, "chain");
      report(argument, call, `passing it to \`${name}\``, { name, span: this.resolver.makeSpan(node) });
    }
  }

  /** Follows a mutated expression back to a local variable initialised from a cached value. */
  private traceToSource(target: TS.Expression): { variable: string; source: Source } | undefined {
    const { ts } = this;
    let root = this.resolver.skipOuter(target);
    while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root))
      root = this.resolver.skipOuter(root.expression);
    if (!ts.isIdentifier(root) || !this.candidateNames.has(root.text)) return undefined;
    const symbol = this.resolver.checker.getSymbolAtLocation(root);
    if (!symbol) return undefined;
    if (!this.traced.has(symbol)) this.traced.set(symbol, this.computeSource(root) ?? null);
    return this.traced.get(symbol) ?? undefined;
  }

  private computeSource(target: TS.Expression): { variable: string; source: Source } | undefined {
    const { ts } = this;
    const r = this.resolver;
    let node = r.skipOuter(target);
    while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node))
      node = r.skipOuter(node.expression);
    if (!ts.isIdentifier(node)) return undefined;
    const variable = node.text;
    let symbol = r.checker.getSymbolAtLocation(node);
    const chain: Array<{ fn: TS.Node; symbol: TS.Symbol }> = [];
    for (let step = 0; step < MAX_ALIASES && symbol; step++) {
      const declaration = symbol.valueDeclaration;
      if (!declaration) return undefined;
      const initializer = this.findInitializer(declaration);
      if (!initializer) return undefined;
      const fn = findEnclosingFunction(this.ts, declaration);
      if (!fn) return undefined;
      chain.push({ fn, symbol });
      const value = r.skipOuter(initializer);
      if (ts.isIdentifier(value)) {
        symbol = r.checker.getSymbolAtLocation(value);
        continue;
      }
      if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) {
        let root = r.skipOuter(value.expression);
        while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root))
          root = r.skipOuter(root.expression);
        if (!ts.isIdentifier(root)) return undefined;
        symbol = r.checker.getSymbolAtLocation(root);
        continue;
      }
      if (!ts.isCallExpression(value)) return undefined;
      const source = this.classifySource(value);
      if (!source) return undefined;
      // The caller owns the value when it stores it back or replaces it: `let v = cache.get(k); if (!v) { v = []; cache.set(k, v); }`.
      if (chain.some((link) => this.isReassignedOrStored(link.fn, link.symbol))) return undefined;
      return { variable, source };
    }
    return undefined;
  }

  private findInitializer(declaration: TS.Declaration): TS.Expression | undefined {
    const { ts } = this;
    if (ts.isVariableDeclaration(declaration)) return declaration.initializer;
    // `const { items } = getCached()`: the binding is a part of the cached value.
    if (ts.isBindingElement(declaration)) {
      let current: TS.Node = declaration;
      while (ts.isBindingElement(current) || ts.isObjectBindingPattern(current) || ts.isArrayBindingPattern(current))
        current = current.parent;
      return ts.isVariableDeclaration(current) ? current.initializer : undefined;
    }
    return undefined;
  }

  /** A call that returns a cached value: a memoized function, or a read of a reference-storing cache. */
  private classifySource(call: TS.CallExpression): Source | undefined {
    const { ts } = this;
    const r = this.resolver;
    const callee = r.skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee) && CACHE_READ_METHODS.has(callee.name.text)) {
      const receiver = r.skipOuter(callee.expression);
      const receiverText = receiver.getText();
      // A table of mutable records (every `set` stores a fresh literal, then updates it in place), or an
      // entry taken out of the cache (`get` then `delete` in the same function): not a shared cached value.
      if (this.isStateTable(receiverText) || this.isTakenOut(receiverText, call)) return undefined;
      if (ts.isIdentifier(receiver) && this.mapCacheNames.has(receiver.text) && callee.name.text === "get") {
        const declaration = r.checker.getSymbolAtLocation(receiver)?.valueDeclaration;
        if (declaration && ts.isSourceFile(declaration.parent.parent.parent))
          return { kind: "cache", name: receiver.text, node: call };
      }
      const resolved = this.instances.resolveReceiver(callee.expression);
      if (resolved && resolved.instance.kind === "in-process" && resolved.instance.storesReferences) {
        return { kind: "cache", name: resolved.instance.name ?? receiver.getText(), node: call };
      }
    }
    if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return undefined;
    const nameNode = ts.isIdentifier(callee) ? callee : callee.name;
    const symbol = r.getDeclaredSymbol(nameNode);
    const declaration = symbol?.valueDeclaration;
    if (!declaration) return undefined;
    // A method with a memoizing decorator.
    if (ts.isMethodDeclaration(declaration)) {
      const decorated = ts.getDecorators(declaration)?.some((decorator) => {
        const expression = ts.isCallExpression(decorator.expression)
          ? decorator.expression.expression
          : decorator.expression;
        const resolved = r.resolveExport(r.findImportOrigin(expression));
        if (resolved?.role.role !== "memoize-decorator") return false;
        return getMemoizerAdapter(resolved.entry.library)?.sharesResults ?? false;
      });
      return decorated ? { kind: "memoized", name: nameNode.text, node: call } : undefined;
    }
    const initializer =
      r.getConstInitializer(symbol) ?? (ts.isPropertyDeclaration(declaration) ? declaration.initializer : undefined);
    const memoizeCall = initializer && r.skipOuter(initializer);
    if (!memoizeCall || !ts.isCallExpression(memoizeCall)) return undefined;
    let memoizer = r.resolveExport(r.findImportOrigin(memoizeCall.expression));
    // Curried: `moize.maxAge(1000)(fn)`.
    if (!memoizer && ts.isCallExpression(memoizeCall.expression))
      memoizer = r.resolveExport(r.findImportOrigin(memoizeCall.expression.expression));
    if (!memoizer || !MEMOIZER_ROLES.has(memoizer.role.role)) return undefined;
    return { kind: "memoized", name: nameNode.text, node: call };
  }

  private isStateTable(receiverText: string): boolean {
    const values = this.storedValues.get(receiverText);
    return (
      values !== undefined &&
      values.length > 0 &&
      values.every((value) => {
        const node = this.resolver.skipOuter(value);
        return this.ts.isObjectLiteralExpression(node) || this.ts.isArrayLiteralExpression(node);
      })
    );
  }

  private isTakenOut(receiverText: string, read: TS.CallExpression): boolean {
    const fn = findEnclosingFunction(this.ts, read);
    return (this.deletes.get(receiverText) ?? []).some(
      (node) => node.getStart() > read.getStart() && findEnclosingFunction(this.ts, node) === fn,
    );
  }

  private isReassignedOrStored(fn: TS.Node, symbol: TS.Symbol): boolean {
    const { ts } = this;
    const checker = this.resolver.checker;
    const name = symbol.getName();
    let found = false;
    const visit = (node: TS.Node): boolean | void => {
      if (found) return false;
      if (ts.isIdentifier(node) && node.text === name && checker.getSymbolAtLocation(node) === symbol) {
        const parent = node.parent;
        if (
          ts.isBinaryExpression(parent) &&
          parent.left === node &&
          parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
        )
          found = true;
        // Passed back to a cache write: `cache.set(key, value)`.
        if (
          ts.isCallExpression(parent) &&
          parent.arguments.includes(node) &&
          ts.isPropertyAccessExpression(parent.expression) &&
          ["set", "prime", "setMany", "mset"].includes(parent.expression.name.text)
        )
          found = true;
      }
    };
    walkTree(ts, fn, visit);
    return found;
  }

  private describeMember(node: TS.PropertyAccessExpression | TS.ElementAccessExpression): string {
    const text = node.getText().replace(/\s+/g, "");
    return text.length <= 40 ? text : `${text.slice(0, 37)}…`;
  }

  private isArray(expression: TS.Expression, method: string): boolean {
    const { checker, ts } = this.resolver;
    return this.resolver.tryChecker(() => {
      const type = checker.getNonNullableType(checker.getTypeAtLocation(expression));
      if (checker.isArrayType(type) || checker.isTupleType(type)) return true;
      // Without types (JavaScript, a cache library not installed) the value is `any`: methods only arrays have say it.
      return (type.flags & ts.TypeFlags.Any) !== 0 && UNTYPED_ARRAY_METHODS.has(method);
    }, false);
  }
}
