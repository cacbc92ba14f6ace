// Which project analyses each file: `references` are followed, a tsconfig that only points at others
// yields its files to them, every file is analysed once, and the report says how many each project had.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { AnalysisSession } from "../../analyzer/src/cli/analysis-session";
import { FIXTURES, runCliCaptured, toTuples } from "../helpers";

const DISCOVERY = path.join(FIXTURES, "tsconfig-discovery");

/** `check --format json` on a fixture: the files analysed (each once), the findings, and stderr's lines. */
function check(fixture: string, ...args: string[]) {
  const dir = path.join(DISCOVERY, fixture);
  const run = runCliCaptured(["check", ".", "--format", "json", ...args], dir);
  const results = JSON.parse(run.stdout) as Parameters<typeof toTuples>[0];
  return {
    code: run.code,
    files: results.map((result) => path.relative(dir, result.filePath).split(path.sep).join("/")),
    findings: toTuples(results, dir),
    // The line saying how many families were found and what was not resolved is tested with the recall patterns.
    stderr: run.stderr
      .trim()
      .split("\n")
      .filter((line) => !/ cache famil(?:y|ies) found/.test(line)),
  };
}

describe("tsconfig discovery", () => {
  it("analyses the sources of a package whose tsconfig.json only references its src and test configs", () => {
    const run = check("solution-package");
    assert.equal(run.code, 1);
    assert.deepEqual(run.files, [
      "packages/api/src/carts.ts",
      "packages/api/src/redis.ts",
      "packages/api/src/sessions.ts",
      "packages/api/test/support.ts",
      "packages/api/vitest.setup.ts",
      "scripts/reset.ts",
    ]);
    // test/support.ts imports the client from the src project: its source is read, not a build output.
    assert.deepEqual(run.findings, [
      "require-cache-ttl packages/api/src/carts.ts:4:15",
      "require-cache-ttl packages/api/src/sessions.ts:4:15",
      "require-cache-ttl packages/api/test/support.ts:4:15",
      "require-cache-ttl packages/api/vitest.setup.ts:6:15",
      "require-cache-ttl scripts/reset.ts:6:15",
    ]);
    // The solution-style tsconfig.json keeps only the file its references leave.
    assert.deepEqual(run.stderr, [
      "cachewise: packages/api/tsconfig.json: 1 file",
      "cachewise: packages/api/tsconfig.src.json: 3 files",
      "cachewise: packages/api/tsconfig.test.json: 1 file",
      "cachewise: not in any tsconfig: 1 file (analysed with default options)",
    ]);
  });

  it("gives the editor's session the same projects", () => {
    const dir = path.join(DISCOVERY, "solution-package");
    const snapshot = new AnalysisSession({ root: dir }).analyzeAll();
    assert.equal(snapshot.analysedFiles, 6);
    assert.deepEqual(
      snapshot.findings.map((f) => `${f.ruleId} ${path.relative(dir, f.file)}:${f.line}:${f.column}`).sort(),
      check("solution-package").findings,
    );
  });

  it("prints the coverage in the pretty report, before the summary, and keeps stderr for warnings", () => {
    const dir = path.join(DISCOVERY, "solution-package");
    const run = runCliCaptured(["check", "."], dir);
    assert.equal(run.stderr, "");
    assert.ok(
      run.stdout.endsWith(
        [
          "",
          "packages/api/tsconfig.json: 1 file",
          "packages/api/tsconfig.src.json: 3 files",
          "packages/api/tsconfig.test.json: 1 file",
          "not in any tsconfig: 1 file (analysed with default options)",
          "5 cache families found.",
          "✖ 5 problems (5 errors, 0 warnings) in 5 of 6 files.",
          "",
        ].join("\n"),
      ),
      run.stdout,
    );
  });

  it("says it in one line for a single project", () => {
    const run = runCliCaptured(["check", "."], path.join(FIXTURES, "basic"));
    assert.match(
      run.stdout,
      /\n\ntsconfig\.json: 3 files\n\d+ cache famil(?:y|ies) found\.\n✖ 3 problems \(3 errors, 0 warnings\) in 2 of 3 files\.\n$/,
    );
  });

  it("follows the references of a --project and lists the files under the paths it leaves out", () => {
    const run = check("solution-package", "--project", "packages/api/tsconfig.json");
    assert.deepEqual(run.files, [
      "packages/api/src/carts.ts",
      "packages/api/src/redis.ts",
      "packages/api/src/sessions.ts",
      "packages/api/test/support.ts",
      "packages/api/vitest.setup.ts",
    ]);
    assert.deepEqual(run.stderr, [
      "cachewise: packages/api/tsconfig.json: 1 file",
      "cachewise: packages/api/tsconfig.src.json: 3 files",
      "cachewise: packages/api/tsconfig.test.json: 1 file",
      "cachewise: not in the given projects: 1 file (not analysed)",
    ]);
  });

  it("follows references to a folder and to a named config, both with `include`", () => {
    const run = check("included-references");
    assert.deepEqual(run.findings, [
      "require-cache-ttl packages/core/src/prices.ts:6:15",
      "require-cache-ttl packages/web/src/pages.ts:6:15",
      "require-cache-ttl scripts/flush.ts:6:15",
    ]);
    assert.deepEqual(run.files, ["packages/core/src/prices.ts", "packages/web/src/pages.ts", "scripts/flush.ts"]);
    // The root's own script is in none of its references: the root analyses it.
    assert.deepEqual(run.stderr, [
      "cachewise: packages/core/tsconfig.json: 1 file",
      "cachewise: tsconfig.json: 1 file",
      "cachewise: packages/web/tsconfig.lib.json: 1 file",
    ]);
  });

  it("gives a nested package's files to its own tsconfig, once, when the root includes them too", () => {
    const run = check("nested");
    assert.deepEqual(run.files, ["packages/billing/src/invoices.ts", "packages/billing/src/redis.ts", "src/app.ts"]);
    // `@billing/redis` resolves only with the package's `paths`.
    assert.deepEqual(run.findings, [
      "require-cache-ttl packages/billing/src/invoices.ts:4:15",
      "require-cache-ttl src/app.ts:6:15",
    ]);
    assert.deepEqual(run.stderr, [
      "cachewise: packages/billing/tsconfig.json: 2 files",
      "cachewise: tsconfig.json: 1 file",
    ]);
  });

  it("analyses files that no tsconfig includes with default options, and says how many", () => {
    const run = check("outside");
    assert.deepEqual(run.findings, [
      "require-cache-ttl scripts/backfill.js:6:15",
      "require-cache-ttl src/orders.ts:6:15",
      "require-cache-ttl tools/warm.ts:6:15",
    ]);
    assert.deepEqual(run.stderr, [
      "cachewise: tsconfig.json: 1 file",
      "cachewise: not in any tsconfig: 2 files (analysed with default options)",
    ]);
  });

  it("reads each project of a reference cycle once", () => {
    const run = check("reference-cycle");
    assert.deepEqual(run.files, ["packages/a/src/alpha.ts", "packages/b/src/beta.ts"]);
    assert.deepEqual(run.findings, [
      "require-cache-ttl packages/a/src/alpha.ts:6:15",
      "require-cache-ttl packages/b/src/beta.ts:6:15",
    ]);
    // The root references cover everything: it analyses nothing itself.
    assert.deepEqual(run.stderr, [
      "cachewise: packages/a/tsconfig.json: 1 file",
      "cachewise: packages/b/tsconfig.json: 1 file",
    ]);
  });

  it("warns about a referenced tsconfig that does not exist and still analyses every file", () => {
    const run = check("missing-reference");
    assert.deepEqual(run.findings, [
      "require-cache-ttl src/app/cart.ts:6:15",
      "require-cache-ttl src/worker/receipts.ts:6:15",
    ]);
    // The worker's files, which the missing config would have held, fall back to the referencing tsconfig.
    assert.deepEqual(run.stderr, [
      "cachewise: warning: tsconfig.json: the referenced project ./tsconfig.worker.json was not found; skipped",
      "cachewise: tsconfig.json: 1 file",
      "cachewise: tsconfig.app.json: 1 file",
    ]);
  });
});
