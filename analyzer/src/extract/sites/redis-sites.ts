// Redis command sites: which command, its key, and the TTL each client's argument shape sets.
import type * as TS from "typescript";
import type { InstanceInfo, Operation, Ttl, TtlInsertion } from "../../model/cache-model";
import {
  REDIS_DELETE_COMMANDS,
  REDIS_EXPIRE_COMMANDS,
  REDIS_KEY_CREATING_COMMANDS,
  REDIS_WRITE_WITH_TTL_COMMANDS,
} from "../../libraries/redis-protocol";
import type { RedisProtocolAdapter } from "../../libraries/adapter";
import { getAdapter } from "../../libraries/registry";
import { createArgumentReader } from "../argument-reader";
import type { SiteBuilder } from "../site-builder";
import { hasNxFlag } from "./written-values";

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
      ttl = readRedisSetTtl(builder, instance.library, call);
      ttlInsertion = findRedisTtlInsertion(builder, instance.library, call);
    } else if (args.some((a) => builder.ts.isSpreadElement(a))) {
      ttl = { kind: "unknown" };
    }
  } else if (REDIS_EXPIRE_COMMANDS.has(command)) {
    operation = "expire";
    ttl =
      command === "getex"
        ? readRedisSetTtl(builder, instance.library, call)
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
    setIfAbsent:
      operation === "write" &&
      (command === "setnx" || command === "hsetnx" || (command === "set" && hasNxFlag(builder, args)))
        ? true
        : undefined,
  });
}

export function isKeyCollection(builder: SiteBuilder, expression: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(expression);
  return ts.isArrayLiteralExpression(node) || ts.isObjectLiteralExpression(node);
}

/** The adapter of a Redis-protocol client, or why it cannot read this call. */
function findRedisAdapter(library: InstanceInfo["library"]): RedisProtocolAdapter | undefined {
  const adapter = getAdapter(library);
  return adapter.kind === "redis" ? adapter : undefined;
}

/** TTL of a Redis SET (or GETEX) in the client's own argument shape, read by its adapter. */
function readRedisSetTtl(builder: SiteBuilder, library: InstanceInfo["library"], call: TS.CallExpression): Ttl {
  const adapter = findRedisAdapter(library);
  if (!adapter) return { kind: "unknown" };
  return adapter.setTtl(createArgumentReader(builder.instances, call.arguments, "set", undefined));
}

/** Where and what to insert to give a SET an expiry, in the client's own syntax. */
function findRedisTtlInsertion(
  builder: SiteBuilder,
  library: InstanceInfo["library"],
  call: TS.CallExpression,
): TtlInsertion | undefined {
  return findRedisAdapter(library)?.setTtlInsertion(
    createArgumentReader(builder.instances, call.arguments, "set", undefined),
  );
}
