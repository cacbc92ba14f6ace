// Identity of ORM and driver values: the package a receiver's type is declared in, or how the
// receiver was built (its import origin), never a variable's name.
import type * as TS from "typescript";
import type { Orm } from "../../model/cache-model";
import { findPackageOfDeclarationFile } from "../../libraries/registry";
import type { Resolver } from "../resolver";

export const MAX_DEPTH = 6;

/** Packages by ORM, for identity. A generated Prisma client lives under `.prisma/client` or a custom output. */
export const ORM_PACKAGES: Record<Exclude<Orm, "sql" | "key-value">, (pkg: string) => boolean> = {
  prisma: (pkg) =>
    pkg === "@prisma/client" || pkg === ".prisma" || pkg.endsWith("/prisma/client") || pkg.includes("generated/prisma"),
  typeorm: (pkg) => pkg === "typeorm" || pkg === "@nestjs/typeorm",
  drizzle: (pkg) => pkg === "drizzle-orm" || pkg.startsWith("drizzle-orm/"),
  kysely: (pkg) => pkg === "kysely",
  knex: (pkg) => pkg === "knex",
  sequelize: (pkg) => pkg === "sequelize" || pkg === "sequelize-typescript",
  mongoose: (pkg) => pkg === "mongoose",
  "mikro-orm": (pkg) => pkg.startsWith("@mikro-orm/"),
};

/** The compiler and resolver the readers share, and what a value's package is (cached per node). */
export class EntityContext {
  readonly ts: Resolver["ts"];
  private readonly packageCache = new Map<TS.Node, string | null>();

  constructor(readonly resolver: Resolver) {
    this.ts = resolver.ts;
  }

  isFrom(expression: TS.Expression, orm: Exclude<Orm, "sql" | "key-value">): boolean {
    const pkg = this.findPackage(expression);
    return pkg !== undefined && ORM_PACKAGES[orm](pkg);
  }

  isClass(expression: TS.Expression): boolean {
    const symbol = this.resolver.getDeclaredSymbol(this.resolver.skipOuter(expression));
    return symbol !== undefined && (symbol.flags & this.ts.SymbolFlags.Class) !== 0;
  }

  /**
   * The package a value comes from: the package its type is declared in, else how it was built
   * (`new PrismaClient()`, `drizzle(pool)`, a `Repository<User>` annotation, a class extending
   * one from the package), followed through variables, fields, constructor assignments and imports.
   */
  findPackage(expression: TS.Expression, depth = 0): string | undefined {
    const cached = this.packageCache.get(expression);
    if (cached !== undefined) return cached ?? undefined;
    const result = depth > MAX_DEPTH ? undefined : this.computePackage(expression, depth);
    this.packageCache.set(expression, result ?? null);
    return result;
  }

