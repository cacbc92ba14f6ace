// Copy Key (Keyspace view): the key as displayed, binary bytes escaped.
import * as vscode from "vscode";
import { formatKeyForDisplay } from "../../../analyzer/src/keyspace/key-format";
import { COMMANDS } from "../constants";
import type { KeyspaceNode } from "../views/keyspace-tree";
import { defineCommand } from "./command";

export const copyKeyCommand = defineCommand({
  id: COMMANDS.copyKey,
  async run(_services, node: KeyspaceNode | undefined) {
    if (node?.kind === "key") await vscode.env.clipboard.writeText(formatKeyForDisplay(node.key));
  },
});
