// Raw SQL through drivers and ORMs' escape hatches (`pool.query("UPDATE users …")`,
// `` sql`…` ``, `knex.raw(…)`): the tables the SQL text names.
import type * as TS from "typescript";
import type { Orm } from "../../model/cache-model";
import { ORM_PACKAGES, type EntityContext } from "./entity-context";
import { describeAccess, templateText, type DescribedAccess } from "./entity-helpers";

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

/** `pool.query("UPDATE users …")`, `connection.execute(sql)`, `dataSource.query(…)`, `knex.raw(…)`. */
export function describeRawSql(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const first = call.arguments[0];
  if (!first) return undefined;
  if (!SQL_CALL_METHODS.has(method)) return describeSqlByShape(cx, first, receiver);
  const text = foldSqlText(cx, first);
  if (text === undefined) return undefined;
  const pkg = cx.findPackage(receiver);
  if (!pkg) return isSqlStatement(text) ? markUnidentified(parseSql(text, "sql")) : undefined;
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
  return orm ? parseSql(text, orm) : undefined;
}

/**
 * A project's own database service (`db.write("UPDATE \`user\` SET email = ? WHERE id = ?", [...])` on a service
 * looked up at run time): any method whose first argument is a whole SQL statement, on a receiver no known package
 * backs. The statement's shape is the evidence, so it must be one from its first word (see `isSqlStatement`).
 */
function describeSqlByShape(
  cx: EntityContext,
  first: TS.Expression,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const { ts } = cx;
  const node = cx.resolver.skipOuter(first);
  // Only arguments that can hold text: folding every first argument of every call would cost a lookup each.
  if (
    !ts.isStringLiteral(node) &&
    !ts.isNoSubstitutionTemplateLiteral(node) &&
    !ts.isTemplateExpression(node) &&
    !ts.isIdentifier(node) &&
    !(ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken)
  )
    return undefined;
  const text = foldSqlText(cx, node);
  if (text === undefined || !isSqlStatement(text)) return undefined;
  if (cx.findPackage(receiver) !== undefined) return undefined;
  return markUnidentified(parseSql(text, "sql"));
}

const SQL_NAME = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][\w$]*))?`;
/**
 * Statements by their first words: `UPDATE t SET c =`, `DELETE FROM t`, `INSERT INTO t (…)`, `SELECT … FROM t`,
 * with the keywords all in capitals or all in lower case (`Select a file from the list` is a sentence).
 */
function buildStatementPattern(keyword: (word: string) => string): RegExp {
  const k = keyword;
  return new RegExp(
    [
      String.raw`^${k("UPDATE")}\s+(?:${k("ONLY")}\s+)?${SQL_NAME}\s+(?:${k("AS")}\s+\w+\s+|\w+\s+)?${k("SET")}\s+${SQL_NAME}\s*=`,
      String.raw`^${k("DELETE")}\s+${k("FROM")}\s+(?:${k("ONLY")}\s+)?${SQL_NAME}\s*(?:${k("WHERE")}\b|${k("USING")}\b|${k("RETURNING")}\b|${k("LIMIT")}\b|;|$)`,
      String.raw`^(?:${k("INSERT")}(?:\s+${k("IGNORE")})?|${k("REPLACE")})\s+${k("INTO")}\s+${SQL_NAME}\s*(?:\(|${k("VALUES")}\b|${k("SELECT")}\b|${k("SET")}\b|${k("DEFAULT")}\b)`,
      String.raw`^${k("SELECT")}\s[\s\S]*?\b${k("FROM")}\s+${SQL_NAME}`,
    ].join("|"),
  );
}
const SQL_STATEMENTS = [buildStatementPattern((word) => word), buildStatementPattern((word) => word.toLowerCase())];

/** A whole SQL statement (after comments and leading space), not a sentence that mentions a table. */
export function isSqlStatement(text: string): boolean {
  const sql = text
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .trim();
  return SQL_STATEMENTS.some((pattern) => pattern.test(sql));
}

/** Accesses read from SQL text whose driver was not identified: a fact the report can state. */
function markUnidentified(accesses: DescribedAccess[]): DescribedAccess[] {
  for (const access of accesses) access.unidentifiedDriver = true;
  return accesses;
}

/** postgres.js, Neon and Vercel Postgres tagged templates: `` sql`UPDATE users …` ``. */
export function describeSqlTemplate(
  cx: EntityContext,
  tag: TS.Expression,
  text: string,
): DescribedAccess[] | undefined {
  const pkg = cx.findPackage(tag);
  if (pkg === "postgres" || pkg === "@neondatabase/serverless" || pkg === "@vercel/postgres")
    return parseSql(text, "sql");
  return undefined;
}

function foldSqlText(cx: EntityContext, expression: TS.Expression): string | undefined {
  const { ts } = cx;
  const node = cx.resolver.skipOuter(expression);
  if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) return templateText(cx, node);
  const folded = cx.resolver.foldString(node);
  if (folded !== undefined) return folded;
  // `{ text: "UPDATE …", values }` (pg query config).
  const { props } = cx.resolver.readOptions(node);
  const text = props.get("text") ?? props.get("sql");
  return text ? cx.resolver.foldString(text) : undefined;
}

/** The tables an SQL text writes (`UPDATE t`, `INSERT INTO t`, `DELETE FROM t`, `MERGE INTO t`) and reads (`FROM t`, `JOIN t`). */
export function parseSql(text: string, orm: Orm): DescribedAccess[] {
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
    accesses.push(describeAccess(table, operation, action, orm));
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

/** The columns of an SQL `SET a = …, "b" = …` clause that follows an `UPDATE t`; undefined when there is none. */
function parseSetColumns(rest: string): string[] | undefined {
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
