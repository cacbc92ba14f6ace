// Facade objects hung on a client: `client.helpers = { get(key) {…}, set(key, value) {…} }`, assigned to a property of
// the client where it is built, whose methods forward to the client's own commands (packing or encoding the values on
// the way). A call through the property (`client.helpers.set(key, value)`) is a call of the client: the instance
// resolver reads it so when the methods forward their key to the same client it resolves the property's owner to.
import type * as TS from "typescript";
import type { Resolver } from "./resolver";
import { walkTree } from "./walk";

export type FacadeMethod = TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

/** One `owner.property = { … }` of the program: the owner expression and the literal's methods by name. */
export interface AssignedFacade {
  owner: TS.Expression;
  methods: Map<string, FacadeMethod>;
}

const indexes = new WeakMap<TS.SourceFile, Map<string, TS.BinaryExpression[]>>();

/** `x.name = { … }` assignments of a file, by property name (indexed once per file). */
function assignmentsOf(r: Resolver, sourceFile: TS.SourceFile): Map<string, TS.BinaryExpression[]> {
  let index = indexes.get(sourceFile);
  if (index) return index;
  const { ts } = r;
  index = new Map();
  indexes.set(sourceFile, index);
  const found = index;
  walkTree(ts, sourceFile, (node) => {
    if (
      !ts.isBinaryExpression(node) ||
      node.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
      !ts.isPropertyAccessExpression(node.left) ||
      !ts.isObjectLiteralExpression(r.skipOuter(node.right))
    )
      return;
    const name = node.left.name.text;
    const list = found.get(name) ?? [];
    list.push(node);
    found.set(name, list);
  });
  return index;
}

/** The functions of an object literal, by name: `get(key) {…}`, `set: (key, value) => …`, `del: function (key) {…}`. */
function methodsOf(r: Resolver, literal: TS.ObjectLiteralExpression): Map<string, FacadeMethod> {
  const { ts } = r;
  const methods = new Map<string, FacadeMethod>();
  for (const property of literal.properties) {
    const name = property.name && r.getPropertyName(property.name);
    if (!name) continue;
    if (ts.isMethodDeclaration(property) && property.body) methods.set(name, property);
    else if (ts.isPropertyAssignment(property)) {
      const value = r.skipOuter(property.initializer);
      if (ts.isFunctionExpression(value) || ts.isArrowFunction(value)) methods.set(name, value);
    }
  }
  return methods;
}

/**
 * The object literals the program assigns to the property `access` names: searched in the files that declare the
 * property (the client's interface, or the assignment itself in JavaScript), keeping the assignments whose property
 * is the same declared property.
 */
export function findAssignedFacades(
  r: Resolver,
  access: TS.PropertyAccessExpression,
  symbol: TS.Symbol | undefined,
): AssignedFacade[] {
  const declarations = symbol?.declarations ?? [];
  if (declarations.length === 0) return [];
  const files = new Set<TS.SourceFile>();
  for (const declaration of declarations) {
    const file = declaration.getSourceFile();
    if (!file.isDeclarationFile) files.add(file);
  }
  const name = access.name.text;
  const facades: AssignedFacade[] = [];
  for (const file of files) {
    for (const assignment of assignmentsOf(r, file).get(name) ?? []) {
      const left = assignment.left as TS.PropertyAccessExpression;
      const assigned = r.checker.getSymbolAtLocation(left.name);
      const same =
        assigned === symbol || (assigned?.declarations ?? []).some((declaration) => declarations.includes(declaration));
      if (!same) continue;
      const methods = methodsOf(r, r.skipOuter(assignment.right) as TS.ObjectLiteralExpression);
      if (methods.size >= 2) facades.push({ owner: left.expression, methods });
    }
  }
  return facades;
}
