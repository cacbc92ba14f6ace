// A value returned by a memoized function, or read from an in-process cache that hands out
// references, is shared with every later caller: mutating it in place corrupts the cache.
import type { CachedValueMutation, Span } from "../model/cache-model";
import { defineRule, type RuleReport } from "../model/rule";

export interface NoMutatedCachedValueOptions {
  checkMemoized: boolean;
  checkCaches: boolean;
}

const messages = {
  mutatedMemoizedValue:
    "`{{variable}}` is the cached result of `{{source}}` ({{sourceLocation}}), shared with every later caller: {{mutation}}{{via}} changes the cached copy. Copy it first (`[...x]`, `{ ...x }`, `structuredClone(x)`, `toSorted()`).",
  mutatedCacheEntry:
    "`{{variable}}` is the object stored in `{{source}}` ({{sourceLocation}}), which returns references, not copies: {{mutation}}{{via}} changes the cached entry for every reader. Copy it first (`[...x]`, `{ ...x }`, `structuredClone(x)`), or write the new value back explicitly.",
} as const;

type Report = RuleReport<typeof messages>;

export const noMutatedCachedValue = defineRule<NoMutatedCachedValueOptions, typeof messages>({
  id: "no-mutated-cached-value",
  description:
    "Disallow mutating values returned by memoized functions or read from in-process caches that store references.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      checkMemoized: {
        type: "boolean",
        description: "Check values returned by memoized functions and memoized methods.",
      },
      checkCaches: {
        type: "boolean",
        description:
          "Check values read from in-process caches that store references (lru-cache, ttlcache, quick-lru, tiny-lru, cache-manager, DataLoader, node-cache with `useClones: false`, module-level Maps).",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: { checkMemoized: true, checkCaches: true },
  check(model, context) {
    const findings: Report[] = [];
    for (const mutation of model.cachedValueMutations) {
      if (mutation.source.kind === "memoized" && !context.options.checkMemoized) continue;
      if (mutation.source.kind === "cache" && !context.options.checkCaches) continue;
      findings.push(report(mutation, context.formatLocation));
    }
    return findings;
  },
});

function report(mutation: CachedValueMutation, formatLocation: (span: Span) => string): Report {
  return {
    messageId: mutation.source.kind === "memoized" ? "mutatedMemoizedValue" : "mutatedCacheEntry",
    data: {
      variable: mutation.variable,
      source: mutation.source.name,
      sourceLocation: formatLocation(mutation.source.span),
      mutation: mutation.mutation,
      via: mutation.via ? ` (which mutates it at ${formatLocation(mutation.via.span)})` : "",
    },
    span: mutation.span,
  };
}
