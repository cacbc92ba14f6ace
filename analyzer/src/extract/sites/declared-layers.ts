// Calls of project cache layers declared in the configuration (`cacheLayers`): each call is a site at the call,
// with the key, TTL and stored value read from the arguments the declaration names. A read-through layer is a read
// and a write at the same call, filled by its loader.
import type * as TS from "typescript";
import type { ArgumentPath, CacheLayer } from "../../model/cache-layers";
import type { InstanceInfo, Ttl } from "../../model/cache-model";
import { findPackageOfDeclarationFile } from "../../libraries/registry";
import { traceValueSources } from "../value-sources";
import type { SiteBuilder } from "../site-builder";

/** The declared layer a call calls: by its declaration (file and name), else by its import (package and export). */
export function findDeclaredLayer(
  builder: SiteBuilder,
  layers: readonly CacheLayer[],
  call: TS.CallExpression,
): CacheLayer | undefined {
  if (layers.length === 0) return undefined;
  const r = builder.resolver;
  const { ts } = builder;
  const callee = r.skipOuter(call.expression);
  const nameNode = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  if (!nameNode || !layers.some((layer) => layer.name.split(".").at(-1) === nameNode.text)) return undefined;
  const symbol = r.getDeclaredSymbol(nameNode);
  for (const declaration of symbol?.declarations ?? []) {
    const name = qualifiedName(ts, declaration);
    if (!name) continue;
    const file = declaration.getSourceFile().fileName.replace(/\\/g, "/");
    const packageName = findPackageOfDeclarationFile(file);
    const found = layers.find(
      (layer) => layer.name === name && (layer.file ? samePath(layer.file, file) : layer.module === packageName),
    );
    if (found) return found;
  }
  // A package without types: `import { withCache } from "@acme/cache"`.
  const origin = r.findImportOrigin(callee);
  if (!origin) return undefined;
  const exportPath = origin.path[0] === "*" || origin.path[0] === "default" ? origin.path.slice(1) : origin.path;
  return layers.find((layer) => layer.module === origin.module && layer.name === exportPath.join("."));
}

function samePath(a: string, b: string): boolean {
  return a.replace(/\\/g, "/") === b;
}

/** `withCache`, `CacheService.get` (a class's or an interface's member), `cache.get` (an object literal's). */
function qualifiedName(ts: SiteBuilder["ts"], declaration: TS.Declaration): string | undefined {
  if (ts.isFunctionDeclaration(declaration)) return declaration.name?.text;
  if (ts.isVariableDeclaration(declaration))
    return ts.isIdentifier(declaration.name) ? declaration.name.text : undefined;
  const member =
    ts.isMethodDeclaration(declaration) ||
    ts.isMethodSignature(declaration) ||
    ts.isPropertyDeclaration(declaration) ||
    ts.isPropertySignature(declaration) ||
    ts.isPropertyAssignment(declaration)
      ? declaration
      : undefined;
  if (!member || !ts.isIdentifier(member.name)) return undefined;
  const owner = member.parent;
  if ((ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) && owner.name)
    return `${owner.name.text}.${member.name.text}`;
  if (
    ts.isObjectLiteralExpression(owner) &&
    ts.isVariableDeclaration(owner.parent) &&
    ts.isIdentifier(owner.parent.name)
  )
    return `${owner.parent.name.text}.${member.name.text}`;
  return undefined;
}

/** The sites of one call of a declared layer. */
export function addDeclaredLayerSites(builder: SiteBuilder, call: TS.CallExpression, layer: CacheLayer): void {
  const r = builder.resolver;
  const keyExpression = readArgument(builder, call, layer.key);
  const key = keyExpression ? r.buildKeyTemplate(keyExpression) : undefined;
  const instance: InstanceInfo = {
    library: "cache-layer",
    kind: "redis",
    constructedAt: undefined,
    name: layer.name,
    // The TTL of each call is read at the call (with the declared default): none is added here.
    defaultTtl: { kind: "none" },
    bound: { kind: "unknown" },
    lifetime: "module",
    optionsOpaque: false,
    storesReferences: false,
    keyPrefix: undefined,
  };
  const calleeNode = builder.ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression;
  const fields = { library: "cache-layer" as const, kind: "redis" as const, instance, key };
  if (layer.operation === "delete") {
    builder.addSite(call, calleeNode, { ...fields, operation: "delete", method: "del" });
    return;
  }
  if (layer.operation === "read") {
    builder.addSite(call, calleeNode, { ...fields, operation: "read", method: "get" });
    return;
  }
  builder.addSite(call, calleeNode, {
    ...fields,
    operation: "write",
    method: "set",
    ttl: readLayerTtl(builder, call, layer),
  });
  const write = builder.sites[builder.sites.length - 1]!;
  const value = readArgument(builder, call, layer.operation === "read-through" ? layer.load : layer.value);
  write.valueSources = value
    ? traceValueSources(r, value, builder.callGraph.findOwner(call))
    : { calls: [], parameters: [], callFields: {}, parameterFields: {} };
  if (layer.operation === "read-through") {
    // The read half of the same call: a distinct id, the same place and key.
    builder.addSiblingSite(
      call,
      calleeNode,
      { ...fields, operation: "read", method: "get" },
      ":read",
      write.keyParameter,
    );
  }
}

function readLayerTtl(builder: SiteBuilder, call: TS.CallExpression, layer: CacheLayer): Ttl {
  const argument = layer.ttl ? readArgument(builder, call, layer.ttl) : undefined;
  if (argument) return builder.instances.readTtl(argument, layer.unit, true);
  if (layer.defaultTtl === "none") return { kind: "none" };
  if (layer.defaultTtl === undefined) return { kind: "unknown" };
  const ms = layer.unit === "s" ? layer.defaultTtl * 1000 : layer.defaultTtl;
  return { kind: "set", ms, text: `${layer.defaultTtl} (the layer's default)`, unit: layer.unit };
}

/** The argument a path names (`2`, `"2.ttl"`), through an object literal or a constant holding one. */
function readArgument(
  builder: SiteBuilder,
  call: TS.CallExpression,
  argumentPath: ArgumentPath | undefined,
): TS.Expression | undefined {
  if (!argumentPath) return undefined;
  const argument = call.arguments[argumentPath.index];
  if (!argument || builder.ts.isSpreadElement(argument)) return undefined;
  if (argumentPath.property === undefined) return argument;
  return builder.resolver.readOptions(argument).props.get(argumentPath.property);
}
