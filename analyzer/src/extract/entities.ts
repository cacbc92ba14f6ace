// Source-of-truth accesses: which entity (table, model, collection) a call reads or writes,
// for Prisma, TypeORM, Drizzle, Kysely, Knex, Sequelize, Mongoose, MikroORM and raw SQL.
// Identity comes from the package a receiver's type is declared in, or from how the receiver
// was built (its import origin), never from a variable's name. Imports `typescript` for types only.
import type * as TS from "typescript";
import type { EntityAccess, Orm } from "../model/cache-model";
import { findPackageOfDeclarationFile } from "./library-table";
import type { Resolver } from "./resolver";

const MAX_DEPTH = 6;

const PRISMA_READS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
]);
const PRISMA_WRITES = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);
const TYPEORM_READS = new Set([
  "find",
  "findBy",
  "findOne",
  "findOneBy",
  "findOneOrFail",
  "findOneByOrFail",
  "findAndCount",
  "findAndCountBy",
  "count",
  "countBy",
  "exists",
  "existsBy",
  "findByIds",
]);
const TYPEORM_WRITES = new Set([
  "save",
  "insert",
  "update",
  "upsert",
  "delete",
  "remove",
  "softDelete",
  "softRemove",
  "restore",
  "recover",
  "increment",
  "decrement",
  "clear",
]);
const SEQUELIZE_READS = new Set(["findAll", "findOne", "findByPk", "findAndCountAll", "count", "max", "min", "sum"]);
const SEQUELIZE_WRITES = new Set([
  "create",
  "bulkCreate",
  "update",
  "upsert",
  "destroy",
  "increment",
  "decrement",
  "truncate",
  "restore",
]);
const MONGOOSE_READS = new Set([
  "find",
  "findOne",
  "findById",
  "countDocuments",
  "estimatedDocumentCount",
  "exists",
  "distinct",
  "aggregate",
]);
const MONGOOSE_WRITES = new Set([
  "create",
  "insertMany",
  "updateOne",
  "updateMany",
  "replaceOne",
  "deleteOne",
  "deleteMany",
  "findOneAndUpdate",
  "findByIdAndUpdate",
  "findOneAndDelete",
  "findByIdAndDelete",
  "findOneAndReplace",
  "findOneAndRemove",
  "findByIdAndRemove",
  "bulkWrite",
]);
const MIKRO_READS = new Set(["find", "findOne", "findOneOrFail", "findAndCount", "count", "findAll"]);
const MIKRO_WRITES = new Set([
  "nativeInsert",
  "nativeUpdate",
  "nativeDelete",
  "upsert",
  "upsertMany",
  "insert",
  "insertMany",
]);
const MIKRO_ENTITY_WRITES = new Set(["persistAndFlush", "removeAndFlush", "persist", "remove"]);
const REPOSITORY_METHODS = new Set([
  ...TYPEORM_READS,
  ...TYPEORM_WRITES,
  ...SEQUELIZE_READS,
  ...SEQUELIZE_WRITES,
  ...MONGOOSE_READS,
  ...MONGOOSE_WRITES,
  ...MIKRO_READS,
  ...MIKRO_WRITES,
  ...MIKRO_ENTITY_WRITES,
]);
const KNEX_WRITES = new Set(["insert", "update", "del", "delete", "upsert", "increment", "decrement", "truncate"]);
const SQL_CALL_METHODS = new Set([
  "query",
  "execute",
  "none",
  "one",
  "oneOrNone",
  "many",
  "manyOrNone",
  "any",
  "result",
  "raw",
  "$executeRawUnsafe",
  "$queryRawUnsafe",
]);

