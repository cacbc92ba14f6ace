import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  NO_NAMESPACE_SEGMENT,
  OTHER_SEGMENT,
  TTL_BUCKETS,
  TTL_HISTOGRAM_LABELS,
  addToSketch,
  aggregateKeys,
  computeWilsonInterval,
  createKeyspaceAggregator,
  createQuantileSketch,
  estimateGroup,
  findTtlBucketIndex,
  isIdLikeSegment,
  readNamespaceSegments,
  readQuantile,
} from "../../analyzer/src/keyspace/aggregate";
import {
  ReadOnlyError,
  assertCommandAllowed,
  checkCommand,
  countKeyLookups,
} from "../../analyzer/src/keyspace/command-policy";
import { isNotRunError } from "../../analyzer/src/keyspace/redis-errors";
import {
  KeyspaceConfigError,
  parseRedisUrl,
  redactRedisUrl,
  resolveConnectionConfig,
} from "../../analyzer/src/keyspace/connection";
import { escapeGlob, formatKeyForDisplay } from "../../analyzer/src/keyspace/key-format";
import type { KeyRecord } from "../../analyzer/src/keyspace/keyspace-model";
import { PROFILER_SCRIPT, PROFILER_SCRIPT_SHA } from "../../analyzer/src/keyspace/profiler-script";
import { parseInfo, parseKeyspaceLine } from "../../analyzer/src/keyspace/server-stats";

function record(displayKey: string, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    key: Buffer.from(displayKey),
    displayKey,
    type: "string",
    pttlMs: -1,
    memoryBytes: 100,
    idleSeconds: 10,
    frequency: undefined,
    ...overrides,
  };
}

describe("formatKeyForDisplay", () => {
  it("keeps valid UTF-8 and escapes invalid bytes and control characters", () => {
    assert.equal(formatKeyForDisplay(Buffer.from("user:42:profile")), "user:42:profile");
    assert.equal(formatKeyForDisplay(Buffer.from("café:ünï:😀")), "café:ünï:😀");
    assert.equal(formatKeyForDisplay(Buffer.from([0x61, 0xff, 0x62])), "a\\xffb");
    assert.equal(formatKeyForDisplay(Buffer.from([0xc3])), "\\xc3");
    assert.equal(formatKeyForDisplay(Buffer.from([0xc3, 0xa9, 0xc3])), "é\\xc3");
    assert.equal(
      formatKeyForDisplay(Buffer.from([0xed, 0xa0, 0x80])),
      "\\xed\\xa0\\x80",
      "UTF-16 surrogates are not UTF-8",
    );
    assert.equal(formatKeyForDisplay(Buffer.from("a\nb\u0000")), "a\\x0ab\\x00");
    assert.equal(
      formatKeyForDisplay(Buffer.from("back\\slash")),
      "back\\\\slash",
      "a literal backslash never looks like an escape",
    );
    assert.equal(formatKeyForDisplay("plain"), "plain");
  });

  it("escapes C1 controls, bidirectional and zero-width characters with the shared escaper, and stays one-to-one", () => {
    const hostile = [
      ["title\u001b]0;pwned\u0007", "title\\x1b]0;pwned\\x07"],
      ["csi\u009b31m", "csi\\u009b31m"],
      ["bidi\u202etxt\u2066x\u2069", "bidi\\u202etxt\\u2066x\\u2069"],
      ["zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"],
    ];
    for (const [key, display] of hostile) {
      assert.equal(formatKeyForDisplay(Buffer.from(key!, "utf8")), display);
      assert.equal(formatKeyForDisplay(key!), display);
    }
    // U+009B (bytes c2 9b) and the invalid byte 9b, and a key that spells the escape out, print apart.
    const lookalikes = [
      Buffer.from("\u009b", "utf8"),
      Buffer.from([0x9b]),
      Buffer.from("\\u009b"),
      Buffer.from("\\x9b"),
    ];
    assert.deepEqual(lookalikes.map(formatKeyForDisplay), ["\\u009b", "\\x9b", "\\\\u009b", "\\\\x9b"]);
  });

  it("escapes SCAN glob characters byte-exactly", () => {
    assert.equal(escapeGlob("a*b?[c]\\d").toString(), "a\\*b\\?\\[c\\]\\\\d");
    assert.deepEqual([...escapeGlob(Buffer.from([0xff, 0x2a]))], [0xff, 0x5c, 0x2a]);
  });
});

