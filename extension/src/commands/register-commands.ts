// Registers every command of the manifest, each through `guardCommand`: a failure is logged to the
// output channel with the command id and shown in one notification, never lost. The returned
// disposable owns every registration.
import * as vscode from "vscode";
import { COMMANDS } from "../constants";
import { addConnectionCommand } from "./add-connection";
import { analyzeWorkspaceCommand } from "./analyze-workspace";
import type { CommandDefinition, CommandServices } from "./command";
import { copyKeyCommand } from "./copy-key";
import { deleteKeyCommand } from "./delete-key";
import { describeError, guardCommand } from "./guard-command";
import { loadMoreCommand } from "./load-more";
import { openKeyValueCommand } from "./open-key-value";
import { refreshCommand } from "./refresh";
import { revealFamilyCommand } from "./reveal-family";
import { revealWriterCommand } from "./reveal-writer";
import { runFullProfileCommand } from "./run-full-profile";
import { setKeyTtlCommand } from "./set-key-ttl";
import { setPasswordCommand } from "./set-password";
import { showOutputCommand } from "./show-output";
import { sortFamiliesCommand } from "./sort-families";
import { switchConnectionCommand } from "./switch-connection";

/** One definition per command id of the manifest: a command without a file fails the type check. */
const DEFINITIONS = {
  refresh: refreshCommand,
  runFullProfile: runFullProfileCommand,
  switchConnection: switchConnectionCommand,
  addConnection: addConnectionCommand,
  setPassword: setPasswordCommand,
  analyzeWorkspace: analyzeWorkspaceCommand,
  showOutput: showOutputCommand,
  copyKey: copyKeyCommand,
  openKeyValue: openKeyValueCommand,
  revealWriter: revealWriterCommand,
  revealFamily: revealFamilyCommand,
  deleteKey: deleteKeyCommand,
  setKeyTtl: setKeyTtlCommand,
  loadMore: loadMoreCommand,
  sortFamilies: sortFamiliesCommand,
} satisfies { [K in keyof typeof COMMANDS]: CommandDefinition<(typeof COMMANDS)[K]> };

export function registerCommands(services: CommandServices): vscode.Disposable {
  const report = (commandId: string, error: unknown) => {
    const message = describeError(error);
    services.log.error(`command ${commandId} failed: ${message}`);
    if (error instanceof Error && error.stack) services.log.debug(error.stack);
    void vscode.window.showErrorMessage(`Cachewise: ${message}`, "Show Log").then(
      (choice) => {
        if (choice === "Show Log") services.log.show();
      },
      () => undefined,
    );
  };
  const definitions: CommandDefinition[] = Object.values(DEFINITIONS);
  return vscode.Disposable.from(
    ...definitions.map((definition) =>
      vscode.commands.registerCommand(
        definition.id,
        guardCommand(definition.id, (...args: unknown[]) => definition.run(services, ...args), report),
      ),
    ),
  );
}
