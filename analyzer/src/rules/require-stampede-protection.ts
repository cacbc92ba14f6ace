// A hot cache entry (one fixed key, or a few keys) refilled from a database or an HTTP source after each miss, with
// nothing that lets one caller refill while the others wait: when it expires, every request at that moment runs the
// loader (a cache stampede, or dogpile). And many keys written in a loop with one identical TTL: they all expire at
// the same moment. Pure: reads the refills, key counts and sites the program model recorded.
import { formatDuration } from "../format/duration";
import { isTestFile } from "../program-model/file-kinds";
import { isOpaquePattern, splitPattern } from "../program-model/key-patterns";
import { FAMILIES_OPTION, findEffectiveRole, findPolicyProblem, type FamilyDeclaration } from "../program-model/policy";
import type { CacheSite, FunctionFacts } from "../model/cache-model";
import type { CacheFamily, FamilyRefill, ProgramModel } from "../model/program-model";
import { defineRule, type RuleReport } from "../model/rule";

export interface RequireStampedeProtectionOptions {
  families: FamilyDeclaration[];
  singleFlightHelpers: string[];
  maxHotKeys: number;
  checkInProcessCaches: boolean;
  checkTtlJitter: boolean;
}

const messages = {
  hotKey:
    "When `{{family}}` expires, every request at that moment {{load}} until one refill lands: nothing in `{{function}}` lets one caller refill while the others wait. Take a lock around the refill (`SET … NX` with an expiry), put a single-flight in front (the library's `wrap`/`getOrSet`/`fetch`, p-memoize), or serve the stale value while one caller refreshes it.",
  hotFamily:
    "`{{family}}` has only {{count}} keys, each read by many requests: when one expires, every request for it at that moment {{load}} until one refill lands, and nothing in `{{function}}` lets one caller refill while the others wait. Take a lock around the refill (`SET … NX` with an expiry), put a single-flight in front (the library's `wrap`/`getOrSet`/`fetch`, p-memoize), or serve the stale value while one caller refreshes it.",
  sameTtlInLoop:
    "`{{family}}` keys are written in a loop with one TTL ({{ttl}}): they all expire at the same moment, and the reads after it all miss together. Add a random jitter to each key's TTL (e.g. `ttl + Math.floor(Math.random() * ttl / 10)`).",
} as const;

type Report = RuleReport<typeof messages>;