describe("TTL histogram and quantiles", () => {
  it("puts each PTTL in its bucket and -1 in 'no expiry'", () => {
    assert.equal(TTL_HISTOGRAM_LABELS.length, TTL_BUCKETS.length + 1);
    assert.equal(TTL_HISTOGRAM_LABELS.at(-1), "no expiry");
    assert.equal(findTtlBucketIndex(-1), TTL_BUCKETS.length);
    assert.equal(findTtlBucketIndex(0), 0);
    assert.equal(findTtlBucketIndex(59_999), 0);
    assert.equal(findTtlBucketIndex(60_000), 1);
    assert.equal(findTtlBucketIndex(3_600_000), 3);
    assert.equal(findTtlBucketIndex(30 * 86_400_000), 6);
  });

  it("estimates quantiles within about 1 %", () => {
    const sketch = createQuantileSketch();
    assert.equal(readQuantile(sketch, 0.5), undefined);
    for (let i = 1; i <= 10_001; i++) addToSketch(sketch, i * 1000);
    const p50 = readQuantile(sketch, 0.5)!;
    assert.ok(Math.abs(p50 - 5_001_000) / 5_001_000 < 0.011, String(p50));
    assert.equal(readQuantile(sketch, 1), 10_001_000);
    const zeros = createQuantileSketch();
    addToSketch(zeros, 0);
    assert.equal(readQuantile(zeros, 0.5), 0);
  });
});

describe("computeWilsonInterval", () => {
  it("matches the textbook values and stays inside [0, 1]", () => {
    const { low, high } = computeWilsonInterval(50, 100);
    assert.ok(Math.abs(low - 0.4038) < 0.001 && Math.abs(high - 0.5962) < 0.001, `${low} ${high}`);
    const zero = computeWilsonInterval(0, 1000);
    assert.equal(zero.low, 0);
    assert.ok(zero.high > 0 && zero.high < 0.005);
    assert.deepEqual(computeWilsonInterval(0, 0), { low: 0, high: 1 });
    assert.equal(computeWilsonInterval(10, 10).high, 1);
  });

  it("scales shares into key estimates with bounds", () => {
    const aggregate = aggregateKeys(
      [record("a:1"), record("a:2"), record("b:1", { pttlMs: 5000 }), record("b:2", { pttlMs: 5000 })],
      { classify: (k) => k.split(":")[0] },
    );
    const a = aggregate.families.find((f) => f.family === "a")!;
    const estimate = estimateGroup(a.stats, 4, 1000);
    assert.equal(estimate.share, 0.5);
    assert.equal(estimate.estimatedKeys, 500);
    assert.ok(estimate.estimatedKeysLow < 500 && estimate.estimatedKeysHigh > 500);
    assert.equal(estimate.noTtlShare, 1);
    const exact = estimateGroup(a.stats, 4, 4, true);
    assert.deepEqual([exact.shareLow, exact.shareHigh, exact.estimatedKeys], [0.5, 0.5, 2]);
  });

  it("keeps shares among the permitted keys and counts keys out of every inspected one when some were refused", () => {
    const aggregate = aggregateKeys([record("a:1"), record("a:2"), record("b:1"), record("b:2")], {
      classify: (k) => k.split(":")[0],
    });
    const a = aggregate.families.find((f) => f.family === "a")!;
    // 4 permitted keys inspected, 12 refused, 1,600 keys in the keyspace: ≈400 permitted, 200 of them `a`.
    const estimate = estimateGroup(a.stats, 4, 400, false, undefined, { sampled: 12, keyspaceKeys: 1600 });
    assert.equal(estimate.share, 0.5);
    const shareInterval = computeWilsonInterval(2, 4);
    assert.deepEqual([estimate.shareLow, estimate.shareHigh], [shareInterval.low, shareInterval.high]);
    assert.equal(estimate.estimatedKeys, 200);
    const countInterval = computeWilsonInterval(2, 16);
    assert.deepEqual(
      [estimate.estimatedKeysLow, estimate.estimatedKeysHigh],
      [Math.floor(countInterval.low * 1600), Math.ceil(countInterval.high * 1600)],
    );
  });

  it("takes shares from counted names and the type mix and TTLs from the inspected keys", () => {
    const aggregator = createKeyspaceAggregator({ classify: (k) => k.split(":")[0] });
    // Inspected: one `a` key without TTL, one `b` key with one. Names: those two and six more.
    aggregator.add(record("a:1"));
    aggregator.add(record("b:1", { pttlMs: 5000, type: "hash" }));
    for (const name of ["a:1", "b:1", "a:2", "a:3", "a:4", "b:2", "c:1", "c:2"]) aggregator.addName(name);
    const aggregate = aggregator.finish();
    const a = aggregate.families.find((f) => f.family === "a")!;
    const c = aggregate.families.find((f) => f.family === "c")!;
    const fromNames = estimateGroup(a.stats, 2, 800, false, 8);
    assert.deepEqual(
      [fromNames.sampledKeys, fromNames.inspectedKeys, fromNames.share, fromNames.estimatedKeys, fromNames.noTtlShare],
      [4, 1, 0.5, 400, 1],
    );
    assert.deepEqual(fromNames.types, { string: 1 });
    // A group seen only by name has a share but no type or TTL figures.
    const onlyNamed = estimateGroup(c.stats, 2, 800, false, 8);
    assert.deepEqual(
      [onlyNamed.share, onlyNamed.inspectedKeys, onlyNamed.noTtlShare, Object.keys(onlyNamed.types).length],
      [0.25, 0, 0, 0],
    );
    // Families and namespaces are ordered by counted names.
    assert.deepEqual(
      aggregate.families.map((f) => f.family),
      ["a", "b", "c"],
    );
    assert.deepEqual(
      aggregate.namespaces.children.map((n) => [n.segment, n.stats.names]),
      [
        ["a", 4],
        ["b", 2],
        ["c", 2],
      ],
    );
    // A profile (no addName) carries no name counts.
    assert.equal("names" in aggregateKeys([record("a:1")]).total, false);
  });
});

