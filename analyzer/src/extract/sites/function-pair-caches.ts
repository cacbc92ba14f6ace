// A pair of project functions that a caller uses cache-aside, named as a cache's read and write (`cacheGet(params)`
// … `cachePut(params, entry)`, `getCachedReport(id)` … `setCachedReport(id, report)`): in one function, the read's
// result replaces a value the function otherwise computes, and the write stores that computed value under the same
// key arguments. Whatever the pair keeps its entries in (a library the analyzer does not know, or a factory that picks
// one at run time), the key arguments are the cache's key as the caller sees it, and they are checked against the
// inputs of the stored value like any hand-built cache-aside. The finding is on the lookup: that is where a request
// gets another request's entry.
import type * as TS from "typescript";
import type { SiteBuilder } from "../site-builder";
import { walkTree } from "../walk";
import { findComputedValue, isFunctionWithBlock, resultSymbol, type FunctionWithBody } from "./collection-caches";
import { addMissingInputGap } from "./key-gaps";

const READ_VERBS = new Set(["get", "read", "load", "lookup", "fetch", "find"]);
const WRITE_VERBS = new Set(["set", "put", "store", "write", "save"]);
/** Words between a verb and the cache's name (`readFromCache`, `putInCache`). */
const LINKS = new Set(["from", "in", "into", "to"]);

interface PairCall {
  call: TS.CallExpression;
  callee: TS.Identifier;
  operation: "read" | "write";
  /** The name without its verb (`cache`, `cached-report`): a read and a write of one cache share it. */
  stem: string;
}

export function findFunctionPairCaches(builder: SiteBuilder, sourceFile: TS.SourceFile): void {
  const { ts } = builder;
  walkTree(ts, sourceFile, (node) => {
    if (isFunctionWithBlock(ts, node)) checkFunction(builder, node, node.body);
    return true;
  });
}

/** `cacheGet` → read of `cache`; `setCachedReport` → write of `cached-report`; a name without `cache` is not one. */
export function parsePairName(name: string): { operation: "read" | "write"; stem: string } | undefined {
  const words = name
    .split(/(?=[A-Z])|_/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  const verbs = words.filter((word) => READ_VERBS.has(word) || WRITE_VERBS.has(word));
  if (verbs.length !== 1) return undefined;
  const verb = verbs[0]!;
  const stem = words.filter((word) => word !== verb && !LINKS.has(word)).join("-");
  if (!/cache/.test(stem)) return undefined;
  return { operation: READ_VERBS.has(verb) ? "read" : "write", stem };
}

function checkFunction(builder: SiteBuilder, fn: FunctionWithBody, body: TS.Block): void {
  const { ts } = builder;
  const r = builder.resolver;
  const calls: PairCall[] = [];
  walkTree(ts, body, (node) => {
    // Nested functions are checked on their own.
    if (ts.isFunctionLike(node)) return false;
    if (!ts.isCallExpression(node)) return true;
    const callee = r.skipOuter(node.expression);
    if (!ts.isIdentifier(callee) || node.arguments.length === 0) return true;
    const parsed = parsePairName(callee.text);
    // The project's own functions: a library's are read by its adapter.
    const declaration = parsed && r.findFunctionDeclaration(callee);
    if (!parsed || !declaration?.body) return true;
    calls.push({ call: node, callee, ...parsed });
    return true;
  });
  for (const read of calls) {
    if (read.operation !== "read") continue;
    const result = resultSymbol(builder, read.call);
    if (!result) continue;
    for (const write of calls) {
      if (write.operation !== "write" || write.stem !== read.stem || write.call.pos <= read.call.end) continue;
      const keys = read.call.arguments;
      const args = write.call.arguments;
      if (args.length !== keys.length + 1 || [...keys, ...args].some((arg) => ts.isSpreadElement(arg))) continue;
      if (keys.some((key, i) => squash(key.getText()) !== squash(args[i]!.getText()))) continue;
      const value = args[args.length - 1]!;
      if (!findComputedValue(builder, fn, value, read.stem, result.symbol)) continue;
      addMissingInputGap(
        builder,
        write.call,
        [...keys],
        value,
        describeKey(read),
        "cache-layer",
        r.makeSpan(read.call.expression),
      );
      break;
    }
  }
}

function describeKey(read: PairCall): string {
  const text = `${read.callee.text}(${squash(read.call.arguments.map((a) => a.getText()).join(", "))})`;
  return text.length > 80 ? `${read.callee.text}(…)` : text;
}

function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
