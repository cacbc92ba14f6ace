// The outage-wait models of the client adapters (analyzer/src/libraries/*.ts, `outageWait`) against the libraries
// installed in node_modules: their documented defaults, read from each library's exported defaults or built
// options at test time, and the wait require-client-timeouts states. A library upgrade that changes a default (or
// how retries are counted) fails here, so the rule's figures cannot drift from the code users run.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createRequire } from "node:module";
import type { OutageWait, OutageWaitModel } from "../../analyzer/src/libraries/adapter";
import { IOREDIS_OUTAGE_WAIT, IOREDIS_RETRY_DELAY } from "../../analyzer/src/libraries/ioredis";
import { iovalkey } from "../../analyzer/src/libraries/iovalkey";
import { NODE_REDIS_OUTAGE_WAIT } from "../../analyzer/src/libraries/node-redis";
import { MEMJS_OUTAGE_WAIT } from "../../analyzer/src/libraries/memjs";
import { MEMCACHED_OUTAGE_WAIT } from "../../analyzer/src/libraries/memcached";
import { keyvMemcache } from "../../analyzer/src/libraries/keyv-memcache";
import { findFreePort } from "../free-port";

const require = createRequire(import.meta.url);

function attemptsOf(wait: OutageWait): Extract<OutageWait, { kind: "attempts" }> {
  assert.equal(wait.kind, "attempts");
  return wait as Extract<OutageWait, { kind: "attempts" }>;
}

function defaultOf(model: OutageWaitModel, option: string): unknown {
  return model.options[option]!.default;
}

interface IoredisLike {
  defaultOptions: Record<string, unknown> & { retryStrategy: (times: number) => number };
}

/** ioredis and its fork share one model: each installed copy must match it. */
function checkIoredisDefaults(defaults: IoredisLike["defaultOptions"]): void {
  const model = IOREDIS_OUTAGE_WAIT;
  assert.equal(defaults.commandTimeout, defaultOf(model, "commandTimeout"));
  assert.equal(defaults.maxRetriesPerRequest, defaultOf(model, "maxRetriesPerRequest"));
  assert.equal(defaults.enableOfflineQueue, defaultOf(model, "enableOfflineQueue"));
  assert.equal(defaults.connectTimeout, defaultOf(model, "connectTimeout"));
  for (let times = 1; times <= 200; times++)
    assert.equal(
      defaults.retryStrategy(times),
      Math.min(times * IOREDIS_RETRY_DELAY.stepMs, IOREDIS_RETRY_DELAY.capMs),
      `retryStrategy(${times})`,
    );
  // The wait the rule states, summed from the installed retryStrategy.
  const wait = attemptsOf(model.estimate({}));
  const retries = defaults.maxRetriesPerRequest as number;
  let refused = 0;
  for (let times = 1; times <= retries; times++) refused += defaults.retryStrategy(times);
  assert.equal(wait.attempts, retries);
  assert.equal(wait.refusedMs, refused);
  assert.equal(wait.unreachableMs, refused + retries * (defaults.connectTimeout as number));
  assert.equal(wait.steadyMs, (retries + 1) * defaults.retryStrategy(10_000));
}

/**
 * Against a port nobody listens on, with 1 ms reconnection delays: a command sent while disconnected is rejected
 * after the first connection and exactly `maxRetriesPerRequest` reconnection attempts (what "attempts" counts in the
 * message: the delays before reconnections 1 … N are waited; the one scheduled with the rejection is not).
 */
async function countReconnectionsBeforeRejection(
  Client: new (options: object) => NodeJS.EventEmitter,
): Promise<number> {
  const port = await findFreePort();
  const client = new Client({ port, host: "127.0.0.1", retryStrategy: () => 1 }) as unknown as {
    get(key: string): Promise<unknown>;
    on(event: string, listener: () => void): void;
    disconnect(): void;
  };
  client.on("error", () => {});
  let connections = 0;
  client.on("connecting", () => connections++);
  try {
    await assert.rejects(client.get("k"), /max retries per request/i);
    return connections - 1;
  } finally {
    client.disconnect();
  }
}

