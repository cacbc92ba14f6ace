// The analysis controller's state machine and what its status item shows, without an editor.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  describeAnalysisStatus,
  IDLE,
  nextAnalysisState,
  type AnalysisEvent,
  type AnalysisState,
} from "../../extension/src/analysis/analysis-state";

const failure = (root: string) => ({ root, message: `cannot read ${root}/tsconfig.json` });
const run = (events: AnalysisEvent[], from: AnalysisState = IDLE) => events.reduce(nextAnalysisState, from);

describe("nextAnalysisState", () => {
  it("runs and returns to idle when the analysis succeeds", () => {
    assert.deepEqual(run([{ kind: "started" }]), { kind: "running", runs: 1 });
    assert.deepEqual(run([{ kind: "started" }, { kind: "succeeded" }]), IDLE);
  });

  it("ends failed when the analysis fails, keeping the folder and message", () => {
    assert.deepEqual(run([{ kind: "started" }, { kind: "failed", failure: failure("/a") }]), {
      kind: "failed",
      failure: failure("/a"),
    });
  });

  it("keeps running until every folder is done, and remembers a failure of the round", () => {
    const events: AnalysisEvent[] = [
      { kind: "started" },
      { kind: "started" },
      { kind: "failed", failure: failure("/a") },
    ];
    assert.deepEqual(run(events), { kind: "running", runs: 1, failure: failure("/a") });
    assert.deepEqual(run([...events, { kind: "succeeded" }]), { kind: "failed", failure: failure("/a") });
  });

  it("starts a new round clean: a failure shows until the next analysis succeeds", () => {
    const failed = run([{ kind: "started" }, { kind: "failed", failure: failure("/a") }]);
    assert.deepEqual(nextAnalysisState(failed, { kind: "started" }), { kind: "running", runs: 1 });
    assert.deepEqual(run([{ kind: "started" }, { kind: "succeeded" }], failed), IDLE);
  });

  it("ignores a finish without a start", () => {
    assert.deepEqual(nextAnalysisState(IDLE, { kind: "succeeded" }), IDLE);
    const failed: AnalysisState = { kind: "failed", failure: failure("/a") };
    assert.deepEqual(nextAnalysisState(failed, { kind: "failed", failure: failure("/b") }), failed);
  });
});

describe("describeAnalysisStatus", () => {
  it("hides when idle, spins while running (also after a failure in the round), warns when failed", () => {
    assert.equal(describeAnalysisStatus(IDLE), undefined);
    assert.match(describeAnalysisStatus({ kind: "running", runs: 2, failure: failure("/a") })!.text, /sync~spin/);
    const failed = describeAnalysisStatus({ kind: "failed", failure: failure("/a") })!;
    assert.equal(failed.text, "$(warning) Cachewise");
    assert.equal(failed.tooltip, "Analysis failed: cannot read /a/tsconfig.json. See Cachewise: Show Log.");
  });
});
