// Instrumented Redis Cluster clients against a real 3-master cluster started here: single commands, pipelines and
// transactions of ioredis' `Cluster` and node-redis' `createCluster` are counted per family with their own results,
// as on a single server. Cluster batches must keep their keys in one slot (hash tags), as the libraries require.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Cluster } from "ioredis";
import { createCluster } from "redis";
import { instrument, type RuntimeFamily } from "../../runtime/src/index";
import { startRedisCluster, type RedisClusterProcess } from "../keyspace/redis-harness";
import { createTestMeter, operationSample as op, operationSamples } from "./meter";

const FAMILIES: RuntimeFamily[] = [
  { label: "cl:user:{id}", pattern: "cl:user:{id}", kind: "redis" },
  { label: "cl:session:{token}", pattern: "cl:session:{token}", kind: "redis" },
];
const USER = "cl:user:{id}";
const SESSION = "cl:session:{token}";

let cluster: RedisClusterProcess;
before(async () => {
  cluster = await startRedisCluster("runtime-cluster");
});
after(async () => {
  await cluster?.stop();
});

test("ioredis Cluster: commands on every master, pipeline() and multi() within a slot, each counted with its result", async () => {
  const meter = createTestMeter();
  const nodes = cluster.ports.map((port) => ({ host: "127.0.0.1", port }));
  const client = instrument(new Cluster(nodes), { families: FAMILIES, meterProvider: meter.provider });
  try {
    // Keys spread over the slots (so over the three masters): 12 writes, then 12 hits and 12 misses.
    for (let i = 0; i < 12; i++) await client.set(`cl:user:${i}`, `v${i}`);
    for (let i = 0; i < 24; i++) await client.get(`cl:user:${i}`);
    // One slot per batch: the hash tag {t} keeps the keys together.
    const piped = await client
      .pipeline()
      .set("cl:user:{t}1", "one")
      .get("cl:user:{t}1") // hit
      .get("cl:user:{t}2") // miss
      .hgetall("cl:user:{t}1") // WRONGTYPE: an error for this command only
      .exec();
    assert.deepEqual(
      piped!.map(([error, value]) => (error ? `error ${error.message.split(" ")[0]}` : value)),
      ["OK", "one", null, "error WRONGTYPE"],
    );
    assert.deepEqual(await client.multi().get("cl:session:{t}a").set("cl:session:{t}a", "s").exec(), [
      [null, null],
      [null, "OK"],
    ]);
    assert.deepEqual(operationSamples(await meter.samples()), {
      [op(SESSION, "get", "miss")]: 1,
      [op(SESSION, "set", "ok")]: 1,
      [op(USER, "get", "error")]: 1,
      [op(USER, "get", "hit")]: 13,
      [op(USER, "get", "miss")]: 13,
      [op(USER, "set", "ok")]: 13,
    });
  } finally {
    client.disconnect();
  }
});

test("node-redis createCluster: commands on every master and multi() within a slot, each counted with its result", async () => {
  const meter = createTestMeter();
  const client = instrument(
    createCluster({ rootNodes: cluster.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })) }),
    { families: FAMILIES, meterProvider: meter.provider },
  );
  await client.connect();
  try {
    for (let i = 0; i < 12; i++) await client.set(`cl:user:n${i}`, `v${i}`);
    for (let i = 0; i < 24; i++) await client.get(`cl:user:n${i}`);
    assert.deepEqual(await client.multi().set("cl:user:{n}1", "one").get("cl:user:{n}1").get("cl:user:{n}2").exec(), [
      "OK",
      "one",
      null,
    ]);
    assert.deepEqual(operationSamples(await meter.samples()), {
      [op(USER, "get", "hit")]: 13,
      [op(USER, "get", "miss")]: 13,
      [op(USER, "set", "ok")]: 13,
    });
  } finally {
    await client.quit();
  }
});
