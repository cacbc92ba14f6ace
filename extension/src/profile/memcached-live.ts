// The editor's Memcached figures without the editor: which server, which families, when to run a
// profile (one `lru_crawler metadump all`, which reads every item) and the figures per family of
// the latest one. No `vscode` (memcached-controller.ts wires it), so it is tested against a real
// memcached. The CodeLens, hovers and Families view only read `figures`: nothing they do queries
// the server, and an edit that changes the families re-groups at most once per cooldown.
import { TTL_HISTOGRAM_LABELS } from "../../../analyzer/src/keyspace/aggregate";
import { profileMemcached, type MemcachedProfile } from "../../../analyzer/src/keyspace/profile-memcached";
import { createKeyMatcher } from "../../../analyzer/src/program-model/match-keys";
import type { SnapshotFamily } from "../../../analyzer/src/model/workspace-snapshot";
import { collectFigures, type LiveFigures } from "../stats/family-figures";

/** Where the Memcached figures stand. */
export type MemcachedLiveState =
  | { kind: "none" }
  | { kind: "profiling"; address: string }
  | { kind: "ready"; address: string }
  | { kind: "error"; address: string; message: string };

/** The families kept in Memcached (memjs, memcached, @keyv/memcache and the stores over it). */
export function isMemcachedFamily(family: Pick<SnapshotFamily, "kind">): boolean {
  return family.kind === "remote-kv";
}

export interface MemcachedLiveOptions {
  /** The profiler; tests wrap it to count profiles. */
  profile?: typeof profileMemcached;
  /** Shortest time between two profiles started because the families changed; default 30 s. */
  regroupCooldownMs?: number;
  now?: () => number;
  timeoutMs?: number;
}

const NO_PATTERNS = "[]";

export class MemcachedLiveFigures {
  private address = "";
  private delimiter = ":";
  private families: readonly SnapshotFamily[] = [];
  /** The family patterns the latest profile was grouped by. */
  private groupedBy: string | undefined;
  private profileNow: MemcachedProfile | undefined;
  private figuresNow: Map<string | undefined, LiveFigures> = new Map();
  private stateNow: MemcachedLiveState = { kind: "none" };
  private running: Promise<void> | undefined;
  private lastStartedAt = -Infinity;
  private readonly profile: typeof profileMemcached;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(options: MemcachedLiveOptions = {}) {
    this.profile = options.profile ?? profileMemcached;
    this.cooldownMs = options.regroupCooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  get state(): MemcachedLiveState {
    return this.stateNow;
  }

  /** Figures by family id; `undefined`: items no Memcached family in the code produces. Empty before the first profile. */
  get figures(): ReadonlyMap<string | undefined, LiveFigures> {
    return this.figuresNow;
  }

  get latestProfile(): MemcachedProfile | undefined {
    return this.profileNow;
  }

  /** Sets the server (`host:port`, empty for none); a change drops the figures. Returns whether it changed. */
  configure(address: string, delimiter: string): boolean {
    if (address === this.address && delimiter === this.delimiter) return false;
    this.address = address;
    this.delimiter = delimiter;
    this.profileNow = undefined;
    this.figuresNow = new Map();
    this.groupedBy = undefined;
    this.lastStartedAt = -Infinity;
    this.stateNow = address ? { kind: "ready", address } : { kind: "none" };
    return true;
  }

  /** The families items are grouped by; the next profile uses them. */
  setFamilies(families: readonly SnapshotFamily[]): void {
    this.families = families;
  }

  /**
   * Milliseconds until a profile should run because the Memcached families differ from those of
   * the latest profile (0: now); undefined when no profile is needed for that (none configured,
   * one running, or the same patterns).
   */
  regroupDelay(): number | undefined {
    if (!this.address || this.running || this.profileNow === undefined) return undefined;
    if (this.readPatterns() === this.groupedBy) return undefined;
    // A profile grouped by no family (it ran before the first analysis ended) is no figure to keep.
    if (this.groupedBy === NO_PATTERNS) return 0;
    return Math.max(0, this.lastStartedAt + this.cooldownMs - this.now());
  }

  /** Runs a profile now (one at a time: a call while one runs waits for it). */
  refresh(): Promise<void> {
    if (!this.address) return Promise.resolve();
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private readPatterns(): string {
    return JSON.stringify(
      this.families
        .filter(isMemcachedFamily)
        .map((f) => [f.id, f.pattern])
        .sort(),
    );
  }

  private async run(): Promise<void> {
    const address = this.address;
    const delimiter = this.delimiter;
    const families = this.families.filter(isMemcachedFamily);
    const patterns = this.readPatterns();
    const matcher = createKeyMatcher(
      families.map((f) => ({ id: f.id, pattern: f.pattern })),
      delimiter,
    );
    this.lastStartedAt = this.now();
    this.stateNow = { kind: "profiling", address };
    try {
      const profile = await this.profile(address, {
        classify: (key) => matcher.match(key),
        delimiter,
        timeoutMs: this.timeoutMs,
      });
      // The server changed while it ran: its figures belong to no one.
      if (address !== this.address) return;
      this.profileNow = profile;
      this.groupedBy = patterns;
      this.figuresNow = collectFigures(profile, undefined, TTL_HISTOGRAM_LABELS);
      this.stateNow =
        profile.stopReason === "connection-lost" || profile.stopReason === "timeout"
          ? { kind: "error", address, message: `${profile.stopDetail}: the figures are partial` }
          : { kind: "ready", address };
    } catch (error) {
      if (address !== this.address) return;
      this.stateNow = { kind: "error", address, message: (error as Error).message };
    }
  }
}
