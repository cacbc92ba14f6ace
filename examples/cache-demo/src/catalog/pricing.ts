import memoize from "lodash/memoize.js";
import memoizee from "memoizee";
import { productCache } from "../cache/local.js";
import { db, type Product } from "../infra/db.js";

export type Currency = "EUR" | "USD" | "GBP";

/** Fine: the key domain is three currencies. */
export const currencySymbol = memoize((currency: Currency): string => ({ EUR: "€", USD: "$", GBP: "£" })[currency]);

/** Mistake: an async lookup memoized forever, one entry per SKU ever seen. */
export const loadProduct = memoize(async (sku: string): Promise<Product | undefined> => db.findProduct(sku));

/** Fine: bounded and expiring. */
export const formatPrice = memoizee((cents: number, currency: Currency) => `${currencySymbol(currency)}${(cents / 100).toFixed(2)}`, { max: 1_000, maxAge: 60_000 });

/** Fine: the LRU has both a bound and a TTL. */
export async function getProduct(sku: string): Promise<Product | undefined> {
  const hit = productCache.get(sku);
  if (hit) return hit;
  const product = await db.findProduct(sku);
  if (product) productCache.set(sku, product);
  return product;
}
