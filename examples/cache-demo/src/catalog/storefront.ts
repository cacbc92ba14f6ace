// The storefront banner: one entry that every page view reads.
import { prisma } from "../infra/db.js";
import { redis } from "../infra/redis.js";

const BANNER_TTL_S = 60;

/**
 * Mistake: one fixed key read by every page view, refilled from the database by whichever requests miss. When it
 * expires, every page view at that moment runs the query until one refill lands (a cache stampede).
 */
export async function getStorefrontBanner(): Promise<unknown> {
  const cached = await redis.get("storefront:banner");
  if (cached) return JSON.parse(cached) as unknown;
  const banner: unknown = await prisma.banner.findFirst({ where: { active: true } });
  await redis.set("storefront:banner", JSON.stringify(banner), "EX", BANNER_TTL_S);
  return banner;
}
