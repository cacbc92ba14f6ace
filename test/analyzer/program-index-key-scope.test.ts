// The key-scope index that keeps no-unmatched-invalidation linear in deletes: asking only the families of a key's
// namespace (and those whose namespace is not fixed text) must give the same answer as asking every family.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { CacheFamily, FamilySiteRef, ProgramModel } from "../../analyzer/src/model/program-model";
import { getProgramIndex } from "../../analyzer/src/program-model/program-index";
import { namespaceOf, patternsOverlap } from "../../analyzer/src/program-model/key-patterns";
import { createNearNameIndex, findNearNames, isNearName } from "../../analyzer/src/program-model/near-names";

const USE = [{ siteId: "s" } as unknown as FamilySiteRef];

function family(store: string, pattern: string, used = true): CacheFamily {
  return {
    id: `${store}|${pattern}`,
    pattern,
    reads: used ? USE : [],
    writes: [],
  } as unknown as CacheFamily;
}

function programOf(families: CacheFamily[]): ProgramModel {
  return { families } as unknown as ProgramModel;
}

describe("the key-scope index of a program", () => {
  it("gives a key the families of its namespace and every family whose namespace is not fixed, in program order", () => {
    const families = [
      family("redis", "{env}:user:{id}"),
      family("redis", "user:{id}"),
      family("redis", "session:{token}"),
      family("redis", "user{suffix}"),
      family("in-process:a", "user:{id}"),
      family("redis", "user:{id}:posts", false),
      family("redis", "user"),
    ];
    const scope = getProgramIndex(programOf(families)).findKeyScope(["redis"]);
    assert.deepEqual(
      scope.findOverlapCandidates("user:42").map((f) => f.id),
      ["redis|{env}:user:{id}", "redis|user:{id}", "redis|user{suffix}", "redis|user"],
    );
    // A key whose own namespace is not fixed (`us*`, `{tenant}:x`) may be in any namespace.
    assert.equal(scope.findOverlapCandidates("us*").length, 5);
    assert.deepEqual(
      scope.findFamiliesInNamespaces(["session", "", "nothing"]).map((f) => f.id),
      ["redis|{env}:user:{id}", "redis|session:{token}"],
    );
  });

  it("answers 'can some family hold this key' exactly as a scan of every family does", () => {
    const segment = fc.constantFrom("user", "users", "us", "session", "{id}", "{env}", "*", "x");
    const pattern = fc
      .array(fc.tuple(segment, fc.constantFrom(":", "", ":")), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.map(([text, separator], i) => (i === 0 ? text : separator + text)).join(""));
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 12 }), pattern, (patterns, key) => {
        const families = patterns.map((p, i) => family(i % 3 === 0 ? "in-process:a" : "redis", p, i % 5 !== 4));
        const scope = getProgramIndex(programOf(families)).findKeyScope(["redis"]);
        const used = families.filter((f) => f.id.startsWith("redis|") && f.reads.length > 0);
        const expected = used.some((f) => patternsOverlap(key, f.pattern));
        const actual = scope.findOverlapCandidates(key).some((f) => patternsOverlap(key, f.pattern));
        assert.equal(actual, expected, `${key} against ${JSON.stringify(patterns)}`);
        const ours = namespaceOf(key);
        assert.deepEqual(
          scope.findFamiliesInNamespaces([ours]),
          used.filter((f) => namespaceOf(f.pattern) === ours),
        );
      }),
      { numRuns: 2000, seed: 15 },
    );
  });
});

describe("the near-name index", () => {
  it("finds exactly the names isNearName accepts, as a comparison with every name does", () => {
    // Names built from a few stems with plural endings, separators, case and one or two typos, some of them long.
    const stem = fc.constantFrom("member", "notification", "team-event", "TeamEvent", "team_events", "x", "settings");
    const typo = fc.tuple(fc.nat(20), fc.constantFrom("", "a", "z")).map(([at, letter]) => ({ at, letter }));
    const name = fc
      .tuple(
        stem,
        fc.constantFrom("", "s", "es", "-v2", "_cache_of_the_whole_workspace_and_more"),
        fc.array(typo, { maxLength: 2 }),
      )
      .map(([base, ending, typos]) =>
        typos.reduce((text, { at, letter }) => {
          const i = at % (text.length + 1);
          return text.slice(0, i) + letter + text.slice(i + (letter === "" ? 1 : 0));
        }, base + ending),
      );
    fc.assert(
      fc.property(fc.array(name, { maxLength: 30 }), name, (names, query) => {
        const index = createNearNameIndex(names);
        const expected = [...new Set(names)].filter((other) => isNearName(query, other)).sort();
        assert.deepEqual([...findNearNames(query, index)].sort(), expected, `${query} among ${JSON.stringify(names)}`);
      }),
      { numRuns: 3000, seed: 15 },
    );
  });
});
