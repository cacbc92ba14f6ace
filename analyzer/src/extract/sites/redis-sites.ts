// Redis command sites: which command, its key, and the TTL each client's argument shape sets.
import type * as TS from "typescript";
import type { InstanceInfo, Operation, Span, Ttl, TtlInsertion } from "../../model/cache-model";
import {
  REDIS_DELETE_COMMANDS,
  REDIS_EXPIRE_COMMANDS,
  REDIS_KEY_CREATING_COMMANDS,
  REDIS_MULTI_KEY_COMMANDS,
  REDIS_WRITE_WITH_TTL_COMMANDS,
} from "../../libraries/redis-protocol";
import { getRedisAdapter } from "../../libraries/registry";
import { createArgumentReader } from "../argument-reader";
import type { SiteBuilder } from "../site-builder";
import { hasNxFlag } from "./written-values";

export function addRedisSite(
  builder: SiteBuilder,
  call: TS.CallExpression,
  /** The method's name at the call (`get` of `client.get`, or of `get(key)` for a bound method). */
  calleeName: TS.Node,
  command: string,
  instance: InstanceInfo,
  batchId: string | undefined,
): void {
  let operation: Operation;
  let ttl: Ttl = { kind: "none" };
  let ttlInsertion: TtlInsertion | undefined;
  const args = call.arguments;
  if (REDIS_WRITE_WITH_TTL_COMMANDS.has(command)) {
    operation = "write";
    const unit = REDIS_WRITE_WITH_TTL_COMMANDS.get(command)!;
    ttl = args[1] ? builder.instances.readTtl(args[1], unit) : { kind: "unknown" };
  } else if (REDIS_KEY_CREATING_COMMANDS.has(command)) {
    operation = "write";
    if (command === "set") {
      const adapter = getRedisAdapter(instance.library);
      const read = createArgumentReader(builder.instances, args, command, undefined);
      ttl = adapter ? adapter.setTtl(read) : { kind: "unknown" };
      ttlInsertion = adapter?.setTtlInsertion(read);
      // Through a project helper over the command (`client.helpers.set(key, value)`), an argument added to the call
      // reaches the command only when the helper takes it.
      const helper = instance.replacedMethods?.[calleeName.getText()];
      if (helper && helper.parameters !== undefined && helper.parameters <= args.length) ttlInsertion = undefined;
    } else if (args.some((a) => builder.ts.isSpreadElement(a))) {
      ttl = { kind: "unknown" };
    }
  } else if (REDIS_EXPIRE_COMMANDS.has(command)) {
    operation = "expire";
    ttl =
      command === "getex"
        ? readSetTtl(builder, instance.library, args)
        : args[1]
          ? builder.instances.readTtl(
              args[1],
              command.startsWith("p") ? "ms" : command.endsWith("at") ? "timestamp" : "s",
            )
          : { kind: "unknown" };
    if (command === "getex" && ttl.kind === "none") operation = "read";
  } else if (REDIS_DELETE_COMMANDS.has(command)) {
    operation = "delete";
  } else {
    operation = "read";
  }
  // A SET that keeps the key's expiry and stores the entry with its fill time zeroed marks it stale for a reader that
  // compares that time with its TTL (`{ data, cachedAt: 0 }` with KEEPTTL): an invalidation that keeps the old value.
  if (operation === "write" && command === "set" && ttl.kind === "keep" && isStaleMarker(builder, args[1]))
    operation = "delete";
  // A helper of the project over the command that takes fewer parameters than the call's arguments: an expiry among
  // the arguments past them never reaches the command (`helpers.mSet(entries, { EX: 60 })` over `mSet(entries)`).
  const droppedTtl = operation === "write" ? findDroppedExpiry(builder, instance, calleeName, args) : undefined;
  if (droppedTtl) {
    ttl = { kind: "none" };
    ttlInsertion = undefined;
  }
  const keyArgument = args[0];
  const key =
    keyArgument &&
    command !== "mset" &&
    command !== "msetnx" &&
    !builder.ts.isSpreadElement(keyArgument) &&
    !isKeyCollection(builder, keyArgument)
      ? builder.resolver.buildKeyTemplate(keyArgument)
      : undefined;
  const fields = {
    library: instance.library,
    kind: "redis" as const,
    operation,
    method: command,
    instance,
    key,
    ttl,
    batchId,
    ttlInsertion,
    ...(droppedTtl ? { droppedTtl } : {}),
    setIfAbsent:
      operation === "write" &&
      (command === "setnx" || command === "hsetnx" || (command === "set" && hasNxFlag(builder, args)))
        ? (true as const)
        : undefined,
  };
  builder.addSite(call, calleeName, fields);
  // `MGET flag rate`, `DEL a b`: the other keys are sites of their own families, at the same call.
  if (REDIS_MULTI_KEY_COMMANDS.has(command) && key) {
    args.slice(1).forEach((argument, index) => {
      if (builder.ts.isSpreadElement(argument) || isKeyCollection(builder, argument)) return;
      const key = builder.resolver.buildKeyTemplate(argument);
      builder.addSiblingSite(call, calleeName, { ...fields, key }, `#${index + 1}`, undefined);
    });
  }
}

