// The "Families" view: every cache family from code, riskiest first (findings, keys without TTL,
// memory), with live figures and its code sites (click to jump), plus the keys that no family in
// the code produces (often leaks). With run-time figures from Prometheus, each family shows them too and the view
// can be sorted by their share of stale reads instead (Cachewise: Sort Families).
import * as path from "node:path";
import * as vscode from "vscode";
import type { SnapshotFamily, SnapshotRange } from "../../../analyzer/src/model/workspace-snapshot";
import type { AnalysisController } from "../analysis/analysis-controller";
import { toRange } from "../analysis/analysis-controller";
import { VIEWS } from "../constants";
import type { MemcachedController } from "../profile/memcached-controller";
import type { MetricsController } from "../metrics/metrics-controller";
import type { ProfileController } from "../profile/profile-controller";
import { formatMetricsSummary, sortByStaleReads, type FamilySort } from "../stats/metrics-text";
import { buildFamilyHover, findLiveStore, rankByRisk, type LiveFigures, type LiveStore } from "../stats/family-figures";
import { describeFamilyItem, describeLive, describeSampleKeyItem, describeSiteItem } from "../stats/tree-text";

export type FamilyNode =
  | { kind: "family"; family: SnapshotFamily }
  | { kind: "site"; family: SnapshotFamily; range: SnapshotRange }
  | { kind: "unmatched"; figures: LiveFigures; store: LiveStore }
  | { kind: "sample"; key: string };

