// A client's method taken off the client and called on its own: `const get = promisify(client.get).bind(client)`,
// `client.del.bind(client)`, `util.promisify(client.set.bind(client))`, the way callback clients (node-redis 3,
// memcached) are turned into promise functions and exported from a project module. A call of such a function
// (`get(key)`, `redis.get(key)` through `import * as redis`) is the client's command.
import type * as TS from "typescript";
import type { ReceiverInfo } from "../instances";
import type { SiteBuilder } from "../site-builder";

/** How deep a chain of `const` aliases and conditionals is followed. */
const MAX_DEPTH = 4;

export interface BoundMethod {
  receiver: ReceiverInfo;
  /** The client's method the function stands for (`get`, `del`). */
  method: string;
}

/** The client method a callee stands for, when the callee is a `const` bound from one. */
export function resolveBoundMethod(builder: SiteBuilder, callee: TS.Expression): BoundMethod | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  const node = r.skipOuter(callee);
  const nameNode = ts.isPropertyAccessExpression(node) ? node.name : ts.isIdentifier(node) ? node : undefined;
  if (!nameNode) return undefined;
  const initializer = r.getConstInitializer(r.getDeclaredSymbol(nameNode));
  return initializer ? readBinding(builder, initializer, 0) : undefined;
}

function readBinding(builder: SiteBuilder, expression: TS.Expression, depth: number): BoundMethod | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  if (depth > MAX_DEPTH) return undefined;
  const node = r.skipOuter(expression);
  // `disabled ? noop : promisify(client.get).bind(client)`: the branch that reads the client.
  if (ts.isConditionalExpression(node))
    return readBinding(builder, node.whenTrue, depth + 1) ?? readBinding(builder, node.whenFalse, depth + 1);
  if (!ts.isCallExpression(node)) return undefined;
  const callee = r.skipOuter(node.expression);
  // `<fn>.bind(client)`: fn is the client's method, or a promisified one.
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === "bind" && node.arguments.length >= 1) {
    return readMethod(builder, callee.expression, node.arguments[0]!, depth + 1);
  }
  // `promisify(<fn>)`, `util.promisify(<fn>)`.
  if (isPromisify(builder, callee) && node.arguments.length === 1) {
    const inner = r.skipOuter(node.arguments[0]!);
    if (ts.isCallExpression(inner)) return readBinding(builder, inner, depth + 1);
  }
  return undefined;
}

/** `client.get` bound to `client` (also inside `promisify(…)`): the method of that client. */
function readMethod(
  builder: SiteBuilder,
  fn: TS.Expression,
  boundTo: TS.Expression,
  depth: number,
): BoundMethod | undefined {
  const { ts } = builder;
  const r = builder.resolver;
  let node = r.skipOuter(fn);
  if (ts.isCallExpression(node) && isPromisify(builder, r.skipOuter(node.expression)) && node.arguments.length === 1)
    node = r.skipOuter(node.arguments[0]!);
  else if (ts.isCallExpression(node)) return readBinding(builder, node, depth);
  if (!ts.isPropertyAccessExpression(node)) return undefined;
  // Bound to the object it is read from: the method runs on that client.
  if (r.skipOuter(node.expression).getText() !== r.skipOuter(boundTo).getText()) return undefined;
  const receiver = builder.instances.resolveReceiver(node.expression);
  return receiver ? { receiver, method: node.name.text } : undefined;
}

/** Node's `promisify`, imported from `util`/`node:util` or read off that module. */
function isPromisify(builder: SiteBuilder, callee: TS.Expression): boolean {
  const { ts } = builder;
  const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  if (name?.text !== "promisify") return false;
  const origin = builder.resolver.findImportOrigin(callee);
  return origin === undefined || /^(node:)?util$/.test(origin.module);
}
