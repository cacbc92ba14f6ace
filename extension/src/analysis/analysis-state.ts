// The analysis controller's state, kept explicitly (never read back from the status bar): idle,
// running (how many folder analyses, and whether one of this round already failed), or failed.
// Plain TypeScript, tested without an editor.

export interface AnalysisFailure {
  /** The workspace folder whose analysis failed. */
  root: string;
  message: string;
}

export type AnalysisState =
  | { kind: "idle" }
  | { kind: "running"; runs: number; failure?: AnalysisFailure }
  | { kind: "failed"; failure: AnalysisFailure };

export type AnalysisEvent = { kind: "started" } | { kind: "succeeded" } | { kind: "failed"; failure: AnalysisFailure };

export const IDLE: AnalysisState = { kind: "idle" };

/**
 * The state after an event. A round lasts while any analysis runs; it ends failed when one of its
 * analyses failed, idle otherwise, and a new round starts clean (a failure shows until the next analysis).
 */
export function nextAnalysisState(state: AnalysisState, event: AnalysisEvent): AnalysisState {
  if (event.kind === "started")
    return state.kind === "running" ? { ...state, runs: state.runs + 1 } : { kind: "running", runs: 1 };
  // A finish without a start (not expected) leaves the state as it is.
  if (state.kind !== "running") return state;
  const failure = event.kind === "failed" ? event.failure : state.failure;
  if (state.runs > 1) return { kind: "running", runs: state.runs - 1, failure };
  return failure ? { kind: "failed", failure } : IDLE;
}

/** What the status item shows in a state; undefined: hidden. */
export function describeAnalysisStatus(state: AnalysisState): { text: string; tooltip: string } | undefined {
  switch (state.kind) {
    case "idle":
      return undefined;
    case "running":
      return { text: "$(sync~spin) Cachewise: analysing…", tooltip: "Cachewise is analysing the workspace" };
    case "failed":
      return {
        text: "$(warning) Cachewise",
        tooltip: `Analysis failed: ${state.failure.message}. See Cachewise: Show Log.`,
      };
  }
}