describe("aggregateKeys", () => {
  const records: KeyRecord[] = [
    record("user:1:profile", { type: "hash", pttlMs: 30_000, memoryBytes: 500, idleSeconds: 5 }),
    record("user:2:profile", { type: "hash", pttlMs: 90_000, memoryBytes: 700, idleSeconds: 15 }),
    record("user:3:profile", { type: "hash", pttlMs: -1, memoryBytes: 900, idleSeconds: 25 }),
    record("session:abc", { pttlMs: 7_200_000, memoryBytes: 80 }),
    record("session:def", { pttlMs: 7_200_000, memoryBytes: undefined }),
    record("orphan", { type: "set", memoryBytes: 10_000 }),
  ];

  it("groups by family, with undefined as its own group, and sums exactly", () => {
    const aggregate = aggregateKeys(records, {
      classify: (k) =>
        k.startsWith("user:") ? "user:{id}:profile" : k.startsWith("session:") ? "session:{id}" : undefined,
    });
    assert.equal(aggregate.total.keys, 6);
    assert.deepEqual(
      aggregate.families.map((f) => [f.family, f.stats.keys]),
      [
        ["user:{id}:profile", 3],
        ["session:{id}", 2],
        [undefined, 1],
      ],
    );
    const user = aggregate.families[0].stats;
    assert.deepEqual(user.types, { hash: 3 });
    assert.equal(user.keysWithoutTtl, 1);
    assert.deepEqual(user.ttlHistogram, [1, 1, 0, 0, 0, 0, 0, 1]);
    assert.ok(Math.abs(user.ttlP50Ms! - 30_000) / 30_000 < 0.011, String(user.ttlP50Ms));
    assert.deepEqual(user.memory, { totalBytes: 2100, averageBytes: 700, keysMeasured: 3 });
    assert.deepEqual(
      user.largestKeys.map((k) => [k.displayKey, k.bytes]),
      [
        ["user:3:profile", 900],
        ["user:2:profile", 700],
        ["user:1:profile", 500],
      ],
    );
    assert.equal(user.idle!.maxSeconds, 25);
    assert.ok(Math.abs(user.idle!.p50Seconds - 15) <= 1);
    assert.deepEqual(user.sampleKeys, ["user:1:profile", "user:2:profile", "user:3:profile"]);
    const session = aggregate.families[1].stats;
    assert.deepEqual(
      session.memory,
      { totalBytes: 80, averageBytes: 80, keysMeasured: 1 },
      "keys without a memory figure are not counted as zero",
    );
    assert.equal(aggregate.total.largestKeys[0].displayKey, "orphan");
    assert.equal(aggregate.total.memory!.totalBytes, 12_180);
  });

  it("keeps only the five largest keys and five sample keys", () => {
    const many = Array.from({ length: 50 }, (_, i) => record(`k:${i}`, { memoryBytes: (i * 37) % 50 }));
    const stats = aggregateKeys(many).total;
    assert.deepEqual(
      stats.largestKeys.map((k) => k.bytes),
      [49, 48, 47, 46, 45],
    );
    assert.equal(stats.sampleKeys.length, 5);
  });

  it("reports no memory and no idle when none was collected", () => {
    const stats = aggregateKeys([
      record("a:1", { memoryBytes: undefined, idleSeconds: undefined, frequency: 3 }),
    ]).total;
    assert.equal(stats.memory, undefined);
    assert.equal(stats.idle, undefined);
    assert.deepEqual(stats.frequency, { p50: 3, max: 3 });
  });

  it("builds a namespace tree with collapsed ids, a depth limit and a children cap", () => {
    assert.deepEqual(readNamespaceSegments("user:123:profile"), ["user", "{id}"]);
    assert.deepEqual(readNamespaceSegments("user:123:profile", ":", 3, false), ["user", "123"]);
    assert.deepEqual(readNamespaceSegments("a/b/c/d/e", "/", 2), ["a", "b"]);
    assert.deepEqual(readNamespaceSegments("plain"), []);
    for (const id of ["123", "0", "550e8400-e29b-41d4-a716-446655440000", "deadbeefdeadbeef", "DEADBEEF00112233"])
      assert.equal(isIdLikeSegment(id), true, id);
    for (const word of ["user", "", "abc", "deadbeef", "550e8400-e29b-41d4-a716-44665544000z", "12a", "v1"])
      assert.equal(isIdLikeSegment(word), false, word);

    const tree = aggregateKeys(records).namespaces;
    assert.equal(tree.stats.keys, 6);
    assert.deepEqual(
      tree.children.map((c) => [c.segment, c.stats.keys]),
      [
        ["user", 3],
        ["session", 2],
        [NO_NAMESPACE_SEGMENT, 1],
      ],
    );
    const user = tree.children[0];
    assert.equal(user.isPattern, false);
    assert.deepEqual(
      user.children.map((c) => [c.path, c.stats.keys, c.isPattern]),
      [["user:{id}", 3, true]],
    );
    assert.equal(
      tree.children.reduce((sum, c) => sum + c.stats.keys, 0),
      tree.stats.keys,
      "children sum to the parent at the top level",
    );

    const wide = aggregateKeys(
      Array.from({ length: 30 }, (_, i) => record(`ns${i}:x:y`)),
      { maxChildren: 10, delimiter: ":" },
    ).namespaces;
    assert.equal(wide.children.length, 11);
    const other = wide.children.find((c) => c.segment === OTHER_SEGMENT)!;
    assert.equal(other.stats.keys, 20);
    assert.equal(other.children.length, 0);
  });
});

