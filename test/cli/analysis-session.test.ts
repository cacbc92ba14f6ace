// The editor's analysis session: a first full analysis equal to `cachewise check`, then updates
// that re-extract only the saved file and its importers and still see whole-program effects.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { AnalysisSession } from "../../analyzer/src/cli/analysis-session";
import { runCheck } from "../../analyzer/src/cli/run";
import { FIXTURES } from "../helpers";

const copy = fs.mkdtempSync(path.join(os.tmpdir(), "cachewise-session-"));
fs.cpSync(path.join(FIXTURES, "families"), copy, { recursive: true });
// The fixture resolves its packages from the repository's node_modules.
fs.symlinkSync(path.resolve(FIXTURES, "..", "..", "node_modules"), path.join(copy, "node_modules"), "dir");
after(() => fs.rmSync(copy, { recursive: true, force: true }));

const summarize = (findings: Array<{ ruleId: string; file: string; line: number; column: number }>) =>
  findings.map((f) => `${f.ruleId} ${path.relative(copy, f.file)}:${f.line}:${f.column}`).sort();

describe("AnalysisSession", () => {
  const session = new AnalysisSession({ root: copy });
  const first = session.analyzeAll();

  it("finds what `cachewise check` finds, with families and sites", () => {
    const check = runCheck({ cwd: copy, paths: ["."], projects: [], configFile: undefined, ruleOverrides: {} });
    const expected = check.files.flatMap((file) =>
      file.findings.map((f) => ({ ruleId: f.ruleId, file: file.file, line: f.span.line, column: f.span.column })),
    );
    assert.deepEqual(summarize(first.findings), summarize(expected));
    assert.ok(
      first.families.some((f) => f.label === "app:team:{id}" && f.writes === 3 && f.ttlText.includes("7 d")),
      first.families.map((f) => `${f.label} ${f.ttlText}`).join("; "),
    );
    const teamSite = first.sites.find((s) => path.basename(s.file) === "teams.ts" && s.line === 9);
    assert.ok(teamSite && teamSite.familyIds.length === 1 && teamSite.ttlMs === 604_800_000);
    assert.equal(first.analysedFiles, first.totalFiles);
  });

  it("after a save, re-extracts only the file and its importers, and whole-program findings follow", () => {
    const teams = path.join(copy, "src", "teams.ts");
    const before = summarize(first.findings);
    assert.ok(before.includes("require-invalidation-on-write src/teams.ts:15:9"), before.join("\n"));
    fs.writeFileSync(
      teams,
      fs
        .readFileSync(teams, "utf8")
        .replace(
          'await pool.query("UPDATE teams SET name = $1 WHERE id = $2", [name, id]);',
          'await pool.query("UPDATE teams SET name = $1 WHERE id = $2", [name, id]);\n  await redis.del(teamKey(id));',
        ),
    );
    const updated = session.update([teams]);
    const after = summarize(updated.findings);
    assert.ok(!after.includes("require-invalidation-on-write src/teams.ts:15:9"), after.join("\n"));
    assert.deepEqual(
      after.filter((f) => !f.includes("teams.ts")),
      before.filter((f) => !f.includes("teams.ts")),
    );
    // teams.ts has no importers in the fixture: one file.
    assert.equal(updated.analysedFiles, 1);
    assert.ok(updated.version > first.version);
  });

  it("re-extracts the importers of a changed module (a key builder)", () => {
    const keys = path.join(copy, "src", "keys.ts");
    fs.appendFileSync(keys, "\n// touched\n");
    const updated = session.update([keys]);
    const importers = fs
      .readdirSync(path.join(copy, "src"))
      .filter(
        (f) => f.endsWith(".ts") && fs.readFileSync(path.join(copy, "src", f), "utf8").includes('from "./keys.js"'),
      );
    assert.equal(updated.analysedFiles, 1 + importers.length);
    assert.ok(importers.length >= 2);
  });

  it("a syntax error becomes a problem of that file and loses nothing else", () => {
    const orgs = path.join(copy, "src", "orgs.ts");
    const original = fs.readFileSync(orgs, "utf8");
    fs.writeFileSync(orgs, `${original}\nexport const broken = ;\n`);
    const broken = session.update([orgs]);
    assert.equal(broken.problems.filter((p) => p.file === orgs && p.kind === "parse-error").length, 1);
    assert.ok(broken.families.length > 0);
    fs.writeFileSync(orgs, original);
    const fixed = session.update([orgs]);
    assert.equal(fixed.problems.filter((p) => p.file === orgs).length, 0);
  });
});

