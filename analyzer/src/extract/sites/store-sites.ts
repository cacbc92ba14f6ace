// Sites on stores used through an instance's methods (lru-cache, node-cache, keyv, cacheable, bentocache, remote stores that
// are not Redis): operation, key, per-entry TTL and tags, as each library's adapter reads them.
import type * as TS from "typescript";
import type { InstanceInfo, KeyTemplate, Operation, Span, Ttl } from "../../model/cache-model";
import { getStoreAdapter } from "../../libraries/registry";
import { createArgumentReader, fromExpr } from "../argument-reader";
import type { SiteBuilder } from "../site-builder";
import { isKeyCollection } from "./redis-sites";
import { readKeyCollection } from "../key-collections";

/** A tag service on the cache (cacheable's `cache.tags.invalidateTag("products")`, `cache.tags.invalidateTags([...])`). */
export function addTagServiceInvalidation(
  builder: SiteBuilder,
  call: TS.CallExpression,
  callee: TS.PropertyAccessExpression,
  cacheExpression: TS.Expression,
  property: string,
  method: string,
): void {
  const owner = builder.instances.resolveReceiver(cacheExpression);
  const service = owner && getStoreAdapter(owner.instance.library)?.tagService;
  if (!owner || !service || service.property !== property || !service.invalidate.has(method)) return;
  const tags = readTagList(builder, call.arguments[0]);
  if (tags.length > 0)
    builder.addSite(call, callee.name, {
      library: owner.instance.library,
      kind: owner.instance.kind,
      operation: "delete",
      method,
      instance: owner.instance,
      tags,
    });
}

/** A call on an in-process cache or a remote store that is not Redis: operation by the adapter's method tables. */
export function addStoreSite(
  builder: SiteBuilder,
  call: TS.CallExpression,
  callee: TS.PropertyAccessExpression,
  method: string,
  instance: InstanceInfo,
): void {
  const r = builder.resolver;
  const adapter = getStoreAdapter(instance.library);
  if (!adapter) return;
  const { methods } = adapter;
  const remote = adapter.kind === "remote-kv" ? adapter : undefined;
  const operation: Operation | undefined = methods.write.has(method)
    ? "write"
    : methods.delete.has(method)
      ? "delete"
      : methods.read.has(method)
        ? "read"
        : remote?.expire.has(method)
          ? "expire"
          : undefined;
  if (!operation) return;
  const read = createArgumentReader(builder.instances, call.arguments, method, undefined);
  let ttl: Ttl = { kind: "none" };
  let keyExpression: TS.Expression | undefined = call.arguments[0];
  let droppedTtl: { text: string; replacedAt: Span } | undefined;
  if (operation === "write" || operation === "expire") {
    const write = adapter.writeTtl(read, method);
    ttl = write.ttl;
    if (write.key !== undefined) keyExpression = fromExpr(write.key);
    // The project replaced the method by a function with fewer parameters: the TTL in the arguments past them is lost.
    const replaced = instance.replacedMethods?.[method];
    const kept = replaced?.parameters;
    if (operation === "write" && ttl.kind === "set" && kept !== undefined && call.arguments.length > kept) {
      const reaching = adapter.writeTtl(
        createArgumentReader(builder.instances, call.arguments.slice(0, kept), method, undefined),
        method,
      ).ttl;
      if (reaching.kind === "none") {
        droppedTtl = { text: ttl.text, replacedAt: replaced!.span };
        ttl = instance.defaultTtl;
      }
    }
  }
  const shape = adapter.callShape(
    read,
    method,
    operation === "write" ? "write" : operation === "delete" || operation === "expire" ? "delete" : "read",
  );
  if (shape.key !== undefined) keyExpression = fromExpr(shape.key);
  const tags = readTagList(builder, shape.tags && fromExpr(shape.tags));
  if (methods.clear.has(method)) keyExpression = undefined;
  // A delete of a collection of keys (`cache.del(names.map((n) => \`group:${n}:members\`))`): one site per key read.
  const collection =
    operation === "delete" && keyExpression && !builder.ts.isSpreadElement(keyExpression)
      ? readKeyCollection(r, keyExpression)
      : undefined;
  const key = collection?.length
    ? collection[0]
    : keyExpression && !builder.ts.isSpreadElement(keyExpression) && !isKeyCollection(builder, keyExpression)
      ? r.buildKeyTemplate(keyExpression)
      : undefined;
  const fields = {
    library: instance.library,
    // A Keyv over a Memcached store writes to Memcached: its sites are that shared store's.
    kind: instance.sharedStore ? instance.kind : adapter.kind,
    operation,
    method,
    instance,
    key,
    ttl,
    tags,
    // Memcached `add`: stored only when the key is absent, a lock or a marker.
    ...(remote?.writeIfAbsent.has(method) ? { setIfAbsent: true as const } : {}),
    ...(droppedTtl ? { droppedTtl } : {}),
  };
  builder.addSite(call, callee.name, fields);
  collection?.slice(1).forEach((other, index) => {
    builder.addSiblingSite(call, callee.name, { ...fields, key: other }, `#${index + 1}`, undefined);
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
