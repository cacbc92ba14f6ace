// A class that is given a TTL and never uses it in its writes: its constructor keeps a TTL parameter in a field
// (`this.ttl = ttl`), the class only ever tests that field (`if (!this.ttl) return`), and it writes through an object
// it holds whose class is a project cache (`get`, a delete, and a write that takes a TTL parameter) without passing
// one (`this.cache.put(key, value)`). The entry gets the store's default expiry: the TTL the caller configured has
// no effect. The held object is followed by value: a typed field or parameter, or the arguments the class is
// constructed with anywhere in the program (`new SchemaStore(controller, ttl)`, `controller` typed or built there).
import type * as TS from "typescript";
import type { UnusedTtl } from "../../model/cache-model";
import type { SiteBuilder } from "../site-builder";
import { walkTree } from "../walk";

/** Names that say a value is an expiry: `ttl`, `cacheTTL`, `ttlSeconds`, `maxAge`, `expiresIn` (not `expiresAt`, a time). */
export function isTtlName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[\s_$]+/)
    .filter((word) => word !== "");
  if (words.includes("ttl")) return true;
  if (words.some((word, index) => word === "max" && words[index + 1] === "age")) return true;
  return /^expir(es|y|ation|e)$/.test(words[0] ?? "") && words.at(-1) !== "at";
}

const WRITE_METHODS = new Set(["put", "set", "save", "store", "setItem"]);
const DELETE_METHODS = new Set(["del", "delete", "remove", "invalidate", "evict"]);

/** How each project class is constructed and extended, per program (searched once a class). */
const usesByProgram = new WeakMap<TS.Program, Map<TS.ClassLikeDeclaration, ClassUses>>();

export function findUnusedClassTtls(builder: SiteBuilder, sourceFile: TS.SourceFile): UnusedTtl[] {
  const { ts } = builder;
  // A cheap text check: no TTL-like word, no class to look at.
  if (!/ttl|maxAge|expir/i.test(sourceFile.text)) return [];
  const found: UnusedTtl[] = [];
  walkTree(ts, sourceFile, (node) => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) found.push(...checkClass(builder, node));
  });
  return found;
}

type ThisField = TS.PropertyAccessExpression & { expression: TS.ThisExpression };

function checkClass(builder: SiteBuilder, classNode: TS.ClassLikeDeclaration): UnusedTtl[] {
  const { ts } = builder;
  const constructor = classNode.members.find(
    (member): member is TS.ConstructorDeclaration => ts.isConstructorDeclaration(member) && member.body !== undefined,
  );
  if (!constructor?.body) return [];
  const ttlFields = findTtlFields(builder, constructor);
  if (ttlFields.size === 0) return [];
  if (readsTtlAsValue(builder, classNode, ttlFields) || isExtended(builder, classNode)) return [];
  const className = classNode.name?.text ?? "this class";
  const gaps: UnusedTtl[] = [];
  walkTree(ts, classNode, (node) => {
    if (ts.isClassLike(node) && node !== classNode) return false;
    // A function expression has its own `this`.
    if (ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) return false;
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const method = node.expression.name.text;
    const held = node.expression.expression;
    if (!WRITE_METHODS.has(method) || !isThisField(ts, held) || ttlFields.has(held.name.text)) return;
    if (node.arguments.some((argument) => ts.isSpreadElement(argument))) return;
    const heldClass = findHeldClass(builder, classNode, constructor, held.name.text);
    if (!heldClass) return;
    const write = findTtlParameter(builder, heldClass, method);
    if (!write || node.arguments.length > write.index) return;
    const [field, parameter] = ttlFields.entries().next().value!;
    gaps.push({
      span: builder.resolver.makeSpan(node),
      className,
      ttlParameter: parameter,
      field,
      held: `this.${held.name.text}`,
      method,
      heldClass: heldClass.name?.text ?? "its class",
      ttlArgument: write.index + 1,
      ttlArgumentName: write.name,
      declaredAt: builder.resolver.makeSpan(write.declaration.name),
    });
  });
  return gaps;
}

function isThisField(ts: SiteBuilder["ts"], node: TS.Node): node is ThisField {
  return (
    ts.isPropertyAccessExpression(node) &&
    node.expression.kind === ts.SyntaxKind.ThisKeyword &&
    ts.isIdentifier(node.name)
  );
}

/** The names a parameter binds: `ttl`, or each name of `{ ttl, max }`. */
function boundNames(ts: SiteBuilder["ts"], name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const names: string[] = [];
  for (const element of name.elements)
    if (!ts.isOmittedExpression(element)) names.push(...boundNames(ts, element.name));
  return names;
}

/**
 * Fields the constructor fills with a TTL parameter's value (`this.ttl = ttl`, `this.ttl = parseInt(ttl)`,
 * `this.ttl = ttl ?? 60`), or parameter properties named as TTLs, by field name → parameter name. Empty when the
 * parameter is used any other way in the constructor (handed to a cache it builds, say): then it is not dropped.
 */
