// Source-of-truth accesses: which entity (table, model, collection) a call reads or writes,
// for Prisma, TypeORM, Drizzle, Kysely, Knex, Sequelize, Mongoose, MikroORM and raw SQL, each
// read by its own file in this folder. Identity comes from the package a receiver's type is
// declared in, or from how the receiver was built (its import origin), never from a variable's
// name. Imports `typescript` for types only.
import type * as TS from "typescript";
import type { Resolver } from "../resolver";
import { describeDrizzle } from "./drizzle";
import { EntityContext, ORM_PACKAGES } from "./entity-context";
import { findBuilderSetKeys, templateText, type DescribedAccess } from "./entity-helpers";
import { describeKnex, findKnexWrittenFields } from "./knex";
import { describeKysely } from "./kysely";
import { describeMikroOrmCall, MIKRO_ENTITY_WRITES, MIKRO_READS, MIKRO_WRITES } from "./mikro-orm";
import { describeMongooseModel, findMongooseWrittenFields, MONGOOSE_READS, MONGOOSE_WRITES } from "./mongoose";
import { describePrisma, describePrismaRawQuery, findPrismaSelectedFields, findPrismaWrittenFields } from "./prisma";
import { describeSequelizeModel, findSequelizeWrittenFields, SEQUELIZE_READS, SEQUELIZE_WRITES } from "./sequelize";
import { describeRawSql, describeSqlTemplate } from "./sql";
import {
  describeTypeormQueryBuilder,
  describeTypeormRepository,
  findTypeormWrittenFields,
  TYPEORM_READS,
  TYPEORM_WRITES,
} from "./typeorm";

/** Method names of repository-style calls (TypeORM, Sequelize, Mongoose, MikroORM), checked before the receiver's package. */
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

export class EntityExtractor {
  private readonly cx: EntityContext;

  constructor(resolver: Resolver) {
    this.cx = new EntityContext(resolver);
  }

  /** The entity accesses a call performs (a raw SQL string can touch several tables). */
  describeCall(call: TS.CallExpression): DescribedAccess[] {
    const { cx } = this;
    const { ts } = cx;
    const callee = cx.resolver.skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = callee.expression;
      const accesses =
        describePrisma(cx, call, method, receiver) ??
        describeTypeormQueryBuilder(cx, call, method, receiver) ??
        describeDrizzle(cx, call, method, receiver) ??
        describeKysely(cx, call, method, receiver) ??
        this.describeRepositoryLike(call, method, receiver) ??
        describeKnex(cx, call, method, receiver) ??
        describeRawSql(cx, call, method, receiver) ??
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
    const { cx } = this;
    const tag = cx.resolver.skipOuter(node.tag);
    const text = templateText(cx, node.template);
    return describePrismaRawQuery(cx, tag, text) ?? describeSqlTemplate(cx, tag, text) ?? [];
  }

  /** TypeORM, Sequelize, Mongoose, MikroORM: the receiver's package says which ORM reads the call. */
  private describeRepositoryLike(
    call: TS.CallExpression,
    method: string,
    receiver: TS.Expression,
  ): DescribedAccess[] | undefined {
    const { cx } = this;
    // Resolving a receiver's package costs a type lookup: only for method names some ORM uses.
    if (!REPOSITORY_METHODS.has(method)) return undefined;
    const pkg = cx.findPackage(receiver);
    if (!pkg) return undefined;
    if (ORM_PACKAGES.typeorm(pkg)) return describeTypeormRepository(cx, call, method, receiver);
    if (ORM_PACKAGES.sequelize(pkg)) return describeSequelizeModel(cx, method, receiver);
    if (ORM_PACKAGES.mongoose(pkg)) return describeMongooseModel(cx, method, receiver);
    if (ORM_PACKAGES["mikro-orm"](pkg)) return describeMikroOrmCall(cx, call, method);
    return undefined;
  }

  /**
   * The columns an update call writes, from its object literal: Prisma `data`, TypeORM
   * `update(criteria, partial)`, Sequelize `update(values)`, Mongoose `updateOne(filter, { $set })`,
   * Drizzle and Kysely `.set({…})`, Knex `.update({…})`. Undefined for deletes and inserts, and
   * when the literal has spreads or computed names.
   */
  private findWrittenFields(call: TS.CallExpression, access: DescribedAccess): string[] | undefined {
    const { cx } = this;
    const method = access.action;
    switch (access.orm) {
      case "prisma":
        return findPrismaWrittenFields(cx, call, method);
      case "typeorm":
      case "mikro-orm":
        return findTypeormWrittenFields(cx, call, method);
      case "sequelize":
        return findSequelizeWrittenFields(cx, call, method);
      case "mongoose":
        return findMongooseWrittenFields(cx, call, method);
      case "knex":
        return findKnexWrittenFields(cx, call, method);
      case "drizzle":
      case "kysely":
        return findBuilderSetKeys(cx, call, method);
      default:
        return undefined;
    }
  }

  /** The columns a read returns when it names them (Prisma `select`); undefined for whole rows. */
  private findSelectedFields(call: TS.CallExpression, access: DescribedAccess): string[] | undefined {
    return access.orm === "prisma" ? findPrismaSelectedFields(this.cx, call) : undefined;
  }
}
