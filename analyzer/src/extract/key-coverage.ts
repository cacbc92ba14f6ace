// Does a cache key cover the inputs its value is computed from? Local data flow inside one
// function: from a parameter, through local variables, into the key and into the value.
// This module imports `typescript` for types only.
import type * as TS from "typescript";
import { findEnclosingFunction } from "./functions";
import type { Resolver } from "./resolver";
import { SKIP_CHILDREN, walkTree, walkTreeWith } from "./walk";

/**
 * Parameters that shape how a value is fetched, not which value: leaving them out of the key
 * is deliberate. Matched on the parameter's name, as the last filter after the data flow.
 */
const NON_IDENTITY_NAME =
  /^(timeout|timeoutMs|retries|retry|maxRetries|signal|log|logger|trace|traceId|requestId|correlationId|debug|verbose|force|forceRefresh|refresh|bypassCache|skipCache|noCache|ttl|ttlMs|ttlSeconds|expiresIn|maxAge|attempt|attempts)$/i;

/** Methods that put their arguments into the object they are called on (`list.push(x)`, `map.set(k, v)`, `sb.append(s)`). */
const FEEDING_METHOD = /^(push|unshift|splice|fill|set|add|append|prepend|insert|put|write|assign|concat)$/;

/** A parameter or field that shapes how a value is fetched, not which value (`timeout`, `signal`, `ttl`). */
export function isNonIdentityName(name: string): boolean {
  return NON_IDENTITY_NAME.test(name);
}

interface Inputs {
  /** Parameter names the expression depends on. */
  all: Set<string>;
  /** The subset that reaches the expression through a call, `new` or `await`: the value is computed from them. */
  computed: Set<string>;
}

export class KeyCoverage {
  private readonly ts: Resolver["ts"];

  constructor(private readonly resolver: Resolver) {
    this.ts = resolver.ts;
  }

  /**
   * Inputs of `fn` the value is computed from but the key does not contain. A key given as several expressions (the
   * key arguments of a project `cacheGet(a, b)`) covers what any of them covers.
   */
  findMissingInputs(
    fn: TS.FunctionLikeDeclaration,
    key: TS.Expression | readonly TS.Expression[],
    value: TS.Expression,
  ): string[] {
    const parameters = this.collectParameters(fn);
    if (parameters.size === 0) return [];
    const keyInputs: Inputs = { all: new Set(), computed: new Set() };
    for (const part of Array.isArray(key) ? key : [key as TS.Expression])
      for (const name of this.collectInputs(fn, part, parameters).all) keyInputs.all.add(name);
    const valueInputs = this.collectInputs(fn, value, parameters);
    return [...valueInputs.computed].filter((name) => !keyInputs.all.has(name) && !NON_IDENTITY_NAME.test(name)).sort();
  }

  /**
   * Values a cached function (Next.js `unstable_cache`) captures from the functions around it
   * that vary per call, and that neither its own arguments nor `keyParts` cover.
   */
  findUncapturedInputs(cached: TS.FunctionLikeDeclaration, keyParts: TS.Expression | undefined): string[] | undefined {
    const { ts } = this;
    const r = this.resolver;
    const parts = keyParts ? r.skipOuter(keyParts) : undefined;
    if (parts && !ts.isArrayLiteralExpression(parts)) return undefined;
    const inKeyParts = new Set<TS.Symbol>();
    if (parts)
      this.forEachIdentifier(parts, (identifier) => {
        const symbol = r.getDeclaredSymbol(identifier);
        if (symbol) inKeyParts.add(symbol);
      });
    const missing = new Set<string>();
    this.forEachIdentifier(cached.body!, (identifier) => {
      const symbol = r.getDeclaredSymbol(identifier);
      const declaration = symbol?.valueDeclaration;
      if (!symbol || !declaration || inKeyParts.has(symbol)) return;
      if (
        declaration.getSourceFile() !== cached.getSourceFile() ||
        (declaration.pos >= cached.pos && declaration.end <= cached.end)
      )
        return;
      if (!findEnclosingFunction(this.ts, declaration) || !this.variesPerCall(declaration)) return;
      if (NON_IDENTITY_NAME.test(identifier.text)) return;
      missing.add(identifier.text);
    });
    return [...missing].sort();
  }

  /** Parameters (and names destructured from them) whose type identifies a value: primitives, literals, enums. */
  private collectParameters(fn: TS.FunctionLikeDeclaration): Map<TS.Symbol, string> {
    const { ts } = this;
    const result = new Map<TS.Symbol, string>();
    const visitName = (name: TS.BindingName) => {
      if (ts.isIdentifier(name)) {
        const symbol = this.resolver.checker.getSymbolAtLocation(name);
        if (symbol && this.isIdentityType(name)) result.set(symbol, name.text);
        return;
      }
      for (const element of name.elements) if (!ts.isOmittedExpression(element)) visitName(element.name);
    };
    for (const parameter of fn.parameters) {
      if (ts.isIdentifier(parameter.name) && parameter.name.text === "this") continue;
      visitName(parameter.name);
    }
    this.collectParameterFields(fn, result);
    return result;
  }

