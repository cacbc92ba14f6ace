// A cache outage must not become an application outage: a cache read or write whose error fails a function that
// also reads the source the cache is filled from (a read before the load: the function could have loaded instead;
// a write after it: the function loses the row it already has). Extraction records, per call that can throw, how
// the code around it handles the error (`CacheSite.storeFailure`) and, per call of a project function, whether the
// caller catches it (`recovered`); this rule only queries them.
import type { CacheSite, EntityAccess, FunctionFacts, Span } from "../model/cache-model";
import type { CacheFamily, ProgramModel } from "../model/program-model";
import { defineRule, type RuleReport } from "../model/rule";
import { collectReachable, MAX_CALL_DEPTH } from "../program-model/call-index";
import { isTestCode } from "../program-model/file-kinds";
import { FAMILIES_OPTION, findEffectiveRole, findPolicyProblem, type FamilyDeclaration } from "../program-model/policy";
import { getAdapter } from "../libraries/registry";

export interface RequireCacheFallbackOptions {
  /**
   * The project's own helpers whose calls count as guarding (they turn a cache error into a miss): a function name
   * (`safeCache`, `CacheService.get`), or a file and a name (`src/lib/cache.ts#withFallback`).
   */
  fallbackHelpers: string[];
  /** Packages whose calls guard what runs inside them (a circuit breaker's `execute`/`fire`). */
  circuitBreakers: string[];
  families: FamilyDeclaration[];
}

const messages = {
  readFails:
    "{{name}} throws instead of reading from {{source}} when the cache read fails: `{{call}}`{{via}} rejects when {{library}} cannot reach its server, and nothing on the path catches it. Catch the error and treat it as a miss, or call it through a fallback helper or a circuit breaker.",
  writeFails:
    "{{name}} loses the {{value}} it loaded from {{source}} when the cache write fails: `{{call}}`{{via}} rejects when {{library}} cannot reach its server, and nothing on the path catches it, so the call fails after the load. Catch the error (log it and return the loaded value), or call it through a fallback helper.",
} as const;

type Report = RuleReport<typeof messages>;

