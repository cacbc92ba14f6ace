// Entry point: wires the controllers, providers and commands and hands every registration to the
// extension context, which disposes them. Nothing else happens here.
import * as path from "node:path";
import * as vscode from "vscode";
import { AnalysisController } from "./analysis/analysis-controller";
import { CacheCodeLensProvider } from "./code-lens/cache-code-lens-provider";
import { registerCommands } from "./commands/register-commands";
import { VALUE_SCHEME, VIEWS } from "./constants";
import { ConnectionManager } from "./connections/connection-manager";
import { LiveDiagnostics } from "./diagnostics/live-diagnostics";
import { CacheHoverProvider } from "./hover/cache-hover-provider";
import { MemcachedController } from "./profile/memcached-controller";
import { MetricsController } from "./metrics/metrics-controller";
import { ProfileController } from "./profile/profile-controller";
import { RedisStatusBar } from "./status/status-bar";
import { FamiliesTreeProvider, type FamilyNode } from "./views/families-tree";
import { KeyspaceCountdown } from "./views/keyspace-countdown";
import { KeyspaceTreeProvider } from "./views/keyspace-tree";
import { ValueDocumentProvider } from "./views/value-document";

let connections: ConnectionManager | undefined;

/** What the extension exposes to its own tests (`vscode.extensions.getExtension(...).exports`). */
export interface CachewiseApi {
  analysis: AnalysisController;
  connections: ConnectionManager;
  profiles: ProfileController;
  memcached: MemcachedController;
  familiesView: vscode.TreeView<FamilyNode>;
}

export function activate(context: vscode.ExtensionContext): CachewiseApi {
  const log = vscode.window.createOutputChannel("Cachewise", { log: true });
  const manager = new ConnectionManager(context.secrets, log);
  connections = manager;
  const analysis = new AnalysisController(path.join(context.extensionPath, "dist", "analysis-server.cjs"), log);
  const profiles = new ProfileController(manager, log);
  const memcached = new MemcachedController(log);
  const metrics = new MetricsController(log);
  const families = new FamiliesTreeProvider(analysis, profiles, memcached, metrics);
  const keyspace = new KeyspaceTreeProvider(manager);
  const familiesView = vscode.window.createTreeView(VIEWS.families, {
    treeDataProvider: families,
    showCollapseAll: true,
  });
  const keyspaceView = vscode.window.createTreeView(VIEWS.keyspace, {
    treeDataProvider: keyspace,
    showCollapseAll: true,
  });
  const lenses = new CacheCodeLensProvider(analysis, profiles, manager, memcached, metrics);
  const sources = [
    { scheme: "file", language: "typescript" },
    { scheme: "file", language: "typescriptreact" },
    { scheme: "file", language: "javascript" },
    { scheme: "file", language: "javascriptreact" },
  ];

  context.subscriptions.push(
    log,
    manager,
    analysis,
    profiles,
    memcached,
    metrics,
    families,
    keyspace,
    familiesView,
    keyspaceView,
    lenses,
    new KeyspaceCountdown(keyspace, keyspaceView),
    new RedisStatusBar(manager, profiles),
    new LiveDiagnostics(analysis, profiles),
    vscode.languages.registerCodeLensProvider(sources, lenses),
    vscode.languages.registerHoverProvider(
      sources,
      new CacheHoverProvider(analysis, profiles, manager, memcached, metrics),
    ),
    vscode.workspace.registerTextDocumentContentProvider(VALUE_SCHEME, new ValueDocumentProvider(manager)),
    analysis.onDidChangeSnapshot((snapshot) => {
      profiles.setFamilies(snapshot.families);
      memcached.setFamilies(snapshot.families);
    }),
    registerCommands({
      log,
      analysis,
      connections: manager,
      profiles,
      memcached,
      families,
      familiesView,
      keyspace,
      metrics,
    }),
  );
  void manager.connect();
  void analysis.analyzeAll();
  void metrics.refresh();
  return { analysis, connections: manager, profiles, memcached, familiesView };
}

export async function deactivate(): Promise<void> {
  // Close Redis connections cleanly (QUIT) before the host goes away.
  await connections?.disposeAsync();
  connections = undefined;
}
