// Before family assignment: generic wrappers' sites are moved to the calls of the wrapper.
import type { CacheSite, FunctionFacts, OptionalArgument, TtlGuard, ValueSources } from "../model/cache-model";
import { mergeValueSources, selectArgumentSources } from "../extract/value-sources";

/** Separates a wrapper site's id from the position of the call that stands for it. */
const WRAPPER_CALL_MARK = "@";

/** A site at a call of a generic wrapper, standing for the wrapper's own site with the caller's key. */
export function isWrapperCallSite(site: CacheSite): boolean {
  return site.id.includes(WRAPPER_CALL_MARK);
}

/** Wrapper layers followed up from a cache call whose key is a parameter (`getDataOrSet(key)` → `getData(key)` → `redis.get(key)`). */
const MAX_WRAPPER_DEPTH = 3;

/**
 * A generic wrapper (`get(key) { return redis.get(key) }`) has no family of its own: each call to it
 * with a readable key (`cache.get(\`user:${id}\`)`) is a site of that key's family, at the call,
 * with the value its caller passes.
 */
export function expandWrapperSites(
  sites: CacheSite[],
  functions: ReadonlyMap<string, FunctionFacts>,
  callers: ReadonlyMap<string, string[]>,
): CacheSite[] {
  const result: CacheSite[] = [];
  const queue = sites.map((site) => ({ site, depth: 0 }));
  // A call that is a cache site itself (a facade's `get`, read as the cache it forwards to) stands for the wrapper already.
  const siteCalls = new Set(sites.map((site) => `${site.span.file}:${site.span.start}`));
  // A read position rather than `shift()`, which moves every element of a long queue (a program's every site).
  for (let next = 0; next < queue.length; next++) {
    const { site, depth } = queue[next]!;
    const index = site.keyParameter;
    const siteCallers = callers.get(site.functionId) ?? [];
    // Without callers the wrapper's own site stands (a key we cannot read); with callers, each call replaces it.
    if (index === undefined || siteCallers.length === 0 || depth >= MAX_WRAPPER_DEPTH) {
      result.push(site);
      continue;
    }
    for (const caller of siteCallers) {
      const facts = functions.get(caller);
      for (const call of facts?.calls ?? []) {
        if (call.target !== site.functionId || siteCalls.has(`${call.span.file}:${call.span.start}`)) continue;
        const readable = call.argumentKeys[index];
        const opaque = !readable || /^(\{[^{}]*\})+$/.test(readable.pattern);
        // An unreadable key at the call keeps the wrapper's behaviour (a wildcard delete), but at the caller.
        const key = opaque ? site.key : readable;
        const sources = site.valueSources?.parameters
          .map(
            (parameter) =>
              call.arguments[parameter] &&
              selectArgumentSources(call.arguments[parameter], site.valueSources!.parameterFields[parameter]),
          )
          .filter((s): s is ValueSources => s !== undefined);
        // The caller passes its own parameter on as the key: one more wrapper layer, follow its callers too.
        const forwarded = opaque ? call.arguments[index]?.parameters : undefined;
        const ttl = readCallerTtl(site, call);
        // A write that runs only when a TTL option is missing: dropped where this call gives the option.
        const omitted = site.ttlGuard
          ? readOmittedTtl(site, site.ttlGuard, call, caller, facts!, functions, callers)
          : {};
        if (omitted === undefined) continue;
        const expanded: CacheSite = {
          ...site,
          id: `${site.id}${WRAPPER_CALL_MARK}${call.span.file}:${call.span.start}`,
          key,
          span: call.span,
          calleeSpan: call.span,
          functionId: caller,
          enclosingFunction: facts!.name,
          // The innermost call: with two wrapper layers, the cache call itself.
          wrapped: site.wrapped ?? {
            span: site.span,
            calleeSpan: site.calleeSpan,
            enclosingFunction: site.enclosingFunction,
          },
          keyParameter: forwarded?.length === 1 ? forwarded[0] : undefined,
          ...ttl,
          ...omitted,
          valueSources: site.valueSources ? mergeValueSources(sources!) : undefined,
        };
        if (expanded.keyParameter !== undefined) queue.push({ site: expanded, depth: depth + 1 });
        else result.push(expanded);
      }
    }
  }
  return result;
}

