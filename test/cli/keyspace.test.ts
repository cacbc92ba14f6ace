// `cachewise keyspace` against a real redis-server: figures grouped by the demo's families, exact
// on a full profile, the same shares from an exhaustive sample, JSON shape, and clear errors.
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { runKeyspaceCli } from "../../analyzer/src/cli/keyspace";
import { formatBytes } from "../../analyzer/src/keyspace/figure-format";
import { findFreePort } from "../free-port";
import { startRedisSentinel, startRedisServer, type RedisProcess } from "../keyspace/redis-harness";
import { REPO_ROOT, runKeyspaceCaptured } from "../helpers";

const DEMO = path.join(REPO_ROOT, "examples", "cache-demo");

describe("cachewise keyspace", () => {
  let server: RedisProcess;
  let url: string;

  before(async () => {
    server = await startRedisServer("cli-keyspace");
    url = `redis://127.0.0.1:${server.port}`;
    const redis = new Redis(server.port, "127.0.0.1");
    const pipeline = redis.pipeline();
    for (let i = 0; i < 30; i++)
      pipeline.set(`demo:user:${i}`, JSON.stringify({ id: i, name: `user ${i}` }), "EX", 3600);
    for (let i = 30; i < 40; i++) pipeline.set(`demo:user:${i}`, JSON.stringify({ id: i }));
    for (let i = 0; i < 20; i++)
      pipeline.hset(`demo:session:tok${i}`, { user: String(i), at: "2026-11-26" }).expire(`demo:session:tok${i}`, 1800);
    for (let i = 0; i < 5; i++) pipeline.set(`legacy:report:${i}`, "x".repeat(100));
    pipeline.set(Buffer.from([0x6c, 0x65, 0x67, 0x61, 0x63, 0x79, 0x3a, 0xff]), "binary key");
    await pipeline.exec();
    await redis.quit();
  });
  after(() => server?.stop());

  it("a full profile groups keys by the project's families, exactly, with memory", async () => {
    const result = await runKeyspaceCaptured(["--redis", url, "--full", "--format", "json", DEMO]);
    assert.equal(result.code, 0, result.stderr);
    const profile = JSON.parse(result.stdout);
    const byFamily = Object.fromEntries(
      profile.families.map(
        (f: {
          family: string | null;
          stats: { keys: number; keysWithoutTtl: number; memory: { totalBytes: number } | null };
        }) => [f.family ?? "none", f.stats],
      ),
    );
    assert.equal(byFamily["demo:user:{id}"].keys, 40);
    assert.equal(byFamily["demo:user:{id}"].keysWithoutTtl, 10);
    assert.equal(byFamily["demo:session:{token}"].keys, 20);
    assert.equal(byFamily["demo:session:{token}"].keysWithoutTtl, 0);
    assert.equal(byFamily.none.keys, 6);
    assert.ok(byFamily["demo:user:{id}"].memory.totalBytes > 40 * 20);
    assert.equal(profile.total.keys, 66);
    assert.equal(profile.complete, true);
  });

  it("the sampled estimate of a small keyspace is exhaustive and gives the same shares", async () => {
    const result = await runKeyspaceCaptured(["--redis", url, "--sample", "1000", "--format", "json", DEMO]);
    assert.equal(result.code, 0, result.stderr);
    const estimate = JSON.parse(result.stdout);
    assert.equal(estimate.exhaustive, true);
    const users = estimate.families.find((f: { family: string | null }) => f.family === "demo:user:{id}");
    assert.equal(users.estimate.sampledKeys, 40);
    assert.equal(Math.round(users.estimate.noTtlShare * 100), 25);
  });

  it("prints a readable table, binary keys escaped, without a project: namespaces only", async () => {
    const grouped = await runKeyspaceCaptured(["--redis", url, "--full", DEMO]);
    assert.equal(grouped.code, 0, grouped.stderr);
    assert.match(grouped.stdout, /demo:user:\{id\}\s+40\s+10\s/);
    // Sizes and TTLs read as in the editor's CodeLens and hovers (one formatter for both).
    const json = await runKeyspaceCaptured(["--redis", url, "--full", "--format", "json", DEMO]);
    const users = (
      JSON.parse(json.stdout) as {
        families: Array<{ family: string | null; stats: { memory: { totalBytes: number } } }>;
      }
    ).families.find((f) => f.family === "demo:user:{id}")!;
    const userRow = grouped.stdout.split("\n").find((line) => line.startsWith("demo:user:{id}"))!;
    assert.ok(
      userRow.includes(` ${formatBytes(users.stats.memory.totalBytes)} `),
      `${userRow} vs ${users.stats.memory.totalBytes} bytes`,
    );
    assert.match(userRow, / \d+(\.\d)?m /, "TTL p50 in the editor's short form");
    assert.match(grouped.stdout, /\(no family in code\)\s+6\s/);
    const plain = await runKeyspaceCaptured(["--redis", url, "--full"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(!plain.stdout.includes("Family"));
    assert.match(plain.stdout, /legacy\s+6\s+6\s/);
  });

  it("an unreachable Redis is a clear error with exit code 2, in bounded time", async () => {
    const port = await findFreePort();
    const started = Date.now();
    const result = await runKeyspaceCaptured(["--redis", `redis://127.0.0.1:${port}`, "--timeout", "1000"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(Date.now() - started < 10_000);
  });

  it("rejects bad usage", async () => {
    assert.equal((await runKeyspaceCaptured([])).code, 2);
    assert.equal((await runKeyspaceCaptured(["--redis", url, "--speed", "warp"])).code, 2);
    assert.equal((await runKeyspaceCaptured(["--help"])).code, 0);
  });
});

describe("cachewise keyspace: the database, ACL users and what each message names", () => {
  let server: RedisProcess;
  let url: string;
  let admin: Redis;
  let address: string;

  /** `run` with the password of the ACL users below in the environment. */
  async function runAs(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await runKeyspaceCli(argv, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      cwd: REPO_ROOT,
      env: { REDISCLI_AUTH: "pw" },
    });
    return { code, stdout, stderr };
  }

  before(async () => {
    server = await startRedisServer("cli-keyspace-acl");
    address = `127.0.0.1:${server.port}`;
    url = `redis://${address}`;
    admin = new Redis(server.port, "127.0.0.1");
    // Database 0: 300 session keys and 500 user keys. Database 3: 7 keys of its own.
    const pipeline = admin.pipeline();
    for (let i = 0; i < 300; i++) pipeline.set(`sess:${i}`, "s", "EX", 3600);
    for (let i = 0; i < 500; i++) pipeline.set(`user:${i}`, "u");
    await pipeline.exec();
    const db3 = new Redis({ port: server.port, db: 3 });
    for (let i = 0; i < 7; i++) await db3.hset(`three:${i}`, "f", "v");
    db3.disconnect();
    const user = (name: string, ...rules: string[]) =>
      admin.call("ACL", "SETUSER", name, "reset", "on", ">pw", ...rules);
    await user("sessonly", "~sess:*", "+@all");
    await user("reader", "~*", "+@read");
    await user("nocount", "~*", "+@all", "-dbsize", "-info");
  });
  after(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it("refuses a database the server does not have, from the URL path or --db, naming the address and index", async () => {
    const fromPath = await runKeyspaceCaptured(["--redis", `${url}/99`]);
    assert.deepEqual(
      [fromPath.code, fromPath.stdout, fromPath.stderr],
      [2, "", `cachewise: Redis at ${address} has no database 99 (ERR DB index is out of range)\n`],
    );
    const fromFlag = await runKeyspaceCaptured(["--redis", url, "--db", "16", "--full"]);
    assert.deepEqual(
      [fromFlag.code, fromFlag.stdout, fromFlag.stderr],
      [2, "", `cachewise: Redis at ${address} has no database 16 (ERR DB index is out of range)\n`],
    );
    const contradiction = await runKeyspaceCaptured(["--redis", `${url}/2`, "--db", "3"]);
    assert.deepEqual(
      [contradiction.code, contradiction.stderr],
      [2, "cachewise: --db 3 contradicts database 2 in --redis (/2)\n"],
    );
    const twice = await runKeyspaceCaptured(["--redis", `${url}/2?db=3`]);
    assert.deepEqual(
      [twice.code, twice.stderr],
      [2, `cachewise: --redis: "${url}/2?db=3" names two databases: /2 and ?db=3\n`],
    );
  });

  it("profiles the database that ?db=, the path or --db names, on every connection it opens", async () => {
    for (const argv of [
      ["--redis", `${url}?db=3`],
      ["--redis", `${url}/3`],
      ["--redis", url, "--db", "3"],
    ]) {
      // The full profile inspects over its own raw socket: had that socket stayed in database 0,
      // the keys SCAN found in database 3 would have vanished there.
      const full = await runKeyspaceCaptured([...argv, "--full", "--format", "json"]);
      assert.equal(full.code, 0, full.stderr);
      const profile = JSON.parse(full.stdout);
      assert.deepEqual(
        [profile.connection, profile.total.keys, profile.vanished, profile.total.types, profile.nodes[0].path],
        [`${address} db 3`, 7, 0, { hash: 7 }, "raw"],
      );
      const sample = await runKeyspaceCaptured([...argv, "--format", "json"]);
      assert.equal(sample.code, 0, sample.stderr);
      const estimate = JSON.parse(sample.stdout);
      assert.deepEqual([estimate.totalKeys, estimate.exhaustive, estimate.total.types], [7, true, { hash: 7 }]);
      // A sample too small to be exhaustive scans random cursors and inspects through ioredis.
      const sampled = JSON.parse((await runKeyspaceCaptured([...argv, "--sample", "3", "--format", "json"])).stdout);
      assert.deepEqual([sampled.keyspaceKeys, sampled.exhaustive, sampled.inspectedKeys], [7, false, 3]);
      assert.deepEqual(sampled.total.types, { hash: 3 });
    }
    const pretty = await runKeyspaceCaptured(["--redis", `${url}/3`, "--full"]);
    assert.match(pretty.stdout, new RegExp(`^Full profile of 127\\.0\\.0\\.1:${server.port} db 3: 7 keys in `));
    const estimate = await runKeyspaceCaptured(["--redis", `${url}/3`]);
    assert.match(
      estimate.stdout,
      new RegExp(`^Sampled estimate of 127\\.0\\.0\\.1:${server.port} db 3: all 7 keys inspected in `),
    );
  });

  it("counts the keys an ACL user may not read as not permitted, and its figures cover only the others", async () => {
    const as = `redis://sessonly@${address}`;
    const full = await runAs(["--redis", as, "--full", "--format", "json"]);
    assert.equal(full.code, 0, full.stderr);
    const profile = JSON.parse(full.stdout);
    assert.deepEqual(
      [profile.total.keys, profile.notPermitted, profile.vanished, profile.keysAtStart],
      [300, 500, 0, 800],
    );
    assert.deepEqual(
      profile.namespaces.children.map((n: { path: string }) => n.path),
      ["sess"],
    );
    assert.deepEqual(profile.notices, []);
    const fullText = await runAs(["--redis", as, "--full"]);
    assert.match(
      fullText.stdout.split("\n")[0],
      new RegExp(
        `^Full profile of 127\\.0\\.0\\.1:${server.port} db 0: 300 keys in [\\d.]+ s, 0 vanished during the scan, 500 not permitted for this user \\(every figure covers only the 300 permitted keys\\), 1 node$`,
      ),
    );
    const whole = await runAs(["--redis", as, "--format", "json"]);
    const estimate = JSON.parse(whole.stdout);
    assert.deepEqual(
      [estimate.exhaustive, estimate.totalKeys, estimate.keysNotPermitted, estimate.keyspaceKeys, estimate.vanished],
      [true, 300, 500, 800, 0],
    );
    const wholeText = await runAs(["--redis", as]);
    assert.match(
      wholeText.stdout.split("\n")[0],
      /: all 800 keys scanned in [\d.]+ s: 300 permitted for this user and inspected, 500 not permitted \(exact shares of the permitted keys only\);/,
    );
    // A sample: the refused share of the inspected keys scales the total; no name of a refused key counts.
    const sampled = await runAs(["--redis", as, "--sample", "200", "--format", "json"]);
    const part = JSON.parse(sampled.stdout);
    assert.equal(part.exhaustive, false);
    assert.equal(part.inspectedKeys + part.inspectedNotPermitted, 200);
    assert.ok(part.inspectedNotPermitted > 80, String(part.inspectedNotPermitted));
    assert.equal(part.totalKeys + part.keysNotPermitted, 800);
    assert.equal(part.sampledKeys, part.inspectedKeys, "names beyond the inspected keys are left out");
    assert.deepEqual(
      part.namespaces.children.map((n: { path: string }) => n.path),
      ["sess"],
    );
    assert.ok(
      part.notices.some((n: string) => n.includes(`may not read every key on ${address} db 0`)),
      part.notices.join("\n"),
    );
  });

  it("profiles as a plain +@read user, with one note per missing permission naming the server", async () => {
    const result = await runAs(["--redis", `redis://reader@${address}`, "--full", "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const profile = JSON.parse(result.stdout);
    assert.equal(profile.total.keys, 800);
    assert.deepEqual(profile.notices, [
      `PING is not permitted for this user on ${address} db 0: the connection was checked by its refusal instead.`,
      `INFO is not permitted for this user on ${address} db 0: memory, TTL averages and hit counters are unavailable; key counts come from DBSIZE.`,
    ]);
    const sample = await runAs(["--redis", `redis://reader@${address}`, "--sample", "100", "--format", "json"]);
    assert.equal(sample.code, 0, sample.stderr);
    assert.equal(JSON.parse(sample.stdout).keyspaceKeys, 800);
  });

  it("counts the keys with SCAN for a user without DBSIZE and INFO, and says so once", async () => {
    for (const sampleSize of ["100", "10000"]) {
      const result = await runAs(["--redis", `redis://nocount@${address}`, "--sample", sampleSize, "--format", "json"]);
      assert.equal(result.code, 0, result.stderr);
      const estimate = JSON.parse(result.stdout);
      assert.deepEqual(
        [estimate.keyspaceKeys, estimate.totalKeys, estimate.exhaustive],
        [800, 800, sampleSize === "10000"],
      );
      assert.deepEqual(estimate.notices, [
        `INFO is not permitted for this user on ${address} db 0: memory, TTL averages and hit counters are unavailable.`,
        `DBSIZE is not permitted for this user on ${address} db 0 (nor INFO): the number of keys is known only from scanning them.`,
      ]);
    }
  });

  it("says that a Sentinel's port is a Sentinel and which masters it monitors", async () => {
    const sentinel = await startRedisSentinel("cli-keyspace-sentinel", server.port, "cachewise-master");
    try {
      for (const mode of [[], ["--full"]]) {
        const result = await runKeyspaceCaptured(["--redis", `redis://127.0.0.1:${sentinel.port}`, ...mode]);
        assert.equal(result.code, 2);
        assert.equal(
          result.stderr,
          `cachewise: 127.0.0.1:${sentinel.port} is a Redis Sentinel, not a data node (it does not know TYPE): use --sentinel <master> (it monitors cachewise-master)\n`,
        );
      }
      const through = await runKeyspaceCaptured([
        "--redis",
        `redis://127.0.0.1:${sentinel.port}/3`,
        "--sentinel",
        "cachewise-master",
        "--format",
        "json",
      ]);
      assert.equal(through.code, 0, through.stderr);
      const estimate = JSON.parse(through.stdout);
      assert.deepEqual(
        [estimate.connection, estimate.totalKeys],
        [`127.0.0.1:${server.port} db 3 (master cachewise-master via Sentinel 127.0.0.1:${sentinel.port})`, 7],
      );
      const missing = await runKeyspaceCaptured([
        "--redis",
        `redis://127.0.0.1:${sentinel.port}/99`,
        "--sentinel",
        "cachewise-master",
      ]);
      assert.deepEqual(
        [missing.code, missing.stderr],
        [
          2,
          `cachewise: Redis at 127.0.0.1:${server.port} (master cachewise-master via Sentinel 127.0.0.1:${sentinel.port}) has no database 99 (ERR DB index is out of range)\n`,
        ],
      );
    } finally {
      await sentinel.stop();
    }
  });

  it("names the argument and its value when one cannot be used, never the password", async () => {
    const cases: Array<[string[], string]> = [
      [
        ["--redis", "localhost"],
        `--redis: "localhost" is not a URL (expected redis://[user[:password]@]host[:port][/db])`,
      ],
      [
        ["--redis", `${url}/abc`],
        `--redis: the database in the path of "${url}/abc" must be an index (0, 1, …), got "abc"`,
      ],
      [
        ["--redis", `redis://us%er@${address}`],
        `--redis: the user name in "redis://us%er@${address}" is not valid percent-encoding (write % as %25)`,
      ],
      [
        ["--redis", `redis://u:s3cr%et@${address}`],
        `--redis: the password in "redis://u:***@${address}" is not valid percent-encoding (write % as %25)`,
      ],
      [["--redis", url, "--db", "x"], `--db expects an integer ≥ 0, got "x"`],
      [["--redis", url, "--sample", "NaN"], `--sample expects an integer ≥ 1, got "NaN"`],
      [
        ["--redis", url, "--sample", "5", "--full"],
        "--sample and --full contradict each other (--full inspects every key; --sample sizes the default sampled estimate)",
      ],
      [
        ["--redis", url, "--speed", "fast"],
        "--speed paces a full profile: add --full, or leave --speed out for a sampled estimate",
      ],
      [
        ["--redis", url, "--cluster", "--sentinel", "m"],
        "--cluster and --sentinel contradict each other (a Sentinel watches one master, not a cluster)",
      ],
      [["--redis", url, "--redis", `${url}/1`], `--redis is given twice ("${url}" and "${url}/1")`],
      [["--redis", `redis://a@${address}`, "--user", "b"], `--user "b" contradicts user "a" in --redis`],
    ];
    for (const [argv, message] of cases) {
      const result = await runKeyspaceCaptured(argv);
      assert.deepEqual([result.code, result.stdout, result.stderr], [2, "", `cachewise: ${message}\n`], argv.join(" "));
    }
  });
});
