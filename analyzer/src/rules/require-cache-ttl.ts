// A cache write that can live forever: Redis keys without expiry, in-process caches
// with no default TTL, async memoizers without max age, `unstable_cache` that never
// revalidates, a NestJS cache module without ttl.
import type { CacheSite, InstanceInfo } from "../model/cache-model";
import { defineRule, findingOf, type RuleContext, type RuleReport, type SuggestionReport } from "../model/rule";
import {
  REDIS_CONSUMING_COMMANDS,
  REDIS_STRING_COMMANDS,
  REDIS_TTL_DROPPING_COMMANDS,
} from "../libraries/redis-protocol";
import { isTestCode } from "../program-model/file-kinds";
import { fixText } from "../libraries/adapter";
import { describeRedisCall, getFixes, getMemoizerAdapter, getRemoteStoreAdapter } from "../libraries/registry";
import type { CacheFamily, ProgramModel } from "../model/program-model";
import { formatDuration } from "../format/duration";
import { isWrapperCallSite } from "../program-model/wrapper-sites";
import { namespaceOf, splitPattern } from "../program-model/key-patterns";
import { holdsData } from "../program-model/roles";
import { FAMILIES_OPTION, findEffectiveRole, findPolicyProblem, type FamilyDeclaration } from "../program-model/policy";
import { getProgramIndex, type FamilyWriteFacts } from "../program-model/program-index";
import { isUnboundedCache, memoizerOwner } from "./shared/defect-owners";

export interface RequireCacheTtlOptions {
  families: FamilyDeclaration[];
  checkRedis: boolean;
  checkMemcached: boolean;
  checkCollections: boolean;
  checkInProcessCaches: boolean;
  checkBoundedCaches: boolean;
  checkMemoizers: boolean;
  checkFrameworks: boolean;
}

const messages = {
  redisWithoutTtl:
    "`{{command}}` writes `{{key}}` with no expiry, so the key lives until something deletes it{{why}}. {{fix}}",
  redisOutlivesSibling:
    "`{{command}}` writes `{{key}}` with no expiry, but `{{sibling}}`, keyed by the same values, expires after {{ttl}}: once it is gone this key is left behind for good. {{fix}}",
  redisLeak:
    "`{{command}}` writes `{{key}}`, {{domain}}, with no expiry, and nothing deletes it: a key is left behind for each one and the keyspace grows without end. {{fix}}",
  redisMultiWithoutTtl:
    "`{{command}}` writes keys with no expiry and cannot set one; expire each key afterwards or use SET with EX in a pipeline.",
  redisTtlDropped:
    "This `{{command}}` is handed an expiry (`{{ttl}}`), but `{{name}}.{{method}}` (at {{where}}) does not take it: the helper never passes it on, and {{what}} written with no expiry. {{fix}}",
  inProcessForever:
    "`{{name}}.{{method}}` stores `{{key}}` forever: `{{name}}` (built at {{where}}) has neither a bound nor a default TTL and this call passes no TTL. {{fix}}",
  inProcessWithoutTtl:
    "`{{name}}.{{method}}` keeps `{{key}}` until evicted ({{bound}}) with no expiry: `{{name}}` (built at {{where}}) has no default TTL and this call passes none, and the value {{source}}, so a changed row is served stale until the entry is pushed out. {{fix}}",
  classTtlUnused:
    "`{{className}}` is given a TTL (`{{ttlParameter}}`, kept as `this.{{field}}`) but never passes it on: this `{{method}}` leaves it out, while `{{heldClass}}.{{method}}` (at {{where}}) takes one as its {{position}} argument (`{{ttlArgumentName}}`). The entry gets the store's default expiry, so the configured TTL has no effect. Pass `this.{{field}}` to `{{held}}.{{method}}`.",
  inProcessTtlDropped:
    "This `{{method}}` passes a TTL ({{ttl}}), but `{{name}}.{{method}}` is replaced at {{where}} by a function that does not pass it on: `{{key}}` is stored with no expiry ({{fallback}}). Pass the TTL through in the replacement.",
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
      families: FAMILIES_OPTION,
      checkRedis: { type: "boolean", description: "Check Redis writes (SET, HSET, SADD, …) for an expiry." },
      checkMemcached: {
        type: "boolean",
        description:
          "Check Memcached writes (memjs, memcached, @keyv/memcache, and a Keyv or cache-manager over it) for an expiry.",
      },
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
  validateOptions: (options) => findPolicyProblem(options.families, undefined),
  defaultOptions: {
    families: [],
    checkRedis: true,
    checkMemcached: true,
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
    const program = context.getProgramModel();
    // A pass-through wrapper (`save(key, value)`) is judged at its callers, where the key is known.
    const wrapperCalls = program.wrapperCallSitesByFile.get(model.file) ?? [];
    const withCalls = wrapperCalls.length > 0 ? { ...model, sites: [...model.sites, ...wrapperCalls] } : model;
    const scope = new RedisSiteIndex(withCalls.sites);
    for (const site of withCalls.sites) {
      if (site.kind === "redis" && options.checkRedis) findings.push(...checkRedisWrite(site, scope, program, context));
      else if (site.kind === "remote-kv" && options.checkMemcached)
        findings.push(...checkRemoteStoreWrite(site, program, context));
      else if (site.kind === "in-process" && options.checkInProcessCaches)
        findings.push(...checkInProcessWrite(site, program, context));
      else if (site.operation === "memoize" && site.kind === "memoizer" && options.checkMemoizers)
        findings.push(...checkMemoizer(site));
      else if (site.kind === "framework" && options.checkFrameworks) findings.push(...checkFramework(site));
    }
    if (options.checkInProcessCaches)
      for (const gap of model.unusedTtls ?? [])
        findings.push(
          finding(gap.span, "classTtlUnused", {
            className: gap.className,
            ttlParameter: gap.ttlParameter,
            field: gap.field,
            method: gap.method,
            heldClass: gap.heldClass,
            held: gap.held,
            where: context.formatLocation(gap.declaredAt),
            position: ["third", "fourth", "fifth"][gap.ttlArgument - 3] ?? `${gap.ttlArgument}th`,
            ttlArgumentName: gap.ttlArgumentName,
          }),
        );
    return findings;
  },
});