/**
 * The TTL a caller passes to a wrapper whose TTL is its parameter (`fetch(key, load, 86400)`): the folded number in the
 * wrapper's unit, or the caller's own parameter (one more layer). Nothing changes when the caller passes no such value.
 */
function readCallerTtl(
  site: CacheSite,
  call: FunctionFacts["calls"][number],
): Partial<Pick<CacheSite, "ttl" | "ttlParameter">> {
  const index = site.ttlParameter;
  if (index === undefined || site.ttl.kind !== "set") return {};
  const value = call.argumentNumbers?.[index];
  if (value !== undefined && value !== null) {
    const unit = site.ttl.unit;
    const ms = unit === "s" ? value * 1000 : unit === "ms" ? value : undefined;
    return { ttl: { kind: "set", ms, text: String(value), unit }, ttlParameter: undefined };
  }
  const forwarded = call.arguments[index]?.parameters;
  return { ttlParameter: forwarded?.length === 1 ? forwarded[0] : undefined };
}

type OptionState = "given" | "omitted" | { parameter: number; field?: string };

/** What a call gives for a guarded option: the guard's parameter, then its field when it is a destructured one. */
function readOption(call: FunctionFacts["calls"][number], guard: Pick<TtlGuard, "parameter" | "field">): OptionState {
  const argument: OptionalArgument | null | undefined = call.optionalArguments?.[guard.parameter];
  if (argument === undefined || argument === null || argument === "given") return "given";
  if (argument === "omitted") return "omitted";
  if ("fields" in argument) {
    if (guard.field === undefined) return "given";
    const field = argument.fields[guard.field];
    if (field === undefined || field === "omitted") return "omitted";
    if (field === "given" || "fields" in field) return "given";
    return field;
  }
  // The caller's own parameter passed on whole: the same field of it.
  if (argument.field !== undefined) return guard.field === undefined ? argument : "given";
  return { parameter: argument.parameter, ...(guard.field !== undefined ? { field: guard.field } : {}) };
}

/**
 * At a call of a wrapper whose write without expiry runs only when a TTL option is missing: undefined (the write does
 * not run here) when the call gives the option; otherwise what the expanded site carries. An option the caller passes
 * on from its own parameter without default is missing when one of the caller's callers leaves it out, or when the
 * caller has none in the program; with one more wrapper layer above, the guard moves to the caller's parameter.
 */
function readOmittedTtl(
  site: CacheSite,
  guard: TtlGuard,
  call: FunctionFacts["calls"][number],
  caller: string,
  facts: FunctionFacts,
  functions: ReadonlyMap<string, FunctionFacts>,
  callers: ReadonlyMap<string, string[]>,
): Partial<Pick<CacheSite, "ttlGuard" | "ttlOmitted">> | undefined {
  const state = readOption(call, guard);
  const wrapper = site.enclosingFunction ?? "the wrapper";
  const option = guard.name;
  if (state === "given") return undefined;
  if (state === "omitted")
    return { ttlGuard: undefined, ttlOmitted: { option, wrapper, by: "this call leaves it out" } };
  const name = (guard.field ?? option) === option ? option : (guard.field ?? option);
  const upper = (callers.get(caller) ?? []).flatMap((id) =>
    (functions.get(id)?.calls ?? []).filter((c) => c.target === caller).map((c) => readOption(c, state)),
  );
  const leaving = upper.filter((s) => s !== "given").length;
  if (upper.length > 0 && leaving === 0) return undefined;
  const by =
    upper.length === 0
      ? `\`${facts.name}\` passes on its own \`${name}\`, which has no default`
      : `\`${facts.name}\` passes on its own \`${name}\`, which has no default, and ${leaving} of the ${upper.length} calls to it leave it out`;
  return { ttlGuard: { ...state, name }, ttlOmitted: { option, wrapper, by } };
}
