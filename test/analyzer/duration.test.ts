// The one duration formatter: prose for rule messages and `cachewise families`, compact for live figures.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatDuration } from "../../analyzer/src/format/duration";

describe("formatDuration", () => {
  it("writes prose by default: ms, s, min, h up to two days, then d", () => {
    assert.deepEqual(
      [0, 250, 999, 1000, 1500, 59_000, 60_000, 90_000, 300_000, 3_600_000, 5_400_000, 129_600_000].map((ms) =>
        formatDuration(ms),
      ),
      ["0 ms", "250 ms", "999 ms", "1 s", "1.5 s", "59 s", "1 min", "1.5 min", "5 min", "1 h", "1.5 h", "36 h"],
    );
    assert.deepEqual(
      [172_800_000, 216_000_000, 2_592_000_000, 0.5, 1234, Infinity].map((ms) => formatDuration(ms, "prose")),
      ["2 d", "2.5 d", "30 d", "0.5 ms", "1.2 s", "never"],
    );
  });

  it("keeps one decimal in prose, even at 100 or more", () => {
    assert.deepEqual(
      [1050, 20_000, 8_640_000_000, 8_683_200_000].map((ms) => formatDuration(ms)),
      ["1.1 s", "20 s", "100 d", "100.5 d"],
    );
  });

  it("writes compact figures: s, m, h, d, one decimal below 100 without a trailing .0", () => {
    assert.deepEqual(
      [0, 250, 1000, 1500, 4000, 60_000, 90_000, 300_000, 3_600_000, 5_400_000, 82_800_000].map((ms) =>
        formatDuration(ms, "compact"),
      ),
      ["0s", "0.3s", "1s", "1.5s", "4s", "1m", "1.5m", "5m", "1h", "1.5h", "23h"],
    );
    assert.deepEqual(
      [86_400_000, 129_600_000, 172_800_000, 1_040_000, 8_683_200_000, Infinity, NaN].map((ms) =>
        formatDuration(ms, "compact"),
      ),
      ["1d", "1.5d", "2d", "17.3m", "101d", "none", "none"],
    );
  });
});
