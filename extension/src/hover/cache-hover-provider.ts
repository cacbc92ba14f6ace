// Hover on a cache call (its key expression included): the family's pattern, live figures, TTL
// histogram, sample keys, the TTL in code vs live, data class and owner, and a link to the sidebar.
// Everything from Redis is escaped by `buildFamilyHover`; the Markdown trusts only one command. With
// `cachewise.metrics.prometheusUrl`, the family's run-time figures and a chart of its hit ratio follow (the chart is
// one range query, made when the hover is shown and kept a minute).
import * as vscode from "vscode";
import type { AnalysisController } from "../analysis/analysis-controller";
import { toRange } from "../analysis/analysis-controller";
import { COMMANDS } from "../constants";
import type { ConnectionManager } from "../connections/connection-manager";
import type { MemcachedController } from "../profile/memcached-controller";
import type { MetricsController } from "../metrics/metrics-controller";
import type { ProfileController } from "../profile/profile-controller";
import { buildFamilyHover, findLiveStore } from "../stats/family-figures";
import { buildMetricsHover } from "../stats/metrics-text";
import { UNMEASURED_KINDS } from "../../../analyzer/src/metrics/metric-names";

export class CacheHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly analysis: AnalysisController,
    private readonly profiles: ProfileController,
    private readonly connections: ConnectionManager,
    private readonly memcached: MemcachedController,
    private readonly metrics: MetricsController,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const snapshot = this.analysis.snapshot;
    if (!snapshot || document.uri.scheme !== "file") return undefined;
    const site = snapshot.sites.find(
      (s) => s.file === document.uri.fsPath && s.familyIds.length > 0 && toRange(s).contains(position),
    );
    if (!site) return undefined;
    const connection = this.connections.state.kind === "connected" ? this.connections.state.setting.name : undefined;
    this.metrics.ensureFresh();
    const families = site.familyIds.flatMap((id) => snapshot.families.filter((f) => f.id === id));
    const histories = await Promise.all(
      families.map((family) =>
        UNMEASURED_KINDS.includes(family.kind) ? undefined : this.metrics.readHistory(family.label),
      ),
    );
    const parts = families.flatMap((family, index) => {
      const reveal = `command:${COMMANDS.revealFamily}?${encodeURIComponent(JSON.stringify([family.id]))}`;
      const store = findLiveStore(family);
      const memcached = this.memcached.address;
      const markdown = new vscode.MarkdownString(
        buildFamilyHover(
          family,
          store === "Redis"
            ? this.profiles.figures.get(family.id)
            : store === "Memcached"
              ? this.memcached.figures.get(family.id)
              : undefined,
          {
            revealCommand: reveal,
            connection:
              store === "Redis"
                ? connection
                : store === "Memcached" && memcached && this.memcached.figures.size > 0
                  ? `Memcached ${memcached}`
                  : undefined,
          },
        ),
      );
      markdown.isTrusted = { enabledCommands: [COMMANDS.revealFamily] };
      markdown.supportHtml = false;
      const runtime = UNMEASURED_KINDS.includes(family.kind)
        ? undefined
        : buildMetricsHover(family.label, this.metrics.status, histories[index]);
      if (!runtime) return [markdown];
      // Its own part, untrusted: it holds no command, and the chart is an image in a data URI.
      const figures = new vscode.MarkdownString(runtime);
      figures.isTrusted = false;
      figures.supportHtml = false;
      return [markdown, figures];
    });
    return parts.length > 0 ? new vscode.Hover(parts, toRange(site)) : undefined;
  }
}
