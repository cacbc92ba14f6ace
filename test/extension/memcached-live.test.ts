// The editor's Memcached figures without an editor, against a real memcached: figures per
// Memcached family from one profile, the CodeLens title, hover and Families-view text built from
// them as for Redis, no profile while the families stay the same and at most one per cooldown when
// they change (an edit never queries the server by itself), and an unreachable server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SnapshotFamily } from "../../analyzer/src/model/workspace-snapshot";
import { profileMemcached } from "../../analyzer/src/keyspace/profile-memcached";
import { MemcachedLiveFigures } from "../../extension/src/profile/memcached-live";
import { buildFamilyHover, formatLensTitle } from "../../extension/src/stats/family-figures";
import { describeFamilyItem } from "../../extension/src/stats/tree-text";
import { fillMemcached, findFreePort, startMemcached, type MemcachedProcess } from "../keyspace/memcached-harness";

function makeFamily(pattern: string, overrides: Partial<SnapshotFamily> = {}): SnapshotFamily {
  return {
    id: `remote-kv|${pattern.replace(/\{[^}]*\}/g, "{}")}`,
    label: pattern,
    pattern,
    kind: "remote-kv",
    library: "memjs",
    tags: [],
    ttlText: "10 min",
    ttlsMs: [600_000],
    boundText: "—",
    strategies: [],
    entities: [],
    reads: 1,
    writes: 1,
    invalidations: 0,
    writeSites: [],
    sites: [],
    owner: undefined,
    dataClass: undefined,
    runbook: undefined,
    findings: 0,
    ...overrides,
  };
}

describe("Memcached figures in the editor", () => {
  let server: MemcachedProcess;
  let address: string;
  const user = makeFamily("user:{id}");
  const session = makeFamily("session:{token}", { ttlText: "1 min", ttlsMs: [60_000] });
  const redisFamily = { ...makeFamily("user:{id}"), id: "redis|user:{}", kind: "redis" };

  before(async () => {
    server = await startMemcached();
    address = `127.0.0.1:${server.port}`;
    await fillMemcached(server.port, [
      ...Array.from({ length: 40 }, (_, i) => ({ key: `user:${i}`, value: "u".repeat(100), exptime: 600 })),
      ...Array.from({ length: 10 }, (_, i) => ({ key: `user:x${i}`, value: "u", exptime: 0 })),
      ...Array.from({ length: 5 }, (_, i) => ({ key: `orphan:${i}`, value: "o", exptime: 0 })),
    ]);
  });
  after(() => server?.stop());

  it("groups items by the Memcached families and shows them in the lens, hover and sidebar text", async () => {
    const live = new MemcachedLiveFigures();
    live.configure(address, ":");
    live.setFamilies([user, session, redisFamily]);
    await live.refresh();
    assert.deepEqual(live.state, { kind: "ready", address });
    const figures = live.figures.get(user.id)!;
    assert.equal(figures.keys, 50);
    assert.equal(figures.keysWithoutTtl, 10);
    assert.equal(live.figures.get(undefined)!.keys, 5);
    assert.equal(live.figures.get(session.id), undefined);
    assert.equal(live.figures.get(redisFamily.id), undefined, "Redis families are not matched against Memcached items");
    assert.match(
      formatLensTitle(user, figures, "connected", "Memcached"),
      /^user:\{id\} · 50 keys · TTL p50 (9\.\d|10)m · 10 without TTL · [\d.]+ KB$/,
    );
    assert.equal(
      formatLensTitle(session, undefined, "connected", "Memcached"),
      "session:{token} · no keys in Memcached",
    );
    assert.equal(formatLensTitle(session, undefined, "none", "Memcached"), "session:{token} · no Memcached connection");
    const hover = buildFamilyHover(user, figures, { connection: `Memcached ${address}` });
    assert.ok(hover.includes(`Live in Memcached ${address}: 50 keys · 10 without TTL (20%)`), hover);
    assert.ok(hover.includes("⚠ Code sets 10 min; live keys: p50"), hover);
    assert.match(describeFamilyItem(user, figures, true).description ?? "", /^50 keys · 20% no TTL · [\d.]+ KB$/);
    assert.equal(describeFamilyItem(session, undefined, true).description, "no keys");
  });

  it("profiles again for changed families only, and not more than once per cooldown", async () => {
    let profiles = 0;
    let clock = 0;
    const live = new MemcachedLiveFigures({
      profile: (...args) => {
        profiles++;
        return profileMemcached(...args);
      },
      regroupCooldownMs: 30_000,
      now: () => clock,
    });
    live.configure(address, ":");
    assert.equal(live.regroupDelay(), undefined, "before the first profile, nothing to regroup");
    // The address is set before the first analysis ends: that profile has no family to group by,
    // so the first families regroup at once, cooldown or not.
    await live.refresh();
    assert.equal(profiles, 1);
    assert.equal(live.figures.get(user.id), undefined);
    live.setFamilies([user]);
    assert.equal(live.regroupDelay(), 0);
    await live.refresh();
    assert.equal(profiles, 2);
    assert.equal(live.figures.get(user.id)?.keys, 50);
    // The analysis runs after every edit: the same families must not reach the server.
    live.setFamilies([makeFamily("user:{id}")]);
    assert.equal(live.regroupDelay(), undefined);
    // New families: wait out the cooldown from the last profile's start.
    clock = 10_000;
    live.setFamilies([user, session]);
    assert.equal(live.regroupDelay(), 20_000);
    clock = 30_000;
    assert.equal(live.regroupDelay(), 0);
    await live.refresh();
    assert.equal(profiles, 3);
    assert.equal(live.regroupDelay(), undefined);
    // Another server drops the figures at once.
    assert.equal(live.configure("127.0.0.1:1", ":"), true);
    assert.equal(live.figures.size, 0);
  });

  it("an unreachable server is an error state, with no figures", async () => {
    const port = await findFreePort();
    const live = new MemcachedLiveFigures({ timeoutMs: 1000 });
    live.configure(`127.0.0.1:${port}`, ":");
    live.setFamilies([user]);
    await live.refresh();
    assert.deepEqual(live.state, {
      kind: "error",
      address: `127.0.0.1:${port}`,
      message: `could not connect to Memcached at 127.0.0.1:${port}: ECONNREFUSED`,
    });
    assert.equal(live.figures.size, 0);
  });
});
