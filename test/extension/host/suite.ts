// Checks the extension through the `vscode` API inside a real extension host: it activates, its
// CodeLens name the cache families, its findings are in the Problems panel, and its exported API
// is connected to the seeded Redis. The runner opens a copy of examples/cache-demo and puts one
// connection named "local" in the user settings (see test/extension-ui/extension.test.ts and
// scripts/run-extension-tests-electron.mjs).
import assert from "node:assert/strict";
import * as path from "node:path";
import * as vscode from "vscode";
import type { CachewiseApi } from "../../../extension/src/extension";
import { DIAGNOSTIC_SOURCE } from "../../../extension/src/constants";

const EXTENSION_ID = "cachewise.cachewise";
/** Analysis of the demo takes 5–10 s on a loaded 2-core machine; the first one includes the process start. */
const WAIT_MS = 90_000;

describe("Cachewise in the extension host", () => {
  let api: CachewiseApi;
  let workspaceRoot: string;

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the runner must open the cache-demo copy as the workspace");
    workspaceRoot = folder.uri.fsPath;
  });

  it("activates and exports its API", async () => {
    const extension = vscode.extensions.getExtension<CachewiseApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    assert.ok(extension.isActive);
    assert.ok(
      api.analysis && api.connections && api.profiles && api.familiesView,
      "activate() returns { analysis, connections, profiles, familiesView }",
    );
  });

  it("analyses the workspace: the demo's families are known", async () => {
    const snapshot = await waitFor(() => api.analysis.snapshot, "the first analysis");
    const patterns = snapshot.families.filter((f) => f.kind === "redis").map((f) => f.label);
    for (const expected of ["demo:user:{id}", "demo:session:{token}", "demo:rate:{ip}", "demo:user-sessions:{userId}"])
      assert.ok(patterns.includes(expected), `${expected} missing from ${patterns.join(", ")}`);
  });

  it("reports cachewise findings as diagnostics", async () => {
    const findings = await waitFor(() => {
      const list = vscode.languages
        .getDiagnostics()
        .flatMap(([, diagnostics]) => diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE));
      return list.length > 0 ? list : undefined;
    }, "cachewise diagnostics");
    const rules = new Set(findings.map((d) => (typeof d.code === "object" ? String(d.code.value) : String(d.code))));
    assert.ok(findings.length >= 13, `the demo has 13 findings, got ${findings.length}`);
    assert.ok(rules.has("require-cache-ttl"), `rules: ${[...rules].join(", ")}`);
    const userService = vscode.Uri.file(path.join(workspaceRoot, "src", "users", "user-service.ts"));
    assert.ok(
      vscode.languages
        .getDiagnostics(userService)
        .some((d) => d.source === DIAGNOSTIC_SOURCE && d.range.start.line === 16),
      "a finding on the plain SET of renameUser (line 17)",
    );
  });

  it("is connected to the configured Redis", async () => {
    const state = await waitFor(
      () => (api.connections.state.kind === "connected" ? api.connections.state : undefined),
      `a connection (state: ${api.connections.state.kind})`,
    );
    assert.equal(state.setting.name, "local");
    assert.equal(state.connection.allowWrites, false, "read-only unless cachewise.redis.allowWrites");
    const userFamily = api.analysis.snapshot!.families.find((f) => f.label === "demo:user:{id}")!;
    const figures = await waitFor(() => api.profiles.figures.get(userFamily.id), "live figures of demo:user:{id}");
    assert.ok(figures.keys > 0, "the seeded demo:user keys are counted");
    assert.ok(figures.keysWithoutTtl > 0, "some seeded demo:user keys have no TTL");
  });

  it("shows CodeLens naming the family and its live figures above cache calls", async () => {
    const uri = vscode.Uri.file(path.join(workspaceRoot, "src", "users", "user-service.ts"));
    await vscode.window.showTextDocument(uri);
    const titles = await waitFor(async () => {
      // The second argument resolves that many lenses (the provider fills titles in resolveCodeLens).
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", uri, 50);
      const list = (lenses ?? []).map((lens) => lens.command?.title ?? "");
      return list.some((title) => /keys/.test(title)) ? list : undefined;
    }, "resolved CodeLens with key counts");
    assert.ok(
      titles.every((title) => title.startsWith("demo:user:{id} · ")),
      titles.join("\n"),
    );
    assert.ok(
      titles.some((title) => /demo:user:\{id\} · ≈?\d+ keys/.test(title)),
      titles.join("\n"),
    );
  });

  it("reveals a family in the Families view, also when the view shows with a refresh pending", async () => {
    const labels = ["demo:user:{id}", "demo:session:{token}", "demo:rate:{ip}", "demo:user-sessions:{userId}"];
    for (const [round, label] of [...labels, ...labels, ...labels].entries()) {
      const family = api.analysis.snapshot!.families.find((f) => f.label === label)!;
      // The view hidden, then new figures: VS Code puts the tree's refresh off until the view shows
      // again, and then runs it while the family is revealed. The pause lets the refresh reach VS Code
      // before the view shows, as when a user clicks a CodeLens a moment after a refresh.
      await vscode.commands.executeCommand("workbench.view.explorer");
      await vscode.commands.executeCommand("cachewise.refresh");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await vscode.commands.executeCommand("cachewise.revealFamily", family.id);
      // A different family each round, so that a selection left from the round before cannot pass.
      await waitFor(
        () =>
          api.familiesView.selection.some((n) => n.kind === "family" && n.family.id === family.id) ? true : undefined,
        `${label} selected in the Families view (round ${round + 1})`,
        10_000,
      );
    }
  });

  it("re-analyses a saved file: fixing the plain SET removes its finding", async () => {
    const uri = vscode.Uri.file(path.join(workspaceRoot, "src", "users", "user-service.ts"));
    const document = await vscode.workspace.openTextDocument(uri);
    const line = document.lineAt(16);
    assert.match(line.text, /await redis\.set\(userKey\(id\), JSON\.stringify\(updated\)\);/);
    const isOnLine17 = () =>
      vscode.languages.getDiagnostics(uri).some((d) => d.source === DIAGNOSTIC_SOURCE && d.range.start.line === 16);
    assert.ok(isOnLine17(), "the finding is there before the fix");
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, line.range, '  await redis.set(userKey(id), JSON.stringify(updated), "KEEPTTL");');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save());
    await waitFor(() => (isOnLine17() ? undefined : true), "the finding on line 17 to go away after the save");
  });

  it("runs a full profile on demand: exact figures with memory", async () => {
    await vscode.commands.executeCommand("cachewise.runFullProfile");
    const profile = api.profiles.latestProfile;
    assert.ok(profile?.complete, "the profile completed");
    const userFamily = api.analysis.snapshot!.families.find((f) => f.label === "demo:user:{id}")!;
    const figures = api.profiles.figures.get(userFamily.id);
    assert.equal(figures?.source, "profile");
    assert.ok((figures?.memoryBytes ?? 0) > 0, "memory is measured by a full profile");
  });
});

/** Polls until `read` returns something (no fixed sleeps: timings vary a lot on loaded machines). */
async function waitFor<T>(
  read: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
