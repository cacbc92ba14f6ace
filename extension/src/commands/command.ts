// What a command file exports: its id and its handler, given the extension's parts. Every command
// lives in its own file next to this one and is registered, guarded, by `register-commands.ts`.
import type * as vscode from "vscode";
import type { AnalysisController } from "../analysis/analysis-controller";
import type { CommandId } from "../constants";
import type { ConnectionManager } from "../connections/connection-manager";
import type { MemcachedController } from "../profile/memcached-controller";
import type { ProfileController } from "../profile/profile-controller";
import type { FamiliesTreeProvider, FamilyNode } from "../views/families-tree";
import type { KeyspaceTreeProvider } from "../views/keyspace-tree";
import type { MetricsController } from "../metrics/metrics-controller";

/** The parts of the extension that commands act on (created and owned by `activate`). */
export interface CommandServices {
  log: vscode.LogOutputChannel;
  analysis: AnalysisController;
  connections: ConnectionManager;
  profiles: ProfileController;
  /** Memcached figures (`cachewise.memcached.address`); absent in hosts that do not wire it. */
  memcached?: MemcachedController;
  families: FamiliesTreeProvider;
  familiesView: vscode.TreeView<FamilyNode>;
  keyspace: KeyspaceTreeProvider;
  metrics: MetricsController;
}

/** One command: `run` receives the services, then the arguments VS Code passes (a tree node, an id). */
export interface CommandDefinition<Id extends CommandId = CommandId, Args extends unknown[] = any[]> {
  id: Id;
  run(services: CommandServices, ...args: Args): unknown;
}

/** Keeps the literal id and the argument types of a definition. */
export function defineCommand<Id extends CommandId, Args extends unknown[]>(
  definition: CommandDefinition<Id, Args>,
): CommandDefinition<Id, Args> {
  return definition;
}
