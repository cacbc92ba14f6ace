// A TTL in the wrong unit is off by a factor of 1000: `60` given to a millisecond API expires
// after 60 ms (the cache never hits), `3_600_000` given to a seconds API lives for 41 days.
import { formatDuration } from "../format/duration";
import type { CacheSite, Ttl } from "../model/cache-model";
import { defineRule, type RuleReport } from "../model/rule";

export type NoAmbiguousTtlUnitOptions = Record<string, never>;

/** Round durations people write in seconds: a minute, five minutes, an hour, a day, a week. */
const SECOND_COUNTS = new Set([
  30, 60, 90, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000,
]);

const messages = {
  secondsToMilliseconds:
    "`{{text}}` is passed to {{api}}, which takes milliseconds: entries expire after {{asWritten}}. This looks like {{intended}} in seconds; write `{{fix}}`.",
  millisecondsToSeconds:
    "`{{text}}` is passed to {{api}}, which takes seconds: entries live for {{asWritten}}. This looks like {{intended}} in milliseconds; write `{{fix}}`.",
} as const;

type Report = RuleReport<typeof messages>;

export const noAmbiguousTtlUnit = defineRule<NoAmbiguousTtlUnitOptions, typeof messages>({
  id: "no-ambiguous-ttl-unit",
  description:
    "Disallow TTL values that are almost certainly in the wrong unit for the API they are passed to (seconds given to a millisecond API, or milliseconds to a seconds API).",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: { type: "object", properties: {}, additionalProperties: false },
  defaultOptions: {},
  check(model) {
    const findings: Report[] = [];
    for (const site of model.sites) {
      const ttl =
        site.operation === "memoize"
          ? site.memoize?.maxAge
          : site.operation === "construct"
            ? site.instance?.defaultTtl
            : site.ttl;
      if (!ttl) continue;
      const finding = checkTtl(site, ttl);
      if (finding) findings.push(finding);
    }
    return findings;
  },
});

function checkTtl(site: CacheSite, ttl: Ttl): Report | undefined {
  if (ttl.kind !== "set" || ttl.ms === undefined || !Number.isFinite(ttl.ms) || ttl.ms <= 0) return undefined;
  const api = `\`${site.method === "new" ? `new ${site.library}` : site.method}\` (${site.library})`;
  if (ttl.unit === "ms") {
    const value = ttl.ms;
    // Below a second, or exactly a round number of seconds that is absurd as milliseconds.
    if (!SECOND_COUNTS.has(value) || value >= 10_000) return undefined;
    return {
      messageId: "secondsToMilliseconds",
      data: {
        text: ttl.text,
        api,
        asWritten: formatDuration(value),
        intended: formatDuration(value * 1000),
        fix: `${ttl.text} * 1000`,
      },
      span: site.calleeSpan,
    };
  }
  if (ttl.unit === "s") {
    const value = ttl.ms / 1000;
    if (value < 60_000 || value % 1000 !== 0 || !SECOND_COUNTS.has(value / 1000)) return undefined;
    return {
      messageId: "millisecondsToSeconds",
      data: {
        text: ttl.text,
        api,
        asWritten: formatDuration(ttl.ms),
        intended: formatDuration(value),
        fix: `${ttl.text} / 1000`,
      },
      span: site.calleeSpan,
    };
  }
  return undefined;
}
