// Walks of the syntax tree with an explicit stack instead of recursion. Real files nest thousands of levels
// deep: a generated 2,500-term `"a" + "b" + …` is a left-leaning tree 2,500 binary expressions deep, which
// TypeScript's checker handles and a recursive walk (four stack frames a level through `forEachChild`)
// does not. Every walk over a whole file, function or expression goes through here.
import type * as TS from "typescript";
import type { TsModule } from "./host";

/**
 * Visits `root` and every node below it, each parent before its children and the children in source
 * order, as a recursive `forEachChild` walk does. `visit` returns `false` to leave the node's children
 * out; `also(node)` walks another subtree (a variable's initializer) right after this node, before its
 * children.
 */
export function walkTree(
  ts: TsModule,
  root: TS.Node,
  visit: (node: TS.Node, also: (node: TS.Node) => void) => boolean | void,
): void {
  const stack: TS.Node[] = [root];
  const children: TS.Node[] = [];
  const extra: TS.Node[] = [];
  const collect = (child: TS.Node) => {
    children.push(child);
  };
  const also = (node: TS.Node) => {
    extra.push(node);
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    extra.length = 0;
    if (visit(node, also) !== false) {
      children.length = 0;
      ts.forEachChild(node, collect);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
    for (let i = extra.length - 1; i >= 0; i--) stack.push(extra[i]!);
  }
}

/** What a `walkTreeWith` visitor returns to leave a node's children out. */
export const SKIP_CHILDREN: unique symbol = Symbol("skip children");

/**
 * As `walkTree`, with a value handed from each node to its children (`under a call`): `visit` returns the
 * value for the node's children, or `SKIP_CHILDREN`; `also(node, value)` walks another subtree.
 */
export function walkTreeWith<State>(
  ts: TsModule,
  root: TS.Node,
  state: State,
  visit: (node: TS.Node, state: State, also: (node: TS.Node, state: State) => void) => State | typeof SKIP_CHILDREN,
): void {
  const stack: Array<{ node: TS.Node; state: State }> = [{ node: root, state }];
  const children: TS.Node[] = [];
  const extra: Array<{ node: TS.Node; state: State }> = [];
  const collect = (child: TS.Node) => {
    children.push(child);
  };
  const also = (node: TS.Node, value: State) => {
    extra.push({ node, state: value });
  };
  while (stack.length > 0) {
    const entry = stack.pop()!;
    extra.length = 0;
    const next = visit(entry.node, entry.state, also);
    if (next !== SKIP_CHILDREN) {
      children.length = 0;
      ts.forEachChild(entry.node, collect);
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, state: next });
    }
    for (let i = extra.length - 1; i >= 0; i--) stack.push(extra[i]!);
  }
}
