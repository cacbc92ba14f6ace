// An async function memoized by a library that keeps rejected promises: one transient
// failure is served to every later caller with the same key, until the entry goes away.
// Also a hand-rolled promise holder (a settings key or a field returned to later callers) whose rejection handler
// clears it on some paths and rejects without clearing it on another, and a hand-rolled table of in-flight
// promises whose entry is removed only after a successful await (`InFlightRejection`).
import type { CacheSite, InFlightRejection, KeptRejection, RejectionFix, Span } from "../model/cache-model";
import { defineRule, type RuleReport } from "../model/rule";
import { describeFoldedDefects, keepsRejection } from "./shared/defect-owners";
import { isTestFile } from "../program-model/file-kinds";

export interface NoCachedRejectionOptions {
  checkExpiring: boolean;
}

const messages = {
  rejectionKept:
    "`{{name}}` is async and memoized with {{library}}, which keeps a rejected promise in its cache: one transient failure is served to every later caller with the same key {{until}}. {{fix}}{{also}}",
  holderKeepsRejection:
    "This rejection leaves the promise stored in {{holder}} (at {{storedAt}}) in place, and `{{returnedBy}}` returns the stored promise to later callers: one transient failure is served to all of them until something replaces it. The holder is cleared {{clearedBy}}at {{clearedAt}}, but not on this path: clear it before rejecting here too.",
  inFlightKept:
    "The promise awaited here is kept in `{{holder}}` until `{{removal}}` after the await, which does not run when it rejects: the rejected promise stays in `{{holder}}` and every later caller that finds it gets the failure, until the process restarts. Remove the entry in a `finally` (or in a `.catch` that rethrows).",
} as const;

type Report = RuleReport<typeof messages>;

export const noCachedRejection = defineRule<NoCachedRejectionOptions, typeof messages>({
  id: "no-cached-rejection",
  description:
    "Disallow memoizing async functions with a memoizer that keeps rejected promises, which turns one transient failure into a permanent one.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      checkExpiring: {
        type: "boolean",
        description: "Also report memoizers with a max age, where a failure is served until the entry expires.",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: { checkExpiring: true },
  check(model, context) {
    const findings: Report[] = [];
    for (const site of model.sites) {
      const finding = checkSite(site, context.options);
      if (finding) findings.push(finding);
    }
    if (!isTestFile(model.file))
      for (const kept of model.keptRejections ?? []) findings.push(reportKeptRejection(kept, context.formatLocation));
    for (const kept of model.inFlightRejections ?? []) findings.push(reportInFlight(kept));
    return findings;
  },
});

function checkSite(site: CacheSite, options: NoCachedRejectionOptions): Report | undefined {
  const kept = keepsRejection(site);
  if (!kept) return undefined;
  if (kept.expires && !options.checkExpiring) return undefined;
  const { memoize } = kept.site;
  return {
    messageId: "rejectionKept",
    data: {
      name: memoize.fn.name ?? "this function",
      library: site.library,
      until: kept.expires ? "until the entry expires" : "until the process restarts",
      fix: describeFix(memoize.rejectionFix, site.library),
      // One defect, one finding: the bound and expiry this memoizer also lacks are said here, not reported again.
      also: kept.expires ? "" : describeFoldedDefects(site),
    },
    span: site.calleeSpan as Span,
  };
}

function reportKeptRejection(kept: KeptRejection, formatLocation: (span: Span) => string): Report {
  return {
    messageId: "holderKeepsRejection",
    data: {
      holder: kept.holder,
      storedAt: formatLocation(kept.storedAt),
      returnedBy: kept.returnedBy,
      clearedBy: kept.clearedBy ? `by \`${kept.clearedBy}\` ` : "",
      clearedAt: formatLocation(kept.clearedAt),
    },
    span: kept.span,
  };
}

function reportInFlight(kept: InFlightRejection): Report {
  return {
    messageId: "inFlightKept",
    data: { holder: kept.holder, removal: kept.removal },
    span: kept.span,
  };
}

function describeFix(fix: RejectionFix | undefined, library: CacheSite["library"]): string {
  if (!fix)
    return "Delete the entry when the promise rejects (e.g. `.catch` that calls `fn.cache.delete(key)` or `fn.clear()`), or use p-memoize, which drops rejections.";
  if (fix.kind === "option") return `Pass ${fix.option}, which drops rejected promises.`;
  if (fix.export) return `Use ${fix.library}'s \`${fix.export}\`, which drops rejected promises.`;
  return `Use ${fix.library} instead of ${library}, which drops rejected promises.`;
}
