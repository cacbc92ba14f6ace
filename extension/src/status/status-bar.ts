// The status bar item: connection state, used memory, and the hit rate over the last refresh
// interval (from keyspace_hits/keyspace_misses deltas). Clicking it opens the sidebar.
import * as vscode from "vscode";
import { SHOW_SIDEBAR_COMMAND } from "../constants";
import type { ConnectionManager } from "../connections/connection-manager";
import type { ProfileController } from "../profile/profile-controller";
import { formatBytes, formatShare } from "../../../analyzer/src/keyspace/figure-format";

export class RedisStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("cachewise.redis", vscode.StatusBarAlignment.Left, 9);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly connections: ConnectionManager,
    private readonly profiles: ProfileController,
  ) {
    this.item.name = "Cachewise Redis";
    this.item.command = SHOW_SIDEBAR_COMMAND;
    this.disposables.push(
      connections.onDidChangeState(() => this.update()),
      profiles.onDidChange(() => this.update()),
    );
    this.update();
  }

  private update(): void {
    const state = this.connections.state;
    if (state.kind === "none") {
      this.item.hide();
      return;
    }
    if (state.kind === "connected") {
      const stats = this.profiles.serverStats;
      const hitRate = this.profiles.hitRate;
      const parts = [`$(database) ${state.setting.name}`];
      if (stats?.usedMemoryBytes !== undefined) parts.push(formatBytes(stats.usedMemoryBytes));
      if (hitRate !== undefined) parts.push(`hit ${formatShare(hitRate)}`);
      this.item.text = parts.join(" · ");
      this.item.tooltip = `Redis ${state.setting.name}: connected (${state.connection.allowWrites ? "writes allowed" : "read-only"})${stats?.keys !== undefined ? `, ${stats.keys} keys` : ""}${stats?.info === "denied" ? ", INFO: no permission" : ""}. Click to open the Cachewise sidebar.`;
      this.item.backgroundColor = undefined;
    } else {
      this.item.text =
        state.kind === "connecting"
          ? `$(sync~spin) ${state.setting.name}`
          : `$(debug-disconnect) ${state.setting.name}: disconnected`;
      this.item.tooltip =
        state.kind === "disconnected"
          ? `Redis ${state.setting.name}: ${state.error}. Reconnecting with backoff.`
          : `Connecting to ${state.setting.name}…`;
      this.item.backgroundColor =
        state.kind === "disconnected" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    }
    this.item.show();
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
