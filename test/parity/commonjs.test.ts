// CommonJS services in both hosts (issue 13, recall on JavaScript services): the commonjs fixture reaches its caches by
// `require` of modules whose `module.exports` is built by a factory. `cachewise check` and ESLint (linting the `.js`
// files through the fixture's `allowJs` tsconfig) must give the same (rule, file, line, column) set, and exactly this one:
// - a TTL passed to `set` on a cache whose `set` the factory replaced by a function of two parameters (reported), beside
//   a factory whose replacement passes the TTL on (silent);
// - a facade object whose methods pass their key on to lru-cache is that cache: a family written with and without a
//   TTL (reported), while a second cache built by the same factory is another cache (silent);
// - a cached array read through the facade and shifted in place (reported), beside one copied first (silent);
// - a delete of the rows a facade's family holds (reported), beside one whose path calls the module's own helper,
//   `Teams.forgetMembers = function (team) {…}`, that deletes the entry (silent: the call is followed).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, lintJavaScriptProject, runCliCaptured, toTuples } from "../helpers";

const PROJECT = path.join(FIXTURES, "commonjs");

interface Message {
  ruleId: string | null;
  line: number;
  message: string;
}

describe("CommonJS: caches reached through require, module.exports and factories, in both hosts", () => {
  it("reports the dropped TTL, the mixed TTLs of a facade's family, the shifted cached array and the write left stale, and nothing else", async () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    assert.notEqual(cli.code, 2, cli.stderr);
    const fromCli = toTuples(JSON.parse(cli.stdout), PROJECT);
    assert.deepEqual(fromCli, [
      "consistent-cache-ttl src/sessions.js:11:11",
      "no-mutated-cached-value src/sessions.js:21:9",
      "require-cache-ttl src/reports.js:14:9",
      "require-invalidation-on-write src/teams.js:30:8",
    ]);
    const fromEslint = toTuples((await lintJavaScriptProject(PROJECT)) as never, PROJECT);
    assert.deepEqual(fromEslint, fromCli);
  });

  it("says where the replacement that drops the TTL is", () => {
    const cli = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    const reports = (JSON.parse(cli.stdout) as Array<{ filePath: string; messages: Message[] }>).find((result) =>
      result.filePath.endsWith("reports.js"),
    )!;
    assert.equal(
      reports.messages.find((message) => message.ruleId === "require-cache-ttl")?.message,
      "This `set` passes a TTL (`600000`), but `cache.set` is replaced at src/cache/make-cache.js:10 by a function that does not pass it on: `report:weekly` is stored with no expiry (`cache` has no default TTL: it stays until evicted). Pass the TTL through in the replacement.",
    );
  });

  it("keeps the caches one factory builds apart, and reads the facade's keys at its callers", () => {
    const families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], PROJECT).stdout) as Array<{
      pattern: string;
      label: string;
      library: string;
      ttls: Array<{ kind: string }>;
    }>;
    const sessions = families.filter((family) => family.pattern === "session:{id}");
    assert.equal(sessions.length, 2, JSON.stringify(sessions));
    assert.deepEqual(sessions.map((family) => family.ttls.map((ttl) => ttl.kind).sort()).sort(), [
      ["none"],
      ["none", "set"],
    ]);
    assert.ok(families.some((family) => family.pattern === "route:{id}" && family.library === "lru-cache"));
  });
});