  private computePackage(expression: TS.Expression, depth: number): string | undefined {
    const { ts } = this;
    const r = this.resolver;
    const node = r.skipOuter(expression);
    const fromType = this.findPackageFromType(node);
    if (fromType) return fromType;
    // `global.prisma ?? createClient()`, `cond ? a : b`: either side says where the value comes from.
    if (
      ts.isBinaryExpression(node) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)
    ) {
      return this.findPackage(node.right, depth + 1) ?? this.findPackage(node.left, depth + 1);
    }
    if (ts.isConditionalExpression(node))
      return this.findPackage(node.whenTrue, depth + 1) ?? this.findPackage(node.whenFalse, depth + 1);
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      // A factory of the project (`createPrismaClient()`): what it returns.
      const declaration = ts.isCallExpression(node) ? r.findFunctionDeclaration(node.expression) : undefined;
      if (declaration?.body) return this.findPackageOfReturn(declaration, depth);
      const external = this.findExternalModule(node.expression);
      if (external) return external;
      // A builder chain (`db.select().from(…)`, `knex("t").where(…)`): the chain's root decides.
      if (ts.isPropertyAccessExpression(node.expression))
        return this.findPackage(node.expression.expression, depth + 1);
      if (ts.isIdentifier(node.expression)) return this.findPackage(node.expression, depth + 1);
      return undefined;
    }
    if (!ts.isIdentifier(node) && !ts.isPropertyAccessExpression(node)) return undefined;
    // Follow the symbol to its declaration first: an import through a tsconfig `paths` alias
    // (`@/lib/prisma`) names a project file, not a package.
    const symbol = r.getDeclaredSymbol(ts.isIdentifier(node) ? node : node.name);
    const projectDeclarations = (symbol?.declarations ?? []).filter((d) => !d.getSourceFile().isDeclarationFile);
    for (const declaration of projectDeclarations) {
      const found = this.findPackageOfDeclaration(declaration, depth);
      if (found) return found;
    }
    if (projectDeclarations.length > 0) return undefined;
    return this.findExternalModule(node);
  }

  /** The module an expression is imported from, when that module is not a file of the project (relative or aliased). */
  private findExternalModule(expression: TS.Expression): string | undefined {
    const origin = this.resolver.findImportOrigin(expression);
    if (!origin || origin.module.startsWith(".")) return undefined;
    // An alias that resolves into the project (`@/lib/db`) is not a package.
    if (!origin.unresolved && this.isProjectModule(expression)) return undefined;
    return origin.module;
  }

  private isProjectModule(expression: TS.Expression): boolean {
    const { ts } = this;
    let root = this.resolver.skipOuter(expression);
    while (ts.isPropertyAccessExpression(root)) root = this.resolver.skipOuter(root.expression);
    if (!ts.isIdentifier(root)) return false;
    const symbol = this.resolver.checker.getSymbolAtLocation(root);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.Alias)) return false;
    const target = this.resolver.checker.getAliasedSymbol(symbol);
    const declaration = target.declarations?.[0];
    return (
      declaration !== undefined &&
      !declaration.getSourceFile().isDeclarationFile &&
      !declaration.getSourceFile().fileName.includes("/node_modules/")
    );
  }

  private findPackageOfDeclaration(declaration: TS.Declaration, depth: number): string | undefined {
    const { ts } = this;
    if (ts.isClassDeclaration(declaration)) return this.findPackageOfHeritage(declaration, depth);
    if (
      ts.isVariableDeclaration(declaration) ||
      ts.isPropertyDeclaration(declaration) ||
      ts.isParameter(declaration) ||
      ts.isPropertyAssignment(declaration)
    ) {
      const initializer = "initializer" in declaration ? declaration.initializer : undefined;
      if (initializer) {
        const found = this.findPackage(initializer, depth + 1);
        if (found) return found;
      }
      const type = "type" in declaration ? declaration.type : undefined;
      if (type) {
        const found = this.findPackageOfTypeNode(type, depth);
        if (found) return found;
      }
      if (ts.isPropertyDeclaration(declaration) || ts.isParameter(declaration)) {
        const assigned = this.findConstructorAssignment(declaration);
        if (assigned) return this.findPackage(assigned, depth + 1);
      }
      if (ts.isParameter(declaration)) return this.findPackageOfTransactionHandle(declaration, depth);
    }
    if (ts.isShorthandPropertyAssignment(declaration)) {
      const value = this.resolver.checker.getShorthandAssignmentValueSymbol(declaration);
      const inner = value?.valueDeclaration;
      return inner ? this.findPackageOfDeclaration(inner, depth + 1) : undefined;
    }
    return undefined;
  }

  /**
   * `db.transaction().execute(async (trx) => …)`, `db.transaction(async (tx) => …)`: the first parameter of a callback
   * handed to a client's transaction is a handle of the same client, of the same package.
   */
  private findPackageOfTransactionHandle(parameter: TS.ParameterDeclaration, depth: number): string | undefined {
    const { ts } = this;
    const r = this.resolver;
    const callback = parameter.parent;
    if (!(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) || callback.parameters[0] !== parameter)
      return undefined;
    const call = callback.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(callback)) return undefined;
    let chain: TS.Expression = r.skipOuter(call.expression);
    for (let steps = 0; steps < 4; steps++) {
      if (ts.isPropertyAccessExpression(chain)) {
        if (/^\$?transaction$/i.test(chain.name.text)) return this.findPackage(chain.expression, depth + 1);
        chain = r.skipOuter(chain.expression);
      } else if (ts.isCallExpression(chain)) chain = r.skipOuter(chain.expression);
      else return undefined;
    }
    return undefined;
  }

  /** `prisma: PrismaClient`, `repo: Repository<User>`, `db: NodePgDatabase`, `service: PrismaService` (a project class extending PrismaClient). */
  private findPackageOfTypeNode(type: TS.TypeNode, depth: number): string | undefined {
    const { ts } = this;
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const left = ts.isIdentifier(type.typeName)
      ? type.typeName
      : ts.isIdentifier(type.typeName.left)
        ? type.typeName.left
        : undefined;
    if (!left) return undefined;
    const symbol = this.resolver.getDeclaredSymbol(left);
    const declaration = symbol?.declarations?.[0];
    if (declaration && !declaration.getSourceFile().isDeclarationFile) {
      return ts.isClassDeclaration(declaration) ? this.findPackageOfHeritage(declaration, depth) : undefined;
    }
    return this.findExternalModule(left);
  }

  private findPackageOfHeritage(declaration: TS.ClassDeclaration, depth: number): string | undefined {
    const { ts } = this;
    for (const clause of declaration.heritageClauses ?? []) {
      if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      for (const type of clause.types) {
        const found = this.findPackage(type.expression, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  private findPackageOfReturn(declaration: TS.FunctionLikeDeclaration, depth: number): string | undefined {
    const { ts } = this;
    const body = declaration.body;
    if (!body) return undefined;
    if (!ts.isBlock(body)) return this.findPackage(body, depth + 1);
    for (const statement of body.statements) {
      if (ts.isReturnStatement(statement) && statement.expression)
        return this.findPackage(statement.expression, depth + 1);
    }
    return undefined;
  }

  private findConstructorAssignment(
    declaration: TS.PropertyDeclaration | TS.ParameterDeclaration,
  ): TS.Expression | undefined {
    const { ts } = this;
    if (ts.isParameter(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
    const name = declaration.name.text;
    const constructor = declaration.parent.members.find(ts.isConstructorDeclaration);
    for (const statement of constructor?.body?.statements ?? []) {
      if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) continue;
      const { left, right } = statement.expression;
      if (
        ts.isPropertyAccessExpression(left) &&
        left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        left.name.text === name
      )
        return right;
    }
    return undefined;
  }

  private findPackageFromType(expression: TS.Expression): string | undefined {
    const type = this.resolver.tryChecker(() => this.resolver.checker.getTypeAtLocation(expression), undefined);
    if (!type) return undefined;
    for (const symbol of [type.aliasSymbol, type.getSymbol()]) {
      const declaration = symbol?.declarations?.[0];
      if (!declaration) continue;
      const file = declaration.getSourceFile();
      if (!file.isDeclarationFile) continue;
      const pkg = findPackageOfDeclarationFile(file.fileName);
      if (pkg && pkg !== "typescript" && pkg !== "@types/node" && pkg !== "node") return pkg;
    }
    return undefined;
  }
}
