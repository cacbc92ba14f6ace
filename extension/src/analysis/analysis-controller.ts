// Runs the analyzer for the workspace: on open, then after saves (debounced, coalesced, only the
// changed files and their importers), and turns the results into Problems entries with the rules'
// suggestions as quick fixes. A status item shows while an analysis runs.
import * as path from "node:path";
import * as vscode from "vscode";
import { escapeText } from "../../../analyzer/src/format/escape";
import type { SnapshotFinding, WorkspaceSnapshot } from "../../../analyzer/src/model/workspace-snapshot";
import { readSettings } from "../config";
import { COMMANDS, CONTEXT_KEYS, DIAGNOSTIC_SOURCE } from "../constants";
import { affects } from "../settings";
import { AnalysisClient } from "./analysis-client";
import {
  describeAnalysisStatus,
  IDLE,
  nextAnalysisState,
  type AnalysisEvent,
  type AnalysisState,
} from "./analysis-state";

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?)$/;

export class AnalysisController implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<WorkspaceSnapshot>();
  /** Fires with the merged snapshot of all folders after each analysis. */
  readonly onDidChangeSnapshot = this.changeEmitter.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly status = vscode.window.createStatusBarItem("cachewise.analysis", vscode.StatusBarAlignment.Left, 10);
  private readonly client: AnalysisClient;
  private readonly snapshots = new Map<string, WorkspaceSnapshot>();
  private readonly pendingFiles = new Map<string, Set<string>>();
  private debounceTimer: NodeJS.Timeout | undefined;
  private current: AnalysisState = IDLE;
  private readonly disposables: vscode.Disposable[] = [];
  private merged: WorkspaceSnapshot | undefined;

  constructor(
    serverPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.client = new AnalysisClient({ serverPath, log: (line) => log.info(line) });
    this.status.name = "Cachewise analysis";
    this.status.command = COMMANDS.showOutput;
    this.disposables.push(
      this.changeEmitter,
      this.diagnostics,
      this.status,
      vscode.workspace.onDidSaveTextDocument((document) => this.onSaved(document.uri)),
      vscode.workspace.onDidChangeWorkspaceFolders((event) => this.onFoldersChanged(event)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.analyzeAll()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affects(event, "analysis.enable")) void this.analyzeAll();
      }),
      vscode.languages.registerCodeActionsProvider(
        [
          { scheme: "file", language: "typescript" },
          { scheme: "file", language: "typescriptreact" },
          { scheme: "file", language: "javascript" },
          { scheme: "file", language: "javascriptreact" },
        ],
        new SuggestionActions(this),
        { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
      ),
    );
  }

  /** Whether an analysis runs, and whether the last round failed. */
  get state(): AnalysisState {
    return this.current;
  }

  /** The latest snapshot, merged over workspace folders. */
  get snapshot(): WorkspaceSnapshot | undefined {
    return this.merged;
  }

  /** Analyses every workspace folder from scratch. The analyzer runs only in trusted workspaces: it loads the project's config and tsconfig. */
  analyzeAll(): Promise<void> {
    return this.analyzeFolders(vscode.workspace.workspaceFolders ?? []);
  }

  private async analyzeFolders(folders: readonly vscode.WorkspaceFolder[]): Promise<void> {
    const settings = readSettings();
    if (!settings.analysis.enable || !vscode.workspace.isTrusted) {
      this.snapshots.clear();
      this.publish();
      return;
    }
    await Promise.all(
      folders
        .filter((f) => f.uri.scheme === "file")
        .map((folder) => this.run(folder.uri.fsPath, () => this.client.analyzeAll(folder.uri.fsPath))),
    );
  }

  /** Findings of a file with their suggestions (for quick fixes). */
  findingsOf(file: string): SnapshotFinding[] {
    return this.merged?.findings.filter((f) => f.file === file) ?? [];
  }

  /** A removed folder's results go away and its session in the analysis process is released; an added one is analysed. */
  private onFoldersChanged(event: vscode.WorkspaceFoldersChangeEvent): void {
    let hadResults = false;
    for (const folder of event.removed) {
      if (folder.uri.scheme !== "file") continue;
      const root = folder.uri.fsPath;
      this.pendingFiles.delete(root);
      hadResults = this.snapshots.delete(root) || hadResults;
      this.client.close(root).then(
        (released) => {
          if (released) this.log.info(`released the analysis of ${path.basename(root)}`);
        },
        (error: Error) => this.log.warn(`could not release the analysis of ${root}: ${error.message}`),
      );
    }
    if (hadResults) this.publish();
    if (event.added.length > 0) void this.analyzeFolders(event.added);
  }

  private onSaved(uri: vscode.Uri): void {
    if (uri.scheme !== "file" || !readSettings().analysis.enable || !vscode.workspace.isTrusted) return;
    const file = uri.fsPath;
    const isConfig = /(^|[\\/])(tsconfig[^\\/]*\.json|cachewise\.config\.json|package\.json)$/.test(file);
    if (!SOURCE_FILE.test(file) && !isConfig) return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const root = folder.uri.fsPath;
    const set = this.pendingFiles.get(root) ?? new Set<string>();
    set.add(file);
    this.pendingFiles.set(root, set);
    // Saves in quick succession are coalesced into one update.
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.flush(), readSettings().analysis.debounceMs);
  }

  private flush(): void {
    for (const [root, files] of this.pendingFiles) {
      this.pendingFiles.delete(root);
      void this.run(root, () => this.client.update(root, [...files]));
    }
  }

  private async run(root: string, request: () => Promise<WorkspaceSnapshot>): Promise<void> {
    this.transition({ kind: "started" });
    let outcome: AnalysisEvent = { kind: "succeeded" };
    try {
      const snapshot = await request();
      // A result older than one already shown (requests are sequential, so this only guards folder removal).
      if (!(vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.fsPath === root)) return;
      this.snapshots.set(root, snapshot);
      this.log.info(
        `analysed ${path.basename(root)}: ${snapshot.analysedFiles} of ${snapshot.totalFiles} files in ${snapshot.durationMs} ms, ${snapshot.findings.length} findings, ${snapshot.families.length} families`,
      );
      for (const warning of snapshot.warnings) this.log.warn(warning);
      this.publish();
    } catch (error) {
      const message = (error as Error).message;
      this.log.error(`analysis of ${root} failed: ${message}`);
      outcome = { kind: "failed", failure: { root, message } };
    } finally {
      this.transition(outcome);
    }
  }

  private transition(event: AnalysisEvent): void {
    this.current = nextAnalysisState(this.current, event);
    const shown = describeAnalysisStatus(this.current);
    if (!shown) return this.status.hide();
    this.status.text = shown.text;
    this.status.tooltip = shown.tooltip;
    this.status.show();
  }

  private publish(): void {
    const all = [...this.snapshots.values()];
    this.merged =
      all.length === 0
        ? undefined
        : {
            version: Math.max(...all.map((s) => s.version)),
            root: all[0]!.root,
            findings: all.flatMap((s) => s.findings),
            problems: all.flatMap((s) => s.problems),
            families: all.flatMap((s) => s.families),
            sites: all.flatMap((s) => s.sites),
            analysedFiles: all.reduce((n, s) => n + s.analysedFiles, 0),
            totalFiles: all.reduce((n, s) => n + s.totalFiles, 0),
            durationMs: Math.max(...all.map((s) => s.durationMs)),
            warnings: all.flatMap((s) => s.warnings),
          };
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (file: string, diagnostic: vscode.Diagnostic) => {
      const list = byFile.get(file) ?? [];
      list.push(diagnostic);
      byFile.set(file, list);
    };
    for (const finding of this.merged?.findings ?? []) {
      const diagnostic = new vscode.Diagnostic(
        toRange(finding),
        escapeText(finding.message),
        finding.severity === "error" ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = {
        value: finding.ruleId,
        target: vscode.Uri.parse(
          `https://github.com/cachewise/cachewise/blob/main/eslint-plugin/docs/rules/${finding.ruleId}.md`,
        ),
      };
      add(finding.file, diagnostic);
    }
    for (const problem of this.merged?.problems ?? []) {
      const diagnostic = new vscode.Diagnostic(
        toRange(problem),
        escapeText(problem.message),
        // A file that did not parse or could not be analysed was not checked: an error, not a note.
        problem.kind === "skipped" ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = DIAGNOSTIC_SOURCE;
      add(problem.file, diagnostic);
    }
    this.diagnostics.clear();
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    void vscode.commands.executeCommand(
      "setContext",
      CONTEXT_KEYS.hasFamilies,
      (this.merged?.families.length ?? 0) > 0,
    );
    if (this.merged) this.changeEmitter.fire(this.merged);
  }

  dispose(): void {
    clearTimeout(this.debounceTimer);
    this.client.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The rules' suggestions as quick fixes on cachewise diagnostics (only while the file matches what was analysed). */
class SuggestionActions implements vscode.CodeActionProvider {
  constructor(private readonly controller: AnalysisController) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    // Suggestions carry offsets into the file as analysed: a modified buffer would shift them.
    if (document.isDirty) return [];
    const actions: vscode.CodeAction[] = [];
    const findings = this.controller.findingsOf(document.uri.fsPath);
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = findings.find(
        (f) => escapeText(f.message) === diagnostic.message && toRange(f).isEqual(diagnostic.range),
      );
      for (const suggestion of finding?.suggestions ?? []) {
        const action = new vscode.CodeAction(suggestion.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        const edit = new vscode.WorkspaceEdit();
        for (const change of suggestion.edits)
          edit.replace(
            document.uri,
            new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)),
            change.text,
          );
        action.edit = edit;
        actions.push(action);
      }
    }
    return actions;
  }
}

export function toRange(range: { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  return new vscode.Range(range.line - 1, range.column - 1, range.endLine - 1, range.endColumn - 1);
}
