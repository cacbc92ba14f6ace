// Every rule, in one list: both hosts and the docs test read it.
import type { RuleDefinition } from "./model/rule";
import { noCachedRejection } from "./rules/no-cached-rejection";
import { noMutatedCachedValue } from "./rules/no-mutated-cached-value";
import { noImpureMemoization } from "./rules/no-impure-memoization";
import { requireCacheBound } from "./rules/require-cache-bound";
import { requireCompleteCacheKey } from "./rules/require-complete-cache-key";
import { consistentCacheTtl } from "./rules/consistent-cache-ttl";
import { noAmbiguousTtlUnit } from "./rules/no-ambiguous-ttl-unit";
import { noInvalidationBeforeWrite } from "./rules/no-invalidation-before-write";
import { requireInvalidationOnWrite } from "./rules/require-invalidation-on-write";
import { requireCacheFamilyOwner } from "./rules/require-cache-family-owner";
import { requireTtlPolicy } from "./rules/require-ttl-policy";
import { requireCacheTtl } from "./rules/require-cache-ttl";
import { noUnmatchedInvalidation } from "./rules/no-unmatched-invalidation";
import { requireClientTimeouts } from "./rules/require-client-timeouts";
import { requireStampedeProtection } from "./rules/require-stampede-protection";
import { requireCacheFallback } from "./rules/require-cache-fallback";

export const RULES: ReadonlyArray<RuleDefinition<any>> = [
  requireCacheTtl,
  requireCacheBound,
  noImpureMemoization,
  requireCompleteCacheKey,
  noMutatedCachedValue,
  noCachedRejection,
  requireInvalidationOnWrite,
  noInvalidationBeforeWrite,
  noUnmatchedInvalidation,
  consistentCacheTtl,
  noAmbiguousTtlUnit,
  requireTtlPolicy,
  requireCacheFamilyOwner,
  requireClientTimeouts,
  requireStampedeProtection,
  requireCacheFallback,
];

export function findRule(id: string): RuleDefinition<any> | undefined {
  return RULES.find((rule) => rule.id === id);
}
