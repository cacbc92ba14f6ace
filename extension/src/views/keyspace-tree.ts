// The "Keyspace" view: connection → namespaces → keys, each level loaded when expanded, a page at a
// time (SCAN MATCH with COUNT, never KEYS), with "Load more" for the next page. A key shows type,
// TTL, size, encoding and idle time; its value opens read-only.
import * as vscode from "vscode";
import { formatKeyForDisplay } from "../../../analyzer/src/keyspace/key-format";
import { inspectKey, scanNamespace, type KeyDetails } from "../../../analyzer/src/keyspace/key-inspector";
import { readSettings } from "../config";
import { COMMANDS } from "../constants";
import type { ConnectionManager } from "../connections/connection-manager";
import { describeConnection } from "../connections/connection-settings";
import {
  describeConnectionItem,
  describeKeyItem,
  describeMessageItem,
  describeNamespaceItem,
} from "../stats/tree-text";

export type KeyspaceNode =
  | { kind: "connection" }
  | { kind: "namespace"; prefix: Buffer; segment: string; delimiter: string; keys: number }
  | { kind: "key"; key: Buffer; label: string; details?: KeyDetails }
  | { kind: "more"; parent: KeyspaceNode; cursor: string }
  | { kind: "message"; text: string };

interface Listing {
  children: KeyspaceNode[];
  cursor: string;
  done: boolean;
}

/** Keys inspected in parallel when a page is listed: bounded, so that a page never floods Redis. */
const INSPECT_CONCURRENCY = 8;

