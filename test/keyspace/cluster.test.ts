// Redis Cluster (3 masters, every one scanned in parallel) and Sentinel (master discovery).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Cluster, Redis } from "ioredis";
import { ReadOnlyError } from "../../analyzer/src/keyspace/command-policy";
import { openKeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import type { KeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import { estimateKeyspace } from "../../analyzer/src/keyspace/estimate-keyspace";
import { inspectKey, scanNamespace } from "../../analyzer/src/keyspace/key-inspector";
import { profileKeyspace } from "../../analyzer/src/keyspace/profile-keyspace";
import { readServerStats } from "../../analyzer/src/keyspace/server-stats";
import { startRedisCluster, startRedisSentinel, startRedisServer } from "./redis-harness";
import type { RedisClusterProcess, RedisProcess, SentinelProcess } from "./redis-harness";

let cluster: RedisClusterProcess | undefined;
let sentinelMaster: RedisProcess | undefined;
let sentinel: SentinelProcess | undefined;
const open: KeyspaceConnection[] = [];

before(async () => {
  [cluster, sentinelMaster] = await Promise.all([
    startRedisCluster("keyspace-cluster"),
    startRedisServer("keyspace-sentinel-master"),
  ]);
  sentinel = await startRedisSentinel("keyspace-sentinel", sentinelMaster.port);
});

after(async () => {
  for (const connection of open) await connection.close();
  await Promise.all([cluster?.stop(), sentinel?.stop(), sentinelMaster?.stop()]);
});

describe("Redis Cluster", () => {
  it("scans every master in parallel and sums exactly", async () => {
    const seeder = new Cluster(cluster!.ports.map((port) => ({ host: "127.0.0.1", port })));
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 3000; i++)
      writes.push(i % 3 === 0 ? seeder.set(`cl:user:${i}`, "x", "EX", 600) : seeder.hset(`cl:item:${i}`, "f", "v"));
    await Promise.all(writes);
    const perNode = await Promise.all(
      seeder
        .nodes("master")
        .map(async (node) => [`${node.options.host}:${node.options.port}`, await node.dbsize()] as const),
    );
    seeder.disconnect();

    const connection = await openKeyspaceConnection({
      name: "cluster",
      mode: "cluster",
      nodes: [{ host: "127.0.0.1", port: cluster!.ports[0] }],
    });
    open.push(connection);
    // Keyspace hits + misses over the masters (INFO itself looks no key up): what our own lookups must add up to.
    const readServerLookups = async () => {
      const stats = await readServerStats(connection);
      return stats.keyspaceHits! + stats.keyspaceMisses!;
    };
    const serverLookupsBefore = await readServerLookups();
    const ownLookupsBefore = connection.keyLookups;
    const nodesSeen = new Set<string>();
    const profile = await profileKeyspace(connection, {
      classify: (k) => k.split(":")[1],
      onProgress: (p) => nodesSeen.add(p.node),
    });
    assert.equal(profile.total.keys, 3000);
    assert.equal(profile.keysAtStart, 3000);
    assert.equal(profile.nodes.length, 3);
    assert.equal(nodesSeen.size, 3);
    // One raw inspection socket per master; the ioredis script path still works across slots.
    const viaScript = await profileKeyspace(connection, { rawSocket: false });
    assert.equal(viaScript.total.keys, 3000);
    for (const [node, keys] of perNode) {
      const stats = profile.nodes.find((n) => n.node === node);
      assert.ok(stats, node);
      assert.equal(stats.scannedKeys, keys, node);
      assert.equal(stats.path, "raw");
      const scripted = viaScript.nodes.find((n) => n.node === node)!;
      assert.equal(scripted.scannedKeys, keys, node);
      assert.equal(scripted.path, "script", "the script runs across slots of one node");
    }
    assert.equal(profile.families.find((f) => f.family === "user")!.stats.keys, 1000);
    assert.equal(profile.families.find((f) => f.family === "item")!.stats.keysWithoutTtl, 2000);
    assert.deepEqual(profile.permissions, { memory: "granted", idle: "granted", info: "granted", script: "unknown" });
    assert.deepEqual(viaScript.permissions, { memory: "granted", idle: "granted", info: "granted", script: "granted" });

    const estimate = await estimateKeyspace(connection, { sampleSize: 1500, classify: (k) => k.split(":")[1] });
    assert.equal(estimate.totalKeys, 3000);
    assert.ok(Math.abs(estimate.families.find((f) => f.family === "user")!.estimate.share - 1 / 3) < 0.06);

    const stats = await readServerStats(connection);
    assert.equal(stats.keys, 3000);
    assert.equal(stats.nodes.length, 3);

    const details = await inspectKey(connection, "cl:user:3");
    assert.equal(details.type, "string");
    const keys = new Set<string>();
    let cursor = "0";
    do {
      const page = await scanNamespace(connection, "cl:user:", cursor, 200);
      for (const key of page.keys) keys.add(key.displayKey);
      cursor = page.cursor;
    } while (cursor !== "0");
    assert.equal(keys.size, 1000);
    // Counted once per command on the node that ran it, not again by the Cluster client that routed it.
    assert.ok(connection.keyLookups - ownLookupsBefore > 6000);
    assert.equal(connection.keyLookups - ownLookupsBefore, (await readServerLookups()) - serverLookupsBefore);

    await assert.rejects(connection.client.set("cl:user:3", "y"), ReadOnlyError);
    await assert.rejects(connection.listScanTargets()[0].client.flushdb(), ReadOnlyError);
    await assert.rejects(connection.deleteKey("cl:user:3"), ReadOnlyError);
  });
});

describe("Sentinel", () => {
  it("discovers the master through Sentinel and profiles it", async () => {
    const seeder = new Redis({ port: sentinelMaster!.port });
    for (let i = 0; i < 120; i++) await seeder.set(`sn:${i}`, "x");
    seeder.disconnect();
    const connection = await openKeyspaceConnection({
      name: "sentinel",
      mode: "sentinel",
      sentinelName: sentinel!.masterName,
      nodes: [{ host: "127.0.0.1", port: sentinel!.port }],
    });
    open.push(connection);
    assert.equal(connection.listScanTargets()[0].node, `127.0.0.1:${sentinelMaster!.port}`);
    const profile = await profileKeyspace(connection);
    assert.equal(profile.total.keys, 120);
    assert.equal(profile.nodes[0].path, "raw", "the raw socket goes to the master Sentinel named");
    assert.equal(profile.nodes[0].node, `127.0.0.1:${sentinelMaster!.port}`);
    await assert.rejects(
      openKeyspaceConnection({
        name: "bad",
        mode: "sentinel",
        sentinelName: "nope",
        nodes: [{ host: "127.0.0.1", port: sentinel!.port }],
        connectTimeoutMs: 500,
      }),
      /bad: Sentinel 127\.0\.0\.1:\d+ \(master nope\) is unreachable/,
    );
  });
});
