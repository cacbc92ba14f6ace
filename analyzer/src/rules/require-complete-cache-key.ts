// The cache key must cover every input the cached value depends on: memoizers that key on
// part of the arguments, identity-keyed caches fed fresh objects, `unstable_cache` closures,
// and hand-built cache-aside whose key leaves out a parameter of the value.
import type { CacheSite, FileCacheModel, KeyGap, Span } from "../model/cache-model";
import { defineRule, findingOf, type RuleContext, type RuleReport } from "../model/rule";
import { getMemoizerAdapter, isRequestScoped } from "../libraries/registry";
import { isTestFile } from "../program-model/file-kinds";

export interface RequireCompleteCacheKeyOptions {
  checkMemoizers: boolean;
  checkCacheAside: boolean;
  checkFrameworkCaches: boolean;
  checkIdentityCaches: boolean;
}

const messages = {
  firstArgumentOnly:
    "`{{name}}` takes {{parameters}}, but {{library}} keys its cache on the first argument only: calls that differ in `{{ignored}}` get the first caller's result. Pass {{fix}}.",
  lengthKeyed:
    "`{{name}}` has {{parameters}}, and {{library}} keys its cache on the first `fn.length` ({{length}}) arguments: {{consequence}}. {{fix}}",
  freshIdentityArgument:
    "`{{cache}}` keys objects by identity, and `{{argument}}` is a new object on every call: the cache never hits. Pass primitives, or an object that is created once.",
  unstableResolverKey:
    "The resolver of `{{name}}` returns {{result}} on every call, and {{library}} compares keys by identity: the cache never hits and grows with every call. Return a string, e.g. `` `${a}:${b}` ``.",
  capturedNotInKeyParts:
    "The function cached by `unstable_cache` uses `{{inputs}}` from the surrounding function, but neither its arguments nor `keyParts` include {{them}}: every caller shares the first caller's result. Add {{them}} to `keyParts`, or pass {{them}} as arguments.",
  inputMissingFromKey:
    "The value cached under `{{cache}}` is computed from `{{inputs}}`, which the key does not contain: callers that differ only in {{them}} get the first caller's value. Add {{them}} to the key.",
  singleSlotIgnoresInput:
    "The module variable `{{cache}}` caches one value for every call, but the value is computed from `{{inputs}}`, which each call passes: the cache has no key, so callers that pass something else get the first caller's value. Keep a value per input (a `Map` keyed by {{them}}), or compute it once from values that do not change between calls.",
  sharedWithStoreMirror:
    "This fill writes `{{key}}` with a value it computes from what `{{read}}` reads, but `{{other}}` is filled under the same keys with what `{{mirror}}` reads under the key itself ({{at}}): two different values under one key, so a read gets whichever was cached first. Give this value a key of its own.",
  keyFunctionMissingField:
    "The key function of `{{cache}}` keys each request by `{{keyInputs}}`, but the batch function also reads `{{inputs}}`: requests that differ only in {{them}} get the first request's cached value. Add {{them}} to the key.",
} as const;

type Report = RuleReport<typeof messages>;
const finding = findingOf(messages);

