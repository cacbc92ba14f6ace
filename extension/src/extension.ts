// Entry point: wires the controllers and providers and hands every registration to the extension
// context, which disposes them. Nothing else happens here.
import * as path from "node:path";
import * as vscode from "vscode";
import type { KeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import { formatKeyForDisplay } from "../../analyzer/src/keyspace/key-format";
import { createKeyMatcher } from "../../analyzer/src/program-model/match-keys";
import { AnalysisController, toRange } from "./analysis/analysis-controller";
import { CacheCodeLensProvider } from "./code-lens/cache-code-lens-provider";
import { readSettings } from "./config";
import { COMMANDS, VALUE_SCHEME, VIEWS } from "./constants";
import { ConnectionManager } from "./connections/connection-manager";
import { describeConnection } from "./connections/connection-settings";
import { LiveDiagnostics } from "./diagnostics/live-diagnostics";
import { CacheHoverProvider } from "./hover/cache-hover-provider";
import { ProfileController } from "./profile/profile-controller";
import { RedisStatusBar } from "./status/status-bar";
import { FamiliesTreeProvider, type FamilyNode } from "./views/families-tree";
import { KeyspaceTreeProvider, type KeyspaceNode } from "./views/keyspace-tree";
import { createValueUri, ValueDocumentProvider } from "./views/value-document";

let connections: ConnectionManager | undefined;

/** What the extension exposes to its own tests (`vscode.extensions.getExtension(...).exports`). */
export interface CachewiseApi {
  analysis: AnalysisController;
  connections: ConnectionManager;
  profiles: ProfileController;
}

export function activate(context: vscode.ExtensionContext): CachewiseApi {
  const log = vscode.window.createOutputChannel("Cachewise", { log: true });
  connections = new ConnectionManager(context.secrets, log);
  const analysis = new AnalysisController(path.join(context.extensionPath, "dist", "analysis-server.cjs"), log);
  const profiles = new ProfileController(connections, log);
  const families = new FamiliesTreeProvider(analysis, profiles);
  const keyspace = new KeyspaceTreeProvider(connections);
  const familiesView = vscode.window.createTreeView(VIEWS.families, {
    treeDataProvider: families,
    showCollapseAll: true,
  });
  const keyspaceView = vscode.window.createTreeView(VIEWS.keyspace, {
    treeDataProvider: keyspace,
    showCollapseAll: true,
  });
  const lenses = new CacheCodeLensProvider(analysis, profiles, connections);
  const sources = [
    { scheme: "file", language: "typescript" },
    { scheme: "file", language: "typescriptreact" },
    { scheme: "file", language: "javascript" },
    { scheme: "file", language: "javascriptreact" },
  ];
  const manager = connections;

  context.subscriptions.push(
    log,
    manager,
    analysis,
    profiles,
    families,
    keyspace,
    familiesView,
    keyspaceView,
    lenses,
    new RedisStatusBar(manager, profiles),
    new LiveDiagnostics(analysis, profiles),
    vscode.languages.registerCodeLensProvider(sources, lenses),
    vscode.languages.registerHoverProvider(sources, new CacheHoverProvider(analysis, profiles, manager)),
    vscode.workspace.registerTextDocumentContentProvider(VALUE_SCHEME, new ValueDocumentProvider(manager)),
    analysis.onDidChangeSnapshot((snapshot) => profiles.setFamilies(snapshot.families)),
    vscode.commands.registerCommand(COMMANDS.refresh, async () => {
      keyspace.refresh();
      await profiles.refresh();
      families.refresh();
    }),
    vscode.commands.registerCommand(COMMANDS.runFullProfile, () => profiles.runFullProfile()),
    vscode.commands.registerCommand(COMMANDS.switchConnection, () => manager.switchConnection()),
    vscode.commands.registerCommand(COMMANDS.addConnection, () => manager.addConnection()),
    vscode.commands.registerCommand(COMMANDS.setPassword, (name?: string) => manager.setPassword(name)),
    vscode.commands.registerCommand(COMMANDS.analyzeWorkspace, () => analysis.analyzeAll()),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => log.show()),
    vscode.commands.registerCommand(COMMANDS.loadMore, (node: KeyspaceNode) => keyspace.loadMore(node)),
    vscode.commands.registerCommand(COMMANDS.copyKey, async (node: KeyspaceNode) => {
      if (node?.kind === "key") await vscode.env.clipboard.writeText(formatKeyForDisplay(node.key));
    }),
    vscode.commands.registerCommand(COMMANDS.openKeyValue, async (node: KeyspaceNode) => {
      const connection = manager.connection;
      if (node?.kind !== "key" || !connection) return;
      const document = await vscode.workspace.openTextDocument(createValueUri(connection.name, node.key));
      await vscode.window.showTextDocument(document, { preview: true });
    }),
    vscode.commands.registerCommand(COMMANDS.revealFamily, async (id: string) => {
      const node = families.findFamilyNode(id);
      if (!node) return;
      await vscode.commands.executeCommand("workbench.view.extension.cachewise");
      await familiesView.reveal(node, { select: true, focus: true, expand: true });
    }),
    vscode.commands.registerCommand(COMMANDS.revealWriter, async (node: KeyspaceNode | FamilyNode) => {
      const snapshot = analysis.snapshot;
      if (!snapshot || !node) return;
      let familyId: string | undefined;
      if (node.kind === "family") familyId = node.family.id;
      else if (node.kind === "key" || node.kind === "namespace") {
        const matcher = createKeyMatcher(
          snapshot.families.filter((f) => f.kind === "redis"),
          readSettings().redis.namespaceDelimiter,
        );
        const display = formatKeyForDisplay(node.kind === "key" ? node.key : node.prefix);
        familyId =
          matcher.match(display) ??
          snapshot.families.find((f) => f.kind === "redis" && f.pattern.startsWith(display))?.id;
      }
      const family = snapshot.families.find((f) => f.id === familyId);
      const target = family?.writeSites[0] ?? family?.sites[0];
      if (!target) {
        void vscode.window.showInformationMessage("Cachewise: no code in this workspace writes this key pattern.");
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(target.file), { selection: toRange(target) });
    }),
    vscode.commands.registerCommand(COMMANDS.deleteKey, async (node: KeyspaceNode) => {
      const target = findWritableKey(manager, node, "delete keys");
      if (!target) return;
      const answer = await vscode.window.showWarningMessage(
        `Delete the key "${target.key}" from ${target.where}?`,
        { modal: true },
        "Delete",
      );
      if (answer !== "Delete") return;
      await target.connection.deleteKey(target.raw);
      keyspace.refresh();
    }),
    vscode.commands.registerCommand(COMMANDS.setKeyTtl, async (node: KeyspaceNode) => {
      const target = findWritableKey(manager, node, "change TTLs");
      if (!target) return;
      const input = await vscode.window.showInputBox({
        prompt: `New TTL in seconds for "${target.key}" (empty: no expiry)`,
        validateInput: (v) => (v === "" || /^\d+(\.\d+)?$/.test(v) ? undefined : "A number of seconds, or empty"),
      });
      if (input === undefined) return;
      const seconds = input === "" ? null : Number(input);
      const answer = await vscode.window.showWarningMessage(
        `${seconds === null ? "Remove the TTL of" : `Set a TTL of ${seconds} s on`} "${target.key}" in ${target.where}?`,
        { modal: true },
        "Change TTL",
      );
      if (answer !== "Change TTL") return;
      await target.connection.setTtl(target.raw, seconds);
      keyspace.refresh();
    }),
  );
  // TTLs in the Keyspace view count down while it is visible, at the refresh interval.
  let ttlTimer: NodeJS.Timeout | undefined;
  const scheduleTtlRefresh = () => {
    clearInterval(ttlTimer);
    ttlTimer = setInterval(() => {
      if (keyspaceView.visible) void keyspace.refreshLoadedKeys();
    }, readSettings().redis.refreshIntervalSeconds * 1000);
  };
  scheduleTtlRefresh();
  context.subscriptions.push(
    { dispose: () => clearInterval(ttlTimer) },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("cachewise.redis.refreshIntervalSeconds")) scheduleTtlRefresh();
    }),
  );
  void manager.connect();
  void analysis.analyzeAll();
  return { analysis, connections: manager, profiles };
}

/**
 * The key a write command acts on, when writes are allowed by the settings and on the open
 * connection; otherwise says why not (once per attempt) and returns undefined.
 */
function findWritableKey(
  manager: ConnectionManager,
  node: KeyspaceNode,
  what: string,
): { connection: KeyspaceConnection; raw: Buffer; key: string; where: string } | undefined {
  const state = manager.state;
  if (node?.kind !== "key" || state.kind !== "connected") return undefined;
  if (!readSettings().redis.allowWrites || !state.connection.allowWrites) {
    void vscode.window.showInformationMessage(`Cachewise is read-only: enable cachewise.redis.allowWrites to ${what}.`);
    return undefined;
  }
  return {
    connection: state.connection,
    raw: node.key,
    key: formatKeyForDisplay(node.key),
    where: describeConnection(state.setting),
  };
}

export async function deactivate(): Promise<void> {
  // Close Redis connections cleanly (QUIT) before the host goes away.
  await connections?.disposeAsync();
  connections = undefined;
}