describe("outage-wait defaults against the installed client libraries", () => {
  it("ioredis: Redis.defaultOptions and the wait through 20 reconnections", async () => {
    const { Redis } = require("ioredis") as { Redis: IoredisLike & (new (options: object) => NodeJS.EventEmitter) };
    checkIoredisDefaults(Redis.defaultOptions);
    assert.equal(await countReconnectionsBeforeRejection(Redis), attemptsOf(IOREDIS_OUTAGE_WAIT.estimate({})).attempts);
  });

  it("iovalkey: the fork keeps ioredis's defaults", async () => {
    const Valkey = require("iovalkey") as IoredisLike & (new (options: object) => NodeJS.EventEmitter);
    assert.equal(iovalkey.outageWait, IOREDIS_OUTAGE_WAIT);
    checkIoredisDefaults(Valkey.defaultOptions);
    assert.equal(
      await countReconnectionsBeforeRejection(Valkey),
      attemptsOf(IOREDIS_OUTAGE_WAIT.estimate({})).attempts,
    );
  });

  it("node-redis: an offline queue by default, no command timeout, a reconnect strategy that never gives up on a refused connection", () => {
    const { createClient } = require("redis") as { createClient: () => { options: Record<string, unknown> } };
    const options = createClient().options;
    assert.equal(Boolean(options.disableOfflineQueue), defaultOf(NODE_REDIS_OUTAGE_WAIT, "disableOfflineQueue"));
    const commandOptions = options.commandOptions as { timeout?: number } | undefined;
    assert.equal(commandOptions?.timeout, defaultOf(NODE_REDIS_OUTAGE_WAIT, "commandOptions.timeout"));
    const RedisSocket = (require("@redis/client/dist/lib/client/socket") as { default: { prototype: object } }).default;
    const strategy = (RedisSocket.prototype as { defaultReconnectStrategy: (retries: number, cause: Error) => unknown })
      .defaultReconnectStrategy;
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" });
    for (let retries = 0; retries < 1000; retries++) assert.equal(typeof strategy(retries, refused), "number");
    assert.equal(NODE_REDIS_OUTAGE_WAIT.estimate({}).kind, "until-reconnected");
  });

  it("memjs: 2 tries, 0.2 s apart, 0.5 s reply timeout, a connection timeout of twice that", () => {
    const memjs = require("memjs") as {
      Client: new (servers: unknown[], options: object) => { options: Record<string, unknown> };
      Server: new (host: string, port: number) => { options: Record<string, unknown> };
    };
    const client = new memjs.Client([], {}).options;
    const server = new memjs.Server("localhost", 11211).options;
    assert.equal(client.retries, defaultOf(MEMJS_OUTAGE_WAIT, "retries"));
    assert.equal(client.retry_delay, defaultOf(MEMJS_OUTAGE_WAIT, "retry_delay"));
    assert.equal(client.failover ?? false, defaultOf(MEMJS_OUTAGE_WAIT, "failover"));
    assert.equal(server.timeout, defaultOf(MEMJS_OUTAGE_WAIT, "timeout"));
    assert.equal(server.conntimeout, 2 * (server.timeout as number));
    const wait = attemptsOf(MEMJS_OUTAGE_WAIT.estimate({}));
    assert.equal(wait.attempts, client.retries);
    assert.equal(wait.connectTimeout.ms, (server.conntimeout as number) * 1000);
    assert.equal(
      wait.unreachableMs,
      Math.round(
        (client.retries as number) * (server.conntimeout as number) * 1000 +
          ((client.retries as number) - 1) * (client.retry_delay as number) * 1000,
      ),
    );
    assert.equal(keyvMemcache.outageWait, MEMJS_OUTAGE_WAIT);
  });

  it("memcached: Memcached.config and the pool's retry schedule (jackpot over retry)", () => {
    const Memcached = require("memcached") as { config: Record<string, number | boolean> };
    const { config } = Memcached;
    for (const option of ["retries", "factor", "minTimeout", "maxTimeout", "timeout"])
      assert.equal(config[option], defaultOf(MEMCACHED_OUTAGE_WAIT, option), option);
    assert.equal(config.randomize, false);
    // The delays between the pool's tries, as the installed `retry` computes them for those options.
    const jackpot = require.resolve("jackpot", { paths: [require.resolve("memcached")] });
    const retry = createRequire(jackpot)("retry") as { timeouts(options: object): number[] };
    const delays = retry.timeouts({
      retries: config.retries,
      factor: config.factor,
      minTimeout: config.minTimeout,
      maxTimeout: config.maxTimeout,
      randomize: config.randomize,
    });
    const wait = attemptsOf(MEMCACHED_OUTAGE_WAIT.estimate({}));
    assert.equal(wait.attempts, delays.length + 1);
    assert.equal(
      wait.refusedMs,
      delays.reduce((sum, delay) => sum + delay, 0),
    );
    assert.equal(wait.unreachableMs, wait.refusedMs + wait.attempts * (config.timeout as number));
  });
});
