// Hover on a cache call (its key expression included): the family's pattern, live figures, TTL
// histogram, sample keys, the TTL in code vs live, data class and owner, and a link to the sidebar.
// Everything from Redis is escaped by `buildFamilyHover`; the Markdown trusts only one command.
import * as vscode from "vscode";
import type { AnalysisController } from "../analysis/analysis-controller";
import { toRange } from "../analysis/analysis-controller";
import { COMMANDS } from "../constants";
import type { ConnectionManager } from "../connections/connection-manager";
import type { MemcachedController } from "../profile/memcached-controller";
import type { ProfileController } from "../profile/profile-controller";
import { buildFamilyHover, findLiveStore } from "../stats/family-figures";

export class CacheHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly analysis: AnalysisController,
    private readonly profiles: ProfileController,
    private readonly connections: ConnectionManager,
    private readonly memcached: MemcachedController,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const snapshot = this.analysis.snapshot;
    if (!snapshot || document.uri.scheme !== "file") return undefined;
    const site = snapshot.sites.find(
      (s) => s.file === document.uri.fsPath && s.familyIds.length > 0 && toRange(s).contains(position),
    );
    if (!site) return undefined;
    const connection = this.connections.state.kind === "connected" ? this.connections.state.setting.name : undefined;
    const parts = site.familyIds.flatMap((id) => {
      const family = snapshot.families.find((f) => f.id === id);
      if (!family) return [];
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
      return [markdown];
    });
    return parts.length > 0 ? new vscode.Hover(parts, toRange(site)) : undefined;
  }
}