function findTtlFields(builder: SiteBuilder, constructor: TS.ConstructorDeclaration): Map<string, string> {
  const { ts } = builder;
  const fields = new Map<string, string>();
  const ttlParameters = new Set<string>();
  for (const parameter of constructor.parameters) {
    for (const name of boundNames(ts, parameter.name)) {
      if (!isTtlName(name)) continue;
      if (ts.isIdentifier(parameter.name) && ts.getModifiers(parameter)?.length) fields.set(name, name);
      else ttlParameters.add(name);
    }
  }
  if (ttlParameters.size === 0) return fields;
  let usedOtherwise = false;
  const isParameter = (node: TS.Node): node is TS.Identifier => ts.isIdentifier(node) && ttlParameters.has(node.text);
  /** The value is the parameter's, converted at most: `ttl`, `parseInt(ttl)`, `ttl * 1000`, `ttl ?? 60`. */
  const carries = (expression: TS.Expression): boolean => {
    const node = builder.resolver.skipOuter(expression);
    if (isParameter(node)) return true;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments[0])
      return carries(node.arguments[0]);
    if (ts.isBinaryExpression(node)) return carries(node.left) || carries(node.right);
    if (ts.isConditionalExpression(node)) return carries(node.whenTrue) || carries(node.whenFalse);
    return false;
  };
  walkTree(ts, constructor.body!, (node) => {
    if (usedOtherwise) return false;
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      isThisField(ts, node.left) &&
      carries(node.right)
    ) {
      const [parameter] = [...ttlParameters];
      fields.set(node.left.name.text, parameter!);
      return false;
    }
    if (isParameter(node) && !isTest(ts, node) && !isPropertyName(ts, node)) usedOtherwise = true;
  });
  return usedOtherwise ? new Map() : fields;
}

function isPropertyName(ts: SiteBuilder["ts"], node: TS.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node)
  );
}

/** A read that only tests the value: `!ttl`, `if (ttl)`, `ttl > 0`, `typeof ttl`, the left of `ttl && …`. */
function isTest(ts: SiteBuilder["ts"], node: TS.Expression): boolean {
  let current: TS.Node = node;
  while (ts.isParenthesizedExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  if (ts.isPrefixUnaryExpression(parent)) return parent.operator === ts.SyntaxKind.ExclamationToken;
  if (ts.isTypeOfExpression(parent)) return true;
  if (ts.isIfStatement(parent) || ts.isWhileStatement(parent)) return parent.expression === current;
  if (ts.isConditionalExpression(parent)) return parent.condition === current;
  if (ts.isBinaryExpression(parent)) {
    const kind = parent.operatorToken.kind;
    if (kind === ts.SyntaxKind.AmpersandAmpersandToken) return parent.left === current;
    return (
      kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      kind === ts.SyntaxKind.EqualsEqualsToken ||
      kind === ts.SyntaxKind.ExclamationEqualsToken ||
      kind === ts.SyntaxKind.LessThanToken ||
      kind === ts.SyntaxKind.LessThanEqualsToken ||
      kind === ts.SyntaxKind.GreaterThanToken ||
      kind === ts.SyntaxKind.GreaterThanEqualsToken
    );
  }
  return false;
}

/** True when the class reads one of its TTL fields as a value anywhere (passes it, returns it, computes with it). */
function readsTtlAsValue(builder: SiteBuilder, classNode: TS.ClassLikeDeclaration, fields: Map<string, string>) {
  const { ts } = builder;
  let read = false;
  walkTree(ts, classNode, (node) => {
    if (read || (ts.isClassLike(node) && node !== classNode)) return false;
    if (
      ts.isParameter(node) &&
      ts.getModifiers(node)?.length &&
      ts.isIdentifier(node.name) &&
      ts.isConstructorDeclaration(node.parent) &&
      node.parent.body
    ) {
      // A parameter property is also read by its bare name inside the constructor.
      const name = node.name.text;
      if (fields.has(name))
        walkTree(ts, node.parent.body, (inner) => {
          if (ts.isIdentifier(inner) && inner.text === name && !isPropertyName(ts, inner) && !isTest(ts, inner))
            read = true;
        });
    }
    if (!isThisField(ts, node) || !fields.has(node.name.text)) return;
    const parent = node.parent;
    const assigned =
      ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.left === node;
    if (!assigned && !isTest(ts, node)) read = true;
  });
  return read;
}

/** The project class of the object a field holds, followed by value; undefined unless it is a project cache class. */
function findHeldClass(
  builder: SiteBuilder,
  classNode: TS.ClassLikeDeclaration,
  constructor: TS.ConstructorDeclaration,
  field: string,
): TS.ClassLikeDeclaration | undefined {
  const { ts } = builder;
  const { checker } = builder.resolver;
  const candidates: TS.Node[] = [];
  for (const [index, parameter] of constructor.parameters.entries()) {
    if (!ts.isIdentifier(parameter.name) || parameter.name.text !== field || !ts.getModifiers(parameter)?.length)
      continue;
    if (parameter.type) candidates.push(parameter.type);
    candidates.push(...constructionArguments(builder, classNode, index));
  }
  const property = classNode.members.find(
    (member): member is TS.PropertyDeclaration =>
      ts.isPropertyDeclaration(member) && member.name.getText() === field && member.type !== undefined,
  );
  if (property?.type) candidates.push(property.type);
  walkTree(ts, constructor.body!, (node) => {
    if (ts.isFunctionLike(node)) return false;
    if (
      !ts.isBinaryExpression(node) ||
      node.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
      !isThisField(ts, node.left) ||
      node.left.name.text !== field
    )
      return;
    const value = builder.resolver.skipOuter(node.right);
    const index = ts.isIdentifier(value)
      ? constructor.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === value.text)
      : -1;
    const parameter = constructor.parameters[index];
    if (!parameter) candidates.push(value);
    else {
      // The parameter's type when it names a class, else what the class is constructed with across the program.
      if (parameter.type) candidates.push(parameter.type);
      candidates.push(...constructionArguments(builder, classNode, index));
    }
  });
  for (const candidate of candidates) {
    const type = builder.resolver.tryChecker(
      () => (ts.isTypeNode(candidate) ? checker.getTypeFromTypeNode(candidate) : checker.getTypeAtLocation(candidate)),
      undefined,
    );
    const declaration = type?.getSymbol()?.declarations?.find(ts.isClassLike);
    if (!declaration || declaration === classNode || declaration.getSourceFile().isDeclarationFile) continue;
    if (declaration.getSourceFile().fileName.includes("/node_modules/")) continue;
    if (isProjectCacheClass(builder, declaration)) return declaration;
  }
  return undefined;
}