export const requireCacheFallback = defineRule<RequireCacheFallbackOptions, typeof messages>({
  id: "require-cache-fallback",
  description:
    "Require a fallback for cache calls that throw when the cache is down, on paths that also read the source the cache is filled from.",
  recommended: "warn",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      fallbackHelpers: {
        type: "array",
        items: { type: "string" },
        description:
          "The project's helpers whose calls count as guarding a cache call, by name (`safeCache`, `CacheService.get`) or by file and name (`src/lib/cache.ts#withFallback`).",
      },
      circuitBreakers: {
        type: "array",
        items: { type: "string" },
        description: "Packages whose calls guard the cache calls inside them (a circuit breaker with a fallback).",
      },
      families: FAMILIES_OPTION,
    },
    additionalProperties: false,
  },
  validateOptions: (options) => findPolicyProblem(options.families, undefined),
  defaultOptions: { fallbackHelpers: [], circuitBreakers: ["opossum", "cockatiel"], families: [] },
  check(model, context) {
    const candidates = model.sites.filter((site) => site.storeFailure);
    const program = context.getProgramModel();
    const wrapperCalls = (program.wrapperCallSitesByFile.get(model.file) ?? []).filter((site) => site.storeFailure);
    if ((candidates.length === 0 && wrapperCalls.length === 0) || isTestCode(model.file)) return [];
    const findings: Report[] = [];
    for (const site of [...candidates, ...wrapperCalls]) {
      const finding = checkSite(site, program, context.options);
      if (finding) findings.push(finding);
    }
    return findings;

    function checkSite(
      site: CacheSite,
      program: ProgramModel,
      options: RequireCacheFallbackOptions,
    ): Report | undefined {
      const handling = site.storeFailure!;
      if (handling.caught || handling.detached) return undefined;
      const operation = site.operation;
      if (operation !== "read" && operation !== "write") return undefined;
      const helpers = options.fallbackHelpers.map(parseHelper);
      if (handling.within.some((callee) => isGuard(callee, helpers, options.circuitBreakers))) return undefined;
      const families = (program.familiesOfSite.get(site.id) ?? [])
        .map((id) => program.familiesById.get(id))
        .filter(
          (family): family is CacheFamily =>
            family !== undefined &&
            family.entities.length > 0 &&
            findEffectiveRole(family, options.families).role === "cache",
        );
      if (families.length === 0) return undefined;
      // A write in a function that writes the source (`update` then `SET`) is a write-through, not a fill: it loses no
      // loaded row (what its failure leaves behind, a stale entry, is require-invalidation-on-write's business).
      if (operation === "write" && getFallbackIndex(program).writers.has(site.functionId)) return undefined;
      const entities = new Set(families.flatMap((family) => family.entities.map((entity) => entity.entity)));
      const position = site.span.start;
      // The function whose operation fails: the one running the call, or, for a helper that reaches no source
      // itself (`getCached(id) { return redis.get(key(id)) }`), its caller that does.
      const runner = program.functions.get(site.functionId);
      const own = findSourceLoad(program, site.functionId, entities, {
        window: findWindow(program, families, site.functionId, operation, position),
        within: handling.inlineFunction,
        depth: MAX_CALL_DEPTH - 1,
      });
      let owner: { id: string; name: string; load: EntityAccess; via: string } | undefined;
      if (own) owner = { id: site.functionId, name: runner?.name ?? site.enclosingFunction, load: own, via: "" };
      else if (!isHelper(site.functionId, runner?.name ?? site.enclosingFunction, helpers)) {
        for (const callerId of program.callers.get(site.functionId) ?? []) {
          // Top-level code that calls the helper (a router registering handlers) is not one operation.
          if (callerId.endsWith(":module")) continue;
          const caller = program.functions.get(callerId);
          for (const call of caller?.calls ?? []) {
            if (call.target !== site.functionId || call.recovered) continue;
            if (call.within?.some((callee) => isGuard(callee, helpers, options.circuitBreakers))) continue;
            // One frame up, only the caller's own reads and those of the functions it calls directly.
            const load = findSourceLoad(program, callerId, entities, {
              window: findWindow(program, families, callerId, operation, call.span.start),
              within: undefined,
              depth: 0,
            });
            if (load && caller) {
              owner ??= {
                id: callerId,
                name: caller.name,
                load,
                via: ` (in \`${runner?.name ?? site.enclosingFunction}\`, which it calls)`,
              };
            }
          }
        }
      }
      if (!owner) return undefined;
      // Handled one frame up: a caller that catches the error and goes on decides what its users see.
      if ((program.callers.get(owner.id) ?? []).some((callerId) => isCalledRecovered(program, callerId, owner!.id)))
        return undefined;
      if (isHelper(owner.id, owner.name, helpers)) return undefined;
      const data = {
        name: displayName(owner.name, site, context.formatLocation),
        source: describeSource(owner.load),
        call: describeCall(site),
        library: getAdapter(site.library).displayName,
        via: owner.via,
      };
      const familyIds = families.map((family) => family.id);
      if (operation === "read") return { messageId: "readFails", data, span: site.calleeSpan as Span, familyIds };
      return {
        messageId: "writeFails",
        data: { ...data, value: describeValue(owner.load) },
        span: site.calleeSpan as Span,
        familyIds,
      };
    }
  },
});

interface HelperSpec {
  name: string;
  file: string | undefined;
}