function checkRedisWrite(
  site: CacheSite,
  scope: RedisSiteIndex,
  program: ProgramModel,
  context: RuleContext<RequireCacheTtlOptions>,
): Report[] {
  if (site.operation !== "write" || site.ttl.kind !== "none") return [];
  if (!context.options.checkCollections && !REDIS_STRING_COMMANDS.has(site.method)) return [];
  // The wrapper's own write, whose key its callers give: reported at those calls (or not at all without callers).
  if (site.keyParameter !== undefined) return [];
  const command = describeRedisCall(site);
  const multi = site.method === "mset" || site.method === "msetnx";
  // The caller asked for an expiry that a project helper over the command throws away: reported without a family.
  if (site.droppedTtl && site.instance) {
    if (scope.hasLaterExpiry(site, !multi)) return [];
    return [
      finding(site.calleeSpan, "redisTtlDropped", {
        command,
        ttl: site.droppedTtl.text,
        name: site.instance.name ?? site.library,
        method: site.droppedTtl.method ?? site.method,
        where: context.formatLocation(site.droppedTtl.replacedAt),
        what: multi || !site.key ? "the keys are" : `\`${site.key.pattern}\` is`,
        fix: multi
          ? `${command} cannot take an expiry: expire each key afterwards, or write them with SET and EX in a pipeline.`
          : "Pass the options on to the command in the helper.",
      }),
    ];
  }
  if (multi) {
    if (scope.hasLaterExpiry(site, false)) return [];
    return [finding(site.calleeSpan, "redisMultiWithoutTtl", { command })];
  }
  if (!site.key) return [];
  if (scope.hasLaterExpiry(site, true)) return [];
  // A key that a consumer pops is a queue or a stream, not a cache entry.
  if (scope.isConsumedKey(site)) return [];
  const family = findFamily(site, program);
  const verdict = family ? judgeFamily(site, family, program, context.options.families) : undefined;
  if (!verdict) return [];
  const suggestions: Array<SuggestionReport<typeof messages>> = [];
  if (site.ttlInsertion && site.keyParameter === undefined && !isWrapperCallSite(site)) {
    suggestions.push({
      messageId: "suggestRedisTtl",
      data: { placeholder: "TTL_SECONDS" },
      edits: [{ start: site.ttlInsertion.at, end: site.ttlInsertion.at, text: site.ttlInsertion.text }],
    });
  }
  const fix = describeRedisFix(site);
  const familyIds = family ? [family.id] : undefined;
  if (verdict.kind === "outlives")
    return [
      {
        messageId: "redisOutlivesSibling",
        data: { command, key: site.key.pattern, sibling: verdict.sibling, ttl: verdict.ttl, fix },
        span: site.calleeSpan,
        suggestions,
        ...(familyIds ? { familyIds } : {}),
      },
    ];
  if (verdict.kind === "leak")
    return [
      {
        messageId: "redisLeak",
        data: { command, key: site.key.pattern, domain: verdict.domain, fix },
        span: site.calleeSpan,
        suggestions,
        ...(familyIds ? { familyIds } : {}),
      },
    ];
  return [
    {
      messageId: "redisWithoutTtl",
      data: { command, key: site.key.pattern, why: describeOmittedTtl(site) + verdict.why, fix },
      span: site.calleeSpan,
      suggestions,
      ...(familyIds ? { familyIds } : {}),
    },
  ];
}

