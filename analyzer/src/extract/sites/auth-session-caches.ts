// An authentication library's store of sessions, configured by options (Better Auth's `secondaryStorage`): one site at
// the configuring call, a write of a family that holds the signed-in user's row for the session's lifetime; and the
// user fields the code reads off the sessions the library serves (`(await auth.api.getSession(…)).user.name`), which
// are the copies a direct write of the row leaves stale.
import type * as TS from "typescript";
import type { HeldEntity, Orm, SessionUserRead, Ttl } from "../../model/cache-model";
import {
  BETTER_AUTH_DATABASE_ADAPTERS,
  BETTER_AUTH_INVALIDATION_FIX,
  BETTER_AUTH_SESSION_EXPIRES_IN_SECONDS,
  BETTER_AUTH_SESSION_READ,
  BETTER_AUTH_SESSION_USER_FIELDS,
  BETTER_AUTH_USER_MODEL,
} from "../../libraries/better-auth";
import { normalizeEntityName } from "../entities/entity-helpers";
import type { SiteBuilder } from "../site-builder";
import { walkTree } from "../walk";

export function addAuthSessionCacheSite(builder: SiteBuilder, call: TS.CallExpression): void {
  const r = builder.resolver;
  const { ts } = builder;
  const options = r.readOptions(call.arguments[0]);
  if (!options.literal) return;
  // Only a secondary store keeps sessions (with their user) for the session's lifetime. A cookie cache alone serves a
  // session for its `maxAge` (minutes), the lag the project accepted by turning it on: it is not reported.
  const storage = options.props.get("secondaryStorage");
  if (storage === undefined || isAbsent(builder, storage)) return;
  const session = r.readOptions(options.props.get("session"));
  const expiresIn = session.props.get("expiresIn");
  const ttl: Ttl = expiresIn
    ? builder.instances.readTtl(expiresIn, "s")
    : {
        kind: "set",
        ms: BETTER_AUTH_SESSION_EXPIRES_IN_SECONDS * 1000,
        text: `${BETTER_AUTH_SESSION_EXPIRES_IN_SECONDS}`,
        unit: "s",
      };
  const user = r.readOptions(options.props.get("user"));
  const modelName = user.props.get("modelName");
  const model = modelName && r.skipOuter(modelName);
  const modelText = model && ts.isStringLiteralLike(model) ? model.text : BETTER_AUTH_USER_MODEL;
  const additional = r.readOptions(user.props.get("additionalFields"));
  const held: HeldEntity = {
    entity: normalizeEntityName(modelText),
    displayName: modelText,
    fields: [...BETTER_AUTH_SESSION_USER_FIELDS, ...additional.props.keys()],
    orm: findOrm(builder, options.props.get("database")),
    writeThrough: BETTER_AUTH_INVALIDATION_FIX,
  };
  builder.addSite(call, storage.parent, {
    library: "better-auth",
    kind: "framework",
    operation: "write",
    method: "betterAuth",
    ttl,
    heldEntities: [held],
  });
}

/**
 * The user fields read off sessions that a configured instance serves: `const s = await auth.api.getSession(…)`, then
 * `s.user.name` (optional chaining too) in the same function, where `auth` is a `const` whose initializer is the
 * library's configuring call (in any file).
 */
export function findSessionUserReads(builder: SiteBuilder, sourceFile: TS.SourceFile): SessionUserRead[] {
  const { ts } = builder;
  const r = builder.resolver;
  const byInstance = new Map<string, Set<string>>();
  walkTree(ts, sourceFile, (node) => {
    if (!ts.isCallExpression(node)) return;
    const configuredAt = findSessionInstance(builder, node);
    const variable = configuredAt ? findResultVariable(builder, node) : undefined;
    if (!configuredAt || !variable) return;
    const symbol = r.checker.getSymbolAtLocation(variable);
    if (!symbol) return;
    const fields = byInstance.get(configuredAt) ?? new Set<string>();
    walkTree(ts, findScope(builder, node), (inner) => {
      if (
        !ts.isIdentifier(inner) ||
        inner === variable ||
        inner.text !== variable.text ||
        r.checker.getSymbolAtLocation(inner) !== symbol
      )
        return;
      const user = inner.parent;
      if (ts.isPropertyAccessExpression(user) && user.expression === inner && user.name.text === "user") {
        const field = user.parent;
        if (ts.isPropertyAccessExpression(field) && field.expression === user) fields.add(field.name.text);
      }
    });
    if (fields.size > 0) byInstance.set(configuredAt, fields);
  });
  return [...byInstance].map(([configuredAt, fields]) => ({ configuredAt, fields: [...fields].sort() }));
}

/** `auth.api.getSession(…)` where `auth` is the library's instance: the id of its configuring call. */
function findSessionInstance(builder: SiteBuilder, call: TS.CallExpression): string | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== BETTER_AUTH_SESSION_READ.method) return undefined;
  const api = callee.expression;
  if (!ts.isPropertyAccessExpression(api) || api.name.text !== BETTER_AUTH_SESSION_READ.namespace) return undefined;
  const receiver = r.skipOuter(api.expression);
  if (!ts.isIdentifier(receiver)) return undefined;
  const initializer = r.getConstInitializer(r.getDeclaredSymbol(receiver));
  const configuring = initializer && r.skipOuter(initializer);
  if (!configuring || !ts.isCallExpression(configuring)) return undefined;
  const origin = r.findImportOrigin(configuring.expression);
  if (origin?.module !== "better-auth" || origin.path.join(".") !== "betterAuth") return undefined;
  const span = r.makeSpan(configuring);
  return `${span.file}:${span.start}`;
}

/** The variable a call's result is kept in: `const s = await call`, `s = await call`. */
function findResultVariable(builder: SiteBuilder, call: TS.CallExpression): TS.Identifier | undefined {
  const { ts } = builder;
  let node: TS.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name))
    return parent.name;
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === node &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isIdentifier(parent.left)
  )
    return parent.left;
  return undefined;
}

/** The function around a node (the file for top-level code). */
function findScope(builder: SiteBuilder, node: TS.Node): TS.Node {
  const { ts } = builder;
  let current: TS.Node | undefined = node.parent;
  while (current && !ts.isFunctionLike(current) && !ts.isSourceFile(current)) current = current.parent;
  return current ?? node.getSourceFile();
}

/** `undefined`, `null` or `false` given as the option: no store. */
function isAbsent(builder: SiteBuilder, expression: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(expression);
  return (
    (ts.isIdentifier(node) && node.text === "undefined") ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword
  );
}

/** The ORM of the library's database adapter (`database: prismaAdapter(prisma, …)`). */
function findOrm(builder: SiteBuilder, expression: TS.Expression | undefined): Orm | undefined {
  const node = expression && builder.resolver.skipOuter(expression);
  if (!node || !builder.ts.isCallExpression(node)) return undefined;
  const origin = builder.resolver.findImportOrigin(node.expression);
  const name = origin?.module.startsWith("better-auth/adapters") ? origin.path.at(-1) : undefined;
  return name ? BETTER_AUTH_DATABASE_ADAPTERS[name] : undefined;
}