/** Packages by ORM, for identity. A generated Prisma client lives under `.prisma/client` or a custom output. */
const ORM_PACKAGES: Record<Exclude<Orm, "sql">, (pkg: string) => boolean> = {
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
const SQL_PACKAGES = new Set([
  "pg",
  "pg-pool",
  "mysql",
  "mysql2",
  "mysql2/promise",
  "pg-promise",
  "postgres",
  "better-sqlite3",
  "sqlite3",
  "@neondatabase/serverless",
  "@vercel/postgres",
  "@planetscale/database",
]);

export interface DescribedAccess {
  entity: string;
  displayName: string;
  operation: EntityAccess["operation"];
  action: string;
  orm: Orm;
  fields?: string[];
}

export class EntityExtractor {
  private readonly ts: Resolver["ts"];
  private readonly packageCache = new Map<TS.Node, string | null>();

  constructor(private readonly resolver: Resolver) {
    this.ts = resolver.ts;
  }

  /** The entity accesses a call performs (a raw SQL string can touch several tables). */
  describeCall(call: TS.CallExpression): DescribedAccess[] {
    const { ts } = this;
    const callee = this.resolver.skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = callee.expression;
      const accesses =
        this.describePrisma(method, receiver) ??
        this.describeTypeormQueryBuilder(call, method, receiver) ??
        this.describeDrizzle(call, method, receiver) ??
        this.describeKysely(call, method, receiver) ??
        this.describeRepositoryLike(call, method, receiver) ??
        this.describeKnex(call, method, receiver) ??
        this.describeRawSql(call, method, receiver) ??
        [];
      for (const access of accesses) {
        if (access.orm === "sql" || access.fields !== undefined) continue;
        access.fields =
          access.operation === "write" ? this.findWrittenFields(call, access) : this.findSelectedFields(call, access);
      }
      return accesses;
    }
    return [];
  }

  /** postgres.js and Prisma raw queries: `` sql`UPDATE users …` ``, `` prisma.$executeRaw`…` ``. */
  describeTaggedTemplate(node: TS.TaggedTemplateExpression): DescribedAccess[] {
    const { ts } = this;
    const tag = this.resolver.skipOuter(node.tag);
    const text = this.templateText(node.template);
    if (
      ts.isPropertyAccessExpression(tag) &&
      ["$executeRaw", "$queryRaw"].includes(tag.name.text) &&
      this.isFrom(tag.expression, "prisma")
    )
      return this.parseSql(text, "prisma");
    const pkg = this.findPackage(tag);
    if (pkg === "postgres" || pkg === "@neondatabase/serverless" || pkg === "@vercel/postgres")
      return this.parseSql(text, "sql");
    return [];
  }

  // ---- Prisma ----------------------------------------------------------------

  /** `prisma.user.update(…)`, `tx.user.findMany(…)`, `this.prisma.post.deleteMany(…)`. */
  private describePrisma(method: string, receiver: TS.Expression): DescribedAccess[] | undefined {
    const { ts } = this;
    const isRead = PRISMA_READS.has(method);
    if (!isRead && !PRISMA_WRITES.has(method)) return undefined;
    const delegate = this.resolver.skipOuter(receiver);
    if (!ts.isPropertyAccessExpression(delegate)) return undefined;
    const model = delegate.name.text;
    if (model.startsWith("$")) return undefined;
    if (!this.isPrismaClient(delegate.expression)) return undefined;
    return [this.access(model, isRead ? "read" : "write", method, "prisma")];
  }

  private isPrismaClient(expression: TS.Expression, depth = 0): boolean {
    const { ts } = this;
    if (this.isFrom(expression, "prisma")) return true;
    if (depth > MAX_DEPTH) return false;
    // `prisma.$transaction(async (tx) => tx.user.update(…))`: the callback's parameter is a client.
    const node = this.resolver.skipOuter(expression);
    if (!ts.isIdentifier(node)) return false;
    const declaration = this.resolver.checker.getSymbolAtLocation(node)?.valueDeclaration;
    if (!declaration || !ts.isParameter(declaration)) return false;
    const fn = declaration.parent;
    const call = fn.parent;
    if (
      !ts.isCallExpression(call) ||
      !ts.isPropertyAccessExpression(call.expression) ||
      call.expression.name.text !== "$transaction"
    )
      return false;
    return this.isPrismaClient(call.expression.expression, depth + 1);
  }

  // ---- Drizzle ---------------------------------------------------------------

  /** `db.update(users)`, `db.insert(users)`, `db.delete(users)`, `db.select().from(users)`, `db.query.users.findFirst()`. */
  private describeDrizzle(
    call: TS.CallExpression,
    method: string,
    receiver: TS.Expression,
  ): DescribedAccess[] | undefined {
    const { ts } = this;
    const table = call.arguments[0];
    if (
      (method === "update" || method === "insert" || method === "delete") &&
      table &&
      ts.isIdentifier(this.resolver.skipOuter(table))
    ) {
      if (!this.isFrom(receiver, "drizzle") || !this.isDrizzleTable(table)) return undefined;
      return [this.access((this.resolver.skipOuter(table) as TS.Identifier).text, "write", method, "drizzle")];
    }
    if (method === "from" && table && ts.isIdentifier(this.resolver.skipOuter(table)) && this.isDrizzleTable(table)) {
      return [this.access((this.resolver.skipOuter(table) as TS.Identifier).text, "read", "select", "drizzle")];
    }
    if ((method === "findFirst" || method === "findMany") && ts.isPropertyAccessExpression(receiver)) {
      const query = this.resolver.skipOuter(receiver.expression);
      if (
        ts.isPropertyAccessExpression(query) &&
        query.name.text === "query" &&
        this.isFrom(query.expression, "drizzle")
      ) {
        return [this.access(receiver.name.text, "read", method, "drizzle")];
      }
    }
    return undefined;
  }

  /** A table built with drizzle's `pgTable`/`mysqlTable`/`sqliteTable`, by its type or initializer. */
  private isDrizzleTable(table: TS.Expression): boolean {
    return this.isFrom(table, "drizzle");
  }

  // ---- Kysely ----------------------------------------------------------------

  private describeKysely(
    call: TS.CallExpression,
    method: string,
    receiver: TS.Expression,
  ): DescribedAccess[] | undefined {
    const kinds: Record<string, DescribedAccess["operation"]> = {
      updateTable: "write",
      insertInto: "write",
      deleteFrom: "write",
      replaceInto: "write",
      mergeInto: "write",
      selectFrom: "read",
    };
    const operation = kinds[method];
    const table = call.arguments[0];
    if (!operation || !table) return undefined;
    const name = this.resolver.foldString(table);
    if (name === undefined || !this.isFrom(receiver, "kysely")) return undefined;
    return [this.access(name.split(/\s+/)[0]!, operation, method, "kysely")];
  }

  // ---- TypeORM query builders ------------------------------------------------------

  /**
   * `repo.createQueryBuilder("u").where(…).getOne()` (a read of the repository's entity, unless the chain
   * goes on with a write, which `update()`/`delete()` describe themselves), `qb.insert().into(User)`,
   * `qb.delete().from(User)`, `qb.select().from(User, "u")`. `update(User)` is a repository-style call.
   */
  private describeTypeormQueryBuilder(
    call: TS.CallExpression,
    method: string,
    receiver: TS.Expression,
  ): DescribedAccess[] | undefined {
    const { ts } = this;
    if (method === "createQueryBuilder") {
      // On a Repository<T>: the chain decides; on a DataSource or EntityManager, its `from`/`into` does.
      if (!this.isFrom(receiver, "typeorm")) return undefined;
      const entity = this.findTypeormEntity(receiver);
      if (!entity) return undefined;
      const chained = this.findChainedMethods(call);
      const write = chained.find(
        (m) =>
          m.name === "update" ||
          m.name === "delete" ||
          m.name === "insert" ||
          m.name === "softDelete" ||
          m.name === "restore",
      );
      // A write in the chain (`.delete()`, `.update(User)`) is described where it is called: its builder type names the entity.
      if (write) return [];
      return [this.access(entity, "read", "select", "typeorm")];
    }
    if (
      (method !== "into" && method !== "from") ||
      !call.arguments[0] ||
      !ts.isIdentifier(this.resolver.skipOuter(call.arguments[0]))
    )
      return undefined;
    const builder = this.readTypeName(receiver);
    if (
      !builder ||
      !/QueryBuilder$/.test(builder) ||
      !this.isFrom(receiver, "typeorm") ||
      !this.isClass(call.arguments[0])
    )
      return undefined;
    const entity = (this.resolver.skipOuter(call.arguments[0]) as TS.Identifier).text;
    // `teams.createQueryBuilder().delete().from(Team)`: the `delete()` of a typed builder already named the entity.
    const previous = this.resolver.skipOuter(receiver);
    if (
      ts.isCallExpression(previous) &&
      ts.isPropertyAccessExpression(previous.expression) &&
      this.findTypeormEntity(previous.expression.expression)
    )
      return [];
    if (builder === "InsertQueryBuilder") return [this.access(entity, "write", "insert", "typeorm")];
    if (builder === "DeleteQueryBuilder" || builder === "SoftDeleteQueryBuilder")
      return [this.access(entity, "write", "delete", "typeorm")];
    if (builder === "SelectQueryBuilder") return [this.access(entity, "read", "select", "typeorm")];
    return undefined;
  }

  /** Methods called on the result of a call, in chain order: `a().b().c()` from `a()` → b, c. */
  private findChainedMethods(call: TS.CallExpression): Array<{ name: string; call: TS.CallExpression }> {
    const { ts } = this;
    const chain: Array<{ name: string; call: TS.CallExpression }> = [];
    let current: TS.Node = call;
    for (let step = 0; step < 12; step++) {
      const access = current.parent;
      if (!access || !ts.isPropertyAccessExpression(access) || !access.parent || !ts.isCallExpression(access.parent))
        break;
      chain.push({ name: access.name.text, call: access.parent });
      current = access.parent;
    }
    return chain;
  }

  private readTypeName(expression: TS.Expression): string | undefined {
    try {
      return this.resolver.checker.getTypeAtLocation(expression).getSymbol()?.getName();
    } catch {
      return undefined;
    }
  }

  // ---- TypeORM, Sequelize, Mongoose, MikroORM ---------------------------------

  private describeRepositoryLike(
    call: TS.CallExpression,
    method: string,
    receiver: TS.Expression,
  ): DescribedAccess[] | undefined {
    const { ts } = this;
    // Resolving a receiver's package costs a type lookup: only for method names some ORM uses.
    if (!REPOSITORY_METHODS.has(method)) return undefined;
    const pkg = this.findPackage(receiver);
    if (!pkg) return undefined;
    if (ORM_PACKAGES.typeorm(pkg)) {
      const isRead = TYPEORM_READS.has(method);
      if (!isRead && !TYPEORM_WRITES.has(method)) return undefined;
      // EntityManager: the entity class is the first argument; a Repository carries it in its type.
      const first = call.arguments[0];
      const fromArgument =
        first && ts.isIdentifier(this.resolver.skipOuter(first)) && this.isClass(first)
          ? (this.resolver.skipOuter(first) as TS.Identifier).text
          : undefined;
      const entity = fromArgument ?? this.findTypeormEntity(receiver);
      return entity ? [this.access(entity, isRead ? "read" : "write", method, "typeorm")] : undefined;
    }
    if (ORM_PACKAGES.sequelize(pkg)) {
      const isRead = SEQUELIZE_READS.has(method);
      if (!isRead && !SEQUELIZE_WRITES.has(method)) return undefined;
      const model = this.resolver.skipOuter(receiver);
      if (!ts.isIdentifier(model) && !ts.isPropertyAccessExpression(model)) return undefined;
      const name = ts.isIdentifier(model) ? model.text : model.name.text;
      return [this.access(name, isRead ? "read" : "write", method, "sequelize")];
    }
    if (ORM_PACKAGES.mongoose(pkg)) {
      const isRead = MONGOOSE_READS.has(method);
      if (!isRead && !MONGOOSE_WRITES.has(method)) return undefined;
      const name = this.findMongooseModelName(receiver);
      return name ? [this.access(name, isRead ? "read" : "write", method, "mongoose")] : undefined;
    }
    if (ORM_PACKAGES["mikro-orm"](pkg)) {
      const first = call.arguments[0];
      if (MIKRO_ENTITY_WRITES.has(method) && first) {
        const type = this.resolver.checker.getTypeAtLocation(first);
        const name = type.getSymbol()?.getName();
        return name && name !== "__type" ? [this.access(name, "write", method, "mikro-orm")] : undefined;
      }
      const isRead = MIKRO_READS.has(method);
      if ((!isRead && !MIKRO_WRITES.has(method)) || !first || !ts.isIdentifier(this.resolver.skipOuter(first)))
        return undefined;
      return [
        this.access(
          (this.resolver.skipOuter(first) as TS.Identifier).text,
          isRead ? "read" : "write",
          method,
          "mikro-orm",
        ),
      ];
    }
    return undefined;
  }

  /** `Repository<User>` (type or annotation), `getRepository(User)`, `@InjectRepository(User)`. */
  private findTypeormEntity(receiver: TS.Expression): string | undefined {
    const { ts } = this;
    const { checker } = this.resolver;
    try {
      const type = checker.getTypeAtLocation(receiver);
      const argument =
        (type.flags & ts.TypeFlags.Object) !== 0 ? checker.getTypeArguments(type as TS.TypeReference)[0] : undefined;
      const name = argument?.getSymbol()?.getName();
      if (name && name !== "ObjectLiteral" && name !== "__type") return name;
    } catch {
      // fall through to declarations
    }
    const node = this.resolver.skipOuter(receiver);
    const nameNode = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) ? node.name : undefined;
    const declaration = nameNode ? this.resolver.checker.getSymbolAtLocation(nameNode)?.valueDeclaration : undefined;
    if (!declaration) return undefined;
    if (
      (ts.isParameter(declaration) || ts.isPropertyDeclaration(declaration)) &&
      declaration.type &&
      ts.isTypeReferenceNode(declaration.type)
    ) {
      const argument = declaration.type.typeArguments?.[0];
      if (argument && ts.isTypeReferenceNode(argument)) return argument.typeName.getText();
    }
    if (ts.isParameter(declaration) || ts.isPropertyDeclaration(declaration)) {
      for (const decorator of ts.getDecorators(declaration) ?? []) {
        const expression = decorator.expression;
        if (
          ts.isCallExpression(expression) &&
          expression.expression.getText() === "InjectRepository" &&
          expression.arguments[0]
        )
          return expression.arguments[0].getText();
      }
    }
    const initializer =
      (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.initializer
        ? this.resolver.skipOuter(declaration.initializer)
        : undefined;
    if (
      initializer &&
      ts.isCallExpression(initializer) &&
      ts.isPropertyAccessExpression(initializer.expression) &&
      initializer.expression.name.text === "getRepository" &&
      initializer.arguments[0]
    ) {
      return initializer.arguments[0].getText();
    }
    return undefined;
  }

  /** `model("User", schema)` / `mongoose.model<IUser>("User")`: the model name given at creation. */
  private findMongooseModelName(receiver: TS.Expression): string | undefined {
    const { ts } = this;
    const node = this.resolver.skipOuter(receiver);
    const nameNode = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) ? node.name : undefined;
    const declaration = nameNode ? this.resolver.getDeclaredSymbol(nameNode)?.valueDeclaration : undefined;
    if (
      declaration &&
      (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) &&
      declaration.initializer
    ) {
      const initializer = this.resolver.skipOuter(declaration.initializer);
      if (ts.isCallExpression(initializer) && initializer.arguments[0]) {
        const name = this.resolver.foldString(initializer.arguments[0]);
        if (name) return name;
      }
    }
    return nameNode?.text.replace(/Model$/, "");
  }

  // ---- Knex ------------------------------------------------------------------

  /** `knex("users").where(…).update(…)`, `db("users").insert(…)`, `knex("users").select()`. */
  private describeKnex(
    call: TS.CallExpression,
    method: string,
    receiver: TS.Expression,
  ): DescribedAccess[] | undefined {
    const { ts } = this;
    const isWrite = KNEX_WRITES.has(method);
    if (!isWrite && !["select", "first", "pluck"].includes(method)) return undefined;
    // Walk down the builder chain to the `knex("table")` call.
    let current = this.resolver.skipOuter(receiver);
    for (let step = 0; step < 12 && ts.isCallExpression(current); step++) {
      const callee = this.resolver.skipOuter(current.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        current = this.resolver.skipOuter(callee.expression);
        continue;
      }
      const table = current.arguments[0] && this.resolver.foldString(current.arguments[0]);
      if (table === undefined || !this.isFrom(callee, "knex")) return undefined;
      void call;
      return [this.access(table.split(/\s+/)[0]!, isWrite ? "write" : "read", method, "knex")];
    }
    return undefined;
  }

  // ---- raw SQL -----------------------------------------------------------------

  /** `pool.query("UPDATE users …")`, `connection.execute(sql)`, `dataSource.query(…)`, `knex.raw(…)`. */
  private describeRawSql(
    call: TS.CallExpression,
    method: string,
    receiver: TS.Expression,
  ): DescribedAccess[] | undefined {
    if (!SQL_CALL_METHODS.has(method)) return undefined;
    const first = call.arguments[0];
    if (!first) return undefined;
    const text = this.foldSqlText(first);
    if (text === undefined) return undefined;
    const pkg = this.findPackage(receiver);
    if (!pkg) return undefined;
    const orm: Orm | undefined = SQL_PACKAGES.has(pkg)
      ? "sql"
      : ORM_PACKAGES.typeorm(pkg)
        ? "typeorm"
        : ORM_PACKAGES.knex(pkg)
          ? "knex"
          : ORM_PACKAGES.prisma(pkg)
            ? "prisma"
            : ORM_PACKAGES.sequelize(pkg)
              ? "sequelize"
              : undefined;
    return orm ? this.parseSql(text, orm) : undefined;
  }

  private foldSqlText(expression: TS.Expression): string | undefined {
    const { ts } = this;
    const node = this.resolver.skipOuter(expression);
    if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) return this.templateText(node);
    const folded = this.resolver.foldString(node);
    if (folded !== undefined) return folded;
    // `{ text: "UPDATE …", values }` (pg query config).
    const { props } = this.resolver.readOptions(node);
    const text = props.get("text") ?? props.get("sql");
    return text ? this.resolver.foldString(text) : undefined;
  }

  private templateText(template: TS.TemplateLiteral): string {
    const { ts } = this;
    if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text;
    return template.head.text + template.templateSpans.map((span) => ` ? ${span.literal.text}`).join("");
  }

  /** The tables an SQL text writes (`UPDATE t`, `INSERT INTO t`, `DELETE FROM t`, `MERGE INTO t`) and reads (`FROM t`, `JOIN t`). */
  parseSql(text: string, orm: Orm): DescribedAccess[] {
    const sql = text.replace(/--[^\n]*/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ");
    const identifier = String.raw`((?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][\w$]*))?)`;
    const accesses: DescribedAccess[] = [];
    const seen = new Set<string>();
    const add = (name: string, operation: DescribedAccess["operation"], action: string) => {
      const table = name
        .split(".")
        .pop()!
        .replace(/["\x60[\]]/g, "")
        .trim();
      const key = `${operation}:${table.toLowerCase()}`;
      if (!table || seen.has(key)) return;
      seen.add(key);
      accesses.push(this.access(table, operation, action, orm));
    };
    for (const [pattern, action] of [
      [new RegExp(String.raw`\bUPDATE\s+(?:ONLY\s+)?${identifier}`, "gi"), "UPDATE"],
      [new RegExp(String.raw`\bINSERT\s+(?:IGNORE\s+)?INTO\s+${identifier}`, "gi"), "INSERT"],
      [new RegExp(String.raw`\bREPLACE\s+INTO\s+${identifier}`, "gi"), "REPLACE"],
      [new RegExp(String.raw`\bDELETE\s+FROM\s+(?:ONLY\s+)?${identifier}`, "gi"), "DELETE"],
      [new RegExp(String.raw`\bMERGE\s+INTO\s+${identifier}`, "gi"), "MERGE"],
      [new RegExp(String.raw`\bTRUNCATE\s+(?:TABLE\s+)?${identifier}`, "gi"), "TRUNCATE"],
    ] as const) {
      for (const match of sql.matchAll(pattern)) {
        add(match[1]!, "write", action);
        if (action === "UPDATE") {
          const written = accesses.at(-1);
          if (written?.action === "UPDATE" && written.fields === undefined)
            written.fields = parseSetColumns(sql.slice(match.index! + match[0].length));
        }
      }
    }
    if (/^\s*(?:WITH\b[\s\S]*?)?\bSELECT\b/i.test(sql)) {
      for (const match of sql.matchAll(new RegExp(String.raw`\b(?:FROM|JOIN)\s+${identifier}`, "gi"))) {
        if (!/^(select|lateral|unnest)$/i.test(match[1]!)) add(match[1]!, "read", "SELECT");
      }
    }
    return accesses;
  }

  // ---- written fields ------------------------------------------------------------

  /**
   * The columns an update call writes, from its object literal: Prisma `data`, TypeORM
   * `update(criteria, partial)`, Sequelize `update(values)`, Mongoose `updateOne(filter, { $set })`,
   * Drizzle and Kysely `.set({…})`, Knex `.update({…})`. Undefined for deletes and inserts, and
   * when the literal has spreads or computed names.
   */
  private findWrittenFields(call: TS.CallExpression, access: DescribedAccess): string[] | undefined {
    const { ts } = this;
    const method = access.action;
    const args = call.arguments;
    switch (access.orm) {
      case "prisma": {
        if (!/^update/.test(method) && method !== "upsert") return undefined;
        const data = this.resolver.readOptions(args[0]).props.get(method === "upsert" ? "update" : "data");
        return data ? this.readLiteralKeys(data) : undefined;
      }
      case "typeorm":
      case "mikro-orm":
        // A query builder's `update(User).set({ … })`.
        if (method === "update" && args.length <= 1) {
          const values = this.findChainedMethods(call).find((m) => m.name === "set")?.call.arguments[0];
          return values ? this.readLiteralKeys(values) : undefined;
        }
        if (method === "update" || method === "nativeUpdate")
          return args[1] ? this.readLiteralKeys(args[1]) : undefined;
        if ((method === "increment" || method === "decrement") && args[1]) {
          const column = this.resolver.foldString(args[1]);
          return column === undefined ? undefined : [column];
        }
        return undefined;
      case "sequelize":
        return method === "update" && args[0] ? this.readLiteralKeys(args[0]) : undefined;
      case "mongoose":
        if (!/^(updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate)$/.test(method) || !args[1]) return undefined;
        return this.readMongoUpdateKeys(args[1]);
      case "knex":
        return method === "update" && args[0] ? this.readLiteralKeys(args[0]) : undefined;
      case "drizzle":
      case "kysely": {
        if (method !== "update" && method !== "updateTable") return undefined;
        // `db.update(t).set({…})`, possibly after `.where(…)`: follow the builder chain up.
        let current: TS.Node = call;
        for (let step = 0; step < 6; step++) {
          const access = current.parent;
          if (
            !access ||
            !ts.isPropertyAccessExpression(access) ||
            !access.parent ||
            !ts.isCallExpression(access.parent)
          )
            return undefined;
          if (access.name.text === "set")
            return access.parent.arguments[0] ? this.readLiteralKeys(access.parent.arguments[0]) : undefined;
          current = access.parent;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The columns a read returns when it names them (Prisma `select`); undefined for whole rows. */
  private findSelectedFields(call: TS.CallExpression, access: DescribedAccess): string[] | undefined {
    if (access.orm !== "prisma" || !call.arguments[0]) return undefined;
    const select = this.resolver.readOptions(call.arguments[0]).props.get("select");
    return select ? this.readLiteralKeys(select) : undefined;
  }

  /** Property names of an object literal, or undefined when it is not one or has spreads or computed names. */
  private readLiteralKeys(expression: TS.Expression): string[] | undefined {
    const { ts } = this;
    const node = this.resolver.skipOuter(expression);
    if (!ts.isObjectLiteralExpression(node)) return undefined;
    const keys: string[] = [];
    for (const property of node.properties) {
      if (ts.isSpreadAssignment(property)) {
        // `...(cond && { a })`, `...(cond ? { a } : {})`: the keys of the literals it may add.
        for (const part of this.resolver.listSpreadParts(property.expression)) {
          const inner = this.readLiteralKeys(part);
          if (!inner) return undefined;
          keys.push(...inner);
        }
        continue;
      }
      const name = property.name;
      if (!name || !(ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return undefined;
      keys.push(name.text);
    }
    return keys;
  }

  /** `{ $set: { a }, $inc: { b: 1 } }` → `a`, `b`; a plain replacement document → its keys. */
  private readMongoUpdateKeys(expression: TS.Expression): string[] | undefined {
    const keys = this.readLiteralKeys(expression);
    if (!keys || !keys.some((key) => key.startsWith("$"))) return keys;
    const { props } = this.resolver.readOptions(expression);
    const fields: string[] = [];
    for (const key of keys) {
      const inner = key.startsWith("$") ? props.get(key) : undefined;
      const innerKeys = inner ? this.readLiteralKeys(inner) : undefined;
      if (!key.startsWith("$")) fields.push(key);
      else if (!innerKeys) return undefined;
      else fields.push(...innerKeys.map((k) => k.split(".")[0]!));
    }
    return fields;
  }

  // ---- identity ----------------------------------------------------------------

  private access(name: string, operation: DescribedAccess["operation"], action: string, orm: Orm): DescribedAccess {
    return { entity: normalizeEntityName(name), displayName: name, operation, action, orm };
  }

  private isFrom(expression: TS.Expression, orm: Exclude<Orm, "sql">): boolean {
    const pkg = this.findPackage(expression);
    return pkg !== undefined && ORM_PACKAGES[orm](pkg);
  }

  private isClass(expression: TS.Expression): boolean {
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
    }
    if (ts.isShorthandPropertyAssignment(declaration)) {
      const value = this.resolver.checker.getShorthandAssignmentValueSymbol(declaration);
      const inner = value?.valueDeclaration;
      return inner ? this.findPackageOfDeclaration(inner, depth + 1) : undefined;
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
    let type: TS.Type;
    try {
      type = this.resolver.checker.getTypeAtLocation(expression);
    } catch {
      return undefined;
    }
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

/** `Users`, `users`, `user_accounts`, `"UserAccount"` → a comparable entity name: lower case, no separators, singular. */
export function normalizeEntityName(name: string): string {
  let normalized = name
    .replace(/["'\x60[\]]/g, "")
    .replace(/[_\-\s]/g, "")
    .toLowerCase();
  if (normalized.endsWith("ies") && normalized.length > 4) normalized = `${normalized.slice(0, -3)}y`;
  else if (/(ses|xes|ches|shes)$/.test(normalized)) normalized = normalized.slice(0, -2);
  else if (normalized.endsWith("s") && !normalized.endsWith("ss") && normalized.length > 3)
    normalized = normalized.slice(0, -1);
  return normalized;
}

/** The columns of an SQL `SET a = …, "b" = …` clause that follows an `UPDATE t`; undefined when there is none. */
export function parseSetColumns(rest: string): string[] | undefined {
  const clause = /^\s*(?:AS\s+\w+\s+|\w+\s+)?SET\s+([\s\S]*?)(?:\bWHERE\b|\bRETURNING\b|\bFROM\b|;|$)/i.exec(rest);
  if (!clause) return undefined;
  // Only top-level assignments: drop parenthesised parts (function calls, subqueries) first.
  let text = clause[1]!;
  for (let previous = ""; previous !== text;) {
    previous = text;
    text = text.replace(/\([^()]*\)/g, "");
  }
  const columns = [
    ...text.matchAll(
      /(?:^|,)\s*((?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][\w$]*))?)\s*=/g,
    ),
  ].map((m) =>
    m[1]!
      .split(".")
      .pop()!
      .replace(/["\x60]/g, "")
      .trim(),
  );
  return columns.length > 0 ? columns : undefined;
}
