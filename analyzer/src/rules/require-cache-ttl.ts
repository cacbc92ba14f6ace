// A cache write that can live forever: Redis keys without expiry, in-process caches
// with no default TTL, async memoizers without max age, `unstable_cache` that never
// revalidates, a NestJS cache module without ttl.
import type { CacheSite, FileCacheModel, InstanceInfo } from "../model/cache-model";
import { defineRule, findingOf, type RuleContext, type RuleReport, type SuggestionReport } from "../model/rule";
import {
  REDIS_CONSUMING_COMMANDS,
  REDIS_STRING_COMMANDS,
  REDIS_TTL_DROPPING_COMMANDS,
} from "../libraries/redis-protocol";
import { isTestCode } from "../program-model/file-kinds";
import { fixText } from "../libraries/adapter";
import { getFixes, getMemoizerAdapter } from "../libraries/registry";

export interface RequireCacheTtlOptions {
  checkRedis: boolean;
  checkCollections: boolean;
  checkInProcessCaches: boolean;
  checkBoundedCaches: boolean;
  checkMemoizers: boolean;
  checkFrameworks: boolean;
}

const messages = {
  redisWithoutTtl:
    "`{{command}}` writes `{{key}}` with no expiry, so the key lives until something deletes it. {{fix}}",
  redisMultiWithoutTtl:
    "`{{command}}` writes keys with no expiry and cannot set one; expire each key afterwards or use SET with EX in a pipeline.",
  inProcessWithoutTtl:
    "`{{name}}.{{method}}` stores `{{key}}` forever: `{{name}}` (built at {{where}}) has no default TTL and this call passes none. {{fix}}",
  memoizerWithoutMaxAge:
    "`{{name}}` memoizes an async function with {{library}} and no expiry: the first result is served until the process restarts. {{fix}}",
  unstableCacheWithoutRevalidate:
    "`unstable_cache` without `revalidate` or `tags` caches this result until the next deployment. Add `revalidate` (seconds) or `tags` that a write revalidates.",
  nestModuleWithoutTtl:
    "`CacheModule.{{method}}` without `ttl`: cached responses never expire. Add `ttl` (milliseconds with cache-manager ≥ 5).",
  suggestRedisTtl: "Add an expiry to this write (replace `{{placeholder}}` with the number of seconds).",
} as const;

type Report = RuleReport<typeof messages>;
const finding = findingOf(messages);