  /**
   * Locals the function binds from its parameters' fields (`const { id, slug } = req.params`, `const team =
   * args.team`): inputs of a call as much as the parameters themselves, when their type identifies a value. Route
   * and query parameters (`….params.x`, `….query.x`) are strings in every HTTP framework, so they count even when
   * the request's type is not known (no dependencies installed).
   */
  private collectParameterFields(fn: TS.FunctionLikeDeclaration, result: Map<TS.Symbol, string>): void {
    const { ts } = this;
    const r = this.resolver;
    if (!fn.body || !ts.isBlock(fn.body)) return;
    const parameterSymbols = new Set<TS.Symbol>();
    for (const parameter of fn.parameters)
      if (ts.isIdentifier(parameter.name)) {
        const symbol = r.checker.getSymbolAtLocation(parameter.name);
        if (symbol) parameterSymbols.add(symbol);
      }
    if (parameterSymbols.size === 0) return;
    /** The property names from the parameter to the value (`["params"]` for `req.params`), or undefined. */
    const pathFromParameter = (expression: TS.Expression): string[] | undefined => {
      const names: string[] = [];
      let node = r.skipOuter(expression);
      while (ts.isPropertyAccessExpression(node)) {
        names.unshift(node.name.text);
        node = r.skipOuter(node.expression);
      }
      if (!ts.isIdentifier(node)) return undefined;
      const symbol = r.checker.getSymbolAtLocation(node);
      return symbol && parameterSymbols.has(symbol) ? names : undefined;
    };
    const isRouteOrQuery = (path: readonly string[]): boolean => {
      const holder = path.at(-1);
      return holder === "params" || holder === "query";
    };
    const add = (name: TS.Identifier, pathToHolder: readonly string[]): void => {
      const symbol = r.checker.getSymbolAtLocation(name);
      if (!symbol || result.has(symbol)) return;
      if (this.isIdentityType(name) || (isRouteOrQuery(pathToHolder) && this.isUnknownType(name)))
        result.set(symbol, name.text);
    };
    walkTree(ts, fn.body, (node) => {
      if (ts.isFunctionLike(node)) return false;
      if (!ts.isVariableDeclaration(node) || !node.initializer) return true;
      const path = pathFromParameter(node.initializer);
      if (!path) return true;
      if (ts.isIdentifier(node.name)) {
        // `const id = req.params.id`: the field's holder is the path without its last name.
        if (path.length > 0) add(node.name, path.slice(0, -1));
      } else if (ts.isObjectBindingPattern(node.name)) {
        for (const element of node.name.elements)
          if (!element.dotDotDotToken && ts.isIdentifier(element.name)) add(element.name, path);
      }
      return true;
    });
  }

  /** `any` (a type the checker could not resolve, or an untyped field). */
  private isUnknownType(node: TS.Node): boolean {
    const type = this.resolver.checker.getTypeAtLocation(node);
    return (type.flags & this.ts.TypeFlags.Any) !== 0;
  }

  private isIdentityType(node: TS.Node): boolean {
    const { ts } = this;
    const type = this.resolver.checker.getTypeAtLocation(node);
    const flags =
      ts.TypeFlags.StringLike |
      ts.TypeFlags.NumberLike |
      ts.TypeFlags.BigIntLike |
      ts.TypeFlags.BooleanLike |
      ts.TypeFlags.EnumLike;
    const nullish = ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void;
    const parts = type.isUnion() ? type.types : [type];
    const meaningful = parts.filter((t) => !(t.flags & nullish));
    return meaningful.length > 0 && meaningful.every((t) => (t.flags & flags) !== 0);
  }

  /** Parameters an expression depends on, through local variables of `fn` (their initialisers and assignments). */
  private collectInputs(
    fn: TS.FunctionLikeDeclaration,
    expression: TS.Expression,
    parameters: Map<TS.Symbol, string>,
  ): Inputs {
    const { ts } = this;
    const r = this.resolver;
    const inputs: Inputs = { all: new Set(), computed: new Set() };
    const visited = new Set<TS.Symbol>();
    // Each node carries whether it is under a call (`hash(id)`): what a call computes from a parameter is not the parameter.
    walkTreeWith(ts, expression, false, (node, underCall, also) => {
      if (ts.isIdentifier(node)) {
        const parent = node.parent;
        if (ts.isPropertyAccessExpression(parent) && parent.name === node) return SKIP_CHILDREN;
        if (ts.isPropertyAssignment(parent) && parent.name === node) return SKIP_CHILDREN;
        const symbol = r.checker.getSymbolAtLocation(node);
        if (!symbol) return SKIP_CHILDREN;
        const name =
          parameters.get(symbol) ??
          (ts.isShorthandPropertyAssignment(parent)
            ? parameters.get(r.checker.getShorthandAssignmentValueSymbol(parent) ?? symbol)
            : undefined);
        if (name !== undefined) {
          inputs.all.add(name);
          if (underCall) inputs.computed.add(name);
          return SKIP_CHILDREN;
        }
        const local = ts.isShorthandPropertyAssignment(parent)
          ? (r.checker.getShorthandAssignmentValueSymbol(parent) ?? symbol)
          : symbol;
        if (visited.has(local)) return SKIP_CHILDREN;
        visited.add(local);
        for (const source of this.findLocalSources(fn, local)) also(source.node, underCall || source.computed);
        return SKIP_CHILDREN;
      }
      const isCall =
        ts.isCallExpression(node) ||
        ts.isNewExpression(node) ||
        ts.isAwaitExpression(node) ||
        ts.isTaggedTemplateExpression(node);
      return underCall || isCall;
    });
    return inputs;
  }