export const requireCompleteCacheKey = defineRule<RequireCompleteCacheKeyOptions, typeof messages>({
  id: "require-complete-cache-key",
  description: "Require cache keys to cover every input the cached value depends on.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      checkMemoizers: {
        type: "boolean",
        description:
          "Check memoizers that key on the first argument or on `fn.length`, and resolvers that return a new object or a Promise.",
      },
      checkCacheAside: {
        type: "boolean",
        description:
          "Check hand-built cache-aside (Redis, in-process caches, Maps), read-through factories and batch loaders' key functions (DataLoader `cacheKeyFn`) for inputs missing from the key.",
      },
      checkFrameworkCaches: {
        type: "boolean",
        description: "Check Next.js `unstable_cache` closures against `keyParts`.",
      },
      checkIdentityCaches: {
        type: "boolean",
        description:
          "Check identity-keyed caches (React `cache`, reselect `weakMapMemoize`, `WeakMap`) called with freshly created objects.",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: {
    checkMemoizers: true,
    checkCacheAside: true,
    checkFrameworkCaches: true,
    checkIdentityCaches: true,
  },
  check(model, context) {
    const { options } = context;
    const findings: Report[] = [];
    if (options.checkMemoizers) {
      for (const site of model.sites) {
        const finding = checkMemoizer(site);
        if (finding) findings.push(finding);
      }
    }
    for (const gap of model.keyGaps) {
      if (
        (gap.kind === "input-missing-from-key" ||
          gap.kind === "key-function-missing-field" ||
          gap.kind === "single-slot-ignores-input") &&
        !options.checkCacheAside
      )
        continue;
      if (gap.kind === "captured-not-in-key-parts" && !options.checkFrameworkCaches) continue;
      if (gap.kind === "fresh-identity-argument") {
        // Tests call cached functions once, outside any request: nothing to dedupe there.
        if (!options.checkIdentityCaches || isTestFile(model.file)) continue;
        // React `cache` dedupes calls within a request: a fresh object only costs something when the function is called in more than one place.
        if (
          isRequestScoped(gap.library) &&
          gap.cacheId &&
          (context.getProgramModel().freshIdentityCalls.get(gap.cacheId) ?? 0) < 2
        )
          continue;
      }
      if (gap.kind === "unstable-resolver-key" && !options.checkMemoizers) continue;
      findings.push(reportGap(gap));
    }
    if (options.checkCacheAside) findings.push(...checkStoreMirrorCollisions(model, context));
    return findings.sort((a, b) => a.span.start - b.span.start);
  },
});

/**
 * A cache-aside fill that stores a value it computes from a key-value store's reads, under a key whose family elsewhere
 * holds the store's own value for that key (a mirror, `KeyValueAccess`): one key, two different values. Only when
 * this fill reads the same store itself (its value is another computation over the same data) and is not a mirror.
 */
function checkStoreMirrorCollisions(
  model: FileCacheModel,
  context: RuleContext<RequireCompleteCacheKeyOptions>,
): Report[] {
  if (isTestFile(model.file)) return [];
  const reads = (model.keyValueAccesses ?? []).filter((access) => access.operation === "read");
  if (reads.length === 0) return [];
  const program = context.getProgramModel();
  const findings: Report[] = [];
  for (const site of model.sites) {
    if (site.operation !== "write" || site.mirrorsStore || !site.key || !site.valueSources) continue;
    const inside = (span: Span) =>
      span.file === site.span.file && span.start >= site.scopeStart && span.end <= site.scopeEnd;
    for (const familyId of program.familiesOfSite.get(site.id) ?? []) {
      const family = program.familiesById.get(familyId);
      if (!family?.refills?.some((refill) => refill.siteId === site.id && refill.strategy === "cache-aside")) continue;
      // The family itself, or another family of the same cache whose keys this one's template covers (`cid:0:children`
      // written by a call with a constant key, under `cid:{cid}:children`).
      const store = family.id.slice(0, family.id.indexOf("|"));
      const covers = toTemplateMatcher(family.pattern);
      const mirrored = program.families
        .filter((other) => other === family || (other.id.startsWith(`${store}|`) && covers.test(other.pattern)))
        .flatMap((other) => other.entities.map((entity) => ({ family: other, entity })))
        .find(({ entity }) => entity.orm === "key-value" && !inside(entity.span));
      const mirror = mirrored?.entity;
      if (!mirrored || !mirror) continue;
      const source = mirror.entity.slice(0, mirror.entity.indexOf("|", mirror.entity.indexOf("#")));
      const own = reads.find((read) => read.store === source && inside(read.span));
      if (!own) continue;
      findings.push(
        finding(site.calleeSpan, "sharedWithStoreMirror", {
          key: site.key.label ?? site.key.pattern,
          other: mirrored.family.label,
          at: context.formatLocation(mirror.span),
          mirror: mirror.displayName.split(" ")[0]!,
          read: own.name,
        }),
      );
      break;
    }
  }
  return findings;
}

