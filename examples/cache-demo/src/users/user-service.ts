import { ONE_HOUR_S, userKey } from "../cache/keys.js";
import { db, type User } from "../infra/db.js";
import { redis } from "../infra/redis.js";

/** Cache-aside read: correct, the value expires after an hour. */
export async function getUser(id: string): Promise<User | undefined> {
  const cached = await redis.get(userKey(id));
  if (cached) return JSON.parse(cached) as User;
  const user = await db.findUser(id);
  if (user) await redis.set(userKey(id), JSON.stringify(user), "EX", ONE_HOUR_S);
  return user;
}

/** Mistake: the write-through SET has no expiry, and drops the TTL getUser gave the key. */
export async function renameUser(id: string, name: string): Promise<void> {
  const user = await db.findUser(id);
  if (!user) return;
  const updated = { ...user, name };
  await db.saveUser(updated);
  await redis.set(userKey(id), JSON.stringify(updated));
}

/** Fine: KEEPTTL keeps whatever expiry the key already has. */
export async function touchUser(id: string, user: User): Promise<void> {
  await redis.set(userKey(id), JSON.stringify(user), "KEEPTTL");
}
