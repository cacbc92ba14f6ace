// TTLs in the Keyspace view count down while it is visible: the keys already listed are re-read at
// the refresh interval (`cachewise.redis.refreshIntervalSeconds`), rescheduled when it changes.
import * as vscode from "vscode";
import { readSettings } from "../config";
import { affects } from "../settings";
import type { KeyspaceNode, KeyspaceTreeProvider } from "./keyspace-tree";

export class KeyspaceCountdown implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly keyspace: KeyspaceTreeProvider,
    private readonly view: vscode.TreeView<KeyspaceNode>,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affects(event, "redis.refreshIntervalSeconds")) this.schedule();
      }),
    );
    this.schedule();
  }

  private schedule(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (this.view.visible) void this.keyspace.refreshLoadedKeys();
    }, readSettings().redis.refreshIntervalSeconds * 1000);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
