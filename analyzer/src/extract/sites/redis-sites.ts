// Redis command sites: which command, its key, and the TTL each client's argument shape sets.
import type * as TS from "typescript";
import type { InstanceInfo, Operation, Ttl, TtlInsertion } from "../../model/cache-model";
import {
  REDIS_DELETE_COMMANDS,
  REDIS_EXPIRE_COMMANDS,
  REDIS_KEY_CREATING_COMMANDS,
  REDIS_WRITE_WITH_TTL_COMMANDS,
} from "../library-table";
import type { SiteBuilder } from "../site-builder";

/** Placeholder a suggestion inserts: an undefined name, so the code does not compile until the user chooses. */
export const TTL_PLACEHOLDER_SECONDS = "TTL_SECONDS";
export const TTL_PLACEHOLDER_MS = "TTL_MS";

export function addRedisSite(
  builder: SiteBuilder,
  call: TS.CallExpression,
  callee: TS.PropertyAccessExpression,
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
      ttl = readRedisSetTtl(builder, instance.library, args);
      ttlInsertion = findRedisTtlInsertion(builder, instance.library, args);
    } else if (args.some((a) => builder.ts.isSpreadElement(a))) {
      ttl = { kind: "unknown" };
    }
  } else if (REDIS_EXPIRE_COMMANDS.has(command)) {
    operation = "expire";
    ttl =
      command === "getex"
        ? readRedisSetTtl(builder, instance.library, args)
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
  const keyArgument = args[0];
  const key =
    keyArgument &&
    command !== "mset" &&
    command !== "msetnx" &&
    !builder.ts.isSpreadElement(keyArgument) &&
    !isKeyCollection(builder, keyArgument)
      ? builder.resolver.buildKeyTemplate(keyArgument)
      : undefined;
  builder.addSite(call, callee.name, {
    library: instance.library,
    kind: "redis",
    operation,
    method: command,
    instance,
    key,
    ttl,
    batchId,
    ttlInsertion,
  });
}

export function isKeyCollection(builder: SiteBuilder, expression: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(expression);
  return ts.isArrayLiteralExpression(node) || ts.isObjectLiteralExpression(node);
}

/** TTL of a Redis SET for each client's argument shape. */
function readRedisSetTtl(builder: SiteBuilder, library: InstanceInfo["library"], args: readonly TS.Expression[]): Ttl {
  const { ts } = builder;
  const r = builder.resolver;
  if (library === "ioredis") {
    // Positional tokens after the value: 'EX' 60 | 'PX' 60000 | 'EXAT' t | 'PXAT' t | 'KEEPTTL'.
    for (let index = 2; index < args.length; index++) {
      const argument = args[index]!;
      if (ts.isSpreadElement(argument)) return { kind: "unknown" };
      const token = r.foldString(argument)?.toUpperCase();
      if (token === undefined) {
        // A token in a variable we cannot fold: could be anything.
        if (index === 2 || !ts.isNumericLiteral(r.skipOuter(argument))) return { kind: "unknown" };
        continue;
      }
      if (token === "KEEPTTL") return { kind: "keep" };
      if (token === "EX" || token === "PX" || token === "EXAT" || token === "PXAT") {
        const value = args[index + 1];
        if (!value) return { kind: "unknown" };
        const unit = token === "EX" ? "s" : token === "PX" ? "ms" : "timestamp";
        return builder.instances.readTtl(value, unit);
      }
    }
    return { kind: "none" };
  }
  const optionsArgument = args[2];
  if (!optionsArgument) return { kind: "none" };
  if (ts.isSpreadElement(optionsArgument)) return { kind: "unknown" };
  const { props, opaque } = r.readOptions(optionsArgument);
  if (library === "node-redis") {
    const expiration = props.get("expiration");
    if (expiration) {
      if (r.foldString(expiration) === "KEEPTTL") return { kind: "keep" };
      const inner = r.readOptions(expiration);
      const type = inner.props.get("type");
      const value = inner.props.get("value");
      if (!type || !value) return { kind: "unknown" };
      const token = r.foldString(type);
      return builder.instances.readTtl(value, token === "PX" ? "ms" : token === "EX" ? "s" : "timestamp");
    }
    if (props.get("KEEPTTL")) return { kind: "keep" };
    for (const [name, unit] of [
      ["EX", "s"],
      ["PX", "ms"],
      ["EXAT", "timestamp"],
      ["PXAT", "timestamp"],
    ] as const) {
      const value = props.get(name);
      if (value) return builder.instances.readTtl(value, unit);
    }
    return opaque ? { kind: "unknown" } : { kind: "none" };
  }
  // @upstash/redis: lower-case, mutually exclusive.
  if (props.get("keepTtl")) return { kind: "keep" };
  for (const [name, unit] of [
    ["ex", "s"],
    ["px", "ms"],
    ["exat", "timestamp"],
    ["pxat", "timestamp"],
  ] as const) {
    const value = props.get(name);
    if (value) return builder.instances.readTtl(value, unit);
  }
  return opaque ? { kind: "unknown" } : { kind: "none" };
}

/** Where and what to insert to give a SET an expiry, in each client's own syntax. */
function findRedisTtlInsertion(
  builder: SiteBuilder,
  library: InstanceInfo["library"],
  args: readonly TS.Expression[],
): TtlInsertion | undefined {
  const value = args[1];
  if (!value) return undefined;
  if (library === "ioredis") return { at: value.getEnd(), text: `, "EX", ${TTL_PLACEHOLDER_SECONDS}` };
  const options = args[2];
  if (library === "node-redis") {
    const v5 = (builder.context.nodeRedisMajor ?? 5) >= 5;
    const property = v5
      ? `expiration: { type: "EX", value: ${TTL_PLACEHOLDER_SECONDS} }`
      : `EX: ${TTL_PLACEHOLDER_SECONDS}`;
    if (!options) return { at: value.getEnd(), text: `, { ${property} }` };
    return insertIntoObjectLiteral(builder, options, property);
  }
  if (library === "upstash-redis") {
    const property = `ex: ${TTL_PLACEHOLDER_SECONDS}`;
    if (!options) return { at: value.getEnd(), text: `, { ${property} }` };
    return insertIntoObjectLiteral(builder, options, property);
  }
  return undefined;
}

function insertIntoObjectLiteral(
  builder: SiteBuilder,
  expression: TS.Expression,
  property: string,
): TtlInsertion | undefined {
  const node = builder.resolver.skipOuter(expression);
  if (!builder.ts.isObjectLiteralExpression(node)) return undefined;
  if (node.properties.length === 0) return { at: node.getStart() + 1, text: ` ${property} ` };
  return { at: node.getStart() + 1, text: ` ${property},` };
}