/**
 * A write to a shared store that is not Redis (Memcached) with no expiry of its own and none by default: judged by its
 * family as a Redis write is. Memcached has no command that keeps or adds an expiry after the write but `touch`, which
 * is read as an invalidation, so the write itself must carry one.
 */
function checkRemoteStoreWrite(
  site: CacheSite,
  program: ProgramModel,
  context: RuleContext<RequireCacheTtlOptions>,
): Report[] {
  if (site.operation !== "write" || site.ttl.kind !== "none" || !site.key) return [];
  if (site.keyParameter !== undefined) return [];
  // The client's (or the Keyv's) default expiry applies, or one that cannot be read may be there: options that cannot
  // be read may hold one (a Keyv's `ttl`), unless the library has no default expiry at all (memcached).
  const instance = site.instance;
  if (!instance || instance.defaultTtl.kind !== "none") return [];
  if (instance.optionsOpaque && getRemoteStoreAdapter(instance.library)?.hasDefaultTtl !== false) return [];
  const family = findFamily(site, program);
  const verdict = family ? judgeFamily(site, family, program, context.options.families) : undefined;
  if (!family || !verdict) return [];
  const command = site.method.toUpperCase();
  const fix = fixText(getFixes(site.library).ttl) ?? "Set an expiry on the key.";
  const familyIds = [family.id];
  if (verdict.kind === "outlives")
    return [
      finding(
        site.calleeSpan,
        "redisOutlivesSibling",
        { command, key: site.key.pattern, sibling: verdict.sibling, ttl: verdict.ttl, fix },
        { familyIds },
      ),
    ];
  if (verdict.kind === "leak")
    return [
      finding(
        site.calleeSpan,
        "redisLeak",
        { command, key: site.key.pattern, domain: verdict.domain, fix },
        { familyIds },
      ),
    ];
  return [
    finding(
      site.calleeSpan,
      "redisWithoutTtl",
      { command, key: site.key.pattern, why: verdict.why, fix },
      { familyIds },
    ),
  ];
}

type Verdict =
  | { kind: "leak"; domain: string }
  | { kind: "stale"; why: string }
  | { kind: "outlives"; sibling: string; ttl: string };

/**
 * Another family keyed by the same holes (`check:base:{id}` beside `check:data:{id}`) that expires: the two describe
 * one thing, and this one is left behind when the other goes. Only families that hold data (not a lock's TTL).
 */
