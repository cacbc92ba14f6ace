// Reads and writes the extension's settings. Their names, types and defaults are in `settings.ts`
// (which mirrors package.json `contributes.configuration`); every read goes through `readSettings`.
import * as vscode from "vscode";
import {
  RESTRICTED_SETTINGS,
  SETTING_DEFAULTS,
  SETTINGS_SECTION,
  type CachewiseSettings,
  type SettingKey,
  type SettingValue,
} from "./settings";

/**
 * Reads the settings. Security-relevant ones (connections, the active one, writes) come only from
 * user settings when the workspace is not trusted: a cloned repository must not point the editor
 * at its own server or turn writes on.
 */
export function readSettings(): CachewiseSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const trusted = vscode.workspace.isTrusted;
  const get = <K extends SettingKey>(key: K): SettingValue<K> => {
    const fallback = SETTING_DEFAULTS[key];
    if (trusted || !RESTRICTED_SETTINGS.includes(key)) return config.get<SettingValue<K>>(key, fallback);
    const inspected = config.inspect<SettingValue<K>>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  };
  return {
    redis: {
      connections: get("redis.connections"),
      activeConnection: get("redis.activeConnection"),
      allowWrites: get("redis.allowWrites"),
      refreshIntervalSeconds: get("redis.refreshIntervalSeconds"),
      sampleSize: get("redis.sampleSize"),
      commandTimeoutMs: get("redis.commandTimeoutMs"),
      namespaceDelimiter: get("redis.namespaceDelimiter") || SETTING_DEFAULTS["redis.namespaceDelimiter"],
    },
    memcached: {
      address: get("memcached.address").trim(),
      refreshIntervalSeconds: get("memcached.refreshIntervalSeconds"),
    },
    keyspace: {
      pageSize: get("keyspace.pageSize"),
      valuePreviewBytes: get("keyspace.valuePreviewBytes"),
    },
    analysis: {
      enable: get("analysis.enable"),
      debounceMs: get("analysis.debounceMs"),
    },
    codeLens: { enable: get("codeLens.enable") },
    families: { memoryBudgets: get("families.memoryBudgets") },
    metrics: { prometheusUrl: get("metrics.prometheusUrl").trim(), window: get("metrics.window") },
  };
}

/** What each settings scope holds for one setting (user, workspace, folder, default). */
export function inspectSetting<K extends SettingKey>(key: K) {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<SettingValue<K>>(key);
}

/** Writes one setting in the given scope. */
export async function updateSetting<K extends SettingKey>(
  key: K,
  value: SettingValue<K>,
  target: vscode.ConfigurationTarget,
): Promise<void> {
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(key, value, target);
}

/**
 * Whether workspace-level settings define connections that are being ignored (for a one-time
 * notice). VS Code 1.139 already hides workspace values of the manifest's `restrictedConfigurations`
 * from `inspect()` in Restricted Mode, so there this stays false; it guards hosts that do not.
 */
export function hasIgnoredWorkspaceConnections(): boolean {
  if (vscode.workspace.isTrusted) return false;
  const inspected = inspectSetting("redis.connections");
  return (inspected?.workspaceValue?.length ?? 0) > 0 || (inspected?.workspaceFolderValue?.length ?? 0) > 0;
}
