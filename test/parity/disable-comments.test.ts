// One suppression works in both hosts: ESLint's inline disable comments (next-line, same line, a
// block, every rule or named cachewise rules, with a `-- justification`) suppress the same findings
// in `cachewise check` as in ESLint, and text that only looks like a comment suppresses nothing.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { AnalysisSession } from "../../analyzer/src/cli/analysis-session";
import { FIXTURES, lintWithPlugin, REPO_ROOT, runCliCaptured } from "../helpers";

const PROJECT = path.join(FIXTURES, "disable-comments");

interface Message {
  ruleId: string | null;
  line: number;
  suppressions?: Array<{ kind: string; justification: string }>;
}
interface Result {
  filePath: string;
  messages: Message[];
  suppressedMessages: Message[];
  errorCount: number;
}

/** `line rule [justification]` for each message with a rule (ESLint's own unused-directive notes have none). */
function describeMessages(results: Result[], key: "messages" | "suppressedMessages"): string[] {
  return results
    .flatMap((result) => result[key])
    .filter((message) => message.ruleId !== null)
    .map((message) =>
      [
        message.line,
        message.ruleId!.replace(/^cachewise\//, ""),
        ...(message.suppressions ?? []).map((s) => `${s.kind}: ${s.justification}`),
      ].join(" "),
    )
    .sort((a, b) => Number.parseInt(a) - Number.parseInt(b));
}

describe("ESLint disable comments", () => {
  const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
  const fromCli = JSON.parse(cli.stdout) as Result[];

  it("are honoured by the CLI: exactly the findings the comments cover are suppressed", () => {
    assert.equal(cli.code, 1, cli.stderr);
    assert.deepEqual(describeMessages(fromCli, "messages"), [
      "7 require-cache-ttl",
      "15 require-cache-ttl",
      "21 require-cache-ttl",
      "31 require-cache-ttl",
      "37 require-cache-ttl",
    ]);
    assert.deepEqual(describeMessages(fromCli, "suppressedMessages"), [
      "10 require-cache-ttl directive: the owner deletes it on logout",
      "12 require-cache-ttl directive: ",
      "18 require-cache-ttl directive: ",
      "26 require-cache-ttl directive: ",
    ]);
    assert.equal(fromCli[0]!.errorCount, 5);
  });

  it("suppress the same findings in ESLint", async () => {
    const fromEslint = (await lintWithPlugin(PROJECT)) as unknown as Result[];
    assert.deepEqual(describeMessages(fromEslint, "messages"), describeMessages(fromCli, "messages"));
    assert.deepEqual(
      describeMessages(fromEslint, "suppressedMessages"),
      describeMessages(fromCli, "suppressedMessages"),
    );
  });

  it("keep suppressed findings out of the pretty report and mark them as suppressed in SARIF", () => {
    const pretty = runCliCaptured(["check", "."], PROJECT);
    assert.match(pretty.stdout, /✖ 5 problems \(5 errors, 0 warnings\) in 1 of 1 file\./);
    assert.doesNotMatch(pretty.stdout, /`(?:next-line|same-line|every-rule|block):/);
    const sarif = JSON.parse(runCliCaptured(["check", ".", "--format", "sarif"], PROJECT).stdout) as {
      runs: Array<{
        results: Array<{ locations: any[]; suppressions?: Array<{ kind: string; justification: string }> }>;
      }>;
    };
    const results = sarif.runs[0]!.results;
    const suppressed = results
      .filter((r) => r.suppressions)
      .map((r) => `${r.locations[0].physicalLocation.region.startLine} ${r.suppressions![0]!.kind}`);
    assert.deepEqual(suppressed.sort(), ["10 inSource", "12 inSource", "18 inSource", "26 inSource"]);
    assert.equal(results.filter((r) => !r.suppressions).length, 5);
  });
});

describe("ESLint disable comments in the editor's analysis", () => {
  it("suppress the same findings as in the CLI, and a saved file's new comment is read", () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "cachewise-disable-"));
    try {
      fs.cpSync(PROJECT, copy, { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
      const session = new AnalysisSession({ root: copy });
      const lines = (snapshot: { findings: Array<{ line: number }> }) =>
        snapshot.findings.map((f) => f.line).sort((a, b) => a - b);
      assert.deepEqual(lines(session.analyzeAll()), [7, 15, 21, 31, 37]);
      const file = path.join(copy, "src", "sessions.ts");
      fs.writeFileSync(
        file,
        fs
          .readFileSync(file, "utf8")
          .replace("// reported: no comment", "// eslint-disable-line cachewise/require-cache-ttl"),
      );
      assert.deepEqual(lines(session.update([file])), [15, 21, 31, 37]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
