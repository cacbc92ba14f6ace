// What the write commands (Delete Key, Set TTL) share: the key to act on, only when writes are allowed.
import * as vscode from "vscode";
import type { KeyspaceConnection } from "../../../analyzer/src/keyspace/connection";
import { formatKeyForDisplay } from "../../../analyzer/src/keyspace/key-format";
import { readSettings } from "../config";
import type { ConnectionManager } from "../connections/connection-manager";
import { describeConnection } from "../connections/connection-settings";
import { settingId } from "../settings";
import type { KeyspaceNode } from "../views/keyspace-tree";

export interface WritableKey {
  connection: KeyspaceConnection;
  /** The key's bytes, as Redis has them. */
  raw: Buffer;
  /** The key as displayed. */
  key: string;
  /** The connection, named for a confirmation. */
  where: string;
}

/**
 * The key a write command acts on, when writes are allowed by the settings and on the open
 * connection; otherwise says why not (once per attempt) and returns undefined.
 */
export function findWritableKey(
  connections: ConnectionManager,
  node: KeyspaceNode | undefined,
  what: string,
): WritableKey | undefined {
  const state = connections.state;
  if (node?.kind !== "key" || state.kind !== "connected") return undefined;
  if (!readSettings().redis.allowWrites || !state.connection.allowWrites) {
    void vscode.window.showInformationMessage(
      `Cachewise is read-only: enable ${settingId("redis.allowWrites")} to ${what}.`,
    );
    return undefined;
  }
  return {
    connection: state.connection,
    raw: node.key,
    key: formatKeyForDisplay(node.key),
    where: describeConnection(state.setting),
  };
}
