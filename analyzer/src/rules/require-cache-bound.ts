// A memoizer or in-process cache that can grow without limit: no max entries or size
// and no TTL, on a key domain that is not provably finite.
import type { CacheSite, MapCache, Span } from "../model/cache-model";
import { defineRule, findingOf, type RuleReport } from "../model/rule";
import { isTestFile } from "../program-model/file-kinds";
import { fixText } from "../libraries/adapter";
import { getFixes, getMemoizerAdapter, isRequestScoped } from "../libraries/registry";
import { isUnboundedCache, memoizerOwner } from "./shared/defect-owners";
import type { ProgramModel } from "../model/program-model";
import { findEphemeralHole } from "../program-model/roles";

export interface RequireCacheBoundOptions {
  checkMemoizers: boolean;
  checkInProcessCaches: boolean;
  checkMapCaches: boolean;
  checkDataLoaders: boolean;
}

const messages = {
  unboundedMemoizer:
    "`{{name}}` is memoized with {{library}}, which keeps every {{keyDescription}} forever: the cache grows with each new argument. Add {{option}}.",
  unboundedCache:
    "`{{name}}` ({{library}}) has no size bound and no TTL, so it grows with every new key. Add {{option}}.",
  unboundedMapCache:
    "`{{name}}` is a module-level Map used as a cache (written at {{where}}) that nothing ever deletes from or clears: it grows with every new key. Use a bounded cache (e.g. lru-cache with `max`) or evict entries.",
  expiringMapGrows:
    "`{{name}}` keeps an entry per `{{hole}}` (written at {{where}}) with its own expiry, but an expired entry is only replaced when the same key comes back, never removed: the map grows with every new `{{hole}}`. Delete expired entries (a periodic sweep), or use a bounded cache (e.g. lru-cache with `max` and `ttl`).",
  sharedDataLoader:
    "`{{name}}` is a long-lived DataLoader: its cache keeps every loaded key forever and shares results across requests. Create it per request, or pass `cache: false` or a bounded `cacheMap`.",
} as const;

type Report = RuleReport<typeof messages>;
const finding = findingOf(messages);

export const requireCacheBound = defineRule<RequireCacheBoundOptions, typeof messages>({
  id: "require-cache-bound",
  description:
    "Require a size bound or an expiry on long-lived memoizers and in-process caches, so that they cannot grow without limit.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      checkMemoizers: { type: "boolean", description: "Check module-level and class-level memoizers." },
      checkInProcessCaches: {
        type: "boolean",
        description:
          "Check long-lived in-process cache instances (tiny-lru, node-cache, keyv, cacheable, cache-manager).",
      },
      checkMapCaches: { type: "boolean", description: "Check module-level `Map`s and objects used as caches." },
      checkDataLoaders: { type: "boolean", description: "Check long-lived DataLoader instances." },
    },
    additionalProperties: false,
  },
  defaultOptions: { checkMemoizers: true, checkInProcessCaches: true, checkMapCaches: true, checkDataLoaders: true },
  check(model, context) {
    // A key or cache in a test lives for one test run: no expiry or bound to forget.
    // A one-shot script's or a seed's process exits when it is done.
    if (isTestFile(model.file)) return [];
    const { options } = context;
    const findings: Report[] = [];
    for (const site of model.sites) {
      if (site.operation === "memoize" && site.kind === "memoizer" && options.checkMemoizers)
        findings.push(...checkMemoizer(site));
      if (site.operation === "construct" && site.kind === "in-process") {
        if (isRequestScoped(site.library)) {
          if (options.checkDataLoaders) findings.push(...checkDataLoader(site));
        } else if (options.checkInProcessCaches) findings.push(...checkCache(site));
      }
    }
    if (options.checkMapCaches) {
      for (const mapCache of model.mapCaches)
        findings.push(...checkMapCache(mapCache, context.formatLocation, () => context.getProgramModel()));
    }
    return findings;
  },
});

