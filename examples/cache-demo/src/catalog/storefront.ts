// The storefront banners: one entry that every page view reads.
import { prisma } from "../infra/db.js";
import { redis } from "../infra/redis.js";

const BANNERS_TTL_S = 60;

/**
 * Mistake: one fixed key read by every page view, refilled from the database by whichever requests miss. When it
 * expires, every page view at that moment runs the query until one refill lands (a cache stampede).
 */
export async function getStorefrontBanners(): Promise<unknown> {
  // A Redis outage is a miss here: the banners come from the database.
  const cached = await redis.get("storefront:banners").catch(() => null);
  if (cached) return JSON.parse(cached) as unknown;
  const banners: unknown = await prisma.banner.findMany({ where: { active: true } });
  await redis.set("storefront:banners", JSON.stringify(banners), "EX", BANNERS_TTL_S).catch(() => undefined);
  return banners;
}
