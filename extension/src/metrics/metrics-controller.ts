// Reads the run-time figures per family from Prometheus (`cachewise.metrics.prometheusUrl`): on activation, on
// Refresh, when the settings change, and when a CodeLens or hover is resolved with figures older than a minute;
// never while typing. Three queries per read (analyzer/src/metrics), each with a timeout; a hover's hit-ratio chart
// is one range query, kept a minute. A failure is logged and shown once per distinct reason, as for Redis.
import * as vscode from "vscode";
import { fetchFamilyFigures, fetchHitRatioHistory } from "../../../analyzer/src/metrics/family-stats";
import { parseWindow } from "../../../analyzer/src/metrics/figure-text";
import { parsePrometheusUrl, PrometheusError } from "../../../analyzer/src/metrics/prometheus-client";
import { readSettings } from "../config";
import { affects } from "../settings";
import { describeMetricsFailure, type MetricsStatus } from "../stats/metrics-text";

const STALE_AFTER_MS = 60_000;
const TIMEOUT_MS = 5_000;
/** The hover waits at most this long for its chart, then shows the figures without it. */
const CHART_TIMEOUT_MS = 2_000;
const CHART_HOURS = 6;
const CHART_STEP_SECONDS = 600;

export class MetricsController implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private current: MetricsStatus = { kind: "none" };
  private readAt = 0;
  private running: Promise<void> | undefined;
  private readonly histories = new Map<string, { at: number; points: Array<[number, number]> }>();
  private readonly shownFailures = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affects(event, "metrics")) return;
        this.histories.clear();
        void this.refresh();
      }),
    );
  }

  get status(): MetricsStatus {
    return this.current;
  }

  /** Reads the figures now (Refresh, a settings change); resolves when done. A read under way is reused. */
  refresh(): Promise<void> {
    this.running ??= this.read().finally(() => (this.running = undefined));
    return this.running;
  }

  /** From a CodeLens's or hover's resolve: starts a read in the background when the figures are older than a minute. */
  ensureFresh(): void {
    if (this.running) return;
    const { prometheusUrl } = readSettings().metrics;
    if (!prometheusUrl) return;
    if (Date.now() - this.readAt > STALE_AFTER_MS) void this.refresh();
  }

  /** The family's hit ratio over the last hours for the hover's chart; undefined when it cannot be read quickly. */
  async readHistory(label: string): Promise<{ points: Array<[number, number]>; hours: number } | undefined> {
    const { prometheusUrl } = readSettings().metrics;
    if (!prometheusUrl || this.current.kind !== "ready") return undefined;
    const cached = this.histories.get(label);
    if (cached && Date.now() - cached.at < STALE_AFTER_MS) return { points: cached.points, hours: CHART_HOURS };
    try {
      const points = await fetchHitRatioHistory(
        parsePrometheusUrl(prometheusUrl),
        label,
        { hours: CHART_HOURS, stepSeconds: CHART_STEP_SECONDS },
        { timeoutMs: CHART_TIMEOUT_MS },
      );
      this.histories.set(label, { at: Date.now(), points });
      return { points, hours: CHART_HOURS };
    } catch (error) {
      this.log.warn(`hit ratio chart: ${describeMetricsFailure((error as Error).message)}`);
      return undefined;
    }
  }

  private async read(): Promise<void> {
    const { prometheusUrl, window } = readSettings().metrics;
    if (!prometheusUrl) {
      this.setStatus({ kind: "none" });
      return;
    }
    const windowSeconds = parseWindow(window);
    if (windowSeconds === undefined) {
      this.fail(`cachewise.metrics.window: "${window}" is not a duration such as 30m, 1h or 1d`);
      return;
    }
    if (this.current.kind !== "ready") this.setStatus({ kind: "loading" });
    try {
      const figures = await fetchFamilyFigures(parsePrometheusUrl(prometheusUrl), windowSeconds, {
        timeoutMs: TIMEOUT_MS,
      });
      this.readAt = Date.now();
      this.setStatus({ kind: "ready", figures, window });
    } catch (error) {
      this.readAt = Date.now();
      // A PrometheusError is one sentence naming the server; anything else is a bug, logged with its stack.
      if (!(error instanceof PrometheusError) && error instanceof Error && error.stack) this.log.debug(error.stack);
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  private fail(reason: string): void {
    const message = describeMetricsFailure(reason);
    this.log.warn(`metrics: ${message}`);
    if (!this.shownFailures.has(message)) {
      this.shownFailures.add(message);
      void vscode.window.showWarningMessage(`Cachewise: ${message}`);
    }
    this.setStatus({ kind: "error", message });
  }

  private setStatus(status: MetricsStatus): void {
    this.current = status;
    this.changeEmitter.fire();
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
