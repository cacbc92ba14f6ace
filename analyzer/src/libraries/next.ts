// Next.js's data cache: `unstable_cache(fn, keyParts, { revalidate, tags })`, `'use cache'` with
// `cacheLife` and `cacheTag`, and invalidation by `revalidateTag`, `updateTag`, `revalidatePath`.
import type { FrameworkAdapter } from "./adapter";

/**
 * How often each built-in `cacheLife` profile refreshes its entry (`revalidate`, seconds), as next 15 and 16 define
 * them. An outer `'use cache'` with an explicit `cacheLife` keeps its own lifetime whatever the caches nested in it say
 * (only an outer without one takes the shortest nested lifetime).
 */
export const NEXT_CACHE_LIFE_REVALIDATE_SECONDS: Readonly<Record<string, number>> = {
  seconds: 1,
  minutes: 60,
  default: 900,
  hours: 3600,
  days: 86_400,
  weeks: 604_800,
  max: 2_592_000,
};

export const next = {
  id: "next",
  displayName: "Next.js (next/cache)",
  kind: "framework",
  packages: {
    "next/cache": {
      unstable_cache: { role: "next-unstable-cache" },
      unstable_cacheLife: { role: "next-cache-life" },
      cacheLife: { role: "next-cache-life" },
      cacheTag: { role: "next-cache-tag" },
      unstable_cacheTag: { role: "next-cache-tag" },
      revalidateTag: { role: "next-revalidate" },
      updateTag: { role: "next-revalidate" },
      expireTag: { role: "next-revalidate" },
      unstable_expireTag: { role: "next-revalidate" },
      revalidatePath: { role: "next-revalidate", variant: "path" },
      expirePath: { role: "next-revalidate", variant: "path" },
      unstable_expirePath: { role: "next-revalidate", variant: "path" },
    },
  },
  memoize: undefined,
  decoratorFamilies: false,
  requestScoped: false,
  globalTags: true,
  labelByMethod: true,
  // next 16.4.6: unstable_cache returns a stale entry and revalidates it in the background, once per key (workStore.pendingRevalidates).
  refillsOnce: true,
} satisfies FrameworkAdapter;