export function isKeyCollection(builder: SiteBuilder, expression: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(expression);
  return ts.isArrayLiteralExpression(node) || ts.isObjectLiteralExpression(node);
}

/** The TTL of a SET-shaped call (`GETEX` takes SET's expiry options), in the client's own argument shape. */
function readSetTtl(builder: SiteBuilder, library: InstanceInfo["library"], args: readonly TS.Expression[]): Ttl {
  const adapter = getRedisAdapter(library);
  return adapter
    ? adapter.setTtl(createArgumentReader(builder.instances, args, "getex", undefined))
    : { kind: "unknown" };
}

/** Option names and flags that give a Redis write its expiry. */
const EXPIRY_OPTIONS = new Set(["ex", "px", "exat", "pxat", "expiration", "ttl"]);

/** The expiry handed to a project helper in the arguments it does not take, with the helper's span. */
function findDroppedExpiry(
  builder: SiteBuilder,
  instance: InstanceInfo,
  calleeName: TS.Node,
  args: readonly TS.Expression[],
): { text: string; replacedAt: Span; method: string } | undefined {
  const method = calleeName.getText();
  const helper = instance.replacedMethods?.[method];
  if (!helper || helper.parameters === undefined || args.length <= helper.parameters) return undefined;
  const { ts } = builder;
  for (const argument of args.slice(helper.parameters)) {
    const node = builder.resolver.skipOuter(argument);
    const names = ts.isObjectLiteralExpression(node)
      ? node.properties.map((property) => (property.name ? builder.resolver.getPropertyName(property.name) : undefined))
      : ts.isStringLiteralLike(node)
        ? [node.text]
        : [];
    if (names.some((name) => name !== undefined && EXPIRY_OPTIONS.has(name.toLowerCase())))
      return { text: argument.getText(), replacedAt: helper.span, method };
  }
  return undefined;
}

/** A stored time (`cachedAt`, `fetchedTime`, `timestamp`) that a stale marker sets to zero. */
const STORED_TIME = /(?:at|time|timestamp)$/i;

/** An object written as `{ …, cachedAt: 0 }`, directly or through a `const` the function builds it in. */
function isStaleMarker(builder: SiteBuilder, value: TS.Expression | undefined): boolean {
  if (!value) return false;
  const { ts } = builder;
  const r = builder.resolver;
  let node = r.skipOuter(value);
  if (ts.isIdentifier(node)) {
    const initializer = r.getConstInitializer(r.getDeclaredSymbol(node));
    if (!initializer) return false;
    node = r.skipOuter(initializer);
  }
  if (!ts.isObjectLiteralExpression(node)) return false;
  return node.properties.some((property) => {
    if (!ts.isPropertyAssignment(property)) return false;
    const name = r.getPropertyName(property.name);
    const assigned = r.skipOuter(property.initializer);
    return name !== undefined && STORED_TIME.test(name) && ts.isNumericLiteral(assigned) && Number(assigned.text) === 0;
  });
}
