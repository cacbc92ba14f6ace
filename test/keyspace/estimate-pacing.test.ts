// The sampled estimate runs in the extension's background on every refresh, so it must be paced like the gentle
// profile: at most one batch (one SCAN, or 72 keys × TYPE+PTTL = 144 commands) written to the server and not yet
// answered. A proxy between the estimate and a real redis-server counts the commands the server holds at once.
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { openKeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import type { KeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import { estimateKeyspace } from "../../analyzer/src/keyspace/estimate-keyspace";
import { startRedisServer } from "./redis-harness";
import type { RedisProcess } from "./redis-harness";

/**
 * Counts complete top-level RESP values in a stream (commands from a client are arrays of bulk strings; replies
 * are any RESP2/RESP3 value). Keeps the unparsed tail between chunks.
 */
function createRespCounter(): (chunk: Buffer) => number {
  let pending: Buffer = Buffer.alloc(0);
  // Returns the offset after the value at `at`, or -1 when it is not complete yet.
  const skip = (buffer: Buffer, at: number): number => {
    const end = buffer.indexOf("\r\n", at);
    if (end < 0) return -1;
    const kind = String.fromCharCode(buffer[at]!);
    const size = Number(buffer.toString("latin1", at + 1, end));
    if (kind === "$" || kind === "=" || kind === "!" || kind === "(") {
      if (kind === "(") return end + 2;
      if (size < 0) return end + 2;
      return buffer.length >= end + 2 + size + 2 ? end + 2 + size + 2 : -1;
    }
    if (kind === "*" || kind === "~" || kind === ">" || kind === "%" || kind === "|") {
      let next = end + 2;
      const items = kind === "%" || kind === "|" ? size * 2 : size;
      for (let i = 0; i < items && size > 0; i++) {
        next = skip(buffer, next);
        if (next < 0) return -1;
      }
      return next;
    }
    return end + 2;
  };
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let count = 0;
    let at = 0;
    while (at < pending.length) {
      const next = skip(pending, at);
      if (next < 0) break;
      count += 1;
      at = next;
    }
    pending = pending.subarray(at);
    return count;
  };
}

/** A TCP proxy to the server that records, per client connection, the most commands written and not yet answered. */
async function startCountingProxy(
  target: number,
): Promise<{ port: number; maxOutstanding: () => number; close(): void }> {
  let max = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    let outstanding = 0;
    const commands = createRespCounter();
    const replies = createRespCounter();
    client.on("data", (chunk) => {
      outstanding += commands(chunk);
      max = Math.max(max, outstanding);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      outstanding -= replies(chunk);
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    maxOutstanding: () => max,
    close: () => server.close(),
  };
}

describe("the sampled estimate's pacing", () => {
  let redis: RedisProcess;
  const connections: KeyspaceConnection[] = [];

  before(async () => {
    redis = await startRedisServer("estimate-pacing");
    const client = new Redis({ port: redis.port });
    const pipeline = client.pipeline();
    for (let i = 0; i < 6000; i++) pipeline.set(`pace:${"abcdefg"[i % 7]}:${i}`, "v", "EX", 3600);
    await pipeline.exec();
    await client.quit();
  });
  after(async () => {
    for (const connection of connections) await connection.close();
    await redis?.stop();
  });

  for (const rawSocket of [true, false]) {
    // (Without the raw socket the read-only script is preferred: one call of 72 keys, which Redis runs at once.
    // Switched off here to count the pipeline's commands.)
    it(`keeps at most one batch of 144 commands at the server (${rawSocket ? "raw socket" : "ioredis pipelines"})`, async () => {
      const proxy = await startCountingProxy(redis.port);
      try {
        const connection = await openKeyspaceConnection({
          name: "paced",
          nodes: [{ host: "127.0.0.1", port: proxy.port }],
        });
        connections.push(connection);
        const estimate = await estimateKeyspace(connection, { sampleSize: 2000, rawSocket, useScript: false });
        assert.equal(estimate.inspectedKeys, 2000);
        assert.equal(estimate.exhaustive, false);
        // 72 keys × (TYPE, PTTL); the unpaced estimate had 3 chunks of 100 keys at the server (600 commands).
        assert.ok(proxy.maxOutstanding() <= 144, `at most 144 commands at the server, saw ${proxy.maxOutstanding()}`);
        assert.ok(
          proxy.maxOutstanding() >= 100,
          `the chunks are not smaller than paced, saw ${proxy.maxOutstanding()}`,
        );
        // The shares are still those of the keyspace: 7 namespaces of 1/7 each.
        const [pace] = estimate.namespaces.children;
        assert.equal(pace?.segment, "pace");
        const shares = pace.children.map((node) => node.estimate.share);
        assert.equal(shares.length, 7);
        for (const share of shares) assert.ok(Math.abs(share - 1 / 7) < 0.05, `share ${share}`);
      } finally {
        proxy.close();
      }
    });
  }
});
