// Keeps the live figures fresh: a sampled estimate on connect and every refresh interval, a full
// profile on demand (with progress and cancel), and the server statistics for the status bar.
// Figures are grouped by the families of the latest analysis.
import * as vscode from "vscode";
import { TTL_HISTOGRAM_LABELS } from "../../../analyzer/src/keyspace/aggregate";
import { estimateKeyspace } from "../../../analyzer/src/keyspace/estimate-keyspace";
import type { KeyspaceEstimate, KeyspaceProfile } from "../../../analyzer/src/keyspace/keyspace-model";
import { profileKeyspace } from "../../../analyzer/src/keyspace/profile-keyspace";
import { readServerStats, type ServerStats } from "../../../analyzer/src/keyspace/server-stats";
import { createKeyMatcher } from "../../../analyzer/src/program-model/match-keys";
import type { SnapshotFamily } from "../../../analyzer/src/model/workspace-snapshot";
import { readSettings } from "../config";
import type { ConnectionManager } from "../connections/connection-manager";
import { affects } from "../settings";
import { collectFigures, type LiveFigures } from "../stats/family-figures";
import { computeHitRate, type HitCounters } from "../stats/hit-rate";

export class ProfileController implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private estimate: KeyspaceEstimate | undefined;
  private profile: KeyspaceProfile | undefined;
  private figuresCache: Map<string | undefined, LiveFigures> = new Map();
  private statsNow: ServerStats | undefined;
  /** Hit counters at the last two refreshes: the hit rate is over the interval between them. */
  private hitsBefore: HitCounters | undefined;
  private hitsNow: HitCounters | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private isRerunRequested = false;
  private families: readonly SnapshotFamily[] = [];
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  /** Set while a refresh runs, for "profiling…" lenses. */
  busy = false;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      connections.onDidChangeState((state) => {
        this.profile = undefined;
        this.estimate = undefined;
        this.statsNow = undefined;
        this.hitsBefore = undefined;
        this.hitsNow = undefined;
        this.figuresCache = new Map();
        this.changeEmitter.fire();
        if (state.kind === "connected") void this.refresh();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affects(event, "redis.refreshIntervalSeconds")) this.schedule();
      }),
    );
    this.schedule();
  }

  /** Figures by family id (undefined: keys no family in the code produces). */
  get figures(): ReadonlyMap<string | undefined, LiveFigures> {
    return this.figuresCache;
  }

  get latestProfile(): KeyspaceProfile | undefined {
    return this.profile;
  }

  get latestEstimate(): KeyspaceEstimate | undefined {
    return this.estimate;
  }

  get serverStats(): ServerStats | undefined {
    return this.statsNow;
  }

  /** Hit rate over the last refresh interval, from `keyspace_hits`/`keyspace_misses` deltas, without our own lookups. */
  get hitRate(): number | undefined {
    return this.hitsBefore && this.hitsNow ? computeHitRate(this.hitsBefore, this.hitsNow) : undefined;
  }

  /** The families keys are grouped by; re-groups on the next refresh. */
  setFamilies(families: readonly SnapshotFamily[]): void {
    this.families = families;
    // A full profile keeps its figures until the next one; the estimate is cheap to redo.
    if (!this.profile) void this.refresh();
  }

  /**
   * A sampled estimate plus server statistics (instant on big keyspaces). A call while one runs
   * queues one more run: the running one may classify keys with families that just changed (the
   * first analysis usually ends while the first estimate runs). `whenIdle` (the timer) skips instead.
   */
  refresh(options: { whenIdle?: boolean } = {}): Promise<void> {
    if (this.running) {
      if (!options.whenIdle) this.isRerunRequested = true;
      return this.running;
    }
    this.running = this.runRefresh().finally(() => {
      this.running = undefined;
      if (this.isRerunRequested) {
        this.isRerunRequested = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  /** A full profile with progress in a notification, cancellable. */
  async runFullProfile(): Promise<void> {
    const connection = this.connections.connection;
    if (!connection) {
      void vscode.window.showInformationMessage("Cachewise: no Redis connection.");
      return;
    }
    const settings = readSettings();
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Cachewise: profiling ${connection.name}`,
        cancellable: true,
      },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        try {
          const profile = await profileKeyspace(connection, {
            classify: this.createClassifier(settings.redis.namespaceDelimiter),
            delimiter: settings.redis.namespaceDelimiter,
            signal: controller.signal,
            onProgress: (p) => {
              const total = p.totalKeysEstimate;
              const percent = total ? Math.min(100, (p.scannedKeys / total) * 100) : undefined;
              progress.report({
                message: `${p.scannedKeys.toLocaleString()}${total ? ` of ${total.toLocaleString()}` : ""} keys`,
                increment: percent !== undefined ? percent - reported : undefined,
              });
              if (percent !== undefined) reported = percent;
            },
          });
          this.profile = profile;
          this.report(profile.notices);
          this.recompute();
          this.log.info(
            `full profile of ${connection.name}: ${profile.total.keys} keys in ${profile.durationMs} ms${profile.complete ? "" : " (cancelled)"}`,
          );
        } catch (error) {
          this.log.error(`full profile failed: ${(error as Error).message}`);
          void vscode.window.showErrorMessage(`Cachewise: the profile failed: ${(error as Error).message}`);
        }
      },
    );
  }

  private async runRefresh(): Promise<void> {
    const connection = this.connections.connection;
    if (!connection) return;
    const settings = readSettings();
    this.busy = true;
    try {
      const stats = await readServerStats(connection);
      // Lookups count when answered; commands sent before INFO on this connection are answered before it.
      const ownLookups = connection.keyLookups;
      this.statsNow = stats;
      this.hitsBefore = this.hitsNow;
      this.hitsNow =
        stats.keyspaceHits === undefined || stats.keyspaceMisses === undefined
          ? undefined
          : { hits: stats.keyspaceHits, misses: stats.keyspaceMisses, ownLookups };
      this.report(stats.notices);
      if (!this.profile) {
        this.estimate = await estimateKeyspace(connection, {
          sampleSize: settings.redis.sampleSize,
          classify: this.createClassifier(settings.redis.namespaceDelimiter),
          delimiter: settings.redis.namespaceDelimiter,
        });
        this.report(this.estimate.notices ?? []);
      }
      this.recompute();
    } catch (error) {
      this.log.warn(`keyspace refresh failed: ${(error as Error).message}`);
    } finally {
      this.busy = false;
      this.changeEmitter.fire();
    }
  }

  private createClassifier(delimiter: string): (key: string) => string | undefined {
    const matcher = createKeyMatcher(
      this.families.filter((f) => f.kind === "redis"),
      delimiter,
    );
    return (key) => matcher.match(key);
  }

  private recompute(): void {
    this.figuresCache = collectFigures(this.profile, this.estimate, TTL_HISTOGRAM_LABELS);
    this.changeEmitter.fire();
  }

  private report(notices: readonly string[]): void {
    for (const notice of notices) this.connections.notifyOnce(`notice:${notice.split(":")[0]}`, `Cachewise: ${notice}`);
  }

  private schedule(): void {
    clearInterval(this.timer);
    const seconds = readSettings().redis.refreshIntervalSeconds;
    this.timer = setInterval(() => void this.refresh({ whenIdle: true }), Math.max(5, seconds) * 1000);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
