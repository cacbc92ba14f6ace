// The Keyspace view's "Load more…" row: lists the next page of its namespace.
import { COMMANDS } from "../constants";
import type { KeyspaceNode } from "../views/keyspace-tree";
import { defineCommand } from "./command";

export const loadMoreCommand = defineCommand({
  id: COMMANDS.loadMore,
  async run({ keyspace }, node: KeyspaceNode | undefined) {
    if (node) await keyspace.loadMore(node);
  },
});
