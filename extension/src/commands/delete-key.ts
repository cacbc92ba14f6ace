// Delete Key (Keyspace view): only with writes allowed, after a modal confirmation.
import * as vscode from "vscode";
import { COMMANDS } from "../constants";
import type { KeyspaceNode } from "../views/keyspace-tree";
import { defineCommand } from "./command";
import { findWritableKey } from "./writable-key";

export const deleteKeyCommand = defineCommand({
  id: COMMANDS.deleteKey,
  async run({ connections, keyspace }, node: KeyspaceNode | undefined) {
    const target = findWritableKey(connections, node, "delete keys");
    if (!target) return;
    const answer = await vscode.window.showWarningMessage(
      `Delete the key "${target.key}" from ${target.where}?`,
      { modal: true },
      "Delete",
    );
    if (answer !== "Delete") return;
    await target.connection.deleteKey(target.raw);
    keyspace.refresh();
  },
});