function findExpiringSibling(
  family: CacheFamily,
  program: ProgramModel,
  declarations: readonly FamilyDeclaration[],
): { family: CacheFamily; ttl: string } | undefined {
  const holes = splitPattern(family.pattern).holes;
  if (holes.length === 0 || namespaceOf(family.pattern) === "") return undefined;
  // Same kind, library and holes, and one namespace (`check:base:{id}`, `check:data:{id}`): two keys about the same
  // thing, not two features that happen to be keyed by the same account.
  for (const other of getProgramIndex(program).findFamiliesKeyedLike(family)) {
    if (other === family) continue;
    const role = findEffectiveRole(other, declarations).role;
    if (!holdsData(role)) continue;
    const finite = other.ttls.filter((ttl) => ttl.kind === "set" && ttl.ms !== undefined && ttl.ms !== Infinity);
    if (finite.length === 0 || finite.length !== other.ttls.length) continue;
    return { family: other, ttl: formatDuration(Math.max(...finite.map((ttl) => ttl.ms!))) };
  }
  return undefined;
}

/** The site's family (the first by label when it has several, as `families` lists them). */
function findFamily(site: CacheSite, program: ProgramModel): CacheFamily | undefined {
  const families = (program.familiesOfSite.get(site.id) ?? []).flatMap((id) => program.familiesById.get(id) ?? []);
  return families.sort((a, b) => a.label.localeCompare(b.label))[0];
}

/**
 * Whether a write without expiry is a defect, from what its family is: a cache of data that can change (it can be
 * served stale forever), or a key per request, token or job that nothing deletes (a leak). Fixed keys of state,
 * counters, locks, markers, job state and stores of data that lives only in Redis need no expiry.
 */
function judgeFamily(
  site: CacheSite,
  family: CacheFamily,
  program: ProgramModel,
  declarations: readonly FamilyDeclaration[],
): Verdict | undefined {
  const { role, evidence } = findEffectiveRole(family, declarations);
  if (role === "queue") return undefined;
  const facts = getProgramIndex(program).getWriteFacts(family);
  // One defect, one finding: another write of the family sets a TTL, and `consistent-cache-ttl` reports this one.
  if (hasTtlElsewhere(site, facts)) return undefined;
  // A thin save helper whose callers set the expiry right after calling it.
  if (everyCallerExpires(site, facts, program)) return undefined;
  if (family.keyDomain === "ephemeral") {
    // Deleted somewhere (a checkout completed, a session ended): the key has an end. An EXPIRE elsewhere does not
    // say this write's key gets one.
    if (family.invalidations.some((ref) => ref.operation === "delete")) return undefined;
    return { kind: "leak", domain: family.keyDomainEvidence };
  }
  if (!holdsData(role)) return undefined;
  if (family.volatility === "snapshot") return undefined;
  if (family.volatility === "source") {
    const held = family.entities.filter((entity) => entity.readByKey).map((entity) => `\`${entity.displayName}\``);
    return {
      kind: "stale",
      why: `; it holds ${held.join(", ")} data, so a write that misses its invalidation leaves the old value there for good`,
    };
  }
  if (role === "cache")
    return {
      kind: "stale",
      why: `; it is a cache (${evidence.replace(/ \(([^()]*)\)$/, ", $1")}), so a stale or wrong value is never refreshed`,
    };
  // Keys written for the same thing (`check:base:{id}` expires in 7 d, `check:data:{id}` never): this one outlives it.
  const sibling = findExpiringSibling(family, program, declarations);
  if (sibling) return { kind: "outlives", sibling: sibling.family.label, ttl: sibling.ttl };
  // Written and never read here: a cache that another reader fills from, with nothing to say it is anything else.
  if (role === "unknown" && family.writes.length > 0) return { kind: "stale", why: "" };
  return undefined;
}

/** A wrapper's write that runs without expiry when its TTL option is missing, at a call that leaves it out. */
function describeOmittedTtl(site: CacheSite): string {
  const omitted = site.ttlOmitted;
  if (!omitted) return "";
  return `; \`${omitted.wrapper}\` writes without one when \`${omitted.option}\` is missing, and ${omitted.by}`;
}

