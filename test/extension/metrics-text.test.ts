// The editor's texts for run-time figures from Prometheus, without an editor: the CodeLens and Families view
// summary, the hover section with its hit-ratio chart, and the stale-read order of the Families view.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FamilyFigures } from "../../analyzer/src/metrics/family-stats";
import {
  buildHitRatioChart,
  buildMetricsHover,
  formatMetricsSummary,
  sortByStaleReads,
  type MetricsStatus,
} from "../../extension/src/stats/metrics-text";

const USER: FamilyFigures = {
  operationsPerSecond: 17.5,
  hitRatio: 2 / 3,
  missesPerSecond: 5,
  errorRatio: 0.5 / 17.5,
  p99Seconds: 0.0075,
  staleReadRatio: 0.004,
};
const WRITES_ONLY: FamilyFigures = { operationsPerSecond: 3, errorRatio: 0 };
const EVIL = "evil\u001b[2J*x*:{id}";
const ready: MetricsStatus = {
  kind: "ready",
  window: "1h",
  figures: new Map([
    ["user:{id}", USER],
    [EVIL, WRITES_ONLY],
  ]),
};

describe("formatMetricsSummary", () => {
  it("gives the figures there are, no data for a family without any, and nothing when not configured", () => {
    assert.equal(formatMetricsSummary("user:{id}", ready), "66.7% hits · 2.86% errors · p99 7.5 ms · 0.4% stale");
    assert.equal(formatMetricsSummary(EVIL, ready), "3 ops/s");
    assert.equal(formatMetricsSummary("session:{id}", ready), "no run-time data (1h)");
    assert.equal(formatMetricsSummary("user:{id}", { kind: "none" }), undefined);
    assert.equal(formatMetricsSummary("user:{id}", { kind: "loading" }), "reading metrics…");
    assert.equal(formatMetricsSummary("user:{id}", { kind: "error", message: "x" }), "metrics unavailable");
  });
});

describe("buildMetricsHover", () => {
  it("shows the figures as a table, absent ones as a dash, and the chart as an SVG data URI", () => {
    const points: Array<[number, number]> = [
      [1000, 0.9],
      [1600, 0.5],
      [2200, 1],
    ];
    const hover = buildMetricsHover("user:{id}", ready, { points, hours: 6 })!;
    assert.match(hover, /^\*\*Production\*\* \(last 1h\) · 17\.5 operations\/s$/m);
    assert.match(hover, /^\| 66\.7% \| 5 \| 2\.86% \| 7\.5 ms \| 0\.4% \|$/m);
    const image = /!\[Hit ratio over the last 6 h\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(hover);
    assert.ok(image, hover);
    assert.equal(Buffer.from(image[1]!, "base64").toString(), buildHitRatioChart(points));
    assert.match(hover, /Hit ratio over the last 6 h \(50\.0% – 100\.0%\)/);

    const writesOnly = buildMetricsHover(EVIL, ready, undefined)!;
    assert.match(writesOnly, /^\| — \| — \| 0% \| — \| — \|$/m);
    assert.equal(
      buildMetricsHover("session:{id}", ready, undefined),
      "**Production** (last 1h) · no data for this family",
    );
    assert.match(buildMetricsHover("user:{id}", ready, { points: [], hours: 6 })!, /No hit ratio to chart/);
  });

  it("escapes a server's message for Markdown", () => {
    assert.equal(
      buildMetricsHover(
        "user:{id}",
        {
          kind: "error",
          message: "cannot reach Prometheus at http://x/ (*boom* \u001b)",
        },
        undefined,
      ),
      "**Production** · cannot reach Prometheus at http://x/ (\\*boom\\* \\\\x1b)",
    );
  });
});

describe("buildHitRatioChart", () => {
  it("draws 0 % to 100 % top to bottom across the width, breaking the line where data is missing", () => {
    const svg = buildHitRatioChart([
      [0, 1],
      [600, 0.5],
      [1200, 0],
      // A gap of 3 steps: no data there.
      [3000, 0.5],
      [3600, 1],
    ]);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="240" height="60" viewBox="0 0 240 60">/);
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]);
    // x = 2 + t / 3600 × 236, y = 2 + (1 − ratio) × 56.
    assert.deepEqual(lines, ["2,2 41.3,30 80.7,58", "198.7,30 238,2"]);
    // Only numbers and the fixed markup: nothing from outside goes into the image.
    assert.doesNotMatch(svg.replace(/<\/?(svg|rect|line|polyline)[^>]*>/g, ""), /./);
  });
});

describe("sortByStaleReads", () => {
  it("puts the most stale reads first and families without the figure after, in their order", () => {
    const families = ["a", "b", "c", "d"].map((label) => ({ label }));
    const figures = new Map<string, FamilyFigures>([
      ["b", { ...WRITES_ONLY, staleReadRatio: 0.005 }],
      ["c", WRITES_ONLY],
      ["d", { ...WRITES_ONLY, staleReadRatio: 0.03 }],
    ]);
    assert.deepEqual(
      sortByStaleReads(families, figures).map((f) => f.label),
      ["d", "b", "a", "c"],
    );
  });
});
