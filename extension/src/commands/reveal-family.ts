// Reveals a family in the Families view (from a CodeLens or a hover link).
import { COMMANDS, SHOW_SIDEBAR_COMMAND } from "../constants";
import * as vscode from "vscode";
import { defineCommand } from "./command";

export const revealFamilyCommand = defineCommand({
  id: COMMANDS.revealFamily,
  async run({ families, familiesView }, id: string) {
    const node = families.findFamilyNode(id);
    if (!node) return;
    await vscode.commands.executeCommand(SHOW_SIDEBAR_COMMAND);
    await familiesView.reveal(node, { select: true, focus: true, expand: true });
  },
});