export const requireStampedeProtection = defineRule<RequireStampedeProtectionOptions, typeof messages>({
  id: "require-stampede-protection",
  description:
    "Require a lock, single-flight or stale-while-revalidate on hot cache entries refilled from a database or HTTP source, and jittered TTLs on keys written together.",
  recommended: "warn",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      families: FAMILIES_OPTION,
      singleFlightHelpers: {
        type: "array",
        items: { type: "string" },
        description:
          "Names of the project's own lock or single-flight functions (`withRefreshLock`, `dedupe`): a refill that calls one, or is called through one, is protected.",
      },
      maxHotKeys: {
        type: "integer",
        minimum: 1,
        description:
          "A family with at most this many keys (from its holes' literal or enum types) is hot: each key is read by many requests.",
      },
      checkInProcessCaches: {
        type: "boolean",
        description:
          "Also check in-process caches (lru-cache, node-cache…), where a stampede is one load per process rather than per request.",
      },
      checkTtlJitter: {
        type: "boolean",
        description: "Report keys written in a loop with one constant TTL (they all expire together).",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: {
    families: [],
    singleFlightHelpers: [],
    maxHotKeys: 16,
    checkInProcessCaches: false,
    checkTtlJitter: true,
  },
  validateOptions: (options) => findPolicyProblem(options.families, undefined),
  check(model, context) {
    if (isTestFile(model.file)) return [];
    const program = context.getProgramModel();
    const { options } = context;
    const findings: Report[] = [];
    const isChecked = (family: CacheFamily) =>
      (family.kind === "redis" ||
        family.kind === "remote-kv" ||
        (family.kind === "in-process" && options.checkInProcessCaches)) &&
      findEffectiveRole(family, options.families).role === "cache";
    const helpers = new Set(options.singleFlightHelpers);
    const sites = new Map<string, CacheSite>();
    for (const site of [...model.sites, ...(program.wrapperCallSitesByFile.get(model.file) ?? [])])
      if (!sites.has(site.id)) sites.set(site.id, site);
    for (const { family, refill } of findRefillsIn(program, model.file)) {
      if (!isChecked(family) || family.keyCount === undefined || family.keyCount > options.maxHotKeys) continue;
      if (!isExposed(refill) || callsHelper(refill, program.functions, helpers)) continue;
      const source = refill.source!;
      const load =
        source.kind === "database"
          ? `queries the database (\`${source.name}\`)`
          : `sends the HTTP request at ${context.formatLocation(source.span)}`;
      const span = sites.get(refill.siteId)?.calleeSpan ?? refill.span;
      const common = { family: family.label, load, function: refill.enclosingFunction };
      findings.push(
        family.keyCount === 1
          ? { messageId: "hotKey", data: common, span, familyIds: [family.id] }
          : {
              messageId: "hotFamily",
              data: { ...common, count: String(family.keyCount) },
              span,
              familyIds: [family.id],
            },
      );
    }
    if (options.checkTtlJitter) {
      for (const site of model.sites) {
        if (!writesManyKeysWithOneTtl(site)) continue;
        const family = (program.familiesOfSite.get(site.id) ?? [])
          .map((id) => program.familiesById.get(id))
          .find((candidate): candidate is CacheFamily => candidate !== undefined && isChecked(candidate));
        if (!family || site.ttl.kind !== "set" || site.ttl.ms === undefined) continue;
        findings.push({
          messageId: "sameTtlInLoop",
          data: { family: family.label, ttl: formatDuration(site.ttl.ms) },
          span: site.calleeSpan,
          familyIds: [family.id],
        });
      }
    }
    return findings;
  },
});

/**
 * A refill that expires, loads from a costly source, and has no guard. One row read by its key (`findUnique`, a
 * first row by an index) costs little even when every concurrent caller runs it: only reads of many rows or
 * aggregates, and HTTP requests, are a stampede risk.
 */
function isExposed(refill: FamilyRefill): boolean {
  if (refill.guard || !refill.source) return false;
  if (refill.source.kind === "database" && !refill.source.collection) return false;
  return refill.ttl.kind === "set" && (refill.ttl.ms === undefined || Number.isFinite(refill.ttl.ms));
}

/** The refill calls one of the project's own lock or single-flight helpers, or is called through one. */
function callsHelper(
  refill: FamilyRefill,
  functions: ReadonlyMap<string, FunctionFacts>,
  helpers: ReadonlySet<string>,
): boolean {
  if (helpers.size === 0) return false;
  const lastName = (name: string) => name.split(".").at(-1) ?? name;
  return refill.scope.some((id) =>
    (functions.get(id)?.calls ?? []).some(
      (call) => helpers.has(call.targetName) || helpers.has(lastName(call.targetName)),
    ),
  );
}

/** A write (or an EXPIRE) run once per element of a collection, of keys with holes, with one constant TTL. */
function writesManyKeysWithOneTtl(site: CacheSite): boolean {
  if (!site.inLoop || (site.operation !== "write" && site.operation !== "expire")) return false;
  if (site.keyParameter !== undefined || site.ttlParameter !== undefined || site.setIfAbsent) return false;
  // A key with literal text and holes: many keys of one family. An opaque key (`redis.expire(key, …)`) says neither.
  if (!site.key || isOpaquePattern(site.key.pattern) || splitPattern(site.key.pattern).holes.length === 0) return false;
  const ttl = site.ttl;
  return ttl.kind === "set" && ttl.ms !== undefined && Number.isFinite(ttl.ms) && ttl.ms > 0;
}

/** By program: the refills whose write sits in each file, with their family. */
const refillsByProgram = new WeakMap<ProgramModel, Map<string, Array<{ family: CacheFamily; refill: FamilyRefill }>>>();

function findRefillsIn(program: ProgramModel, file: string): Array<{ family: CacheFamily; refill: FamilyRefill }> {
  let byFile = refillsByProgram.get(program);
  if (!byFile) {
    byFile = new Map();
    for (const family of program.families) {
      const seen = new Set<string>();
      for (const refill of family.refills ?? []) {
        if (seen.has(refill.siteId)) continue;
        seen.add(refill.siteId);
        const list = byFile.get(refill.span.file);
        if (list) list.push({ family, refill });
        else byFile.set(refill.span.file, [{ family, refill }]);
      }
    }
    refillsByProgram.set(program, byFile);
  }
  return byFile.get(file) ?? [];
}