function checkMemoizer(site: CacheSite): Report[] {
  // `no-cached-rejection` reports an async memoizer that also keeps rejections, with the missing bound folded in.
  if (memoizerOwner(site) !== "require-cache-bound") return [];
  const memoize = site.memoize!;
  const adapter = getMemoizerAdapter(site.library);
  const option =
    fixText(adapter?.fixes.bound ?? { notApplicable: "" }) ??
    "a bounded cache, or use a memoizer with a size limit (moize, memoizee `max`)";
  const keyDescription =
    memoize.keying === "first-argument" ? "first argument it has seen" : "argument combination it has seen";
  return [
    finding(site.calleeSpan, "unboundedMemoizer", {
      name: memoize.fn?.name ?? "this function",
      library: site.library,
      keyDescription,
      option,
    }),
  ];
}

function checkCache(site: CacheSite): Report[] {
  const instance = site.instance;
  if (!instance || !isUnboundedCache(site.library, instance)) return [];
  const option = fixText(getFixes(site.library).bound)!;
  return [
    finding(instance.optionsAt ?? site.calleeSpan, "unboundedCache", {
      name: instance.name ?? site.library,
      library: site.library,
      option,
    }),
  ];
}

function checkDataLoader(site: CacheSite): Report[] {
  const instance = site.instance;
  if (!instance || instance.optionsOpaque || instance.bound.kind !== "none") return [];
  if (instance.lifetime !== "module" && instance.lifetime !== "class") return [];
  // A DataLoader field on a request-scoped object is fine; only module-level ones are shared for sure.
  if (instance.lifetime === "class") return [];
  return [finding(site.calleeSpan, "sharedDataLoader", { name: instance.name ?? "DataLoader" })];
}

function checkMapCache(
  mapCache: MapCache,
  formatLocation: (span: Span) => string,
  getProgramModel: () => ProgramModel,
): Report[] {
  if (mapCache.evicts || mapCache.exported || mapCache.hasFiniteKeyDomain) return [];
  // A map in a browser tab lives as long as the page; a pool of constructed clients is a registry, not a cache.
  if (mapCache.browserOnly || mapCache.holdsInstances) return [];
  if (mapCache.entriesExpire) {
    // Entries that carry their own deadline are replaced when their key comes back: the map holds one entry per key
    // it has seen. Keyed by rows (a team, a currency, a flag) that is bounded by the data; keyed per request, IP or
    // token it grows without end.
    const hole = findEphemeralHole(collectKeyHoles(mapCache, getProgramModel()));
    if (!hole) return [];
    return [
      {
        messageId: "expiringMapGrows",
        data: { name: mapCache.name, hole, where: formatLocation(mapCache.writes[0]!) },
        span: mapCache.span,
      },
    ];
  }
  return [
    {
      messageId: "unboundedMapCache",
      data: { name: mapCache.name, where: formatLocation(mapCache.writes[0]!) },
      span: mapCache.span,
    },
  ];
}

/** The holes of a Map cache's keys: at its writes, or at the calls of the function whose parameter is the key. */
function collectKeyHoles(mapCache: MapCache, program: ProgramModel): string[] {
  const holes: string[] = [];
  const holesOf = (key: { parts: Array<{ kind: string; text?: string }> } | undefined) => {
    for (const part of key?.parts ?? []) if (part.kind === "hole" && part.text) holes.push(part.text);
  };
  for (const write of mapCache.sites.filter((site) => site.operation === "write")) {
    const index = mapCache.keyParameters[write.id];
    const calls =
      index === undefined
        ? []
        : (program.callers.get(write.functionId) ?? []).flatMap((caller) =>
            (program.functions.get(caller)?.calls ?? []).filter((call) => call.target === write.functionId),
          );
    // Callers that pass a plain variable (`this.toolsFor(shareToken)`) give no readable key: the parameter's own name
    // says what the key is.
    const readable = calls.map((call) => call.argumentKeys[index!]).filter((key) => key !== undefined);
    if (readable.length === 0) holesOf(write.key);
    for (const key of readable) holesOf(key);
  }
  return holes;
}
