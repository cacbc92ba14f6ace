// Go to Writer: from a family, a key or a namespace to the code that writes it (the family's first
// write site, else its first site).
import * as vscode from "vscode";
import { formatKeyForDisplay } from "../../../analyzer/src/keyspace/key-format";
import { createKeyMatcher } from "../../../analyzer/src/program-model/match-keys";
import { toRange } from "../analysis/analysis-controller";
import { readSettings } from "../config";
import { COMMANDS } from "../constants";
import type { FamilyNode } from "../views/families-tree";
import type { KeyspaceNode } from "../views/keyspace-tree";
import { defineCommand } from "./command";

export const revealWriterCommand = defineCommand({
  id: COMMANDS.revealWriter,
  async run({ analysis }, node: KeyspaceNode | FamilyNode | undefined) {
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
        snapshot.families.find((f) => f.kind === "redis" && formatKeyForDisplay(f.pattern).startsWith(display))?.id;
    }
    const family = snapshot.families.find((f) => f.id === familyId);
    const target = family?.writeSites[0] ?? family?.sites[0];
    if (!target) {
      void vscode.window.showInformationMessage("Cachewise: no code in this workspace writes this key pattern.");
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(target.file), { selection: toRange(target) });
  },
});
