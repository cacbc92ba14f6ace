import { sessionKey } from "../cache/keys.js";
import { redis } from "../infra/redis.js";

/** Fine: hash and expiry in one transaction. */
export async function openSession(token: string, userId: string): Promise<void> {
  await redis
    .multi()
    .hset(sessionKey(token), { userId, openedAt: Date.now() })
    .expire(sessionKey(token), 30 * 60)
    .exec();
}

/** Mistake: the set of a user's sessions never expires. */
export async function trackSession(userId: string, token: string): Promise<void> {
  await redis.sadd(`user-sessions:${userId}`, token);
}

/** Fine: a fixed-window rate limit, INCR then EXPIRE on the same key. */
export async function hitRateLimit(ip: string): Promise<boolean> {
  const key = `rate:${ip}`;
  const count = await redis.incr(key);
  if (count === 1) await redis.expire(key, 60);
  return count <= 100;
}

/** Fine: a job queue is consumed, not cached. */
export async function enqueueEmail(payload: string): Promise<void> {
  await redis.lpush("queue:emails", payload);
}

export async function takeEmail(): Promise<string | null> {
  return redis.rpop("queue:emails");
}
