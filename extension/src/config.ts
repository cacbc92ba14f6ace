// The extension's settings, typed once. The schema lives in package.json `contributes.configuration`;
// this mirrors it, and every read goes through `readSettings`.
import * as vscode from "vscode";
import type { ConnectionSetting } from "./connections/connection-settings";

export interface CachewiseSettings {
  redis: {
    /** The effective list: workspace-level entries are dropped in an untrusted workspace. */
    connections: ConnectionSetting[];
    activeConnection: string;
    allowWrites: boolean;
    refreshIntervalSeconds: number;
    sampleSize: number;
    commandTimeoutMs: number;
    namespaceDelimiter: string;
  };
  keyspace: { pageSize: number; valuePreviewBytes: number };
  analysis: { enable: boolean; debounceMs: number };
  codeLens: { enable: boolean };
  families: { memoryBudgets: Record<string, number> };
}

/**
 * Reads the settings. Security-relevant ones (connections, the active one, writes) come only from
 * user settings when the workspace is not trusted: a cloned repository must not point the editor
 * at its own server or turn writes on.
 */
export function readSettings(): CachewiseSettings {
  const config = vscode.workspace.getConfiguration("cachewise");
  const trusted = vscode.workspace.isTrusted;
  const restricted = <T>(key: string, fallback: T): T => {
    if (trusted) return config.get<T>(key, fallback);
    const inspected = config.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  };
  return {
    redis: {
      connections: restricted<ConnectionSetting[]>("redis.connections", []),
      activeConnection: restricted<string>("redis.activeConnection", ""),
      allowWrites: restricted<boolean>("redis.allowWrites", false),
      refreshIntervalSeconds: config.get<number>("redis.refreshIntervalSeconds", 30),
      sampleSize: config.get<number>("redis.sampleSize", 10000),
      commandTimeoutMs: config.get<number>("redis.commandTimeoutMs", 2000),
      namespaceDelimiter: config.get<string>("redis.namespaceDelimiter", ":") || ":",
    },
    keyspace: {
      pageSize: config.get<number>("keyspace.pageSize", 100),
      valuePreviewBytes: config.get<number>("keyspace.valuePreviewBytes", 65536),
    },
    analysis: {
      enable: config.get<boolean>("analysis.enable", true),
      debounceMs: config.get<number>("analysis.debounceMs", 300),
    },
    codeLens: { enable: config.get<boolean>("codeLens.enable", true) },
    families: { memoryBudgets: config.get<Record<string, number>>("families.memoryBudgets", {}) },
  };
}

/**
 * Whether workspace-level settings define connections that are being ignored (for a one-time
 * notice). VS Code 1.139 already hides workspace values of the manifest's `restrictedConfigurations`
 * from `inspect()` in Restricted Mode, so there this stays false; it guards hosts that do not.
 */
export function hasIgnoredWorkspaceConnections(): boolean {
  if (vscode.workspace.isTrusted) return false;
  const inspected = vscode.workspace.getConfiguration("cachewise").inspect<ConnectionSetting[]>("redis.connections");
  return (inspected?.workspaceValue?.length ?? 0) > 0 || (inspected?.workspaceFolderValue?.length ?? 0) > 0;
}
