// Keeps the Memcached figures fresh in the editor: a profile when `cachewise.memcached.address` is
// set or changed, every `cachewise.memcached.refreshIntervalSeconds`, on the Refresh command, and
// when the analysis changes the Memcached families (at most once per cooldown). The logic is in
// memcached-live.ts; this file only wires settings, timers and events.
import * as vscode from "vscode";
import type { SnapshotFamily } from "../../../analyzer/src/model/workspace-snapshot";
import { readSettings } from "../config";
import { affects } from "../settings";
import type { LiveFigures } from "../stats/family-figures";
import { MemcachedLiveFigures, type MemcachedLiveState } from "./memcached-live";

export class MemcachedController implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly live = new MemcachedLiveFigures();
  private timer: NodeJS.Timeout | undefined;
  private regroupTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  /** Errors already shown, so that a server that stays down is reported once. */
  private readonly shown = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affects(event, "memcached", "redis.namespaceDelimiter")) this.configure();
      }),
    );
    this.configure();
  }

  get state(): MemcachedLiveState {
    return this.live.state;
  }

  get figures(): ReadonlyMap<string | undefined, LiveFigures> {
    return this.live.figures;
  }

  get address(): string | undefined {
    return this.live.state.kind === "none" ? undefined : this.live.state.address;
  }

  get latestProfile() {
    return this.live.latestProfile;
  }

  setFamilies(families: readonly SnapshotFamily[]): void {
    this.live.setFamilies(families);
    this.scheduleRegroup();
  }

  /** A profile now (the Refresh command). */
  async refresh(): Promise<void> {
    const running = this.live.refresh();
    this.changeEmitter.fire();
    await running;
    this.afterProfile();
  }

  private configure(): void {
    const settings = readSettings();
    const changed = this.live.configure(settings.memcached.address, settings.redis.namespaceDelimiter);
    clearInterval(this.timer);
    this.timer = undefined;
    if (settings.memcached.address) {
      const seconds = Math.max(30, settings.memcached.refreshIntervalSeconds);
      this.timer = setInterval(() => void this.refresh(), seconds * 1000);
    }
    if (changed) {
      this.shown.clear();
      this.changeEmitter.fire();
      if (settings.memcached.address) void this.refresh();
    }
  }

  private scheduleRegroup(): void {
    const delay = this.live.regroupDelay();
    if (delay === undefined || this.regroupTimer) return;
    this.regroupTimer = setTimeout(() => {
      this.regroupTimer = undefined;
      if (this.live.regroupDelay() !== undefined) void this.refresh();
    }, delay);
  }

  private afterProfile(): void {
    const state = this.live.state;
    const profile = this.live.latestProfile;
    if (state.kind === "error") {
      this.log.warn(`Memcached profile of ${state.address} failed: ${state.message}`);
      if (!this.shown.has(state.message)) {
        this.shown.add(state.message);
        void vscode.window.showWarningMessage(`Cachewise: Memcached ${state.address}: ${state.message}`);
      }
    } else if (profile) {
      this.log.info(
        `Memcached profile of ${state.kind === "ready" ? state.address : ""}: ${profile.itemsRead} items in ${profile.durationMs} ms${profile.complete ? "" : ` (partial: ${profile.stopDetail})`}`,
      );
    }
    this.changeEmitter.fire();
    // Families that changed while it ran.
    this.scheduleRegroup();
  }

  dispose(): void {
    clearInterval(this.timer);
    clearTimeout(this.regroupTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
