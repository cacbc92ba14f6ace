// TLS (rediss:// and the tls option) against a real TLS-only redis-server with a throw-away CA.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Cluster, Redis } from "ioredis";
import { KeyspaceConnectionError, openKeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import type { KeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import { profileKeyspace } from "../../analyzer/src/keyspace/profile-keyspace";
import { createTlsFiles, startRedisCluster, startRedisTlsServer } from "./redis-harness";
import type { RedisProcess, TlsFiles } from "./redis-harness";

let files: TlsFiles;
let server: RedisProcess | undefined;
const open: KeyspaceConnection[] = [];

before(async () => {
  files = createTlsFiles("keyspace-tls-ca");
  server = await startRedisTlsServer("keyspace-tls", files);
});

after(async () => {
  for (const connection of open) await connection.close();
  await server?.stop();
  if (files) fs.rmSync(path.dirname(files.ca), { recursive: true, force: true });
});

describe("TLS", () => {
  it("connects with rediss:// and a CA, and profiles", async () => {
    const ca = fs.readFileSync(files.ca, "utf8");
    const connection = await openKeyspaceConnection({
      name: "tls",
      url: `rediss://127.0.0.1:${server!.port}/2`,
      tls: { ca, servername: "localhost" },
    });
    open.push(connection);
    const profile = await profileKeyspace(connection);
    assert.equal(profile.total.keys, 0);
    assert.equal(connection.db, 2);
    const insecure = await openKeyspaceConnection({
      name: "tls-insecure",
      url: `rediss://127.0.0.1:${server!.port}`,
      tls: { rejectUnauthorized: false },
    });
    open.push(insecure);
    assert.equal(await insecure.client.ping(), "PONG");
  });

  it("inspects over a raw TLS socket with the same CA, SNI and database", async () => {
    const ca = fs.readFileSync(files.ca, "utf8");
    const seeder = new Redis({ host: "127.0.0.1", port: server!.port, db: 3, tls: { ca, servername: "localhost" } });
    for (let i = 0; i < 250; i++) await seeder.set(`tls:${i}`, "x".repeat(i), "EX", 600 + i);
    await seeder.set("tls:persistent", "y");
    seeder.disconnect();
    const connection = await openKeyspaceConnection({
      name: "tls-raw",
      url: `rediss://127.0.0.1:${server!.port}/3`,
      tls: { ca, servername: "localhost" },
    });
    open.push(connection);
    const raw = await profileKeyspace(connection, { chunkSize: 7 });
    assert.equal(raw.nodes[0].path, "raw");
    assert.equal(raw.total.keys, 251);
    assert.equal(raw.total.keysWithoutTtl, 1);
    assert.equal(raw.total.memory?.keysMeasured, 251);
    const viaScript = await profileKeyspace(connection, { rawSocket: false });
    assert.equal(viaScript.total.memory?.totalBytes, raw.total.memory?.totalBytes);
  });

  it("refuses an unverifiable certificate with a clear error", async () => {
    await assert.rejects(
      openKeyspaceConnection({
        name: "tls-untrusted",
        url: `rediss://127.0.0.1:${server!.port}`,
        connectTimeoutMs: 1000,
      }),
      (error: unknown) => {
        assert.ok(error instanceof KeyspaceConnectionError);
        assert.match(
          error.message,
          /^tls-untrusted: Redis at 127\.0\.0\.1:\d+ failed the TLS handshake \(.*certificate.*\)$/,
        );
        return true;
      },
    );
  });
});

describe("TLS Redis Cluster", () => {
  it("profiles every master over raw TLS sockets when the certificate names the host and the nodes announce IPs", async () => {
    const hostOnly = createTlsFiles("keyspace-tls-cluster-ca", { ipInCertificate: false });
    const cluster = await startRedisCluster("keyspace-tls-cluster", hostOnly);
    try {
      const ca = fs.readFileSync(hostOnly.ca, "utf8");
      const seeder = new Cluster(
        cluster.ports.map((port) => ({ host: "127.0.0.1", port })),
        { redisOptions: { tls: { ca, servername: "localhost" } }, dnsLookup: (host, callback) => callback(null, host) },
      );
      await Promise.all(Array.from({ length: 600 }, (_, i) => seeder.set(`tc:${i}`, "x", "EX", 600)));
      seeder.disconnect();
      // The nodes announce 127.0.0.1, which the certificate does not name: ioredis and the raw
      // inspection sockets both verify the certificate against the servername given.
      const connection = await openKeyspaceConnection({
        name: "tls-cluster",
        mode: "cluster",
        nodes: [{ host: "127.0.0.1", port: cluster.ports[0] }],
        tls: { ca, servername: "localhost" },
      });
      open.push(connection);
      const profile = await profileKeyspace(connection);
      assert.equal(profile.total.keys, 600);
      assert.deepEqual(
        profile.nodes.map((n) => n.path),
        ["raw", "raw", "raw"],
      );
      assert.deepEqual(profile.notices, []);
      assert.equal(profile.total.memory?.keysMeasured, 600);
      // Without the servername nothing can verify the nodes: a clear TLS error, not a hang.
      await assert.rejects(
        openKeyspaceConnection({
          name: "tls-cluster-no-sni",
          mode: "cluster",
          nodes: [{ host: "127.0.0.1", port: cluster.ports[0] }],
          tls: { ca },
          connectTimeoutMs: 1500,
        }),
        (error: unknown) => {
          assert.ok(error instanceof KeyspaceConnectionError, String(error));
          assert.match(error.message, /TLS|certificate|altnames|IP: 127\.0\.0\.1/i);
          return true;
        },
      );
    } finally {
      await cluster.stop();
      fs.rmSync(path.dirname(hostOnly.ca), { recursive: true, force: true });
    }
  });
});
