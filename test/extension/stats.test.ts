// The extension's pure parts, without an editor: number formats, CodeLens titles, hovers (escaping
// what comes from Redis), mismatches, risk order, value rendering, connection settings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TTL_HISTOGRAM_LABELS } from "../../analyzer/src/keyspace/aggregate";
import type { KeyspaceEstimate, KeyspaceProfile } from "../../analyzer/src/keyspace/keyspace-model";
import type { SnapshotFamily } from "../../analyzer/src/model/workspace-snapshot";
import {
  describeConnection,
  findEmbeddedPassword,
  pickConnection,
  stripPassword,
  toConnectionConfig,
} from "../../extension/src/connections/connection-settings";
import {
  buildFamilyHover,
  collectFigures,
  findMismatches,
  formatLensTitle,
  rankByRisk,
} from "../../extension/src/stats/family-figures";
import { formatDuration } from "../../analyzer/src/format/duration";
import { formatBytes, formatCount, formatShare } from "../../analyzer/src/keyspace/figure-format";
import { computeHitRate } from "../../extension/src/stats/hit-rate";
import { renderValue } from "../../extension/src/stats/render-value";
import {
  describeConnectionItem,
  describeFamilyItem,
  describeKeyItem,
  describeMessageItem,
  describeNamespaceItem,
  describeSampleKeyItem,
  describeSiteItem,
} from "../../extension/src/stats/tree-text";
import type { KeyDetails } from "../../analyzer/src/keyspace/key-inspector";