describe("AnalysisSession per-family finding counts", () => {
  // Two clients write `user:{id}`: one with a key prefix (the family `app:user:{id}`), one without.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "cachewise-session-counts-"));
  fs.symlinkSync(path.resolve(FIXTURES, "..", "..", "node_modules"), path.join(project, "node_modules"), "dir");
  fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true } }));
  fs.mkdirSync(path.join(project, "src"));
  fs.writeFileSync(
    path.join(project, "src", "users.ts"),
    [
      'import Redis from "ioredis";',
      'const prefixed = new Redis({ keyPrefix: "app:" });',
      "const plain = new Redis();",
      "export async function save(id: string, value: string) {",
      "  await prefixed.set(`user:${id}`, value);",
      "}",
      "export async function remember(id: string, value: string) {",
      '  await plain.set(`user:${id}`, value, "EX", 60);',
      "}",
      "",
    ].join("\n"),
  );
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it("counts a finding for the family it is about, not for a family its message happens to mention", () => {
    const snapshot = new AnalysisSession({ root: project }).analyzeAll();
    const missingTtl = snapshot.findings.filter((f) => f.ruleId === "require-cache-ttl");
    assert.equal(missingTtl.length, 1, JSON.stringify(snapshot.findings));
    // The message names the key as written, `user:{id}`, which is also the unprefixed family's label.
    assert.ok(missingTtl[0]!.message.includes("`user:{id}`"), missingTtl[0]!.message);
    const counts = Object.fromEntries(snapshot.families.map((family) => [family.label, family.findings]));
    assert.deepEqual(counts, { "app:user:{id}": 1, "user:{id}": 0 });
  });
});

describe("AnalysisSession with a file too deep for TypeScript's binder", () => {
  // A long call chain overflows the compiler's recursive binder when the checker is created: the file is left out
  // with one problem of its own, and the rest of its project is analysed, first and after each save.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "cachewise-session-deep-"));
  fs.symlinkSync(path.resolve(FIXTURES, "..", "..", "node_modules"), path.join(project, "node_modules"), "dir");
  fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true } }));
  fs.mkdirSync(path.join(project, "src"));
  const chain = path.join(project, "src", "chain.ts");
  const items = path.join(project, "src", "items.ts");
  const deepChain = `declare const query: any;\nexport const built = query${".where()".repeat(10_000)};\n`;
  const itemsSource = (ttl: string) =>
    `import { Redis } from "ioredis";\nconst redis = new Redis();\nexport async function save(id: string) {\n  await redis.set(\`item:\${id}\`, "v"${ttl});\n}\n`;
  fs.writeFileSync(chain, deepChain);
  fs.writeFileSync(items, itemsSource(""));
  after(() => fs.rmSync(project, { recursive: true, force: true }));
  const bindingProblems = (snapshot: ReturnType<AnalysisSession["analyzeAll"]>) =>
    snapshot.problems.filter((p) => p.file === chain).map((p) => p.message);
  const ttlFindings = (snapshot: ReturnType<AnalysisSession["analyzeAll"]>) =>
    snapshot.findings.filter((f) => f.ruleId === "require-cache-ttl" && f.file === items).length;
  const session = new AnalysisSession({ root: project });

  it("analyses the rest of the project and reports the file once", () => {
    const first = session.analyzeAll();
    assert.deepEqual(bindingProblems(first), [
      "Analysis error (binding): the code is nested too deeply to analyse (the call stack overflowed)",
    ]);
    assert.equal(ttlFindings(first), 1, JSON.stringify(first.findings));
  });

  it("keeps it out on a save of another file, without a second problem", () => {
    fs.writeFileSync(items, itemsSource(', "EX", 60'));
    const saved = session.update([items]);
    assert.equal(bindingProblems(saved).length, 1);
    assert.equal(ttlFindings(saved), 0);
    fs.writeFileSync(items, itemsSource(""));
    assert.equal(ttlFindings(session.update([items])), 1);
  });

  it("analyses the file again once it is fixed", () => {
    fs.writeFileSync(chain, itemsSource("").replace("item:", "chain:"));
    const fixed = session.update([chain]);
    assert.deepEqual(bindingProblems(fixed), []);
    assert.equal(fixed.findings.filter((f) => f.ruleId === "require-cache-ttl" && f.file === chain).length, 1);
    assert.equal(ttlFindings(fixed), 1);
  });
});