/** Another write of the family gives its keys a TTL (set, or one that could not be read). */
function hasTtlElsewhere(site: CacheSite, facts: FamilyWriteFacts): boolean {
  // The other write is the same wrapper's branch for when the option is given: at this call it is not.
  if (site.ttlOmitted) return false;
  // consistent-cache-ttl leaves out a command that keeps the key's TTL (`HSET` beside `HSET` + `EXPIRE`): reported here.
  if (site.kind === "redis" && !REDIS_TTL_DROPPING_COMMANDS.has(site.method)) return false;
  const { total, bySite } = facts.expiringWriteTtls;
  return total - (bySite.get(site.id) ?? 0) > 0;
}

/** Every caller of the writing function also expires the family (itself, or through a function it calls). */
function everyCallerExpires(site: CacheSite, facts: FamilyWriteFacts, program: ProgramModel): boolean {
  const expiring = facts.expiringFunctions;
  if (expiring.size === 0) return false;
  const callers = program.callers.get(site.functionId) ?? [];
  if (callers.length === 0) return false;
  return callers.every(
    (caller) =>
      expiring.has(caller) || (program.functions.get(caller)?.calls ?? []).some((call) => expiring.has(call.target)),
  );
}

function describeRedisFix(site: CacheSite): string {
  if (site.method !== "set")
    return `Call EXPIRE on \`${site.key?.pattern}\` after writing it, in the same function or pipeline.`;
  return fixText(getFixes(site.library).ttl) ?? "Set an expiry on the key.";
}

/**
 * A file's Redis sites that set an expiry, by function and by pipeline/transaction, and the keys its consumers pop:
 * looked up for each write instead of scanning the file's sites (a generated file can hold tens of thousands).
 */
class RedisSiteIndex {
  /** Sites that set an expiry, by scope (see `scopesOf`), and by scope and key text or key pattern (see `bucketOf`). */
  private readonly expiring = new Map<string, CacheSite[]>();
  private readonly consumedTexts = new Set<string>();
  private readonly consumedPatterns = new Set<string>();

  constructor(sites: readonly CacheSite[]) {
    for (const site of sites) {
      if (site.kind !== "redis") continue;
      if (REDIS_CONSUMING_COMMANDS.has(site.method) && site.key) {
        this.consumedTexts.add(site.key.text);
        this.consumedPatterns.add(site.key.pattern);
      }
      const setsExpiry =
        site.operation === "expire" ||
        (site.operation === "write" && (site.ttl.kind === "set" || site.ttl.kind === "keep"));
      if (!setsExpiry) continue;
      for (const scope of scopesOf(site)) {
        this.add(bucketOf(scope), site);
        if (site.key) {
          this.add(bucketOf(scope, "text", site.key.text), site);
          this.add(bucketOf(scope, "pattern", site.key.pattern), site);
        }
      }
    }
  }

  /**
   * An expiry (on the same key with `sameKey`) later in the same function, or in the same pipeline/transaction (or
   * an earlier write with a TTL, for commands that keep it). One key: the same text or the same pattern.
   */
  hasLaterExpiry(site: CacheSite, sameKey: boolean): boolean {
    const key = site.key;
    if (sameKey && !key) return false;
    const candidates = scopesOf(site).flatMap((scope) =>
      key && sameKey
        ? [...this.get(bucketOf(scope, "text", key.text)), ...this.get(bucketOf(scope, "pattern", key.pattern))]
        : this.get(bucketOf(scope)),
    );
    return candidates.some((other) => {
      if (other === site) return false;
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
      return sameBatch || later || earlierCreation;
    });
  }

  /** A consumer pops the key (the same text or pattern): a queue or a stream. */
  isConsumedKey(site: CacheSite): boolean {
    return (
      site.key !== undefined && (this.consumedTexts.has(site.key.text) || this.consumedPatterns.has(site.key.pattern))
    );
  }

  private add(key: string, site: CacheSite): void {
    const list = this.expiring.get(key);
    if (list) list.push(site);
    else this.expiring.set(key, [site]);
  }

  private get(key: string): readonly CacheSite[] {
    return this.expiring.get(key) ?? [];
  }
}

