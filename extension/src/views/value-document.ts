// Read-only documents for key values (`cachewise-value:` URIs): a bounded preview (truncated at a
// configurable size, never loaded whole), binary shown escaped or as hex, nothing executable.
import * as vscode from "vscode";
import { formatKeyForDisplay } from "../../../analyzer/src/keyspace/key-format";
import { readValuePreview } from "../../../analyzer/src/keyspace/key-inspector";
import { readSettings } from "../config";
import { VALUE_SCHEME } from "../constants";
import { renderValue } from "../stats/render-value";
import type { ConnectionManager } from "../connections/connection-manager";

/** The URI of a key's value document; the raw key bytes travel base64url-encoded. */
export function createValueUri(connection: string, key: Buffer): vscode.Uri {
  const display = formatKeyForDisplay(key)
    .replace(/[\\/?#%]/g, "_")
    .slice(0, 80);
  return vscode.Uri.from({
    scheme: VALUE_SCHEME,
    path: `/${display}`,
    query: new URLSearchParams({ connection, key: key.toString("base64url") }).toString(),
  });
}

export class ValueDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly connections: ConnectionManager) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = new URLSearchParams(uri.query);
    const key = Buffer.from(params.get("key") ?? "", "base64url");
    const connection = this.connections.connection;
    if (!connection || connection.name !== params.get("connection"))
      return `Not connected to ${params.get("connection") ?? "Redis"}.`;
    const maxBytes = readSettings().keyspace.valuePreviewBytes;
    const preview = await readValuePreview(connection, key, {
      maxBytes,
      maxItems: Math.max(10, Math.floor(maxBytes / 256)),
    });
    return renderValue(formatKeyForDisplay(key), preview, maxBytes);
  }
}