export class FamiliesTreeProvider implements vscode.TreeDataProvider<FamilyNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<FamilyNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private nodes = new Map<string, FamilyNode>();
  /** Reveals under way, and whether a refresh waits for them. */
  private revealing = 0;
  private isRefreshHeld = false;
  private order: FamilySort = "risk";

  constructor(
    private readonly analysis: AnalysisController,
    private readonly profiles: ProfileController,
    private readonly memcached: MemcachedController,
    private readonly metrics: MetricsController,
  ) {
    this.disposables.push(
      analysis.onDidChangeSnapshot(() => this.refresh()),
      profiles.onDidChange(() => this.refresh()),
      memcached.onDidChange(() => this.refresh()),
      metrics.onDidChange(() => this.refresh()),
    );
  }

  get sort(): FamilySort {
    return this.order;
  }

  /** Riskiest first, or the largest share of stale reads first (families without the figure after them). */
  setSort(order: FamilySort): void {
    this.order = order;
    this.refresh();
  }

  /** The figures of the store a family lives in (Redis or Memcached). */
  private readFigures(family: SnapshotFamily): { live: LiveFigures | undefined; hasFigures: boolean } {
    const figures = findLiveStore(family) === "Memcached" ? this.memcached.figures : this.profiles.figures;
    return { live: figures.get(family.id), hasFigures: figures.size > 0 };
  }

  refresh(): void {
    // A refresh during a reveal would replace the node VS Code is revealing: it follows the reveal.
    if (this.revealing > 0) {
      this.isRefreshHeld = true;
      return;
    }
    this.changeEmitter.fire(undefined);
  }

  /**
   * Shows the view and selects a family in it. VS Code looks the revealed node up among the objects
   * its tree holds, and every refresh replaces them: a reveal that overlaps a refresh fails ("Data tree
   * node not found"), which a busy machine makes likely. So the view is shown first, and once it is
   * visible (VS Code then runs the refreshes it put off while the view was hidden) one refresh is
   * queued behind those: `TreeView.reveal` waits for the refreshes the extension requested. Refreshes
   * requested while the reveal runs wait until it is done.
   */
  async reveal(view: vscode.TreeView<FamilyNode>, id: string): Promise<void> {
    const node = this.findFamilyNode(id);
    if (!node) return;
    const visible = view.visible
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const listener = view.onDidChangeVisibility((event) => {
            if (!event.visible) return;
            listener.dispose();
            resolve();
          });
        });
    await vscode.commands.executeCommand(`${VIEWS.families}.focus`);
    await visible;
    this.revealing++;
    try {
      this.changeEmitter.fire(undefined);
      await view.reveal(node, { select: true, focus: true, expand: true });
    } finally {
      this.revealing--;
      if (this.revealing === 0 && this.isRefreshHeld) {
        this.isRefreshHeld = false;
        this.changeEmitter.fire(undefined);
      }
    }
  }

  /** The node of a family, for `TreeView.reveal`. */
  private findFamilyNode(id: string): FamilyNode | undefined {
    const family = this.analysis.snapshot?.families.find((f) => f.id === id);
    if (!family) return undefined;
    const node = this.nodes.get(id) ?? { kind: "family", family };
    this.nodes.set(id, node);
    return node;
  }

  getChildren(element?: FamilyNode): FamilyNode[] {
    const snapshot = this.analysis.snapshot;
    if (!snapshot) return [];
    const figures = this.profiles.figures;
    if (!element) {
      // Family ids differ between kinds: one map ranks Redis and Memcached families together.
      const byFamily = new Map([...figures, ...this.memcached.figures].filter(([id]) => id !== undefined));
      const ranked = rankByRisk(snapshot.families, byFamily);
      const status = this.metrics.status;
      const ordered =
        this.order === "staleReads" && status.kind === "ready" ? sortByStaleReads(ranked, status.figures) : ranked;
      const nodes: FamilyNode[] = ordered.map((family) => {
        const node: FamilyNode = { kind: "family", family };
        this.nodes.set(family.id, node);
        return node;
      });
      const unmatched = figures.get(undefined);
      if (unmatched && unmatched.keys > 0) nodes.push({ kind: "unmatched", figures: unmatched, store: "Redis" });
      const unmatchedItems = this.memcached.figures.get(undefined);
      if (unmatchedItems && unmatchedItems.keys > 0)
        nodes.push({ kind: "unmatched", figures: unmatchedItems, store: "Memcached" });
      return nodes;
    }
    if (element.kind === "family")
      return element.family.sites.map((range) => ({ kind: "site", family: element.family, range }));
    if (element.kind === "unmatched") return element.figures.sampleKeys.map((key) => ({ kind: "sample", key }));
    return [];
  }

  getParent(element: FamilyNode): FamilyNode | undefined {
    if (element.kind === "site") return this.nodes.get(element.family.id);
    return undefined;
  }

  getTreeItem(element: FamilyNode): vscode.TreeItem {
    switch (element.kind) {
      case "family": {
        const { family } = element;
        const { live, hasFigures } = this.readFigures(family);
        const text = describeFamilyItem(family, live, hasFigures);
        const item = new vscode.TreeItem(
          text.label,
          family.sites.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `family:${family.id}`;
        item.contextValue = "cachewise.family";
        const runtime = formatMetricsSummary(family.label, this.metrics.status);
        item.description = [text.description, runtime].filter(Boolean).join(" · ");
        // Escaped for Markdown by buildFamilyHover; untrusted (no command links) and without HTML.
        const tooltip = new vscode.MarkdownString(
          buildFamilyHover(family, findLiveStore(family) ? live : undefined, {}),
        );
        tooltip.isTrusted = false;
        tooltip.supportHtml = false;
        item.tooltip = tooltip;
        item.iconPath = new vscode.ThemeIcon(
          family.findings > 0 ? "warning" : findLiveStore(family) ? "database" : "symbol-variable",
        );
        return item;
      }
      case "site": {
        const text = describeSiteItem(element.range, vscode.workspace.asRelativePath(path.dirname(element.range.file)));
        const item = new vscode.TreeItem(text.label);
        item.id = `site:${element.family.id}:${element.range.file}:${element.range.line}:${element.range.column}`;
        item.description = text.description;
        item.command = {
          command: "vscode.open",
          title: "Open",
          arguments: [vscode.Uri.file(element.range.file), { selection: toRange(element.range) }],
        };
        item.iconPath = new vscode.ThemeIcon("code");
        return item;
      }
      case "unmatched": {
        const redis = element.store === "Redis";
        const item = new vscode.TreeItem(
          redis ? "Keys no family in the code writes" : "Memcached items no family in the code writes",
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = redis ? "unmatched" : "unmatched:memcached";
        item.description = describeLive(element.figures, true);
        item.tooltip = `${redis ? "Keys in Redis" : "Items in Memcached"} that match no key pattern found in this workspace: often leaks, or keys of another service.`;
        item.iconPath = new vscode.ThemeIcon("question");
        return item;
      }
      case "sample": {
        const item = new vscode.TreeItem(describeSampleKeyItem(element.key).label);
        item.iconPath = new vscode.ThemeIcon("key");
        return item;
      }
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
