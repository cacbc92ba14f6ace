// A TTL in the wrong unit is off by a factor of 1000: `60` given to a millisecond API expires
// after 60 ms (the cache never hits), `3_600_000` given to a seconds API lives for 41 days.
// Memcached adds a trap of its own: an expiry over 30 days is read as a Unix time, so a duration of 31 days
// is a moment of February 1970 and the item expires at once.
import { formatDuration } from "../format/duration";
import { findRemoteStoreOfSite } from "../libraries/registry";
import type { CacheSite, Ttl } from "../model/cache-model";
import { defineRule, type RuleReport } from "../model/rule";

export type NoAmbiguousTtlUnitOptions = Record<string, never>;

/** Round durations people write in seconds: a minute, five minutes, an hour, a day, a week. */
const SECOND_COUNTS = new Set([
  30, 60, 90, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000,
]);

/**
 * A number of seconds below this (September 2001) is surely a duration when a server reads it as a Unix time: the
 * moment has long passed. A larger constant may be an absolute time written on purpose.
 */
const UNIX_TIME_FLOOR = 1_000_000_000;

const messages = {
  unixTimeExpiry:
    "`{{text}}` is passed to {{api}} and reaches Memcached as {{seconds}} seconds ({{duration}}), but Memcached reads an expiry over {{limit}} as a Unix time: {{date}}, long past, so every item written with it expires at once. {{fix}}",
  secondsToMilliseconds:
    "`{{text}}` is passed to {{api}}, which takes milliseconds: entries expire after {{asWritten}}. This looks like {{intended}} in seconds; write `{{fix}}`.",
  millisecondsToSeconds:
    "`{{text}}` is passed to {{api}}, which takes seconds: entries live for {{asWritten}}. This looks like {{intended}} in milliseconds; write `{{fix}}`.",
  countAsDuration:
    "The TTL `{{ttl}}` is computed from `{{limit}}`, but `{{limit}}` is the limit the cached count `{{counter}}` is compared with ({{where}}): a number of events, not a duration. The counts expire after a time that follows the limit instead of the window the limit applies to; take the TTL from the value that says how long that window lasts.",
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
  check(model, context) {
    const findings: Report[] = [];
    for (const gap of model.countLimitTtls ?? [])
      findings.push({
        messageId: "countAsDuration",
        data: { ttl: gap.ttl, limit: gap.limit, counter: gap.counter, where: context.formatLocation(gap.comparedAt) },
        span: gap.span,
      });
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
  const unixTime = checkAbsoluteExpiry(site, ttl, ttl.ms, api);
  if (unixTime) return unixTime;
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

/**
 * A TTL that a Memcached server reads as an absolute Unix time (over 30 days) although it is a duration: a constant
 * below `UNIX_TIME_FLOOR` is a moment long past. An expiry computed from the clock does not fold, and is not read here.
 */
function checkAbsoluteExpiry(site: CacheSite, ttl: Ttl & { kind: "set" }, ms: number, api: string): Report | undefined {
  const limit = findRemoteStoreOfSite(site)?.ttlSemantics.absoluteAbove;
  if (limit === undefined || (ttl.unit !== "s" && ttl.unit !== "ms")) return undefined;
  // A store that takes milliseconds hands the server whole seconds (`@keyv/memcache`: `Math.floor(ttl / 1000)`).
  const seconds = Math.floor(ms / 1000);
  if (seconds <= limit || seconds >= UNIX_TIME_FLOOR) return undefined;
  const looksLikeMilliseconds = ttl.unit === "s" && seconds % 1000 === 0 && SECOND_COUNTS.has(seconds / 1000);
  const fix = looksLikeMilliseconds
    ? `This looks like ${formatDuration(seconds)} in milliseconds; write \`${ttl.text} / 1000\`.`
    : ttl.unit === "s"
      ? `Keep it at ${formatDuration(limit * 1000)} or less, or pass an absolute time (\`Math.floor(Date.now() / 1000) + seconds\`).`
      : `Keep it at ${formatDuration(limit * 1000)} or less: Memcached takes no longer duration.`;
  return {
    messageId: "unixTimeExpiry",
    data: {
      text: ttl.text,
      api,
      seconds: String(seconds),
      duration: formatDuration(seconds * 1000),
      limit: formatDuration(limit * 1000),
      date: new Date(seconds * 1000).toISOString().slice(0, 10),
      fix,
    },
    span: site.calleeSpan,
  };
}
