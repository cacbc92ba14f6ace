// The function a node runs in, and the name a function is shown by. One finder and one namer
// for every extractor; where extractors need different answers, an option says so and why.
// Imports `typescript` for types only.
import type * as TS from "typescript";
import type { TsModule } from "./host";

export interface EnclosingFunctionOptions {
  /**
   * Stop at a class field: its initialiser runs while the object is built, not in the function
   * around the class (purity: a write there happens during construction).
   */
  stopAtClassField?: boolean;
  /**
   * Walk past the functions this returns true for (the call graph: a callback passed inline to a
   * call runs as part of its caller).
   */
  skip?: (fn: TS.FunctionLikeDeclaration) => boolean;
}

/**
 * The innermost function declaration, method, accessor, constructor, function expression or arrow
 * function with a body that contains `node` (not `node` itself), or undefined at module scope.
 * Signatures, function types and overloads without a body are walked past.
 */
export function findEnclosingFunction(
  ts: TsModule,
  node: TS.Node,
  options: EnclosingFunctionOptions = {},
): TS.FunctionLikeDeclaration | undefined {
  let current: TS.Node | undefined = node.parent;
  while (current && !ts.isSourceFile(current)) {
    if (ts.isFunctionLike(current) && "body" in current && current.body) {
      const fn = current as TS.FunctionLikeDeclaration;
      if (!options.skip?.(fn)) return fn;
    }
    if (options.stopAtClassField && ts.isPropertyDeclaration(current)) return undefined;
    current = current.parent;
  }
  return undefined;
}

/**
 * How a function is named; the three differ today and are kept apart so that no output changes.
 * For `class UserService { constructor() {} get value() {} rename() {} onEvent = () => {} }`,
 * `exports.load = () => {}` and a callback `items.map(() => {})`:
 *
 * | style       | method               | getter               | constructor               | class field           | `exports.load = …` | callback      |
 * |-------------|----------------------|----------------------|---------------------------|-----------------------|--------------------|---------------|
 * | `qualified` | `UserService.rename` | `UserService.value`  | `UserService.constructor` | `UserService.onEvent` | `<handler>`        | `<handler>`   |
 * | `chain`     | `UserService.rename` | `value`              | `new UserService`         | `onEvent`             | `<anonymous>`      | `<anonymous>` |
 * | `site`      | `rename`             | `value`              | `constructor`             | `onEvent`             | `load`             | `<anonymous>` |
 *
 * `qualified` is `FunctionFacts.name` (call-graph.ts); `chain` names the steps of impurity chains
 * and mutating helpers (purity.ts, cached-values.ts); `site` is `CacheSite.enclosingFunction` and
 * the entity accesses' (extract-file.ts).
 */
export type FunctionNameStyle = "qualified" | "chain" | "site";

/** `getUser`, `UserService.rename`, `<handler>`: see `FunctionNameStyle` for what each style gives. */
export function nameFunction(
  ts: TsModule,
  fn: TS.FunctionLikeDeclaration,
  style: FunctionNameStyle = "qualified",
): string {
  const className = ts.isClassLike(fn.parent) && fn.parent.name ? fn.parent.name.text : undefined;
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name) || ts.isStringLiteral(fn.name))) {
    const qualify = style === "qualified" || (style === "chain" && ts.isMethodDeclaration(fn));
    return qualify && className !== undefined ? `${className}.${fn.name.text}` : fn.name.text;
  }
  if (ts.isConstructorDeclaration(fn)) {
    if (style === "qualified") return className !== undefined ? `${className}.constructor` : "constructor";
    if (style === "chain") return className !== undefined ? `new ${className}` : "constructor";
    return "constructor";
  }
  if (style === "site") return findAssignedName(ts, fn) ?? "<anonymous>";
  let current: TS.Node = fn;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
    ts.isIdentifier(parent.name)
  ) {
    const fieldOf =
      style === "qualified" && ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent) && parent.parent.name
        ? `${parent.parent.name.text}.`
        : "";
    return fieldOf + parent.name.text;
  }
  return style === "qualified" ? "<handler>" : "<anonymous>";
}

/**
 * The name a value is bound to where it is created: `const users = …`, a class field or object
 * property (`users = …`, `users: …`, the name as written), or an assignment (`this.users = …` and
 * `exports.users = …` → `users`, `users = …` → `users`). Parentheses, `as`, `satisfies` and `await`
 * around the value are looked through.
 */
export function findAssignedName(ts: TsModule, node: TS.Node): string | undefined {
  let current: TS.Node = node;
  while (
    current.parent &&
    (ts.isParenthesizedExpression(current.parent) ||
      ts.isAsExpression(current.parent) ||
      ts.isAwaitExpression(current.parent) ||
      ts.isSatisfiesExpression(current.parent))
  ) {
    current = current.parent;
  }
  const parent = current.parent;
  if (!parent) return undefined;
  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent)) &&
    parent.initializer === current
  ) {
    return parent.name.getText();
  }
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === current &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  ) {
    return ts.isPropertyAccessExpression(parent.left) ? parent.left.name.text : parent.left.getText();
  }
  return undefined;
}