/** A pattern's holes as any text (`cid:{cid}:children` matches `cid:0:children` and `cid:{parentCid}:children`). */
function toTemplateMatcher(pattern: string): RegExp {
  const parts = pattern.split(/\{[^{}]*\}/).map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("(?:[^:]+|\\{[^{}]*\\})")}$`);
}

function checkMemoizer(site: CacheSite): Report | undefined {
  const memoize = site.memoize;
  const fn = memoize?.fn;
  if (site.operation !== "memoize" || !memoize || !fn || memoize.optionsOpaque) return undefined;
  const parameters = fn.hasRestParameter
    ? fn.parameterCount > 1
      ? `${fn.parameterCount} parameters including a rest parameter`
      : "a rest parameter"
    : `${fn.parameterCount} parameters`;
  const name = fn.name ?? "this function";
  if (memoize.keying === "first-argument" && (fn.parameterCount > 1 || fn.hasRestParameter)) {
    const ignored =
      fn.hasRestParameter && fn.parameterCount === 1
        ? `${fn.parameterNames[0] ?? "args"}[1…]`
        : fn.parameterNames.slice(1).join("`, `");
    return finding(site.calleeSpan, "firstArgumentOnly", {
      name,
      parameters,
      library: site.library,
      ignored,
      fix: getMemoizerAdapter(site.library)?.completeKeyFix ?? "a key function that combines every argument",
    });
  }
  if (memoize.keying !== "function-length") return undefined;
  const covered = fn.length;
  const lengthKeying = getMemoizerAdapter(site.library)?.lengthKeying;
  if (lengthKeying === "before-defaults") {
    if (!fn.hasDefaultParameter && !fn.hasRestParameter) return undefined;
    const ignored = fn.parameterNames.slice(covered);
    const consequence =
      covered === 0
        ? "every argument is ignored and all calls share one result"
        : `\`${ignored.join("`, `")}\` ${ignored.length === 1 ? "is" : "are"} ignored`;
    const fix = fn.hasRestParameter
      ? "Pass `length: false` to key on every argument."
      : `Pass \`length: ${fn.parameterCount}\`.`;
    return finding(site.calleeSpan, "lengthKeyed", {
      name,
      parameters: describeOptional(fn.hasDefaultParameter, fn.hasRestParameter, parameters),
      library: site.library,
      length: String(covered),
      consequence,
      fix,
    });
  }
  if (lengthKeying === "single-argument-strategy") {
    // fast-memoize uses its single-argument strategy exactly when fn.length is 1.
    if (covered !== 1 || (fn.parameterCount <= 1 && !fn.hasRestParameter)) return undefined;
    const ignored = fn.parameterNames.slice(1);
    return finding(site.calleeSpan, "lengthKeyed", {
      name,
      parameters: describeOptional(fn.hasDefaultParameter, fn.hasRestParameter, parameters),
      library: site.library,
      length: "1",
      consequence: `it uses the single-argument strategy, so \`${ignored.join("`, `")}\` ${ignored.length === 1 ? "is" : "are"} ignored`,
      fix: "Pass `strategy: memoize.strategies.variadic`.",
    });
  }
  return undefined;
}

function describeOptional(hasDefault: boolean, hasRest: boolean, parameters: string): string {
  if (hasDefault && hasRest) return `${parameters}, with defaults`;
  if (hasDefault) return `${parameters}, with a default value`;
  return parameters;
}

function reportGap(gap: KeyGap): Report {
  const them = gap.inputs.length === 1 ? "it" : "them";
  switch (gap.kind) {
    case "fresh-identity-argument":
      return finding(gap.span, "freshIdentityArgument", { cache: gap.cache, argument: gap.inputs[0] ?? "" });
    case "unstable-resolver-key":
      return finding(gap.span, "unstableResolverKey", {
        name: gap.cache,
        library: gap.library,
        result: gap.inputs[0] ?? "a new object",
      });
    case "captured-not-in-key-parts":
      return finding(gap.span, "capturedNotInKeyParts", { inputs: gap.inputs.join("`, `"), them });
    case "input-missing-from-key":
      return finding(gap.span, "inputMissingFromKey", { cache: gap.cache, inputs: gap.inputs.join("`, `"), them });
    case "single-slot-ignores-input":
      return finding(gap.span, "singleSlotIgnoresInput", { cache: gap.cache, inputs: gap.inputs.join("`, `"), them });
    case "key-function-missing-field":
      return finding(gap.span, "keyFunctionMissingField", {
        cache: gap.cache,
        keyInputs: (gap.keyInputs ?? []).join("`, `"),
        inputs: gap.inputs.join("`, `"),
        them,
      });
  }
}
