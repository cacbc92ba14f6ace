// The programmatic API (the package's "." export): the same analysis as the CLI's JSON outputs, from the
// sources and from the built bundle users import; and the TypeScript range it names is package.json's.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import * as api from "../../analyzer/src/api";
import { isSupportedTypescript, SUPPORTED_TYPESCRIPT } from "../../analyzer/src/extract/host";
import { FIXTURES, REPO_ROOT, runCliCaptured } from "../helpers";

const BASIC = path.join(FIXTURES, "basic");

describe("the programmatic API", () => {
  it("check() returns what `cachewise check --format json` prints, with totals", () => {
    const report = api.check({ cwd: BASIC });
    const cli = runCliCaptured(["check", ".", "--format", "json"], BASIC);
    assert.deepEqual(report.results, JSON.parse(cli.stdout));
    const messages = report.results.flatMap((r) => r.messages);
    assert.ok(messages.length > 0);
    assert.equal(report.errorCount, messages.filter((m) => m.severity === 2).length);
    assert.equal(report.warningCount, messages.filter((m) => m.severity === 1).length);
  });

  it("check() takes rule settings like the configuration, numeric severities included", () => {
    const all = api.check({ cwd: BASIC }).results.flatMap((r) => r.messages.map((m) => m.ruleId));
    assert.ok(all.includes("require-cache-ttl"));
    const without = api
      .check({ cwd: BASIC, rules: { "cachewise/require-cache-ttl": 0, "require-cache-bound": ["warn"] } })
      .results.flatMap((r) => r.messages);
    assert.ok(!without.some((m) => m.ruleId === "require-cache-ttl"));
    assert.ok(without.filter((m) => m.ruleId === "require-cache-bound").every((m) => m.severity === 1));
    assert.throws(() => api.check({ cwd: BASIC, rules: { "no-such-rule": "error" } }), /unknown rule "no-such-rule"/);
    assert.throws(() => api.check({ cwd: BASIC, paths: ["nope"] }), /nope: no such file or directory/);
  });

  it("check() lists a missing path among existing ones in `errors` and analyses the rest", () => {
    const report = api.check({ cwd: BASIC, paths: ["src", "nope"] });
    assert.deepEqual(report.errors, ["nope: no such file or directory"]);
    assert.deepEqual(report.results, api.check({ cwd: BASIC, paths: ["src"] }).results);
    assert.ok(report.results.length > 0);
    assert.deepEqual(api.check({ cwd: BASIC }).errors, []);
  });

  it("families() returns what `cachewise families --format json` prints", () => {
    const cli = runCliCaptured(["families", ".", "--format", "json"], BASIC);
    // The same, but for properties the API leaves undefined where JSON leaves them out.
    assert.deepEqual(JSON.parse(JSON.stringify(api.families({ cwd: BASIC }))), JSON.parse(cli.stdout));
    assert.ok(api.families({ cwd: BASIC }).some((family) => family.label.startsWith("user:")));
  });

  it("is the built dist/index.js, with its declarations", async () => {
    const built = (await import(pathToFileURL(path.join(REPO_ROOT, "dist", "index.js")).href)) as typeof api;
    assert.deepEqual(built.check({ cwd: BASIC }).results, api.check({ cwd: BASIC }).results);
    const declarations = fs.readFileSync(path.join(REPO_ROOT, "dist", "index.d.ts"), "utf8");
    assert.match(declarations, /export declare function check\(options\?: CheckOptions\): CheckReport;/);
    assert.match(declarations, /export declare function families\(options\?: FamiliesOptions\): CacheFamilyEntry\[\];/);
    assert.doesNotMatch(declarations, /^import /m);
  });
});

describe("the supported TypeScript range", () => {
  it("is package.json's peer range (plus TypeScript 7, for the CLI alone)", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    assert.equal(manifest.peerDependencies.typescript, `${SUPPORTED_TYPESCRIPT} || >=7.0.0`);
    assert.equal(manifest.peerDependencies.eslint, "^8.57.0 || ^9.0.0 || ^10.0.0");
  });

  it("accepts 5.0 to 6.0 and nothing else", () => {
    for (const version of ["5.0.4", "5.4.5", "5.9.3", "6.0.2", "6.0.3", "6.0.0-beta"])
      assert.ok(isSupportedTypescript(version), version);
    for (const version of ["4.9.5", "6.1.0", "7.0.2", "", undefined, "x.y.z"])
      assert.ok(!isSupportedTypescript(version), String(version));
  });
});
