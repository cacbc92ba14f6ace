// Project key-value stores: calls on a module of the project that the analyzer cannot see into (its methods are
// chosen at run time or compiled), keyed by their first argument. Such a module is a source of truth when a cache
// stores what it reads under the same key: the cache mirrors that key, and writing the key leaves the copy stale.
import type * as TS from "typescript";
import type { KeyValueAccess } from "../../model/cache-model";
import { hasText, normalizePattern } from "../../program-model/key-patterns";
import { readKeyCollection } from "../key-collections";
import type { SiteBuilder } from "../site-builder";

/** The first word of a method that reads (`getSortedSetRange`, `isMember`, `exists`). */
const READ_VERBS = new Set([
  "get",
  "is",
  "exists",
  "has",
  "count",
  "find",
  "read",
  "load",
  "fetch",
  "list",
  "scan",
  "query",
  "select",
  "lookup",
  "contains",
]);

/** A word of a method that changes the keys it is given (`sortedSetAdd`, `deleteAll`, `incrObjectField`). */
const WRITE_WORDS = new Set([
  "add",
  "put",
  "del",
  "delete",
  "remove",
  "incr",
  "increment",
  "decr",
  "decrement",
  "rename",
  "push",
  "pop",
  "append",
  "prepend",
  "clear",
  "update",
  "upsert",
  "insert",
  "expire",
  "flush",
  "trim",
  "save",
  "store",
  "write",
  "replace",
  "unset",
  "move",
  "destroy",
  "drop",
]);

/** By the method's name: `set…` or a write word anywhere (after no read verb) writes; anything else reads. */
export function classifyStoreMethod(method: string): "read" | "write" {
  const words = method
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[\s_$]+/)
    .filter(Boolean);
  if (words.length === 0 || READ_VERBS.has(words[0]!)) return "read";
  return words[0] === "set" || words.some((word) => WRITE_WORDS.has(word)) ? "write" : "read";
}

/**
 * `db.sortedSetRemove(\`group:${name}:members\`, uid)` where `db` is bound to a module of the project whose method is
 * not a function the analyzer can read: a key-value access, with the key (or each key of a collection). Undefined for
 * anything else, and for a write whose keys are all bare values (`db.delete(key)`: which key is decided elsewhere).
 */
export function describeKeyValueCall(
  builder: SiteBuilder,
  call: TS.CallExpression,
  callee: TS.PropertyAccessExpression,
): KeyValueAccess | undefined {
  const { ts, resolver: r } = builder;
  const [first] = call.arguments;
  if (!first || ts.isSpreadElement(first) || !ts.isIdentifier(callee.expression) || !isKeyShaped(builder, first))
    return undefined;
  const store = r.findProjectModuleBinding(callee.expression);
  if (store === undefined) return undefined;
  // A method the checker knows (a declared function, a typed client's) is not a store built at run time.
  const method = r.tryChecker(() => r.checker.getSymbolAtLocation(callee.name), undefined);
  if (method?.declarations?.length) return undefined;
  const operation = classifyStoreMethod(callee.name.text);
  const keys = readKeyCollection(r, first) ?? [r.buildKeyTemplate(first)];
  // A text with spaces is a query or a message, not a key.
  if (keys.some((key) => key.parts.some((part) => part.kind === "text" && /\s/.test(part.value)))) return undefined;
  if (keys.length === 0 || (operation === "write" && !keys.some(hasText))) return undefined;
  const scope = builder.findOwningFunction(call);
  return {
    store,
    name: `${callee.expression.text}.${callee.name.text}`,
    method: callee.name.text,
    operation,
    keys,
    span: r.makeSpan(call),
    functionId: scope.id,
    enclosingFunction: scope.name,
  };
}

/** A key as text: a string, a template, a concatenation, a variable, or a collection of such. */
function isKeyShaped(builder: SiteBuilder, expression: TS.Expression): boolean {
  const { ts } = builder;
  const node = builder.resolver.skipOuter(expression);
  return (
    ts.isStringLiteralLike(node) ||
    ts.isTemplateExpression(node) ||
    (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) ||
    ts.isIdentifier(node) ||
    ts.isArrayLiteralExpression(node) ||
    (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "map")
  );
}

/**
 * Marks the cache writes whose value is what a store read gave under the same key (`cache.set(k, rows)` after
 * `rows = await db.getList(k)`): the same template with some text, or the same bare variable in one function.
 */
export function markStoreMirrors(builder: SiteBuilder, accesses: readonly KeyValueAccess[]): void {
  const reads = new Map<number, KeyValueAccess>();
  for (const access of accesses) if (access.operation === "read") reads.set(access.span.start, access);
  if (reads.size === 0) return;
  for (const site of builder.siteCalls.keys()) {
    if (site.operation !== "write" || !site.key || !site.valueSources) continue;
    const key = site.key;
    for (const call of site.valueSources.calls) {
      const read = call.file === site.span.file ? reads.get(call.start) : undefined;
      if (!read || read.functionId !== site.functionId) continue;
      const same = read.keys.some(
        (candidate) =>
          normalizePattern(candidate.pattern) === normalizePattern(key.pattern) &&
          (hasText(candidate) || candidate.text === key.text),
      );
      if (!same) continue;
      site.mirrorsStore = { store: read.store, read: read.name, span: read.span };
      break;
    }
  }
}
