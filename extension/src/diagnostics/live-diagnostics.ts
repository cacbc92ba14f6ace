// Information diagnostics where the code and the live keyspace disagree: code that sets a TTL while
// live keys of the family have none, a family in Redis that no code writes, memory over budget.
import * as vscode from "vscode";
import type { AnalysisController } from "../analysis/analysis-controller";
import { toRange } from "../analysis/analysis-controller";
import { readSettings } from "../config";
import { LIVE_DIAGNOSTIC_SOURCE } from "../constants";
import type { ProfileController } from "../profile/profile-controller";
import { findMismatches } from "../stats/family-figures";

export class LiveDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("cachewise-live");
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly analysis: AnalysisController,
    private readonly profiles: ProfileController,
  ) {
    this.disposables.push(
      analysis.onDidChangeSnapshot(() => this.update()),
      profiles.onDidChange(() => this.update()),
    );
  }

  private update(): void {
    this.collection.clear();
    const snapshot = this.analysis.snapshot;
    if (!snapshot || this.profiles.figures.size === 0) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const mismatch of findMismatches(
      snapshot.families,
      this.profiles.figures,
      readSettings().families.memoryBudgets,
    )) {
      const family = snapshot.families.find((f) => f.id === mismatch.familyId)!;
      // Where to say it: the writes for TTL and memory, the reads when nothing writes.
      const ranges = mismatch.kind === "no-writer" ? family.sites : family.writeSites;
      for (const range of ranges) {
        const diagnostic = new vscode.Diagnostic(
          toRange(range),
          mismatch.message,
          vscode.DiagnosticSeverity.Information,
        );
        diagnostic.source = LIVE_DIAGNOSTIC_SOURCE;
        diagnostic.code = mismatch.kind;
        const list = byFile.get(range.file) ?? [];
        list.push(diagnostic);
        byFile.set(range.file, list);
      }
    }
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