  /** Expressions a local variable of `fn` takes its value from: its initialiser and assignments to it. */
  private findLocalSources(
    fn: TS.FunctionLikeDeclaration,
    symbol: TS.Symbol,
  ): Array<{ node: TS.Node; computed: boolean }> {
    const { ts } = this;
    const declaration = symbol.valueDeclaration;
    if (
      !declaration ||
      declaration.getSourceFile() !== fn.getSourceFile() ||
      declaration.pos < fn.pos ||
      declaration.end > fn.end
    )
      return [];
    const sources: Array<{ node: TS.Node; computed: boolean }> = [];
    if (ts.isVariableDeclaration(declaration) && declaration.initializer)
      sources.push({ node: declaration.initializer, computed: false });
    // `const { a } = await load(x)`: the binding comes from the whole initialiser.
    if (ts.isBindingElement(declaration)) {
      let current: TS.Node = declaration;
      while (ts.isBindingElement(current) || ts.isObjectBindingPattern(current) || ts.isArrayBindingPattern(current))
        current = current.parent;
      if (ts.isVariableDeclaration(current) && current.initializer)
        sources.push({ node: current.initializer, computed: false });
    }
    // `for (const item of list)`: the item comes from the list.
    if (
      ts.isVariableDeclaration(declaration) &&
      ts.isVariableDeclarationList(declaration.parent) &&
      (ts.isForOfStatement(declaration.parent.parent) || ts.isForInStatement(declaration.parent.parent))
    ) {
      sources.push({ node: declaration.parent.parent.expression, computed: false });
    }
    const name = symbol.getName();
    const visit = (node: TS.Node): void => {
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      ) {
        if (
          ts.isIdentifier(node.left) &&
          node.left.text === name &&
          this.resolver.checker.getSymbolAtLocation(node.left) === symbol
        )
          sources.push({ node: node.right, computed: false });
      }
      // `list.push(compute(x))` feeds `list`; a method that uses the object (`queue.schedule(job)`) does not put its
      // arguments into it.
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        ts.isIdentifier(node.expression.expression) &&
        node.expression.expression.text === name &&
        FEEDING_METHOD.test(node.expression.name.text)
      ) {
        if (this.resolver.checker.getSymbolAtLocation(node.expression.expression) === symbol)
          for (const argument of node.arguments) sources.push({ node: argument, computed: true });
      }
    };
    if (fn.body) walkTree(ts, fn.body, visit);
    return sources;
  }

  private forEachIdentifier(node: TS.Node, callback: (identifier: TS.Identifier) => void): void {
    const { ts } = this;
    walkTree(ts, node, (child) => {
      if (!ts.isIdentifier(child)) return true;
      const parent = child.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.name === child) return false;
      if (
        (ts.isPropertyAssignment(parent) ||
          ts.isParameter(parent) ||
          ts.isVariableDeclaration(parent) ||
          ts.isBindingElement(parent)) &&
        parent.name === child
      )
        return false;
      callback(child);
      return false;
    });
  }

  /** A parameter, or a variable whose value is not a literal or a function: it can differ between calls. */
  private variesPerCall(declaration: TS.Node): boolean {
    const { ts } = this;
    if (ts.isParameter(declaration) || ts.isBindingElement(declaration)) return true;
    if (!ts.isVariableDeclaration(declaration)) return false;
    const initializer = declaration.initializer && this.resolver.skipOuter(declaration.initializer);
    if (!initializer) return true;
    if (
      ts.isLiteralExpression(initializer) ||
      ts.isNoSubstitutionTemplateLiteral(initializer) ||
      ts.isArrowFunction(initializer) ||
      ts.isFunctionExpression(initializer)
    )
      return false;
    return (
      initializer.kind !== ts.SyntaxKind.TrueKeyword &&
      initializer.kind !== ts.SyntaxKind.FalseKeyword &&
      initializer.kind !== ts.SyntaxKind.NullKeyword
    );
  }
}
