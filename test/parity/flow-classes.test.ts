// JavaScript typed with Flow annotations, and a class that is given a TTL and never uses it, in both hosts. The
// flow-classes fixture's `.js` files carry type annotations (`store: Object;`, `options: Options`), which TypeScript
// reads but flags as "only in TypeScript files": `cachewise check` must analyse them as ESLint's TypeScript parser
// does. `cachewise check` and ESLint must give the same (rule, file, line, column) set, and exactly this one:
// - `TariffCache` keeps its `ttl` in `this.ttl`, only tests it, and writes through the project's `StoreController`
//   (reached by the `new TariffCache(controller, …)` of a function whose `controller` is annotated) whose
//   `put(key, value, ttl)` takes a TTL the write leaves out (reported);
// - `RegionCache`, the same shape with `this.ttl` passed (silent); a held object that is no cache (`AuditLog.put`,
//   no read or delete) and a TTL handed to the store the class builds (silent).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, lintJavaScriptProject, runCliCaptured, toTuples } from "../helpers";

const PROJECT = path.join(FIXTURES, "flow-classes");

interface Result {
  filePath: string;
  messages: Array<{ ruleId: string | null; line: number; column: number; message: string }>;
}

describe("Flow-annotated JavaScript and a TTL a class never passes on, in both hosts", () => {
  it("analyses every file and reports the write that drops the class's TTL, and nothing else", async () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    assert.notEqual(cli.code, 2, cli.stderr);
    const cliResults = JSON.parse(cli.stdout) as Result[];
    assert.deepEqual(
      cliResults.flatMap((result) => result.messages.filter((message) => !message.ruleId)),
      [],
      "no file is left out as a parsing error",
    );
    const fromCli = toTuples(cliResults, PROJECT);
    assert.deepEqual(fromCli, ["require-cache-ttl src/lookups/tariff-cache.js:19:12"]);
    const eslintResults = await lintJavaScriptProject(PROJECT, { sourceType: "module" });
    assert.deepEqual(
      eslintResults.flatMap((result) => result.messages.filter((message) => !message.ruleId)),
      [],
    );
    assert.deepEqual(toTuples(eslintResults as never, PROJECT), fromCli);
  });

  it("names the TTL, the field that keeps it and the write method that would take it", () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    const tariffs = (JSON.parse(cli.stdout) as Result[]).find((result) => result.filePath.endsWith("tariff-cache.js"))!;
    assert.equal(
      tariffs.messages[0]?.message,
      "`TariffCache` is given a TTL (`ttl`, kept as `this.ttl`) but never passes it on: this `put` leaves it out, while `StoreController.put` (at src/store/store-controller.js:14) takes one as its third argument (`ttl`). The entry gets the store's default expiry, so the configured TTL has no effect. Pass `this.ttl` to `this.store.put`.",
    );
  });
});
