// Owns the Redis connection of the editor: picks the configured connection (respecting workspace
// trust), reads its password from SecretStorage, opens a guarded read-only connection, reports its
// state, and reconnects with backoff when Redis goes away. Every notice is shown once.
import * as vscode from "vscode";
import { openKeyspaceConnection, type KeyspaceConnection } from "../../../analyzer/src/keyspace/connection";
import { hasIgnoredWorkspaceConnections, inspectSetting, readSettings, updateSetting } from "../config";
import { CONTEXT_KEYS } from "../constants";
import { affects } from "../settings";
import {
  describeConnection,
  findEmbeddedPassword,
  pickConnection,
  stripPassword,
  toConnectionConfig,
  type ConnectionSetting,
} from "./connection-settings";

export type ConnectionState =
  | { kind: "none" }
  | { kind: "connecting"; setting: ConnectionSetting }
  | { kind: "connected"; setting: ConnectionSetting; connection: KeyspaceConnection }
  | { kind: "disconnected"; setting: ConnectionSetting; error: string };

const SECRET_PREFIX = "cachewise.redis.password.";
const MAX_BACKOFF_MS = 60_000;

export class ConnectionManager implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChangeState = this.changeEmitter.event;
  private current: ConnectionState = { kind: "none" };
  /**
   * The connection of the current generation, also while it is "disconnected": ioredis keeps
   * reconnecting it in the background, so it must be closed even when the state no longer holds it.
   */
  private open: KeyspaceConnection | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private generation = 0;
  private readonly shownNotices = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affects(event, "redis")) void this.connect();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.connect()),
      secrets.onDidChange((event) => {
        if (event.key.startsWith(SECRET_PREFIX)) void this.connect();
      }),
    );
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The open connection, when connected. */
  get connection(): KeyspaceConnection | undefined {
    return this.current.kind === "connected" ? this.current.connection : undefined;
  }

  /** (Re)connects to the configured connection; closes the previous one first. */
  async connect(): Promise<void> {
    const generation = ++this.generation;
    clearTimeout(this.reconnectTimer);
    await this.closeCurrent();
    const settings = readSettings();
    if (hasIgnoredWorkspaceConnections())
      this.notifyOnce(
        "untrusted",
        "Cachewise: Redis connections from this workspace's settings are ignored until you trust the workspace.",
      );
    const setting = pickConnection(settings.redis.connections, settings.redis.activeConnection);
    void vscode.commands.executeCommand("setContext", CONTEXT_KEYS.hasConnection, setting !== undefined);
    if (!setting) {
      // Say why nothing connects: in Restricted Mode VS Code itself drops workspace values of the
      // manifest's restrictedConfigurations, so the extension never sees those connections.
      this.log.info(
        vscode.workspace.isTrusted
          ? "no Redis connection configured"
          : "no Redis connection in user settings (Restricted Mode: connections from workspace settings are not used)",
      );
      return this.setState({ kind: "none" });
    }
    this.warnAboutEmbeddedPassword(setting);
    this.setState({ kind: "connecting", setting });
    try {
      const password = (await this.secrets.get(SECRET_PREFIX + setting.name)) ?? findEmbeddedPassword(setting.url);
      const connection = await openKeyspaceConnection(toConnectionConfig(setting, settings.redis.commandTimeoutMs), {
        password,
        allowWrites: settings.redis.allowWrites,
        connectionName: "cachewise-vscode",
      });
      if (generation !== this.generation) {
        await connection.close();
        return;
      }
      this.failures = 0;
      this.open = connection;
      this.watchClient(connection, setting, generation);
      this.setState({ kind: "connected", setting, connection });
      this.log.info(
        `connected to ${describeConnection(setting)} (${settings.redis.allowWrites ? "writes allowed" : "read-only"})`,
      );
    } catch (error) {
      if (generation !== this.generation) return;
      this.fail(setting, error, generation);
    }
  }

  /** Asks for the password of a connection and stores it in SecretStorage. */
  async setPassword(name?: string): Promise<void> {
    const connections = readSettings().redis.connections;
    const target =
      name ??
      (connections.length === 1
        ? connections[0]!.name
        : await vscode.window.showQuickPick(
            connections.map((c) => c.name),
            { placeHolder: "Connection" },
          ));
    if (!target) return;
    const password = await vscode.window.showInputBox({
      prompt: `Password for the Redis connection "${target}" (stored in the editor's secret storage)`,
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return;
    await this.secrets.store(SECRET_PREFIX + target, password);
  }

  /** Adds a connection to the user settings (never the workspace's), moving a password to SecretStorage. */
  async addConnection(): Promise<void> {
    const url = await vscode.window.showInputBox({
      prompt: "Redis URL (redis://host:6379/0, rediss:// for TLS)",
      value: "redis://127.0.0.1:6379",
      ignoreFocusOut: true,
      validateInput: validateRedisUrl,
    });
    if (!url) return;
    const name = await vscode.window.showInputBox({
      prompt: "A name for this connection",
      value: new URL(url).host || "redis",
      ignoreFocusOut: true,
    });
    if (!name) return;
    const password = findEmbeddedPassword(url);
    if (password) await this.secrets.store(SECRET_PREFIX + name, password);
    const existing = inspectSetting("redis.connections")?.globalValue ?? [];
    await updateSetting(
      "redis.connections",
      [...existing.filter((c) => c.name !== name), { name, url: stripPassword(url) }],
      vscode.ConfigurationTarget.Global,
    );
    await updateSetting("redis.activeConnection", name, vscode.ConfigurationTarget.Global);
  }

  /** Picks the active connection among the configured ones. */
  async switchConnection(): Promise<void> {
    const connections = readSettings().redis.connections;
    if (connections.length === 0) return this.addConnection();
    const picked = await vscode.window.showQuickPick(
      connections.map((c) => ({ label: c.name, description: describeConnection(c) })),
      { placeHolder: "Redis connection" },
    );
    if (picked) await updateSetting("redis.activeConnection", picked.label, vscode.ConfigurationTarget.Global);
  }

  /** Shows a notice once per session (NOPERM, fallbacks): never a storm of notifications. */
  notifyOnce(key: string, message: string): void {
    this.log.warn(message);
    if (this.shownNotices.has(key)) return;
    this.shownNotices.add(key);
    void vscode.window.showWarningMessage(message);
  }

  private watchClient(connection: KeyspaceConnection, setting: ConnectionSetting, generation: number): void {
    const client = connection.client;
    client.on("ready", () => {
      if (generation !== this.generation || this.current.kind === "connected") return;
      this.log.info(`reconnected to ${describeConnection(setting)}`);
      this.setState({ kind: "connected", setting, connection });
    });
    client.on("reconnecting", () => {
      if (generation !== this.generation || this.current.kind !== "connected") return;
      this.log.warn(`lost the connection to ${describeConnection(setting)}; reconnecting`);
      this.setState({ kind: "disconnected", setting, error: "reconnecting" });
    });
    client.on("end", () => {
      if (generation === this.generation) this.fail(setting, new Error("the connection closed"), generation);
    });
  }

  private fail(setting: ConnectionSetting, error: unknown, generation: number): void {
    const message = error instanceof Error ? error.message : String(error);
    this.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 2000 * 2 ** Math.min(this.failures - 1, 5));
    this.log.warn(`Redis ${describeConnection(setting)}: ${message}; retrying in ${Math.round(delay / 1000)} s`);
    this.setState({ kind: "disconnected", setting, error: message });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (generation === this.generation) void this.connect();
    }, delay);
  }

  private warnAboutEmbeddedPassword(setting: ConnectionSetting): void {
    if (!findEmbeddedPassword(setting.url)) return;
    const key = `password:${setting.name}`;
    if (this.shownNotices.has(key)) return;
    this.shownNotices.add(key);
    void vscode.window
      .showWarningMessage(
        `Cachewise: the URL of "${setting.name}" contains a password, stored in plain text in settings. Move it to the editor's secret storage?`,
        "Move to Secret Storage",
      )
      .then(async (choice) => {
        if (choice !== "Move to Secret Storage") return;
        await this.secrets.store(SECRET_PREFIX + setting.name, findEmbeddedPassword(setting.url)!);
        const inspected = inspectSetting("redis.connections");
        for (const [target, value] of [
          [vscode.ConfigurationTarget.Global, inspected?.globalValue],
          [vscode.ConfigurationTarget.Workspace, inspected?.workspaceValue],
        ] as const) {
          if (!value?.some((c) => c.name === setting.name)) continue;
          await updateSetting(
            "redis.connections",
            value.map((c) => (c.name === setting.name && c.url ? { ...c, url: stripPassword(c.url) } : c)),
            target,
          );
        }
      });
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    void vscode.commands.executeCommand("setContext", CONTEXT_KEYS.connected, state.kind === "connected");
    this.changeEmitter.fire(state);
  }

  private async closeCurrent(): Promise<void> {
    const previous = this.open;
    this.open = undefined;
    await previous?.close();
  }

  async disposeAsync(): Promise<void> {
    this.generation++;
    clearTimeout(this.reconnectTimer);
    await this.closeCurrent();
  }

  dispose(): void {
    void this.disposeAsync();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** An input box validator: `new URL` below would throw on anything else, failing the command with a generic error. */
function validateRedisUrl(value: string): string | undefined {
  try {
    const { protocol } = new URL(value);
    return protocol === "redis:" || protocol === "rediss:" ? undefined : "Use redis:// or rediss://";
  } catch {
    return "Not a URL: redis://host:6379/0";
  }
}
