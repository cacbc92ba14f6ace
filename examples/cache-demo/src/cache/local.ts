import { LRUCache } from "lru-cache";
import NodeCache from "node-cache";
import type { Product } from "../infra/db.js";

/** Bounded and expiring: fine. */
export const productCache = new LRUCache<string, Product>({ max: 5_000, ttl: 5 * 60_000 });

/** Mistake: no stdTTL and no maxKeys, so it grows forever and never refreshes. */
export const tokenCache = new NodeCache();
