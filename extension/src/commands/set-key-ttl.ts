// Set TTL (Keyspace view): a new TTL in seconds, or none; only with writes allowed, after a modal confirmation.
import * as vscode from "vscode";
import { COMMANDS } from "../constants";
import type { KeyspaceNode } from "../views/keyspace-tree";
import { defineCommand } from "./command";
import { findWritableKey } from "./writable-key";

export const setKeyTtlCommand = defineCommand({
  id: COMMANDS.setKeyTtl,
  async run({ connections, keyspace }, node: KeyspaceNode | undefined) {
    const target = findWritableKey(connections, node, "change TTLs");
    if (!target) return;
    const input = await vscode.window.showInputBox({
      prompt: `New TTL in seconds for "${target.key}" (empty: no expiry)`,
      validateInput: (v) => (v === "" || /^\d+(\.\d+)?$/.test(v) ? undefined : "A number of seconds, or empty"),
    });
    if (input === undefined) return;
    const seconds = input === "" ? null : Number(input);
    const answer = await vscode.window.showWarningMessage(
      `${seconds === null ? "Remove the TTL of" : `Set a TTL of ${seconds} s on`} "${target.key}" in ${target.where}?`,
      { modal: true },
      "Change TTL",
    );
    if (answer !== "Change TTL") return;
    await target.connection.setTtl(target.raw, seconds);
    keyspace.refresh();
  },
});
