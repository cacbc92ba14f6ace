// Single-slot caches: a module variable that a function returns when it is set and otherwise fills from its
// arguments (`if (cached) return cached; cached = build(options); return cached`). The slot has no key, so every
// later call gets the value built from the first call's arguments, whatever it passes.
import type * as TS from "typescript";
import type { SiteBuilder } from "../site-builder";
import { isNonIdentityName } from "../key-coverage";
import { walkTree } from "../walk";

export function findSingleSlotKeyGaps(builder: SiteBuilder, sourceFile: TS.SourceFile): void {
  const { ts } = builder;
  const slots = collectModuleLets(builder, sourceFile);
  if (slots.size === 0) return;
  walkTree(ts, sourceFile, (node) => {
    if (!isFunctionWithBody(ts, node)) return;
    const body = node.body;
    if (!body || !ts.isBlock(body)) return;
    checkFunction(builder, node, body, slots);
  });
}

type FunctionWithBody = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

function isFunctionWithBody(ts: SiteBuilder["ts"], node: TS.Node): node is FunctionWithBody {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node)
  );
}

/** Module-scope `let`/`var` declarations by symbol: the only variables a call can leave a value in for the next one. */
function collectModuleLets(builder: SiteBuilder, sourceFile: TS.SourceFile): Map<TS.Symbol, string> {
  const { ts } = builder;
  const slots = new Map<TS.Symbol, string>();
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (statement.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      const symbol = builder.resolver.checker.getSymbolAtLocation(declaration.name);
      if (symbol) slots.set(symbol, declaration.name.text);
    }
  }
  return slots;
}

function checkFunction(
  builder: SiteBuilder,
  fn: FunctionWithBody,
  body: TS.Block,
  slots: ReadonlyMap<TS.Symbol, string>,
): void {
  const { ts } = builder;
  const { checker } = builder.resolver;
  const slotOf = (expression: TS.Expression | undefined): TS.Symbol | undefined => {
    const node = expression && builder.resolver.skipOuter(expression);
    if (!node || !ts.isIdentifier(node)) return undefined;
    const symbol = checker.getSymbolAtLocation(node);
    return symbol && slots.has(symbol) ? symbol : undefined;
  };
  const inputs = new InputFinder(builder, fn);
  let guarded: TS.Symbol | undefined;
  for (const statement of body.statements) {
    // `if (slot) return slot;` (also with other conditions that read no argument: a switch that disables the cache).
    if (ts.isIfStatement(statement) && !statement.elseStatement) {
      const returned = returnedExpression(ts, statement.thenStatement);
      const slot = slotOf(returned);
      if (slot && mentions(ts, checker, statement.expression, slot) && inputs.read(statement.expression).length === 0)
        guarded = slot;
      continue;
    }
    // `slot = build(arguments)` after the guard.
    if (!guarded || !ts.isExpressionStatement(statement)) continue;
    const assignment = builder.resolver.skipOuter(statement.expression);
    if (
      !ts.isBinaryExpression(assignment) ||
      assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
      slotOf(assignment.left) !== guarded
    )
      continue;
    const read = inputs.read(assignment.right);
    if (read.length === 0) return;
    builder.keyGaps.push({
      kind: "single-slot-ignores-input",
      span: builder.resolver.makeSpan(assignment),
      cache: slots.get(guarded)!,
      inputs: read,
      library: "map",
      cacheId: undefined,
    });
    return;
  }
}

function returnedExpression(ts: SiteBuilder["ts"], statement: TS.Statement): TS.Expression | undefined {
  if (ts.isReturnStatement(statement)) return statement.expression;
  if (ts.isBlock(statement) && statement.statements.length === 1)
    return returnedExpression(ts, statement.statements[0]!);
  return undefined;
}

function mentions(ts: SiteBuilder["ts"], checker: TS.TypeChecker, node: TS.Node, symbol: TS.Symbol): boolean {
  let found = false;
  walkTree(ts, node, (child) => {
    if (!found && ts.isIdentifier(child) && checker.getSymbolAtLocation(child) === symbol) found = true;
  });
  return found;
}

/**
 * The values a function is called with: its parameters and those of the functions around it (a plugin factory's
 * options), and its locals destructured or copied from them (`const { config, i18n } = args`).
 */
class InputFinder {
  private readonly parameters = new Set<TS.Symbol>();
  private readonly locals = new Map<TS.Symbol, string>();

  constructor(
    private readonly builder: SiteBuilder,
    fn: FunctionWithBody,
  ) {
    const { ts } = builder;
    const { checker } = builder.resolver;
    for (let current: TS.Node | undefined = fn; current; current = current.parent) {
      if (!isFunctionWithBody(ts, current) && !ts.isConstructorDeclaration(current)) continue;
      for (const parameter of current.parameters) {
        for (const name of bindingNames(ts, parameter.name)) {
          const symbol = checker.getSymbolAtLocation(name);
          if (symbol) this.parameters.add(symbol);
        }
      }
    }
    // Locals of the function itself that are read from a parameter.
    const body = fn.body;
    if (!body || !ts.isBlock(body)) return;
    for (const statement of body.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (!declaration.initializer || this.read(declaration.initializer).length === 0) continue;
        for (const name of bindingNames(ts, declaration.name)) {
          const symbol = checker.getSymbolAtLocation(name);
          if (symbol) this.locals.set(symbol, name.text);
        }
      }
    }
  }

  /** The names of the inputs an expression reads, in source order, each once. */
  read(expression: TS.Node): string[] {
    const { ts } = this.builder;
    const { checker } = this.builder.resolver;
    const names: string[] = [];
    walkTree(ts, expression, (node) => {
      if (!ts.isIdentifier(node)) return;
      // `{ config, i18n }`: a shorthand property reads its variable.
      const symbol = ts.isShorthandPropertyAssignment(node.parent)
        ? checker.getShorthandAssignmentValueSymbol(node.parent)
        : checker.getSymbolAtLocation(node);
      if (!symbol) return;
      const name = this.parameters.has(symbol) ? node.text : this.locals.get(symbol);
      if (name !== undefined && !names.includes(name) && !isCapabilityName(name)) names.push(name);
    });
    return names;
  }
}

/**
 * A context, request or handle hands the function its tools (a database, the caller's session), not the identity of
 * what it builds; how-to-fetch parameters (`timeout`, `logger`) neither.
 */
const CAPABILITY_NAME =
  /^(ctx|context|req|request|res|response|event|db|database|client|connection|tx|trx|deps|dependencies|services|container|app|server)$/i;

function isCapabilityName(name: string): boolean {
  return CAPABILITY_NAME.test(name) || isNonIdentityName(name);
}

function bindingNames(ts: SiteBuilder["ts"], name: TS.BindingName): TS.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(ts, element.name)));
}
