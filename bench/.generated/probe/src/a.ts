import { Redis } from "ioredis";
import { createClient } from "redis";
import { LRUCache } from "lru-cache";
import NodeCache from "node-cache";
import memoize from "lodash/memoize.js";
import { memoize as memoizeEs } from "lodash-es";
import pMemoize from "p-memoize";
import Keyv from "keyv";

export const redis = new Redis({ host: "localhost", port: 6379, lazyConnect: true });
export const client = createClient({ url: "redis://localhost:6379" });
export type RedisClient = typeof client;
export const lru = new LRUCache<string, { id: string }>({ max: 500, ttl: 60_000 });
export const nc = new NodeCache({ stdTTL: 60 });
export const nc2 = new NodeCache();
export const kv = new Keyv<string>({ namespace: "x", ttl: 1000 });

export async function f(key: string): Promise<string | null> {
  await redis.set(key, "v", "EX", 60);
  await redis.set(key, "v");
  await redis.hset(key, { a: "1", b: 2 });
  await redis.expire(key, 30);
  const p = redis.pipeline();
  p.set(key, "1", "EX", 10).del(key);
  const res = await p.exec();
  void res;
  await client.set(key, "v", { EX: 60 });
  const got = await client.get(key);
  await client.del(key);
  lru.set(key, { id: key });
  nc.set(key, 1, 120);
  const n = nc.get<number>(key);
  await kv.set(key, "v", 5000);
  const kk = await kv.get(key);
  void n; void kk;
  return got ?? (await redis.get(key));
}
export const m = memoize((x: number) => x * 2);
export const m2 = memoizeEs((x: string) => x.length);
export const pm = pMemoize(async (x: string) => x.toUpperCase(), { cacheKey: ([x]) => x });