/** `safeCache` → any function so named; `src/lib/cache.ts#withFallback` → that name in a file ending so. */
function parseHelper(spec: string): HelperSpec {
  const hash = spec.lastIndexOf("#");
  if (hash < 0) return { name: spec, file: undefined };
  return { name: spec.slice(hash + 1), file: spec.slice(0, hash).replace(/^\.\//, "") };
}

function matchesName(name: string, spec: HelperSpec): boolean {
  return name === spec.name || name.endsWith(`.${spec.name}`) || spec.name.endsWith(`.${name}`);
}

function matchesFile(file: string | undefined, spec: HelperSpec): boolean {
  if (spec.file === undefined) return true;
  if (file === undefined) return false;
  const normalized = file.replace(/\\/g, "/");
  return normalized === spec.file || normalized.endsWith(`/${spec.file}`);
}

function isGuard(
  callee: NonNullable<CacheSite["storeFailure"]>["within"][number],
  helpers: readonly HelperSpec[],
  breakers: readonly string[],
): boolean {
  if (callee.package !== undefined && breakers.includes(callee.package)) return true;
  return helpers.some((spec) => matchesName(callee.name, spec) && matchesFile(callee.file, spec));
}

/** A function named in `fallbackHelpers`: its cache calls are the guard itself. */
function isHelper(functionId: string, name: string, helpers: readonly HelperSpec[]): boolean {
  const file = functionId.slice(0, functionId.lastIndexOf(":"));
  return helpers.some((spec) => matchesName(name, spec) && matchesFile(file, spec));
}

function isCalledRecovered(program: ProgramModel, callerId: string, targetId: string): boolean {
  return (program.functions.get(callerId)?.calls ?? []).some((call) => call.target === targetId && call.recovered);
}

/**
 * Where a load of the source is on the failing call's path, as offsets in the function: after a cache read (what
 * a miss would have loaded); before a cache write and after the function's last read of the family before it (the
 * load that filled the value, not a check made before the cache was even asked).
 */
function findWindow(
  program: ProgramModel,
  families: readonly CacheFamily[],
  functionId: string,
  operation: "read" | "write",
  position: number,
): { from: number; to: number } {
  if (operation === "read") return { from: position, to: Infinity };
  let from = -1;
  for (const family of families)
    for (const start of getFallbackIndex(program).readStarts(family, functionId))
      if (start < position && start > from) from = start;
  return { from, to: position };
}

/**
 * A read of one of the family's entities that the function makes in the window (itself, or through a call it
 * makes there, followed `depth` calls deeper). In top-level code, only inside the same inline function (one route
 * handler, not its neighbours).
 */
function findSourceLoad(
  program: ProgramModel,
  functionId: string,
  entities: ReadonlySet<string>,
  { window, within, depth }: { window: { from: number; to: number }; within: Span | undefined; depth: number },
): EntityAccess | undefined {
  const onPath = (start: number) =>
    (within === undefined || (start >= within.start && start < within.end)) && start > window.from && start < window.to;
  const direct = (program.entityReadsByFunction.get(functionId) ?? []).find(
    (read) => entities.has(read.entity) && onPath(read.span.start),
  );
  if (direct) return direct;
  const facts: FunctionFacts | undefined = program.functions.get(functionId);
  for (const call of facts?.calls ?? []) {
    if (!onPath(call.span.start)) continue;
    for (const reached of collectReachable(call.target, program.functions, depth)) {
      const read = (program.entityReadsByFunction.get(reached) ?? []).find((access) => entities.has(access.entity));
      if (read) return read;
    }
  }
  return undefined;
}

/** `getUser` as code; a function without a name (a route handler written inline) by where it is. */
function displayName(name: string, site: CacheSite, formatLocation: (span: Span) => string): string {
  if (!name.startsWith("<")) return `\`${name}\``;
  const inline = site.storeFailure?.inlineFunction;
  return inline ? `The function at ${formatLocation(inline)}` : `The code at ${formatLocation(site.span)}`;
}

function describeSource(load: EntityAccess): string {
  return `the database (\`${load.displayName}\`)`;
}

function describeValue(load: EntityAccess): string {
  return `\`${load.displayName}\` data`;
}

function describeCall(site: CacheSite): string {
  const receiver = site.instance?.name;
  return receiver ? `${receiver}.${site.method}` : site.method;
}

interface FallbackIndex {
  /** Functions that write the source of truth. */
  writers: ReadonlySet<string>;
  /** The offsets of a family's reads in one function. */
  readStarts(family: CacheFamily, functionId: string): readonly number[];
}

const fallbackIndexes = new WeakMap<ProgramModel, FallbackIndex>();

/** Built once per program model (rules run once per file: a scan of every write or read per site is quadratic). */
function getFallbackIndex(program: ProgramModel): FallbackIndex {
  let index = fallbackIndexes.get(program);
  if (!index) {
    const writers = new Set(program.entityWrites.map((write) => write.functionId));
    const byFamily = new Map<CacheFamily, Map<string, number[]>>();
    index = {
      writers,
      readStarts(family, functionId) {
        let byFunction = byFamily.get(family);
        if (!byFunction) {
          byFunction = new Map();
          for (const read of family.reads) {
            const list = byFunction.get(read.functionId);
            if (list) list.push(read.span.start);
            else byFunction.set(read.functionId, [read.span.start]);
          }
          byFamily.set(family, byFunction);
        }
        return byFunction.get(functionId) ?? [];
      },
    };
    fallbackIndexes.set(program, index);
  }
  return index;
}