export const requireCacheTtl = defineRule<RequireCacheTtlOptions, typeof messages>({
  id: "require-cache-ttl",
  description: "Require an expiry on cache writes, so that cached values cannot live forever.",
  recommended: "error",
  hasSuggestions: true,
  messages,
  schema: {
    type: "object",
    properties: {
      checkRedis: { type: "boolean", description: "Check Redis writes (SET, HSET, SADD, …) for an expiry." },
      checkCollections: {
        type: "boolean",
        description: "Also check collection writes (hashes, sets, sorted sets, lists, streams), not only string keys.",
      },
      checkInProcessCaches: {
        type: "boolean",
        description:
          "Check `set` on in-process and multi-tier caches (lru-cache, node-cache, keyv, cacheable, cache-manager, …).",
      },
      checkBoundedCaches: {
        type: "boolean",
        description:
          "Also report in-process caches that have a size bound but no TTL (their entries can still be served stale forever).",
      },
      checkMemoizers: { type: "boolean", description: "Check memoizers of async functions for a max age." },
      checkFrameworks: {
        type: "boolean",
        description: "Check Next.js `unstable_cache` and NestJS `CacheModule` registrations.",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: {
    checkRedis: true,
    checkCollections: true,
    checkInProcessCaches: true,
    checkBoundedCaches: true,
    checkMemoizers: true,
    checkFrameworks: true,
  },
  check(model, context) {
    // A key or cache in a test lives for one test run: no expiry or bound to forget.
    if (isTestCode(model.file)) return [];
    const findings: Report[] = [];
    const { options } = context;
    for (const site of model.sites) {
      if (site.kind === "redis" && options.checkRedis) findings.push(...checkRedisWrite(site, model, context));
      else if (site.kind === "in-process" && options.checkInProcessCaches)
        findings.push(...checkInProcessWrite(site, context));
      else if (site.operation === "memoize" && site.kind === "memoizer" && options.checkMemoizers)
        findings.push(...checkMemoizer(site));
      else if (site.kind === "framework" && options.checkFrameworks) findings.push(...checkFramework(site));
    }
    return findings;
  },
});

function checkRedisWrite(
  site: CacheSite,
  model: FileCacheModel,
  context: RuleContext<RequireCacheTtlOptions>,
): Report[] {
  if (site.operation !== "write" || site.ttl.kind !== "none") return [];
  if (!context.options.checkCollections && !REDIS_STRING_COMMANDS.has(site.method)) return [];
  const command = site.method.toUpperCase();
  if (site.method === "mset" || site.method === "msetnx") {
    if (hasLaterExpiryInScope(site, model, () => true)) return [];
    return [finding(site.calleeSpan, "redisMultiWithoutTtl", { command })];
  }
  if (!site.key) return [];
  if (hasLaterExpiryInScope(site, model, (other) => sameKey(site, other))) return [];
  // A key that a consumer pops is a queue or a stream, not a cache entry.
  if (isConsumedKey(site, model)) return [];
  const suggestions: Array<SuggestionReport<typeof messages>> = [];
  if (site.ttlInsertion) {
    suggestions.push({
      messageId: "suggestRedisTtl",
      data: { placeholder: "TTL_SECONDS" },
      edits: [{ start: site.ttlInsertion.at, end: site.ttlInsertion.at, text: site.ttlInsertion.text }],
    });
  }
  return [
    {
      messageId: "redisWithoutTtl",
      data: { command, key: site.key.pattern, fix: describeRedisFix(site) },
      span: site.calleeSpan,
      suggestions,
    },
  ];
}

function describeRedisFix(site: CacheSite): string {
  if (site.method !== "set")
    return `Call EXPIRE on \`${site.key?.pattern}\` after writing it, in the same function or pipeline.`;
  return fixText(getFixes(site.library).ttl) ?? "Set an expiry on the key.";
}

/** An expiry on the same key later in the same function, or in the same pipeline/transaction (or an earlier write with a TTL, for commands that keep it). */
function hasLaterExpiryInScope(
  site: CacheSite,
  model: FileCacheModel,
  matches: (other: CacheSite) => boolean,
): boolean {
  return model.sites.some((other) => {
    if (other === site || other.kind !== "redis") return false;
    const sameBatch = site.batchId !== undefined && other.batchId === site.batchId;
    const inScope = other.functionId === site.functionId;
    const later = inScope && other.calleeSpan.start > site.calleeSpan.start;
    // `SET k 0 NX EX 60` then `INCR k`: INCR (unlike SET) keeps the expiry an earlier write gave the key.
    const earlierCreation =
      inScope &&
      other.calleeSpan.start < site.calleeSpan.start &&
      !REDIS_TTL_DROPPING_COMMANDS.has(site.method) &&
      other.operation === "write" &&
      other.ttl.kind === "set";
    if (!sameBatch && !later && !earlierCreation) return false;
    const setsExpiry =
      other.operation === "expire" ||
      (other.operation === "write" && (other.ttl.kind === "set" || other.ttl.kind === "keep"));
    return setsExpiry && matches(other);
  });
}

function sameKey(site: CacheSite, other: CacheSite): boolean {
  if (!site.key || !other.key) return false;
  return site.key.text === other.key.text || site.key.pattern === other.key.pattern;
}

function isConsumedKey(site: CacheSite, model: FileCacheModel): boolean {
  return model.sites.some(
    (other) =>
      other.kind === "redis" &&
      REDIS_CONSUMING_COMMANDS.has(other.method) &&
      other.key !== undefined &&
      sameKey(site, other),
  );
}

function checkInProcessWrite(site: CacheSite, context: RuleContext<RequireCacheTtlOptions>): Report[] {
  const instance = site.instance;
  if (site.operation !== "write" || !instance || site.ttl.kind !== "none") return [];
  if (!isForeverInstance(instance)) return [];
  if (!context.options.checkBoundedCaches && instance.bound.kind !== "none") return [];
  const fix = fixText(getFixes(site.library).ttl);
  if (!fix || site.method === "prime") return [];
  return [
    finding(site.calleeSpan, "inProcessWithoutTtl", {
      name: instance.name ?? site.library,
      method: site.method,
      key: site.key?.pattern ?? "<dynamic key>",
      where: instance.constructedAt ? context.formatLocation(instance.constructedAt) : "an unknown place",
      fix,
    }),
  ];
}

/** The instance's construction is known and sets no default TTL. */
function isForeverInstance(instance: InstanceInfo): boolean {
  return instance.constructedAt !== undefined && !instance.optionsOpaque && instance.defaultTtl.kind === "none";
}

function checkMemoizer(site: CacheSite): Report[] {
  const memoize = site.memoize;
  if (!memoize || !memoize.fn?.isAsync) return [];
  const adapter = getMemoizerAdapter(site.library);
  if (!adapter?.keepsForever) return [];
  if (memoize.optionsOpaque || memoize.customCache || memoize.maxAge.kind !== "none") return [];
  // A memoizer created inside a function dies with it; only long-lived ones keep results forever.
  if (memoize.lifetime !== "module" && memoize.lifetime !== "class") return [];
  const fix = fixText(adapter.fixes.ttl);
  if (!fix) return [];
  return [
    finding(site.calleeSpan, "memoizerWithoutMaxAge", {
      name: memoize.fn.name ?? "this function",
      library: site.library,
      fix,
    }),
  ];
}

function checkFramework(site: CacheSite): Report[] {
  // `unstable_cache` is the framework site that carries revalidation facts.
  if (site.framework) {
    const { revalidate, tags } = site.framework;
    if (revalidate !== "false" && revalidate.kind === "none" && !tags)
      return [finding(site.calleeSpan, "unstableCacheWithoutRevalidate", {})];
    return [];
  }
  // The only framework construction is NestJS's `CacheModule.register`.
  if (site.operation === "construct" && site.instance?.defaultTtl.kind === "none") {
    return [finding(site.calleeSpan, "nestModuleWithoutTtl", { method: site.method })];
  }
  return [];
}
