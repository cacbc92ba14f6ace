// `cachewise families` as a person reads it, on the families-inventory fixture: tests left out unless
// asked for, each location once, an EXPIRE that completes a write listed as that write's TTL, the cache
// calls inside a project's helpers rather than the helpers' calls, and labels that name a call's value.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, runCliCaptured } from "../helpers";

const DIR = path.join(FIXTURES, "families-inventory");

interface Listed {
  location: string;
  method: string;
  function: string;
  calledAt?: string[];
  invalidates?: true;
}

interface Family {
  label: string;
  ttls: Array<{ kind: string; ms: number | null; location: string }>;
  reads: Listed[];
  writes: Listed[];
  invalidations: Listed[];
}

function families(...flags: string[]): Family[] {
  const run = runCliCaptured(["families", ".", "--format", "json", ...flags], DIR);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Family[];
}

function family(list: Family[], label: string): Family {
  const found = list.find((f) => f.label === label);
  assert.ok(found, `a family labelled ${label} among ${list.map((f) => f.label).join(", ")}`);
  return found;
}

const locations = (sites: Listed[]) => sites.map((site) => site.location);

describe("cachewise families: the inventory a person reads", () => {
  it("leaves the keys of test files out, and puts them back with --include-tests", () => {
    const labels = families().map((f) => f.label);
    assert.ok(!labels.includes("fixture:seeded"), labels.join(", "));
    assert.ok(labels.includes("visits:{page}"));
    const seeded = family(families("--include-tests"), "fixture:seeded");
    assert.deepEqual(locations(seeded.writes), ["src/sessions.test.ts:5"]);
    assert.deepEqual(locations(seeded.reads), ["src/sessions.test.ts:6"]);
  });

  it("lists a cache call inside a helper once, at the call itself, with the helper's calls that give the key", () => {
    const auth = family(families(), "auth:{account}");
    assert.deepEqual(auth.reads, [
      { location: "src/store.ts:8", method: "get", function: "cacheGet", calledAt: ["src/sessions.ts:8"] },
    ]);
    // Two calls of cacheSet, one `set`: listed once. renewSession's call replaces the value (no read before it).
    assert.deepEqual(auth.writes, [
      {
        location: "src/store.ts:12",
        method: "set",
        function: "cacheSet",
        calledAt: ["src/sessions.ts:11", "src/sessions.ts:16"],
        invalidates: true,
      },
    ]);
    assert.deepEqual(auth.invalidations, [
      { location: "src/store.ts:16", method: "del", function: "cacheDrop", calledAt: ["src/sessions.ts:20"] },
    ]);
    assert.deepEqual(
      auth.ttls.map((ttl) => [ttl.kind, ttl.ms, ttl.location]),
      [["set", 900_000, "src/store.ts:12"]],
    );
  });

  it("does not count a helper's fill of a miss as an invalidation (read, then set, at one call of the helper)", () => {
    const roster = family(families(), "roster:{team}");
    assert.deepEqual(locations(roster.reads), ["src/store.ts:21"]);
    assert.deepEqual(roster.writes, [
      { location: "src/store.ts:24", method: "set", function: "remember", calledAt: ["src/teams.ts:7"] },
    ]);
    assert.deepEqual(roster.invalidations, []);
  });

  it("lists no location twice in a family, across reads, writes and invalidations", () => {
    for (const f of families("--include-tests")) {
      const all = [...locations(f.reads), ...locations(f.writes), ...locations(f.invalidations)];
      assert.equal(new Set(all).size, all.length, `${f.label}: ${all.join(", ")}`);
    }
  });

  it("takes an EXPIRE right after the write that creates the key as that write's TTL, not an invalidation", () => {
    const visits = family(families(), "visits:{page}");
    // countVisit's EXPIRE (line 7) gives HINCRBY its hour; forgetVisitsSoon's, with no write before it, invalidates.
    assert.deepEqual(
      visits.ttls.map((ttl) => [ttl.kind, ttl.ms, ttl.location]),
      [
        ["set", 3_600_000, "src/visits.ts:7"],
        ["set", 5_000, "src/visits.ts:15"],
      ],
    );
    assert.deepEqual(
      visits.invalidations.map((site) => [site.location, site.method, site.function]),
      [["src/visits.ts:15", "expire", "forgetVisitsSoon"]],
    );
    // The same in a transaction: SADD then PEXPIRE in one MULTI.
    const referrers = family(families(), "referrers:{page}");
    assert.deepEqual(
      referrers.ttls.map((ttl) => [ttl.kind, ttl.ms]),
      [["set", 60_000]],
    );
    assert.deepEqual(referrers.invalidations, []);
    assert.deepEqual(
      referrers.writes.map((site) => site.method),
      ["sadd"],
    );
  });

  it("lets the rules see that write as expiring: writing before the database is not a delete-before-write", () => {
    const plan = family(families(), "plan:{id}");
    assert.deepEqual(
      plan.ttls.map((ttl) => [ttl.kind, ttl.ms, ttl.location]),
      [
        ["set", 300_000, "src/plans.ts:13"],
        ["set", 300_000, "src/plans.ts:19"],
        ["none", null, "src/plans.ts:29"],
      ],
    );
    // require-cache-fallback (unguarded cache calls beside the database) has its own suite: not this one's subject.
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-fallback:off"], DIR);
    assert.equal(run.code, 1, run.stderr);
    const messages = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<Record<string, any>> }>)
      .filter((file) => file.filePath.endsWith("plans.ts"))
      .flatMap((file) => file.messages.map((m) => [m.ruleId, m.line]));
    // retitlePlan's EXPIRE (line 19) completes its HSET: silent. renamePlanEarly's DEL is the race; preloadPlan's
    // HSET still creates the key with no expiry when it runs first.
    assert.deepEqual(messages, [
      ["no-invalidation-before-write", 24],
      ["require-cache-ttl", 29],
    ]);
  });

  it("names a key part computed by a call after the call, and keeps one family whatever the part is called", () => {
    const labels = families().map((f) => f.label);
    assert.ok(labels.includes("digest:{fingerprint(address)}"), labels.join(", "));
    assert.ok(labels.includes("host:{canonicalHostnameForTenant(…)}"), labels.join(", "));
    // `fingerprint(address)` and `fingerprint(address.trim())`: one family, read and written.
    const digest = family(families(), "digest:{fingerprint(address)}");
    assert.deepEqual(locations(digest.reads), ["src/digests.ts:9"]);
    assert.deepEqual(locations(digest.writes), ["src/digests.ts:13"]);
    assert.equal(labels.filter((label) => label.startsWith("digest:")).length, 1);
    // `account.toString()`, `String(account)` and `account`: one family named after the account.
    assert.equal(labels.filter((label) => label.startsWith("auth:")).length, 1);
  });

  it("prints the same listing in the readable format", () => {
    const run = runCliCaptured(["families", "."], DIR);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^ {2}write {8}set at src\/store\.ts:12 \(cacheSet\), called at src\/sessions\.ts:11, src\/sessions\.ts:16, replacing the value$/m,
    );
    assert.match(run.stdout, /^ {2}ttl 1 h at src\/visits\.ts:7$/m);
    assert.doesNotMatch(run.stdout, /invalidation expire at src\/visits\.ts:7/);
    assert.doesNotMatch(run.stdout, /fixture:seeded/);
  });

  it("rejects --include-tests outside `families`", () => {
    const run = runCliCaptured(["check", ".", "--include-tests"], DIR);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--include-tests.*belongs to `cachewise families`/);
  });
});
