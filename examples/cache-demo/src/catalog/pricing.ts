import memoize from "lodash/memoize.js";
import memoizee from "memoizee";
import { productCache } from "../cache/local.js";
import { prisma, type Product } from "../infra/db.js";
import { toUsd } from "./exchange-rates.js";

export type Currency = "EUR" | "USD" | "GBP";

/** Fine: the key domain is three currencies. */
export const currencySymbol = memoize((currency: Currency): string => ({ EUR: "€", USD: "$", GBP: "£" })[currency]);

/** Mistake: an async lookup memoized forever, one entry per SKU ever seen, and a failed lookup is cached too. */
export const loadProduct = memoize(async (sku: string): Promise<Product | undefined> => (await prisma.product.findUnique({ where: { sku } })) as Product | undefined);

/** Fine: bounded and expiring. */
export const formatPrice = memoizee((cents: number, currency: Currency) => `${currencySymbol(currency)}${(cents / 100).toFixed(2)}`, { max: 1_000, maxAge: 60_000 });

/** Fine: the LRU has both a bound and a TTL. */
export async function getProduct(sku: string): Promise<Product | undefined> {
  const hit = productCache.get(sku);
  if (hit) return hit;
  const product = (await prisma.product.findUnique({ where: { sku } })) as Product | null;
  if (product) productCache.set(sku, product);
  return product ?? undefined;
}

/** Mistake (partial invalidation): the LRU entry is dropped, but `loadProduct` keeps serving the old price. */
export async function updatePrice(sku: string, cents: number): Promise<void> {
  await prisma.product.update({ where: { sku }, data: { cents } });
  productCache.delete(sku);
}

/** Mistake: toUsd reads a rate that updateRates changes, but the memoized price never changes. */
export const usdPrice = memoizee((cents: number) => toUsd(cents), { max: 1_000, maxAge: 60_000 });

/** Mistake: memoizee keys on fn.length (1 here), so the discount is not part of the key. */
export const discountedPrice = memoizee((cents: number, percent = 0) => Math.round(cents * (1 - percent / 100)), { max: 1_000, maxAge: 60_000 });

/** Mistake: the LRU hands out the stored product itself, so this changes the cached copy for everyone. */
export function applyPromotion(sku: string, percent: number): Product | undefined {
  const product = productCache.get(sku);
  if (product) product.cents = Math.round(product.cents * (1 - percent / 100));
  return product;
}

/** Fine: the promotion is applied to a copy. */
export function promotedPrice(sku: string, percent: number): Product | undefined {
  const product = productCache.get(sku);
  return product && { ...product, cents: Math.round(product.cents * (1 - percent / 100)) };
}
