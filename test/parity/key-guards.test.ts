// Key inputs fixed by a guard around the write, in both hosts: `if (cacheable) cache.set(team, total)` where
// `const cacheable = archived === false && label == null` stores only one variant, so the key needs neither
// `archived` nor `label` (silent); a guard that fixes `archived` alone leaves `label` missing from the key (reported).
// `cachewise check` and ESLint must give the same (rule, file, line, column) set, and exactly this one.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, lintJavaScriptProject, runCliCaptured, toTuples } from "../helpers";

const PROJECT = path.join(FIXTURES, "key-guards");

describe("key inputs a guard fixes: parity between the CLI and ESLint", () => {
  it("reports the input the guard leaves open, and nothing where the guard fixes every other input", async () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    assert.notEqual(cli.code, 2, cli.stderr);
    const fromCli = toTuples(JSON.parse(cli.stdout), PROJECT);
    const report = JSON.parse(cli.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
    const messages = report.flatMap((file) => file.messages).filter((m) => m.ruleId === "require-complete-cache-key");
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.match(messages[0]!.message, /computed from `label`, which the key does not contain/);
    const fromEslint = toTuples((await lintJavaScriptProject(PROJECT, { withTypeScript: true })) as never, PROJECT);
    assert.deepEqual(fromEslint, fromCli);
    assert.deepEqual(fromCli, ["require-complete-cache-key src/totals.ts:35:36"]);
  });
});