describe("command policy", () => {
  const readOnly = { allowWrites: false };
  it("allows reads and connection setup, refuses writes and foreign scripts", () => {
    for (const [name, args] of [
      ["scan", ["0", "COUNT", "100"]],
      ["TYPE", ["k"]],
      ["memory", ["USAGE", "k"]],
      ["object", ["idletime", "k"]],
      ["client", ["SETNAME", "cachewise"]],
      ["info", []],
      ["auth", ["u", "p"]],
      ["select", ["2"]],
      ["cluster", ["slots"]],
      ["config", ["GET", "maxmemory-policy"]],
      ["evalsha_ro", [PROFILER_SCRIPT_SHA, "0"]],
      ["eval_ro", [PROFILER_SCRIPT, "0"]],
      ["script", ["load", PROFILER_SCRIPT]],
    ] as [string, string[]][]) {
      assert.equal(checkCommand(name, args, readOnly), undefined, `${name} ${args.join(" ")}`);
    }
    for (const [name, args] of [
      ["set", ["k", "v"]],
      ["del", ["k"]],
      ["expire", ["k", "10"]],
      ["flushall", []],
      ["keys", ["*"]],
      ["config", ["SET", "maxmemory-policy", "allkeys-lfu"]],
      ["memory", ["PURGE"]],
      ["object", ["HELP"]],
      ["client", ["KILL", "ID", "1"]],
      ["eval", ["return redis.call('flushall')", "0"]],
      ["evalsha", ["0123456789abcdef0123456789abcdef01234567", "0"]],
      ["script", ["flush"]],
      ["monitor", []],
      ["debug", ["sleep", "1"]],
    ] as [string, string[]][]) {
      assert.notEqual(checkCommand(name, args, readOnly), undefined, `${name} ${args.join(" ")}`);
    }
    assert.throws(() => assertCommandAllowed("del", ["k"], readOnly), ReadOnlyError);
    assert.ok(PROFILER_SCRIPT.startsWith("#!lua flags=no-writes"));
  });

  it("counts the keyspace lookups Redis counts: none for refused or redirected commands, per key for the script", () => {
    assert.equal(countKeyLookups("TYPE", ["k"]), 1);
    assert.equal(countKeyLookups("object", ["IDLETIME", "k"]), 1);
    assert.equal(countKeyLookups("MEMORY", ["USAGE", "k"]), 0);
    assert.equal(countKeyLookups("SCAN", ["0"]), 0);
    assert.equal(countKeyLookups("EXISTS", ["a", "b", "c"]), 3);
    assert.equal(
      countKeyLookups("OBJECT", ["IDLETIME", "k"], {
        error: "NOPERM User least has no permissions to run the 'object|idletime' command",
      }),
      0,
    );
    assert.equal(countKeyLookups("TYPE", ["k"], { error: "MOVED 3999 127.0.0.1:7001" }), 0);
    assert.equal(
      countKeyLookups("OBJECT", ["FREQ", "k"], {
        error: "ERR An LFU maxmemory policy is not selected, access frequency not tracked.",
      }),
      1,
    );
    const script = ["sha", 0, "idle", "1", "a", "b"];
    assert.equal(countKeyLookups("EVALSHA_RO", script), 6);
    // Key a: OBJECT denied inside the script (-2); key b: all three lookups ran.
    assert.equal(countKeyLookups("EVALSHA_RO", script, { reply: ["string", -1, 50, -2, "hash", 100, 60, 5] }), 5);
    assert.equal(countKeyLookups("EVALSHA_RO", script, { error: "NOSCRIPT No matching script." }), 0);
    assert.equal(countKeyLookups("EVAL_RO", ["script", 0, "none", "0", "a"], { reply: ["string", 10, -5, -5] }), 2);
    assert.equal(isNotRunError("NOPERM this user has no permissions"), true);
    assert.equal(isNotRunError("WRONGTYPE Operation against a key holding the wrong kind of value"), false);
  });

  it("with allowWrites permits exactly single-key DEL/UNLINK/EXPIRE/PEXPIRE/PERSIST", () => {
    const writes = { allowWrites: true };
    assert.equal(checkCommand("del", ["k"], writes), undefined);
    assert.equal(checkCommand("unlink", ["k"], writes), undefined);
    assert.equal(checkCommand("pexpire", ["k", "1000"], writes), undefined);
    assert.equal(checkCommand("persist", ["k"], writes), undefined);
    assert.notEqual(checkCommand("del", ["a", "b"], writes), undefined);
    assert.notEqual(checkCommand("expire", ["k", "10", "NX", "x"], writes), undefined);
    assert.notEqual(checkCommand("set", ["k", "v"], writes), undefined);
    assert.notEqual(checkCommand("flushdb", [], writes), undefined);
  });
});

