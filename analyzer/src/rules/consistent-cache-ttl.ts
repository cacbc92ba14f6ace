// One cache family, one expiry policy: a family written with a TTL in one place and without
// one in another ends up with keys that never expire (a plain Redis SET even drops the TTL
// the key had), and TTLs far apart usually mean one of them is a mistake.
import { REDIS_TTL_DROPPING_COMMANDS } from "../libraries/redis-protocol";
import { formatDuration } from "../format/duration";
import type { CacheSite, FunctionFacts, Span } from "../model/cache-model";
import type { CacheFamily, FamilyTtl } from "../model/program-model";
import { defineRule, type RuleReport } from "../model/rule";
import { getProgramIndex, type FamilyWriteFacts } from "../program-model/program-index";

export interface ConsistentCacheTtlOptions {
  maxRatio: number;
}

const messages = {
  missingTtl:
    "`{{method}}` writes `{{family}}` without an expiry, but {{other}} writes it with a TTL of {{ttl}}: keys written here never expire.{{drop}}",
  divergentTtl:
    "`{{method}}` writes `{{family}}` with a TTL of {{ttl}}, {{ratio}}× the {{otherTtl}} used at {{other}}: one of them is probably wrong. Use one TTL per family (a shared constant).",
  nestedLifetimeOverride:
    "`{{outer}}` is cached with `cacheLife({{profile}})` (refreshed every {{outerTime}}) and reaches `{{inner}}` ({{where}}), cached with `cacheLife({{innerProfile}})` (every {{innerTime}}): an outer 'use cache' with an explicit lifetime keeps it whatever the caches inside say, so `{{inner}}`'s result stays frozen here for up to {{outerTime}}. Give `{{outer}}` a profile no longer than the inner one, or render the live part outside this cache.",
} as const;

type Report = RuleReport<typeof messages>;

export const consistentCacheTtl = defineRule<ConsistentCacheTtlOptions, typeof messages>({
  id: "consistent-cache-ttl",
  description:
    "Require every write of a cache family to use a consistent expiry: not a TTL in one place and none in another, and not TTLs that differ by more than a set factor.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      maxRatio: {
        type: "number",
        minimum: 1,
        description: "The largest accepted ratio between two TTLs of the same family.",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: { maxRatio: 10 },
  check(model, context) {
    const program = context.getProgramModel();
    const index = getProgramIndex(program);
    const findings: Report[] = [];
    for (const site of model.sites) {
      if (
        site.operation !== "write" ||
        (site.kind !== "redis" && site.kind !== "remote-kv" && site.kind !== "in-process")
      )
        continue;
      for (const familyId of program.familiesOfSite.get(site.id) ?? []) {
        const family = program.familiesById.get(familyId);
        if (!family) continue;
        const finding = checkWrite(site, family, index.getWriteFacts(family), context.options, context.formatLocation);
        if (finding) findings.push(finding);
      }
    }
    for (const fn of model.functions) {
      const finding = checkNestedLifetime(fn, program.functions, context.formatLocation);
      if (finding) findings.push(finding);
    }
    return findings;
  },
});

function checkWrite(
  site: CacheSite,
  family: CacheFamily,
  facts: FamilyWriteFacts,
  options: ConsistentCacheTtlOptions,
  formatLocation: (span: FamilyTtl["span"]) => string,
): Report | undefined {
  const own = facts.ttlOf.get(site.id);
  // TTLs given by writes only: `EXPIRE key 1` in a soft delete is an invalidation, not the family's TTL.
  // The first of the others (the family's TTLs are looked up, not filtered, per write: a family can have thousands).
  const other = facts.finiteWriteTtls.find((ttl) => ttl.siteId !== site.id);
  if (!other) return undefined;
  // Without its own TTL and without an instance default: `own` is missing or says "none".
  const effective = own ?? {
    kind: site.ttl.kind,
    ms: undefined,
    text: "",
    span: site.span,
    unit: undefined,
    siteId: site.id,
  };
  if (effective.kind === "none") {
    // Redis collection commands keep an existing TTL; only value-replacing commands drop it.
    if (site.kind === "redis" && !REDIS_TTL_DROPPING_COMMANDS.has(site.method)) return undefined;
    return {
      messageId: "missingTtl",
      data: {
        method: site.method,
        family: family.label,
        other: formatLocation(other.span),
        ttl: formatDuration(other.ms!),
        drop:
          site.kind === "redis"
            ? " A plain SET also removes the TTL an existing key had; pass an expiry, or `KEEPTTL`."
            : "",
      },
      span: site.calleeSpan,
    };
  }
  if (effective.kind !== "set" || effective.ms === undefined || effective.ms === Infinity || effective.ms === 0)
    return undefined;
  // Report the larger of a pair once: compare with the smallest other TTL.
  // Two TTLs chosen side by side in one function (a long TTL for an empty result, say) are deliberate.
  const smallest = facts.finiteWriteTtlsByDuration.find(
    (ttl) => ttl.siteId !== site.id && facts.writeOf.get(ttl.siteId)?.functionId !== site.functionId,
  );
  if (!smallest) return undefined;
  const smallestMs = smallest.ms!;
  if (smallestMs === 0 || effective.ms <= smallestMs || effective.ms / smallestMs <= options.maxRatio) return undefined;
  return {
    messageId: "divergentTtl",
    data: {
      method: site.method,
      family: family.label,
      ttl: formatDuration(effective.ms),
      ratio: String(Math.round(effective.ms / smallestMs)),
      otherTtl: formatDuration(smallestMs),
      other: formatLocation(smallest.span),
    },
    span: site.calleeSpan,
  };
}

/** How deep nested caches are looked for (calls and rendered components, across files). */
const MAX_NESTING_DEPTH = 6;

/**
 * Next.js: a `'use cache'` function with an explicit `cacheLife` that calls or renders (directly or through project
 * functions and components) a `'use cache'` function refreshed more often. Reported on the outer `cacheLife` call.
 */
function checkNestedLifetime(
  fn: FunctionFacts,
  functions: ReadonlyMap<string, FunctionFacts>,
  formatLocation: (span: Span) => string,
): Report | undefined {
  const outer = fn.cacheLife;
  if (!outer || outer.revalidateSeconds === undefined) return undefined;
  const seen = new Set([fn.id]);
  let frontier = [fn];
  for (let depth = 0; depth < MAX_NESTING_DEPTH && frontier.length > 0; depth++) {
    const next: FunctionFacts[] = [];
    for (const current of frontier) {
      for (const edge of [...current.calls, ...(current.renders ?? [])]) {
        if (seen.has(edge.target)) continue;
        seen.add(edge.target);
        const target = functions.get(edge.target);
        if (!target) continue;
        const inner = target.cacheLife;
        if (inner?.revalidateSeconds !== undefined && inner.revalidateSeconds < outer.revalidateSeconds) {
          return {
            messageId: "nestedLifetimeOverride",
            span: outer.span,
            data: {
              outer: fn.name,
              profile: outer.profile,
              outerTime: formatDuration(outer.revalidateSeconds * 1000),
              inner: target.name,
              where: formatLocation(inner.span),
              innerProfile: inner.profile,
              innerTime: formatDuration(inner.revalidateSeconds * 1000),
            },
          };
        }
        next.push(target);
      }
    }
    frontier = next;
  }
  return undefined;
}