function makeFamily(overrides: Partial<SnapshotFamily> = {}): SnapshotFamily {
  return {
    id: "redis|user:{}",
    label: "user:{id}",
    pattern: "user:{id}",
    kind: "redis",
    library: "ioredis",
    tags: [],
    ttlText: "1 h",
    ttlsMs: [3_600_000],
    boundText: "—",
    strategies: ["cache-aside"],
    entities: ["user"],
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

const emptyStats = (keys: number, noTtl: number, memory?: number) => ({
  keys,
  types: { string: keys },
  ttlHistogram: TTL_HISTOGRAM_LABELS.map((_, i) =>
    i === TTL_HISTOGRAM_LABELS.length - 1 ? noTtl : i === 2 ? keys - noTtl : 0,
  ),
  keysWithoutTtl: noTtl,
  ttlP50Ms: keys > noTtl ? 300_000 : undefined,
  memory: memory === undefined ? undefined : { totalBytes: memory, averageBytes: memory / keys, keysMeasured: keys },
  largestKeys: [],
  idle: undefined,
  frequency: undefined,
  sampleKeys: ["user:1", "user:`2`[x](javascript:alert(1))"],
});

function makeProfile(): KeyspaceProfile {
  return {
    connection: "local",
    startedAt: new Date(0),
    durationMs: 10,
    complete: true,
    vanished: 0,
    notPermitted: 0,
    keysAtStart: 12_700,
    accessMetric: "idle",
    nodes: [],
    permissions: { memory: "granted", idle: "granted", info: "granted", script: "granted" },
    notices: [],
    total: emptyStats(12_700, 412, 4_300_000),
    families: [
      { family: "redis|user:{}", stats: emptyStats(12_300, 412, 4_300_000) },
      { family: undefined, stats: emptyStats(400, 400, 1000) },
    ],
    namespaces: { segment: "", path: "", isPattern: false, stats: emptyStats(12_700, 412), children: [] },
  };
}

describe("formats", () => {
  it("counts, bytes, TTLs and shares", () => {
    assert.deepEqual([formatCount(950), formatCount(12_345), formatCount(4_100_000)], ["950", "12.3k", "4.1M"]);
    assert.deepEqual(
      [formatBytes(512), formatBytes(4_300_000), formatBytes(3 * 1024 ** 3)],
      ["512 B", "4.1 MB", "3 GB"],
    );
    assert.deepEqual(
      [4000, 300_000, 5_400_000, 172_800_000, Infinity].map((ms) => formatDuration(ms, "compact")),
      ["4s", "5m", "1.5h", "2d", "none"],
    );
    assert.deepEqual([formatShare(0.0312), formatShare(0.5)], ["3.1%", "50%"]);
  });
});

describe("CodeLens titles", () => {
  const figures = collectFigures(makeProfile(), undefined, TTL_HISTOGRAM_LABELS);

  it("show keys, TTL p50, keys without TTL and memory from a full profile", () => {
    assert.equal(
      formatLensTitle(makeFamily(), figures.get("redis|user:{}"), "connected"),
      "user:{id} · 12.3k keys · TTL p50 5m · 412 without TTL · 4.1 MB",
    );
  });

  it("mark sampled figures and never show sampled memory", () => {
    const estimate: KeyspaceEstimate = {
      connection: "local",
      durationMs: 40,
      sampledKeys: 10_000,
      totalKeys: 1_000_000,
      exhaustive: false,
      vanished: 0,
      notices: [],
      families: [
        {
          family: "redis|user:{}",
          estimate: {
            sampledKeys: 3000,
            inspectedKeys: 3000,
            share: 0.3,
            shareLow: 0.29,
            shareHigh: 0.31,
            estimatedKeys: 300_000,
            estimatedKeysLow: 290_000,
            estimatedKeysHigh: 310_000,
            types: { string: 3000 },
            noTtlShare: 0.1,
            ttlHistogram: TTL_HISTOGRAM_LABELS.map(() => 0),
            sampleKeys: [],
          },
        },
      ],
      namespaces: {
        segment: "",
        path: "",
        isPattern: false,
        estimate: {
          sampledKeys: 0,
          inspectedKeys: 0,
          share: 0,
          shareLow: 0,
          shareHigh: 0,
          estimatedKeys: 0,
          estimatedKeysLow: 0,
          estimatedKeysHigh: 0,
          types: {},
          noTtlShare: 0,
          ttlHistogram: [],
          sampleKeys: [],
        },
        children: [],
      },
    } as unknown as KeyspaceEstimate;
    const sampled = collectFigures(undefined, estimate, TTL_HISTOGRAM_LABELS).get("redis|user:{}");
    assert.equal(sampled?.memoryBytes, undefined);
    assert.equal(
      formatLensTitle(makeFamily(), sampled, "connected"),
      "user:{id} · ≈300k keys · 10% without TTL · sampled",
    );
  });

  it("say why there are no figures", () => {
    assert.equal(formatLensTitle(makeFamily(), undefined, "none"), "user:{id} · no Redis connection");
    assert.equal(formatLensTitle(makeFamily(), undefined, "disconnected"), "user:{id} · Redis disconnected");
    assert.equal(formatLensTitle(makeFamily(), undefined, "connected"), "user:{id} · no keys in Redis");
  });
});

describe("hovers", () => {
  const figures = collectFigures(makeProfile(), undefined, TTL_HISTOGRAM_LABELS);

  it("escape everything that comes from Redis: no links, no HTML", () => {
    const text = buildFamilyHover(makeFamily(), figures.get("redis|user:{}"), {
      revealCommand: "command:cachewise.revealFamily?x",
      connection: "<b>prod</b>",
    });
    assert.ok(!text.includes("<b>"), text);
    // A key is shown in a code span with a longer fence than its backticks: it cannot be closed from the key, no link renders.
    assert.ok(text.includes("- ``user:`2`[x](javascript:alert(1))``"), text);
    assert.ok(text.includes("\\<b\\>prod\\</b\\>"));
    assert.ok(text.includes("Code sets 1 h; live keys: p50 5m, 3.3% without TTL"), text);
    assert.ok(text.includes("[Reveal in sidebar](command:cachewise.revealFamily?x)"));
  });

  it("show a hostile family label and hostile keys as code spans that hold, with nothing raw", () => {
    const family = makeFamily({
      label: "title\u001b]0;x\u0007:\u202e`{id}`\n| [x](y)",
      ttlText: "1\u2066 h",
      entities: ["user\u200b"],
      owner: "<img src=x>",
    });
    const live = collectFigures(makeProfile(), undefined, TTL_HISTOGRAM_LABELS).get("redis|user:{}")!;
    const text = buildFamilyHover(family, { ...live, sampleKeys: ["bidi\\u202e:1", "raw\u009b:2"] }, {});
    assertNoRawUnsafe(text);
    const lines = text.split("\n");
    assert.equal(lines[0], "**Cachewise** · ``title\\x1b]0;x\\x07:\\u202e`{id}`\\x0a| [x](y)`` · redis (ioredis)");
    assert.ok(lines.includes("TTL in code: 1\\\\u2066 h · bound: — · 1 reads, 1 writes, 0 invalidations  "), text);
    assert.ok(lines.includes("Depends on: user\\\\u200b  "), text);
    assert.ok(lines.includes("Class: — · owner: \\<img src=x\\>"), text);
    assert.ok(lines.includes("- `bidi\\u202e:1`"), text);
    assert.ok(lines.includes("- `raw\\u009b:2`"), text);
  });
});

describe("tree items", () => {
  const live = collectFigures(makeProfile(), undefined, TTL_HISTOGRAM_LABELS).get("redis|user:{}")!;

  it("give families, sites and sample keys escaped labels and descriptions", () => {
    const family = makeFamily({ label: "clear\u001b[2J\u202e:{id}\nfake", findings: 2 });
    assert.deepEqual(describeFamilyItem(family, live, true), {
      label: "clear\\x1b[2J\\u202e:{id}\\x0afake",
      description: "12.3k keys · 3.3% no TTL · 4.1 MB · 2 findings",
    });
    assert.deepEqual(describeFamilyItem({ ...family, kind: "in\u200bprocess" as SnapshotFamily["kind"] }, live, true), {
      label: "clear\\x1b[2J\\u202e:{id}\\x0afake",
      description: "in\\u200bprocess · 2 findings",
    });
    assert.deepEqual(describeSiteItem({ file: "/w/src/evil\u202e.ts", line: 4 }, "src/\u2066dir"), {
      label: "evil\\u202e.ts:4",
      description: "src/\\u2066dir",
    });
    assert.deepEqual(describeSampleKeyItem("csi\u009b31m:1"), { label: "csi\\u009b31m:1" });
  });

  it("give connections, namespaces, keys and messages escaped labels, descriptions and tooltips", () => {
    assert.deepEqual(describeConnectionItem("prod\u202e (redis://h:1)", "connected", false), {
      label: "prod\\u202e (redis://h:1)",
      description: "connected · read-only",
    });
    assert.deepEqual(describeConnectionItem(undefined, "none", false), { label: "No connection", description: "none" });
    assert.deepEqual(describeNamespaceItem("ns\\u2066", ":", 1200, "app:ns\\u2066:"), {
      label: "ns\\u2066:",
      description: "1.2k+ keys",
      tooltip: "Keys starting with app:ns\\u2066:",
    });
    const details: KeyDetails = {
      key: Buffer.from("k"),
      displayKey: "app:title\\x1b]0;x\\x07",
      exists: true,
      type: "ReJSON\u001b[31m",
      pttlMs: 300_000,
      memoryBytes: 2048,
      encoding: "raw\u202e",
      idleSeconds: 60,
      frequency: undefined,
      length: undefined,
      denied: [],
    };
    assert.deepEqual(describeKeyItem("title\\x1b]0;x\\x07", details), {
      label: "title\\x1b]0;x\\x07",
      description: "ReJSON\\x1b[31m · TTL 5m · 2 KB · raw\\u202e",
      tooltip: [
        "app:title\\x1b]0;x\\x07",
        "type ReJSON\\x1b[31m",
        "TTL 5m",
        "memory 2 KB",
        "encoding raw\\u202e",
        "idle 1m",
      ].join("\n"),
    });
    assert.deepEqual(describeKeyItem("plain", undefined), { label: "plain" });
    assert.deepEqual(describeMessageItem("Could not list keys: ERR \u001b[2J\nx"), {
      label: "Could not list keys: ERR \\x1b[2J\\x0ax",
    });
  });

  it("CodeLens titles and live diagnostics escape the family label", () => {
    const family = makeFamily({ label: "bidi\u202e:{id}", ttlText: "1\u200b h" });
    assert.equal(formatLensTitle(family, undefined, "none"), "bidi\\u202e:{id} · no Redis connection");
    const messages = findMismatches([family], collectFigures(makeProfile(), undefined, TTL_HISTOGRAM_LABELS), {}).map(
      (m) => m.message,
    );
    assert.ok(messages.length > 0);
    for (const message of messages) assertNoRawUnsafe(message);
    assert.ok(messages[0]!.startsWith("bidi\\u202e:{id}: the code always sets a TTL (1\\u200b h)"), messages[0]);
  });
});

/** Nothing that acts on a terminal or hides: C0 (a newline too), C1, bidirectional and zero-width characters. */
function assertNoRawUnsafe(text: string): void {
  const found =
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/.exec(text);
  assert.equal(found, null, found ? `raw U+${found[0].charCodeAt(0).toString(16)} in ${JSON.stringify(text)}` : "");
}

describe("mismatches and risk", () => {
  const figures = collectFigures(makeProfile(), undefined, TTL_HISTOGRAM_LABELS);

  it("code that always sets a TTL while live keys have none, a family nothing writes, memory over budget", () => {
    const kinds = (family: SnapshotFamily, budgets = {}) =>
      findMismatches([family], figures, budgets).map((m) => m.kind);
    assert.deepEqual(kinds(makeFamily()), ["ttl-missing-live"]);
    assert.deepEqual(kinds(makeFamily({ ttlsMs: [3_600_000, null] })), []);
    assert.deepEqual(kinds(makeFamily({ ttlsMs: [], writes: 0 })), ["no-writer"]);
    assert.deepEqual(kinds(makeFamily({ ttlsMs: [] }), { "user:{id}": 1_000_000 }), ["over-budget"]);
    assert.deepEqual(kinds(makeFamily({ ttlsMs: [] }), { "user:{id}": 10_000_000 }), []);
  });

  it("orders families by findings, then keys without TTL, then memory", () => {
    const a = makeFamily({ id: "a", label: "a" });
    const b = makeFamily({ id: "redis|user:{}", label: "b" });
    const c = makeFamily({ id: "c", label: "c", findings: 2 });
    assert.deepEqual(
      rankByRisk([a, b, c], figures).map((f) => f.label),
      ["c", "b", "a"],
    );
  });
});

describe("value rendering", () => {
  it("shows JSON pretty, binary as hex, and says when it is truncated", () => {
    const json = renderValue(
      "user:1",
      { type: "string", value: Buffer.from('{"a":1}'), length: 7, truncated: false },
      100,
    );
    assert.ok(json.includes('"a": 1'));
    const binary = renderValue(
      "bin",
      { type: "string", value: Buffer.from([0xff, 0x00, 0x41]), length: 3, truncated: false },
      100,
    );
    assert.ok(binary.includes("ff 00 41") && binary.includes("binary value"));
    const hash = renderValue(
      "h",
      { type: "hash", fields: [[Buffer.from("f\n"), Buffer.from([0xc3])]], length: 500, truncated: true },
      100,
    );
    assert.ok(hash.includes("f\\x0a: \\xc3"), hash);
    assert.ok(hash.includes("truncated"));
  });
});

describe("connection settings", () => {
  it("finds and strips an embedded password, picks the active connection", () => {
    assert.equal(findEmbeddedPassword("redis://:s3cret@host:6379/0"), "s3cret");
    assert.equal(findEmbeddedPassword("redis://host:6379"), undefined);
    assert.equal(stripPassword("redis://user:s3cret@host:6379/2"), "redis://user@host:6379/2");
    const list = [
      { name: "a", url: "redis://a" },
      { name: "b", url: "redis://b" },
    ];
    assert.equal(pickConnection(list, "b")?.name, "b");
    assert.equal(pickConnection(list, "")?.name, "a");
    assert.equal(toConnectionConfig({ name: "x", url: "redis://:pw@h:1" }, 500).url, "redis://h:1");
    assert.equal(describeConnection({ name: "x", url: "redis://:pw@h:1" }), "x (redis://h:1)");
  });
});

describe("hit rate", () => {
  it("leaves our own lookups out of the hits", () => {
    // 1,000 application lookups (900 hits) and 20,000 of our own TYPE/PTTL in the interval.
    assert.equal(
      computeHitRate(
        { hits: 5000, misses: 100, ownLookups: 40_000 },
        { hits: 5000 + 900 + 20_000, misses: 200, ownLookups: 60_000 },
      ),
      0.9,
    );
    // Only our own lookups: no application traffic, no rate (not a flattering 100 %).
    assert.equal(
      computeHitRate({ hits: 0, misses: 0, ownLookups: 0 }, { hits: 500, misses: 0, ownLookups: 500 }),
      undefined,
    );
    // A vanished key made one of ours a miss: the hits never go negative.
    assert.equal(computeHitRate({ hits: 0, misses: 0, ownLookups: 0 }, { hits: 499, misses: 1, ownLookups: 500 }), 0);
    assert.equal(
      computeHitRate({ hits: 10, misses: 10, ownLookups: 0 }, { hits: 10, misses: 10, ownLookups: 0 }),
      undefined,
    );
  });
});