describe("connection config", () => {
  it("reads rediss:// URLs with user, password and db; the caller's password wins", () => {
    const resolved = resolveConnectionConfig({ name: "x", url: "rediss://reader:s%40cret@cache.example.com:6380/3" });
    assert.deepEqual(resolved.nodes, [{ host: "cache.example.com", port: 6380 }]);
    assert.equal(resolved.username, "reader");
    assert.equal(resolved.password, "s@cret");
    assert.equal(resolved.db, 3);
    assert.deepEqual(resolved.tls, {});
    const secret = resolveConnectionConfig(
      { name: "x", url: "redis://:urlpw@h:1", tls: { rejectUnauthorized: false, servername: "h" } },
      { password: "fromSecretStorage" },
    );
    assert.equal(secret.password, "fromSecretStorage");
    assert.deepEqual(secret.tls, { rejectUnauthorized: false, servername: "h" });
    assert.equal(
      resolveConnectionConfig({ name: "x", sentinelName: "m", nodes: [{ host: "s", port: 26379 }] }).mode,
      "sentinel",
    );
    assert.throws(() => resolveConnectionConfig({ name: "x", mode: "cluster", db: 2 }), /only has database 0/);
    assert.throws(
      () => resolveConnectionConfig({ name: "x", url: "http://h" }),
      /^KeyspaceConfigError: x: "http:\/\/h" has the scheme http: \(use redis:\/\/ or rediss:\/\/\)$/,
    );
  });

  it("takes the database from the URL path, ?db= or the db field, and rejects contradictions", () => {
    assert.equal(resolveConnectionConfig({ name: "", url: "redis://h/7" }).db, 7);
    assert.equal(resolveConnectionConfig({ name: "", url: "redis://h?db=3" }).db, 3);
    assert.equal(resolveConnectionConfig({ name: "", url: "redis://h/3?db=3" }).db, 3);
    assert.equal(resolveConnectionConfig({ name: "", url: "redis://h/3", db: 3 }).db, 3);
    assert.equal(resolveConnectionConfig({ name: "", url: "redis://h", db: 4 }).db, 4);
    assert.equal(resolveConnectionConfig({ name: "", url: "redis://h" }).db, 0);
    const fails = (config: Parameters<typeof resolveConnectionConfig>[0], setting: string, message: string) =>
      assert.throws(
        () => resolveConnectionConfig(config),
        (error: unknown) =>
          error instanceof KeyspaceConfigError && error.setting === setting && error.message === message,
      );
    fails({ name: "", url: "redis://h/2?db=3" }, "url", '"redis://h/2?db=3" names two databases: /2 and ?db=3');
    fails({ name: "c", url: "redis://h/2", db: 4 }, "db", "c: database 4 conflicts with database 2 in the URL (/2)");
    fails({ name: "", url: "redis://h?db=1", db: 0 }, "db", "database 0 conflicts with database 1 in the URL (?db=1)");
    fails(
      { name: "", url: "redis://h/abc" },
      "url",
      'the database in the path of "redis://h/abc" must be an index (0, 1, …), got "abc"',
    );
    fails(
      { name: "", url: "redis://h?db=-1" },
      "url",
      'the database parameter of "redis://h?db=-1" must be an index (0, 1, …), got "-1"',
    );
    fails({ name: "", url: "redis://h", db: Number.NaN }, "db", "the database must be an index (0, 1, …), got NaN");
    fails(
      { name: "", url: "redis://h?tls=1" },
      "url",
      'the URL parameter "tls" of "redis://h?tls=1" is not supported (only db)',
    );
    fails({ name: "", url: "redis://a@h", username: "b" }, "username", 'user "b" conflicts with user "a" in the URL');
  });

  it("names the URL in its errors without ever showing the password", () => {
    assert.equal(redactRedisUrl("redis://u:s3cret@h:1/2"), "redis://u:***@h:1/2");
    assert.equal(redactRedisUrl("redis://:s3cret@h"), "redis://:***@h");
    assert.equal(redactRedisUrl("redis://u:p@ss w@h"), "redis://u:***@h");
    assert.equal(redactRedisUrl("redis://h:1/2"), "redis://h:1/2");
    for (const url of [
      "redis://u:s3cret@h:99999",
      "redis://u:s3cr%t@h",
      "redis://u:s3cret@h/x",
      "redis://u:s3cret@h?db=a",
    ])
      assert.throws(
        () => parseRedisUrl(url),
        (error: unknown) =>
          error instanceof KeyspaceConfigError && !error.message.includes("s3cr") && error.message.includes("***"),
        url,
      );
    assert.throws(
      () => parseRedisUrl("not a url"),
      /^KeyspaceConfigError: "not a url" is not a URL \(expected redis:\/\/\[user\[:password\]@\]host\[:port\]\[\/db\]\)$/,
    );
    assert.throws(
      () => parseRedisUrl("redis://us%er@h"),
      /the user name in "redis:\/\/us%er@h" is not valid percent-encoding/,
    );
  });
});

describe("INFO parsing", () => {
  it("reads fields and keyspace lines", () => {
    const fields = parseInfo(
      "# Memory\r\nused_memory:1024\r\nmaxmemory_policy:allkeys-lfu\r\n\r\n# Keyspace\r\ndb0:keys=10,expires=4,avg_ttl=5000\r\n",
    );
    assert.equal(fields.get("used_memory"), "1024");
    assert.equal(fields.get("maxmemory_policy"), "allkeys-lfu");
    assert.deepEqual(parseKeyspaceLine(fields.get("db0")), { keys: 10, expires: 4, avgTtlMs: 5000 });
    assert.equal(parseKeyspaceLine(undefined), undefined);
  });
});
