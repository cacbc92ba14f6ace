// The extension's settings as types and names, in one place: the shape, every setting's id and
// default (mirroring package.json `contributes.configuration`, checked by test/extension/settings.test.ts),
// and the typed configuration-change check. Plain TypeScript (no `vscode`), so that it is tested
// without an editor; `config.ts` reads the values through it.
import type { ConnectionSetting } from "./connections/connection-settings";

/** The configuration section every setting lives under. */
export const SETTINGS_SECTION = "cachewise";

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
  memcached: {
    /** `host:port` of a Memcached server to profile (`lru_crawler metadump`); empty: none. */
    address: string;
    /** Seconds between profiles: each one reads every item, so much less often than Redis estimates. */
    refreshIntervalSeconds: number;
  };
  keyspace: { pageSize: number; valuePreviewBytes: number };
  analysis: { enable: boolean; debounceMs: number };
  codeLens: { enable: boolean };
  families: { memoryBudgets: Record<string, number> };
  /** Run-time figures per family from Prometheus (cachewise/runtime's metrics); none when the URL is empty. */
  metrics: { prometheusUrl: string; window: string };
}

/** A group of settings (`redis`): a change to any setting in it affects the group. */
export type SettingGroup = keyof CachewiseSettings;

/** One setting, relative to the section: `redis.connections`. */
export type SettingKey = {
  [G in SettingGroup]: `${G}.${keyof CachewiseSettings[G] & string}`;
}[SettingGroup];

/** The value type of one setting. */
export type SettingValue<K extends SettingKey> = K extends `${infer G extends SettingGroup}.${infer N}`
  ? N extends keyof CachewiseSettings[G]
    ? CachewiseSettings[G][N]
    : never
  : never;

/** Every setting with its default, as the manifest declares it (one entry per setting, or the type check fails). */
export const SETTING_DEFAULTS: { readonly [K in SettingKey]: SettingValue<K> } = {
  "redis.connections": [],
  "redis.activeConnection": "",
  "redis.allowWrites": false,
  "redis.refreshIntervalSeconds": 30,
  "redis.sampleSize": 10000,
  "redis.commandTimeoutMs": 2000,
  "redis.namespaceDelimiter": ":",
  "memcached.address": "",
  "memcached.refreshIntervalSeconds": 300,
  "keyspace.pageSize": 100,
  "keyspace.valuePreviewBytes": 65536,
  "analysis.enable": true,
  "analysis.debounceMs": 300,
  "codeLens.enable": true,
  "families.memoryBudgets": {},
  "metrics.prometheusUrl": "",
  "metrics.window": "1h",
};

/**
 * Settings read from user settings only in an untrusted workspace: a cloned repository must not
 * point the editor at its own server or turn writes on. The manifest's
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` lists the same ones.
 */
export const RESTRICTED_SETTINGS: readonly SettingKey[] = [
  "redis.connections",
  "redis.activeConnection",
  "redis.allowWrites",
  "memcached.address",
  "metrics.prometheusUrl",
];

/** The full id of a setting or group, as users write it: `cachewise.redis.allowWrites`. */
export function settingId(path: SettingGroup | SettingKey): string {
  return `${SETTINGS_SECTION}.${path}`;
}

/** The part of `vscode.ConfigurationChangeEvent` the check needs. */
export interface ConfigurationChange {
  affectsConfiguration(section: string): boolean;
}

/** Whether a configuration change touches any of the given settings or groups. */
export function affects(event: ConfigurationChange, ...paths: ReadonlyArray<SettingGroup | SettingKey>): boolean {
  return paths.some((path) => event.affectsConfiguration(settingId(path)));
}