/** A project cache class: it reads (`get`), deletes (`del`, `delete`, …) and writes. */
function isProjectCacheClass(builder: SiteBuilder, declaration: TS.ClassLikeDeclaration): boolean {
  const { ts } = builder;
  const methods = new Set(declaration.members.filter(ts.isMethodDeclaration).map((member) => member.name.getText()));
  return methods.has("get") && [...DELETE_METHODS].some((name) => methods.has(name));
}

/** The write method's TTL parameter, past the key and the value: `put(key, value, ttl)`. */
function findTtlParameter(
  builder: SiteBuilder,
  declaration: TS.ClassLikeDeclaration,
  method: string,
): { index: number; name: string; declaration: TS.MethodDeclaration } | undefined {
  const { ts } = builder;
  const write = declaration.members.find(
    (member): member is TS.MethodDeclaration => ts.isMethodDeclaration(member) && member.name.getText() === method,
  );
  if (!write) return undefined;
  for (const [index, parameter] of write.parameters.entries()) {
    if (index < 2 || parameter.dotDotDotToken || !ts.isIdentifier(parameter.name)) continue;
    if (isTtlName(parameter.name.text)) return { index, name: parameter.name.text, declaration: write };
  }
  return undefined;
}

/** The argument at `index` of each `new C(…)` of the class in the program's own sources. */
function constructionArguments(builder: SiteBuilder, classNode: TS.ClassLikeDeclaration, index: number): TS.Node[] {
  return findUses(builder, classNode).constructions.flatMap((construction) => {
    const argument = construction.arguments?.[index];
    return argument && !builder.ts.isSpreadElement(argument) ? [argument] : [];
  });
}

/** True when a class of the program's own sources extends this one: a subclass may use the TTL. */
function isExtended(builder: SiteBuilder, classNode: TS.ClassLikeDeclaration): boolean {
  return findUses(builder, classNode).extended;
}

interface ClassUses {
  constructions: TS.NewExpression[];
  extended: boolean;
}

/** The `new C(…)` of a class and whether some class extends it, across the program's own sources (searched once). */
function findUses(builder: SiteBuilder, classNode: TS.ClassLikeDeclaration): ClassUses {
  const { ts } = builder;
  const { checker, program } = builder.resolver;
  let byClass = usesByProgram.get(program);
  if (!byClass) {
    byClass = new Map();
    usesByProgram.set(program, byClass);
  }
  const known = byClass.get(classNode);
  if (known) return known;
  const uses: ClassUses = { constructions: [], extended: false };
  byClass.set(classNode, uses);
  const className = classNode.name?.text;
  if (!className) return uses;
  const target = checker.getSymbolAtLocation(classNode.name);
  const isThisClass = (expression: TS.Expression) => {
    if (!ts.isIdentifier(expression) || expression.text !== className) return false;
    let symbol = builder.resolver.tryChecker(() => checker.getSymbolAtLocation(expression), undefined);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol === target || (symbol?.declarations?.includes(classNode) ?? false);
  };
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || sourceFile.fileName.includes("/node_modules/")) continue;
    if (!sourceFile.text.includes(className)) continue;
    walkTree(ts, sourceFile, (node) => {
      if (ts.isNewExpression(node) && isThisClass(node.expression)) uses.constructions.push(node);
      else if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ExtendsKeyword)
        if (node.types.some((type) => isThisClass(type.expression))) uses.extended = true;
    });
  }
  return uses;
}
