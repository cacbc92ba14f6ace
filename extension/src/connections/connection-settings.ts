// Turns a connection setting into the profiler's connection config. Plain Node (no `vscode`), so
// that it is tested without an editor.
import * as fs from "node:fs";
import type { KeyspaceConnectionConfig } from "../../../analyzer/src/keyspace/connection";

/**
 * One entry of `cachewise.redis.connections`, as the manifest's schema describes it: the profiler's
 * connection config without secrets, with the TLS CA as a file path.
 */
export type ConnectionSetting = Pick<
  KeyspaceConnectionConfig,
  "name" | "url" | "mode" | "nodes" | "sentinelName" | "username" | "db"
> & {
  tls?: { rejectUnauthorized?: boolean; caFile?: string; servername?: string };
};

/** The password embedded in a connection URL (`redis://:secret@host`), if any. */
export function findEmbeddedPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}

/** The URL without its password, for settings and messages. */
export function stripPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

/** The connection to use: the named one, else the first. */
export function pickConnection(
  connections: readonly ConnectionSetting[],
  active: string,
): ConnectionSetting | undefined {
  return connections.find((c) => c.name === active) ?? connections[0];
}

/** The profiler's config for a setting; the password is passed separately when opening. */
export function toConnectionConfig(setting: ConnectionSetting, commandTimeoutMs: number): KeyspaceConnectionConfig {
  const tls = setting.tls
    ? {
        rejectUnauthorized: setting.tls.rejectUnauthorized,
        servername: setting.tls.servername,
        ca: setting.tls.caFile ? fs.readFileSync(setting.tls.caFile, "utf8") : undefined,
      }
    : undefined;
  return {
    name: setting.name,
    url: setting.url ? stripPassword(setting.url) : undefined,
    mode: setting.mode,
    nodes: setting.nodes,
    sentinelName: setting.sentinelName,
    username: setting.username,
    db: setting.db,
    tls,
    commandTimeoutMs,
    connectTimeoutMs: Math.max(commandTimeoutMs, 3000),
  };
}

/** `name (redis://host:6379/0)`: how a connection is named in confirmations and the sidebar. */
export function describeConnection(setting: ConnectionSetting): string {
  const where = setting.url
    ? stripPassword(setting.url)
    : (setting.nodes ?? []).map((n) => `${n.host}:${n.port}`).join(",") || "localhost";
  return `${setting.name} (${where})`;
}