/** The scopes an expiry can share with a write: its function, and its pipeline or transaction. */
function scopesOf(site: CacheSite): Array<["function" | "batch", string]> {
  return site.batchId === undefined
    ? [["function", site.functionId]]
    : [
        ["function", site.functionId],
        ["batch", site.batchId],
      ];
}

function bucketOf(scope: ["function" | "batch", string], by?: "text" | "pattern", key?: string): string {
  return JSON.stringify(by === undefined ? scope : [...scope, by, key]);
}

function checkInProcessWrite(
  site: CacheSite,
  program: ProgramModel,
  context: RuleContext<RequireCacheTtlOptions>,
): Report[] {
  const instance = site.instance;
  if (site.operation !== "write" || !instance || site.ttl.kind !== "none") return [];
  // The caller asked for an expiry that an override of the method throws away: reported whatever the bound.
  if (site.droppedTtl && instance.constructedAt !== undefined && !instance.optionsOpaque) {
    return [
      finding(site.calleeSpan, "inProcessTtlDropped", {
        name: instance.name ?? site.library,
        method: site.method,
        ttl: `\`${site.droppedTtl.text}\``,
        where: context.formatLocation(site.droppedTtl.replacedAt),
        key: site.key?.pattern ?? "<dynamic key>",
        fallback:
          instance.bound.kind === "none"
            ? `\`${instance.name ?? site.library}\` has neither a bound nor a default TTL`
            : `\`${instance.name ?? site.library}\` has no default TTL: it stays until evicted`,
      }),
    ];
  }
  if (!isForeverInstance(instance)) return [];
  const fix = fixText(getFixes(site.library).ttl);
  if (!fix || site.method === "prime") return [];
  if (instance.bound.kind === "none") {
    // One defect, one finding: `require-cache-bound` reports the construction ("no size bound and no TTL").
    if (isUnboundedCache(site.library, instance)) return [];
    return [
      finding(site.calleeSpan, "inProcessForever", {
        name: instance.name ?? site.library,
        method: site.method,
        key: site.key?.pattern ?? "<dynamic key>",
        where: instance.constructedAt ? context.formatLocation(instance.constructedAt) : "an unknown place",
        fix,
      }),
    ];
  }
  if (!context.options.checkBoundedCaches) return [];
  // A bounded cache needs an expiry only when its values can go stale: a copy of a row read by the key. A pure
  // value (a decoded token, a compiled pattern), a live object or an entry carrying its own deadline needs none.
  const family = findFamily(site, program);
  if (!family || family.volatility !== "source") return [];
  const held = family.entities.filter((entity) => entity.readByKey).map((entity) => `\`${entity.displayName}\``);
  return [
    finding(
      site.calleeSpan,
      "inProcessWithoutTtl",
      {
        name: instance.name ?? site.library,
        method: site.method,
        key: site.key?.pattern ?? "<dynamic key>",
        bound: describeBound(instance.bound),
        where: instance.constructedAt ? context.formatLocation(instance.constructedAt) : "an unknown place",
        source: `holds ${held.join(", ")} data`,
        fix,
      },
      { familyIds: [family.id] },
    ),
  ];
}

function describeBound(bound: InstanceInfo["bound"]): string {
  if (bound.kind === "entries") return `max ${bound.value ?? bound.text} entries`;
  if (bound.kind === "bytes") return `max ${bound.value ?? bound.text} bytes`;
  return "its size bound";
}

/** The instance's construction is known and sets no default TTL. */
function isForeverInstance(instance: InstanceInfo): boolean {
  return instance.constructedAt !== undefined && !instance.optionsOpaque && instance.defaultTtl.kind === "none";
}

function checkMemoizer(site: CacheSite): Report[] {
  // One defect, one finding: a memoizer that also keeps rejections or grows without bound is reported by that rule.
  if (memoizerOwner(site) !== "require-cache-ttl") return [];
  const memoize = site.memoize!;
  const adapter = getMemoizerAdapter(site.library)!;
  const fix = fixText(adapter.fixes.ttl);
  if (!fix || !memoize.fn) return [];
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