export class KeyspaceTreeProvider implements vscode.TreeDataProvider<KeyspaceNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<KeyspaceNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly listings = new Map<KeyspaceNode, Listing>();
  private readonly root: KeyspaceNode = { kind: "connection" };
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private refreshing = false;

  constructor(private readonly connections: ConnectionManager) {
    this.disposables.push(connections.onDidChangeState(() => this.refresh()));
  }

  /** Forgets loaded pages and re-lists (TTLs refresh). */
  refresh(): void {
    this.listings.clear();
    this.changeEmitter.fire(undefined);
  }

  /**
   * Re-reads type, TTL, size and idle time of the keys already listed (no new SCAN), so that TTLs
   * count down while the view is open. Bounded by what the user expanded.
   */
  async refreshLoadedKeys(): Promise<void> {
    const connection = this.connections.connection;
    if (!connection || this.refreshing) return;
    this.refreshing = true;
    try {
      const keys = [...this.listings.values()].flatMap((listing) =>
        listing.children.filter((node): node is Extract<KeyspaceNode, { kind: "key" }> => node.kind === "key"),
      );
      await inspectAll(keys, async (node) => {
        node.details = await inspectKey(connection, node.key);
      });
      this.changeEmitter.fire(undefined);
    } finally {
      this.refreshing = false;
    }
  }

  /** Loads the next page under a "Load more" node's parent. */
  async loadMore(node: KeyspaceNode): Promise<void> {
    if (node.kind !== "more") return;
    const listing = this.listings.get(node.parent);
    if (!listing) return;
    const page = await this.listPage(node.parent, node.cursor);
    listing.children = sortChildren(mergeChildren(listing.children, page.children));
    listing.cursor = page.cursor;
    listing.done = page.done;
    this.changeEmitter.fire(node.parent === this.root ? undefined : node.parent);
  }

  async getChildren(element?: KeyspaceNode): Promise<KeyspaceNode[]> {
    const state = this.connections.state;
    if (!element) return state.kind === "none" ? [] : [this.root];
    if (element.kind !== "connection" && element.kind !== "namespace") return [];
    if (state.kind !== "connected")
      return [
        { kind: "message", text: state.kind === "disconnected" ? `Disconnected: ${state.error}` : "Connecting…" },
      ];
    let listing = this.listings.get(element);
    if (!listing) {
      try {
        listing = await this.listPage(element, "0");
      } catch (error) {
        return [{ kind: "message", text: `Could not list keys: ${(error as Error).message}` }];
      }
      this.listings.set(element, listing);
    }
    return listing.done
      ? listing.children
      : [...listing.children, { kind: "more", parent: element, cursor: listing.cursor }];
  }

  getTreeItem(element: KeyspaceNode): vscode.TreeItem {
    switch (element.kind) {
      case "connection": {
        const state = this.connections.state;
        const text = describeConnectionItem(
          state.kind === "none" ? undefined : describeConnection(state.setting),
          state.kind,
          state.kind === "connected" && state.connection.allowWrites,
        );
        const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = "connection";
        item.description = text.description;
        item.iconPath = new vscode.ThemeIcon(state.kind === "connected" ? "database" : "debug-disconnect");
        item.contextValue = "cachewise.connection";
        return item;
      }
      case "namespace": {
        const text = describeNamespaceItem(
          element.segment,
          element.delimiter,
          element.keys,
          formatKeyForDisplay(element.prefix),
        );
        const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `ns:${element.prefix.toString("base64")}`;
        item.description = text.description;
        item.tooltip = text.tooltip;
        item.contextValue = "cachewise.namespace";
        item.iconPath = new vscode.ThemeIcon("folder");
        return item;
      }
      case "key": {
        const text = describeKeyItem(element.label, element.details);
        const item = new vscode.TreeItem(text.label);
        item.id = `key:${element.key.toString("base64")}`;
        item.description = text.description;
        item.tooltip = text.tooltip;
        item.contextValue = "cachewise.key";
        item.iconPath = new vscode.ThemeIcon("key");
        item.command = { command: COMMANDS.openKeyValue, title: "Open Value", arguments: [element] };
        return item;
      }
      case "more": {
        const item = new vscode.TreeItem("Load more…");
        item.command = { command: COMMANDS.loadMore, title: "Load More", arguments: [element] };
        item.iconPath = new vscode.ThemeIcon("ellipsis");
        return item;
      }
      case "message":
        return new vscode.TreeItem(describeMessageItem(element.text).label);
    }
  }

  private async listPage(parent: KeyspaceNode, cursor: string): Promise<Listing> {
    const connection = this.connections.connection;
    if (!connection) return { children: [], cursor: "0", done: true };
    const settings = readSettings();
    const delimiter = settings.redis.namespaceDelimiter;
    const prefix = parent.kind === "namespace" ? parent.prefix : Buffer.alloc(0);
    const page = await scanNamespace(connection, prefix, cursor, settings.keyspace.pageSize, delimiter);
    const children: KeyspaceNode[] = [];
    const displayPrefix = formatKeyForDisplay(prefix);
    for (const segment of page.childSegments) {
      if (segment.isLeaf) continue;
      // From the segment's bytes: its display form escapes characters, so it would name other keys.
      const childPrefix = Buffer.concat([prefix, segment.raw, Buffer.from(delimiter, "utf8")]);
      children.push({
        kind: "namespace",
        prefix: childPrefix,
        segment: segment.segment,
        delimiter,
        keys: segment.keys,
      });
    }
    const leaves = page.keys.filter(({ displayKey }) => !displayKey.slice(displayPrefix.length).includes(delimiter));
    const keyNodes: Array<Extract<KeyspaceNode, { kind: "key" }>> = leaves.map(({ key, displayKey }) => ({
      kind: "key",
      key,
      label: displayKey.slice(displayPrefix.length) || displayKey,
    }));
    await inspectAll(keyNodes, async (node) => {
      node.details = await inspectKey(connection, node.key);
    });
    children.push(...keyNodes.filter((node) => node.details?.exists !== false));
    return { children: sortChildren(children), cursor: page.cursor, done: page.done };
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** Namespaces first (most keys first), then keys by name: SCAN order means nothing to a reader. */
function sortChildren(children: KeyspaceNode[]): KeyspaceNode[] {
  const rank = (node: KeyspaceNode) => (node.kind === "namespace" ? 0 : node.kind === "key" ? 1 : 2);
  return [...children].sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.kind === "namespace" && b.kind === "namespace") return b.keys - a.keys || a.segment.localeCompare(b.segment);
    if (a.kind === "key" && b.kind === "key") return a.label.localeCompare(b.label);
    return 0;
  });
}

/** Adds a later page: namespaces merge by prefix (their key counts add up), keys are appended once. */
function mergeChildren(existing: KeyspaceNode[], added: KeyspaceNode[]): KeyspaceNode[] {
  const result = [...existing];
  for (const node of added) {
    if (node.kind === "namespace") {
      const known = result.find(
        (n): n is Extract<KeyspaceNode, { kind: "namespace" }> =>
          n.kind === "namespace" && n.prefix.equals(node.prefix),
      );
      if (known) known.keys += node.keys;
      else result.push(node);
    } else if (node.kind === "key") {
      if (!result.some((n) => n.kind === "key" && n.key.equals(node.key))) result.push(node);
    }
  }
  return result;
}

async function inspectAll<T>(items: T[], inspect: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await inspect(item);
      } catch {
        // A key that cannot be inspected (gone, denied) is still listed, without details.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, items.length) }, worker));
}
