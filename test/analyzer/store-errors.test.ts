// The adapters' claims about what a cache call does when its store is down (require-cache-fallback reads them),
// checked against the installed libraries: each store points at a loopback port nothing listens on, so the
// failure is a real refused connection inside the real client, not a mock of the library.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Keyv from "keyv";
import KeyvMemcache from "@keyv/memcache";
import { createCache } from "cache-manager";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { readFileSync } from "node:fs";
import { findFreePort } from "../free-port";
import { readStoreErrors, type StoreErrors } from "../../analyzer/src/libraries/adapter";
import { keyv } from "../../analyzer/src/libraries/keyv";
import { cacheManager } from "../../analyzer/src/libraries/cache-manager";
import { ioredis } from "../../analyzer/src/libraries/ioredis";
import { nodeRedis } from "../../analyzer/src/libraries/node-redis";
import { keyvMemcache } from "../../analyzer/src/libraries/keyv-memcache";

/** What the installed library's major is, as extraction reads it (`installedMajor`). */
function installedMajor(packageName: string): number | undefined {
  const manifest = new URL(`../../node_modules/${packageName}/package.json`, import.meta.url);
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return Number(version.split(".")[0]);
}

function claimOf(errors: StoreErrors, operation: "read" | "write"): string {
  return readStoreErrors(errors, installedMajor)[operation];
}

/** `throws` when the promise rejects, `swallowed` when it resolves (with what it resolved to). */
async function observe(call: () => Promise<unknown>): Promise<{ outcome: "throws" | "swallowed"; value?: unknown }> {
  try {
    return { outcome: "swallowed", value: await call() };
  } catch {
    return { outcome: "throws" };
  }
}

/** A Memcached store (memjs inside) on a port nothing listens on, failing fast. */
function deadMemcache(port: number): KeyvMemcache {
  return new KeyvMemcache(`127.0.0.1:${port}`, { retries: 0, timeout: 0.2, conntimeout: 0.2, logger: { log() {} } });
}

describe("store errors: the adapters' claims hold for the installed libraries", () => {
  it("@keyv/memcache alone rejects on a refused connection (the store the other checks fail with)", async () => {
    const store = deadMemcache(await findFreePort());
    store.on("error", () => {});
    assert.equal(claimOf(keyvMemcache.storeErrors, "read"), "throws");
    assert.equal((await observe(() => store.get("user:1"))).outcome, "throws");
    assert.equal((await observe(() => store.set("user:1", "{}"))).outcome, "throws");
  });

  it("keyv resolves a failed get as undefined and a failed set as false", async () => {
    const cache = new Keyv({ store: deadMemcache(await findFreePort()) });
    const errors: unknown[] = [];
    cache.on("error", (error) => errors.push(error));
    assert.equal(claimOf(keyv.storeErrors, "read"), "swallowed");
    assert.equal(claimOf(keyv.storeErrors, "write"), "swallowed");
    assert.deepEqual(await observe(() => cache.get("user:1")), { outcome: "swallowed", value: undefined });
    assert.deepEqual(await observe(() => cache.set("user:1", { id: 1 })), { outcome: "swallowed", value: false });
    // The failures are reported on the "error" event only (forwarded from the store), never to the caller.
    assert.ok(errors.length >= 1);
  });

  it("keyv with throwOnErrors: true throws instead (why the claim is about the defaults)", async () => {
    const cache = new Keyv({ store: deadMemcache(await findFreePort()), throwOnErrors: true });
    assert.equal((await observe(() => cache.get("user:1"))).outcome, "throws");
    assert.equal((await observe(() => cache.set("user:1", { id: 1 }))).outcome, "throws");
  });

  it("cache-manager (installed major) turns a failed get into a miss and a failed set into a resolved write", async () => {
    assert.ok((installedMajor("cache-manager") ?? 0) >= 6, "the checks below are the v6+ claims");
    const cache = createCache({ stores: [new Keyv({ store: deadMemcache(await findFreePort()) })] });
    assert.equal(claimOf(cacheManager.storeErrors, "read"), "swallowed");
    assert.equal(claimOf(cacheManager.storeErrors, "write"), "swallowed");
    assert.deepEqual(await observe(() => cache.get("user:1")), { outcome: "swallowed", value: undefined });
    assert.equal((await observe(() => cache.set("user:1", { id: 1 }))).outcome, "swallowed");
    // wrap: the failed read is a miss, the loader runs, the failed write does not lose its result.
    assert.deepEqual(await observe(() => cache.wrap("user:2", async () => ({ id: 2 }))), {
      outcome: "swallowed",
      value: { id: 2 },
    });
  });

  it("ioredis rejects a command on a refused connection", async () => {
    const port = await findFreePort();
    const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      assert.equal(claimOf(ioredis.storeErrors, "read"), "throws");
      assert.equal((await observe(() => client.get("user:1"))).outcome, "throws");
      assert.equal((await observe(() => client.set("user:1", "{}"))).outcome, "throws");
    } finally {
      client.disconnect();
    }
  });

  it("node-redis rejects a command when it cannot reach the server", async () => {
    const port = await findFreePort();
    const client = createClient({
      socket: { port, host: "127.0.0.1", reconnectStrategy: false },
      disableOfflineQueue: true,
    });
    client.on("error", () => {});
    assert.equal(claimOf(nodeRedis.storeErrors, "read"), "throws");
    await client.connect().catch(() => {});
    assert.equal((await observe(() => client.get("user:1"))).outcome, "throws");
    assert.equal((await observe(() => client.set("user:1", "{}"))).outcome, "throws");
  });
});
