// In-process cache sites (lru-cache, node-cache, keyv, cacheable, bentocache, …): operation, key, per-entry TTL and tags.
import type * as TS from "typescript";
import type { InstanceInfo, KeyTemplate, Operation, Ttl } from "../../model/cache-model";
import { IN_PROCESS_DELETE_METHODS, IN_PROCESS_WRITE_METHODS } from "../library-table";
import type { SiteBuilder } from "../site-builder";
import { isKeyCollection } from "./redis-sites";

/** cacheable's tag service: `cache.tags.invalidateTag("products")`, `cache.tags.invalidateTags([...])`. */
export function addCacheableTagInvalidation(
  builder: SiteBuilder,
  call: TS.CallExpression,
  callee: TS.PropertyAccessExpression,
  cacheExpression: TS.Expression,
  method: string,
): void {
  const owner = builder.instances.resolveReceiver(cacheExpression);
  if (owner?.instance.library === "cacheable") {
    const tags = readTagList(builder, call.arguments[0]);
    if (tags.length > 0)
      builder.addSite(call, callee.name, {
        library: "cacheable",
        kind: "in-process",
        operation: "delete",
        method,
        instance: owner.instance,
        tags,
      });
  }
}

export function addInProcessSite(
  builder: SiteBuilder,
  call: TS.CallExpression,
  callee: TS.PropertyAccessExpression,
  method: string,
  instance: InstanceInfo,
): void {
  const r = builder.resolver;
  const args = call.arguments;
  let operation: Operation = IN_PROCESS_WRITE_METHODS.has(method)
    ? "write"
    : IN_PROCESS_DELETE_METHODS.has(method)
      ? "delete"
      : "read";
  if (method === "take") operation = "delete";
  let ttl: Ttl = { kind: "none" };
  let keyExpression: TS.Expression | undefined = args[0];
  if (operation === "write") {
    const read = readInProcessTtl(builder, instance, method, args);
    ttl = read.ttl;
    if (read.key !== undefined) keyExpression = read.key;
  }
  let tags: KeyTemplate[] = [];
  if (instance.library === "cacheable" && operation === "write") {
    // `set(key, value, { ttl, tags })`, `getOrSet(key, fn, { ttl, tags })`.
    const options = args[2] && !builder.ts.isSpreadElement(args[2]) ? r.readOptions(args[2]).props : undefined;
    tags = readTagList(builder, options?.get("tags"));
  }
  if (instance.library === "bentocache" && args[0]) {
    // bentocache takes one options object: `get({ key })`, `getOrSet({ key, factory, tags })`, `deleteByTag({ tags })`.
    const { props } = r.readOptions(args[0]);
    if (props.has("key")) keyExpression = props.get("key");
    tags = readTagList(builder, props.get("tags"));
  }
  if (
    method === "clear" ||
    method === "reset" ||
    method === "flushAll" ||
    method === "clearAll" ||
    method === "deleteByTag"
  )
    keyExpression = undefined;
  const key =
    keyExpression && !builder.ts.isSpreadElement(keyExpression) && !isKeyCollection(builder, keyExpression)
      ? r.buildKeyTemplate(keyExpression)
      : undefined;
  builder.addSite(call, callee.name, {
    library: instance.library,
    kind: "in-process",
    operation,
    method,
    instance,
    key,
    ttl,
    tags,
  });
}

/** `["products", \`user:${id}\`]` → key templates; a single string counts as one tag. */
function readTagList(builder: SiteBuilder, expression: TS.Expression | undefined): KeyTemplate[] {
  if (!expression) return [];
  const node = builder.resolver.skipOuter(expression);
  if (builder.ts.isArrayLiteralExpression(node))
    return node.elements.filter((e) => !builder.ts.isSpreadElement(e)).map((e) => builder.resolver.buildKeyTemplate(e));
  return builder.ts.isStringLiteralLike(node) || builder.ts.isTemplateExpression(node)
    ? [builder.resolver.buildKeyTemplate(node)]
    : [];
}

function readInProcessTtl(
  builder: SiteBuilder,
  instance: InstanceInfo,
  method: string,
  args: readonly TS.Expression[],
): { ttl: Ttl; key?: TS.Expression } {
  const r = builder.resolver;
  const readOption = (index: number, name: string, unit: "ms" | "s"): Ttl => {
    const argument = args[index];
    if (!argument) return { kind: "none" };
    if (builder.ts.isSpreadElement(argument)) return { kind: "unknown" };
    const { props, opaque } = r.readOptions(argument);
    const value = props.get(name);
    if (value) return builder.instances.readTtl(value, unit);
    return opaque ? { kind: "unknown" } : { kind: "none" };
  };
  const readPositional = (index: number, unit: "ms" | "s", zeroMeansNone: boolean): Ttl => {
    const argument = args[index];
    if (!argument) return { kind: "none" };
    if (builder.ts.isSpreadElement(argument)) return { kind: "unknown" };
    return builder.instances.readTtl(argument, unit, zeroMeansNone);
  };
  switch (instance.library) {
    case "lru-cache":
    case "ttlcache":
      return { ttl: readOption(2, "ttl", "ms") };
    case "quick-lru":
      return { ttl: readOption(2, "maxAge", "ms") };
    case "tiny-lru":
      // tiny-lru has no per-entry TTL: only the instance's (second constructor argument).
      return { ttl: { kind: "none" } };
    case "node-cache":
      if (method === "mset") return { ttl: { kind: "unknown" } };
      return { ttl: readPositional(2, "s", true) };
    case "keyv":
      return { ttl: readPositional(2, "ms", false) };
    case "cacheable":
    case "cacheable-memory":
    case "cache-manager": {
      // set(key, value, ttl | { ttl }) and wrap(key, fn, ttl | { ttl }): the TTL is argument 2.
      const unit = instance.library === "cache-manager" ? (builder.instances.cacheManagerUnit ?? "ms") : "ms";
      const argument = args[2];
      if (argument && r.readObjectLiteral(argument)) return { ttl: readOption(2, "ttl", unit) };
      if (method === "mset" || method === "setMany") return { ttl: { kind: "unknown" } };
      return { ttl: readPositional(2, unit, true) };
    }
    case "bentocache": {
      if (method === "setForever" || method === "getOrSetForever")
        return { ttl: { kind: "set", ms: Infinity, text: method, unit: "ms" } };
      const { props, opaque } = r.readOptions(args[0]);
      const ttl = props.get("ttl");
      return {
        ttl: ttl ? builder.instances.readTtl(ttl, "duration") : opaque ? { kind: "unknown" } : { kind: "none" },
        key: props.get("key"),
      };
    }
    default:
      return { ttl: { kind: "unknown" } };
  }
}
