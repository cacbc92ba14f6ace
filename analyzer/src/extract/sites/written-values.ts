// A post-pass over the write sites: where each stored value comes from (calls and parameters), once all sites are known.
import type * as TS from "typescript";
import { mergeValueSources, traceValueSources } from "../value-sources";
import type { SiteBuilder } from "../site-builder";
import type { CacheSite } from "../../model/cache-model";

/** For writes that store a value: the calls and parameters the value comes from. */
export function traceWrittenValues(builder: SiteBuilder): void {
  const { ts } = builder;
  for (const [site, call] of builder.siteCalls) {
    // A declared layer's sites know their value already (the argument its declaration names).
    if (site.operation !== "write" || site.valueSources) continue;
    const args = call.arguments;
    let values: TS.Expression[] = [];
    if (site.kind === "redis") {
      if (site.method === "set" || site.method === "setnx" || site.method === "getset") values = args.slice(1, 2);
      else if (site.method === "setex" || site.method === "psetex") values = args.slice(2, 3);
      else if (site.method === "hset" || site.method === "hmset" || site.method === "hsetnx") values = args.slice(1);
    } else if (site.kind === "in-process" || site.kind === "remote-kv") {
      if (site.method === "getOrSet" || site.method === "getOrSetForever") {
        // bentocache `getOrSet({ key, factory })`; cacheable `getOrSet(key, fn, options)`.
        const factory =
          args[0] && builder.ts.isObjectLiteralExpression(builder.resolver.skipOuter(args[0]))
            ? builder.resolver.readOptions(args[0]).props.get("factory")
            : args[1];
        values = factory ? [factory] : [];
      } else values = args.slice(1, 2);
    }
    values = values.filter((value) => !ts.isSpreadElement(value));
    if (values.length === 0) continue;
    // `SET key v NX` / `SETNX` / Memcached `add`: an idempotency marker or a lock, not a copy of the source of truth.
    if (
      (site.kind === "redis" && (site.method === "setnx" || hasNxFlag(builder, args))) ||
      (site.kind === "remote-kv" && site.setIfAbsent)
    ) {
      site.valueSources = { calls: [], parameters: [], callFields: {}, parameterFields: {} };
      continue;
    }
    const owner = builder.callGraph.findOwner(call);
    const traced = values.map((value) => traceValueSources(builder.resolver, value, owner));
    site.valueSources = mergeValueSources(traced);
    if (owner && ts.isFunctionLike(owner) && isRequestInput(builder, owner, site.valueSources))
      site.storesRequestInput = true;
  }
}

/**
 * For deletes whose key is built from fields of a value (`del(keys.user(user.email))`, `` del(`link:${row.address}`) ``):
 * the parameters and calls those fields are read from, so that a delete can be tied to the rows an update returned or
 * that were read again after it. Absent when the key uses no value's fields (a whole id, a constant).
 */
export function traceDeletedKeys(builder: SiteBuilder): void {
  const { ts } = builder;
  for (const [site, call] of builder.siteCalls) {
    if (site.operation !== "delete" || !site.key || site.keyParameter !== undefined) continue;
    const keys = (site.kind === "redis" ? call.arguments : call.arguments.slice(0, 1)).filter(
      (argument) => !ts.isSpreadElement(argument),
    );
    if (keys.length === 0) continue;
    const owner = builder.callGraph.findOwner(call);
    const sources = mergeValueSources(
      keys.map((key) => traceValueSources(builder.resolver, key, owner, { throughArguments: true })),
    );
    const hasFields = Object.keys(sources.parameterFields).length > 0 || Object.keys(sources.callFields).length > 0;
    if (hasFields) site.keySources = sources;
  }
}

/** What a request handler reads the client's data from: `req.body`, `req.query`, `request.params`. */
const REQUEST_DATA_FIELDS = new Set(["body", "query", "params", "searchParams", "cookies", "headers"]);

/**
 * The value comes only from what the request sent (`req.body`), nothing read from a database or a service: the key is
 * where that data is kept, not a copy of it. A request parameter is one whose type is named `…Request` (Next.js,
 * Express, Fastify, the Fetch API) or, without types, one named `req` or `request`.
 */
function isRequestInput(
  builder: SiteBuilder,
  fn: TS.SignatureDeclaration,
  sources: NonNullable<CacheSite["valueSources"]>,
): boolean {
  const { ts } = builder;
  if (sources.calls.length > 0 || sources.parameters.length === 0) return false;
  return sources.parameters.every((index) => {
    const parameter = fn.parameters[index];
    if (!parameter || !ts.isIdentifier(parameter.name)) return false;
    const fields = sources.parameterFields[index];
    if (!fields || fields.length === 0 || !fields.every((field) => REQUEST_DATA_FIELDS.has(field.split(".")[0]!)))
      return false;
    const typeName = parameter.type && ts.isTypeReferenceNode(parameter.type) ? parameter.type.typeName.getText() : "";
    return /Request$/.test(typeName) || /^req(uest)?$/.test(parameter.name.text);
  });
}

/** ioredis `"NX"` token, node-redis `{ NX: true }` / `{ condition: "NX" }`, Upstash `{ nx: true }`. */
export function hasNxFlag(builder: SiteBuilder, args: readonly TS.Expression[]): boolean {
  const r = builder.resolver;
  for (const argument of args.slice(2)) {
    if (r.foldString(argument)?.toUpperCase() === "NX") return true;
    const { props } = r.readOptions(argument);
    if (props.has("NX") || props.has("nx")) return true;
    const condition = props.get("condition");
    if (condition && r.foldString(condition)?.toUpperCase() === "NX") return true;
  }
  return false;
}
