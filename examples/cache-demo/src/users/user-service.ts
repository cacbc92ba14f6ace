import { ONE_HOUR_S, userKey } from "../cache/keys.js";
import { prisma, type User } from "../infra/db.js";
import { redis } from "../infra/redis.js";

/** Cache-aside, expiring after an hour; a failed write is logged. Mistake: a failed read (Redis down) fails the call. */
export async function getUser(id: string): Promise<User | undefined> {
  const cached = await redis.get(userKey(id));
  if (cached) return JSON.parse(cached) as User;
  const user = (await prisma.user.findUnique({ where: { id } })) as User | null;
  if (user) await redis.set(userKey(id), JSON.stringify(user), "EX", ONE_HOUR_S).catch(warnCacheWrite);
  return user ?? undefined;
}

/** Mistake: the write-through SET has no expiry, and drops the TTL getUser gave the key. */
export async function renameUser(id: string, name: string): Promise<void> {
  const updated = (await prisma.user.update({ where: { id }, data: { name } })) as User;
  await redis.set(userKey(id), JSON.stringify(updated));
}

/** Fine: KEEPTTL keeps whatever expiry the key already has. */
export async function touchUser(id: string, user: User): Promise<void> {
  await redis.set(userKey(id), JSON.stringify(user), "KEEPTTL");
}

/** Mistake: the row changes, but `user:{id}` keeps the old profile for up to an hour. */
export async function changeEmail(id: string, email: string): Promise<void> {
  await prisma.user.update({ where: { id }, data: { email } });
}

/** A cache write that fails loses nothing: the caller has the row. */
function warnCacheWrite(error: unknown): void {
  console.warn("cache write failed", error);
}
