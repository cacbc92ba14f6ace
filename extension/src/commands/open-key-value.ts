// Open Value (Keyspace view): the key's value in a read-only preview document.
import * as vscode from "vscode";
import { COMMANDS } from "../constants";
import type { KeyspaceNode } from "../views/keyspace-tree";
import { createValueUri } from "../views/value-document";
import { defineCommand } from "./command";

export const openKeyValueCommand = defineCommand({
  id: COMMANDS.openKeyValue,
  async run({ connections }, node: KeyspaceNode | undefined) {
    const connection = connections.connection;
    if (node?.kind !== "key" || !connection) return;
    const document = await vscode.workspace.openTextDocument(createValueUri(connection.name, node.key));
    await vscode.window.showTextDocument(document, { preview: true });
  },
});
