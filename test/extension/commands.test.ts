// The command guard, without an editor: a failing handler is reported once with its command id and
// its promise resolves (nothing escapes as an unhandled rejection); a working one passes through.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeError, guardCommand } from "../../extension/src/commands/guard-command";

describe("guardCommand", () => {
  it("passes arguments through and returns the handler's result", async () => {
    const reports: unknown[] = [];
    const guarded = guardCommand(
      "cachewise.test",
      (a: number, b: number) => a + b,
      (...r) => reports.push(r),
    );
    assert.equal(await guarded(2, 3), 5);
    assert.deepEqual(reports, []);
  });

  it("reports a rejected handler once, with the command id, and resolves to undefined", async () => {
    const reports: Array<[string, unknown]> = [];
    const error = new Error("Redis went away");
    const guarded = guardCommand(
      "cachewise.deleteKey",
      async () => {
        throw error;
      },
      (id, e) => reports.push([id, e]),
    );
    assert.equal(await guarded(), undefined);
    assert.deepEqual(reports, [["cachewise.deleteKey", error]]);
  });

  it("reports a handler that throws synchronously", async () => {
    const reports: string[] = [];
    const guarded = guardCommand(
      "cachewise.loadMore",
      (): number => {
        throw new TypeError("no node");
      },
      (id, e) => reports.push(`${id}: ${describeError(e)}`),
    );
    assert.equal(await guarded(), undefined);
    assert.deepEqual(reports, ["cachewise.loadMore: no node"]);
  });

  it("does not reject when the reporter itself throws", async () => {
    const guarded = guardCommand(
      "cachewise.refresh",
      () => Promise.reject(new Error("first")),
      () => {
        throw new Error("the output channel is closed");
      },
    );
    assert.equal(await guarded(), undefined);
  });
});

describe("describeError", () => {
  it("names errors by message, and anything else as text", () => {
    assert.equal(describeError(new Error("timed out")), "timed out");
    assert.equal(describeError(new RangeError("")), "RangeError");
    assert.equal(describeError("plain string"), "plain string");
    assert.equal(describeError(42), "42");
  });
});
