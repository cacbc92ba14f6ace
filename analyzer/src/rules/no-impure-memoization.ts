// A memoized function must be a function of its arguments: no clock, randomness,
// environment or mutable state read at call time, and no side effects.
import type { CacheSite, Impurity, ImpurityKind, Span } from "../model/cache-model";
import { defineRule, findingOf, type RuleReport } from "../model/rule";

export interface NoImpureMemoizationOptions {
  depth: number;
  allowLogging: boolean;
  checkEnvironment: boolean;
}

const MESSAGE_BY_KIND: Record<ImpurityKind, keyof typeof messages> = {
  time: "readsTime",
  random: "readsRandom",
  environment: "readsEnvironment",
  "mutable-state": "readsMutableState",
  "outer-write": "writesOuterState",
  "argument-mutation": "mutatesArgument",
  io: "performsIo",
  logging: "logs",
};

const messages = {
  readsTime:
    "`{{name}}` is memoized but{{via}} reads the clock (`{{subject}}`): every later call returns the time of the first one.",
  readsRandom:
    "`{{name}}` is memoized but{{via}} uses randomness (`{{subject}}`): every later call returns the first value drawn.",
  readsEnvironment:
    "`{{name}}` is memoized but{{via}} reads `{{subject}}` at call time: later changes are ignored. Read it once at module load, or pass it as an argument.",
  readsMutableState:
    "`{{name}}` is memoized but{{via}} reads `{{subject}}`, {{how}} in `{{writer}}` ({{writerLocation}}): cached results go stale when it changes.",
  writesOuterState:
    "`{{name}}` is memoized but{{via}} writes `{{subject}}`: the side effect runs only on a cache miss.",
  mutatesArgument:
    "`{{name}}` is memoized but{{via}} mutates its argument (`{{subject}}`): callers served from the cache skip the mutation.",
  performsIo:
    "`{{name}}` is memoized synchronously but{{via}} performs I/O (`{{subject}}`): the result is frozen at the first call. Use an async memoizer or a cache with a TTL.",
  logs: "`{{name}}` is memoized but{{via}} logs (`{{subject}}`): the log line appears only on a cache miss.",
} as const;

type Report = RuleReport<typeof messages>;
const finding = findingOf(messages);

export const noImpureMemoization = defineRule<NoImpureMemoizationOptions, typeof messages>({
  id: "no-impure-memoization",
  description:
    "Disallow memoizing functions whose result depends on more than their arguments (time, randomness, environment, mutable state) or that have side effects.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      depth: {
        type: "integer",
        minimum: 0,
        maximum: 6,
        description:
          "How many calls into the project's own functions to follow (0: only the memoized function's own body).",
      },
      allowLogging: {
        type: "boolean",
        description: "Allow logging (`console`, pino, winston, NestJS `Logger`…) inside memoized functions.",
      },
      checkEnvironment: {
        type: "boolean",
        description: "Report `process.env` read at call time inside memoized functions.",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: { depth: 3, allowLogging: true, checkEnvironment: true },
  check(model, context) {
    const findings: Report[] = [];
    for (const site of model.sites) {
      if (site.operation !== "memoize" || !site.memoize?.fn) continue;
      // A memoizer that lives for one call or one request (React `cache`) does not outlive the state it reads.
      if (site.memoize.lifetime === "local") continue;
      findings.push(...checkSite(site, context.options, context.formatLocation));
    }
    return findings;
  },
});

function checkSite(
  site: CacheSite,
  options: NoImpureMemoizationOptions,
  formatLocation: (span: Span) => string,
): Report[] {
  const fn = site.memoize!.fn!;
  const findings: Report[] = [];
  const reported = new Set<string>();
  for (const impurity of fn.impurities) {
    if (impurity.chain.length > options.depth) continue;
    if (impurity.kind === "logging" && options.allowLogging) continue;
    if (impurity.kind === "environment" && !options.checkEnvironment) continue;
    // Caching I/O is what async memoizers are for; their freshness is the TTL rules' concern.
    if (impurity.kind === "io" && fn.isAsync) continue;
    // The same holds for an async loader over an in-memory store (a Map, a repository's rows):
    // its contents changing is data changing, not impurity. Reassigned variables still count.
    if (impurity.kind === "mutable-state" && fn.isAsync && impurity.writtenIn?.how === "modified") continue;
    // A clock read that sets a query's time window, in a cache that expires (`revalidate: 30`, `maxAge`), is a
    // window refreshed on purpose: the result is at most one expiry old, not "the time of the first call".
    if (impurity.kind === "time" && impurity.queryInput && expires(site)) continue;
    // The same for a fetch that reads the clock or the environment somewhere down its calls (a service computing
    // "now" for its query, a client reading its token): in a cache that expires, the result is at most one expiry
    // old, which is what the expiry is for. Read directly by the memoized function, they stay reported.
    if (
      (impurity.kind === "time" || impurity.kind === "environment") &&
      impurity.chain.length > 0 &&
      fn.isAsync &&
      expires(site)
    )
      continue;
    const key = `${impurity.kind}|${impurity.subject}`;
    if (reported.has(key)) continue;
    reported.add(key);
    findings.push(
      finding(chooseSpan(site, impurity), MESSAGE_BY_KIND[impurity.kind], describe(site, impurity, formatLocation)),
    );
  }
  return findings;
}

/** The memoized results expire: a max age, or a framework cache that revalidates after a known time. */
function expires(site: CacheSite): boolean {
  if (site.memoize?.maxAge.kind === "set") return true;
  const revalidate = site.framework?.revalidate;
  return revalidate !== undefined && revalidate !== "false" && revalidate.kind === "set";
}

/** The data of every message of this rule (each uses some of it). */
function describe(site: CacheSite, impurity: Impurity, formatLocation: (span: Span) => string) {
  const via = impurity.chain
    .map((step, index) => `${index === 0 ? " calls" : " which calls"} \`${step.name}\` (${formatLocation(step.span)}),`)
    .join("");
  return {
    name: site.memoize?.fn?.name ?? "this function",
    via: via ? `${via} which` : "",
    subject: impurity.subject,
    how: impurity.writtenIn?.how ?? "changed",
    writer: impurity.writtenIn?.name ?? "",
    writerLocation: impurity.writtenIn ? formatLocation(impurity.writtenIn.span) : "",
  };
}

/** Inside an inline memoized function the culprit itself is marked; otherwise the memoize call. */
function chooseSpan(site: CacheSite, impurity: Impurity): Span {
  const inside =
    impurity.chain.length === 0 &&
    impurity.span.file === site.span.file &&
    impurity.span.start >= site.span.start &&
    impurity.span.end <= site.span.end;
  return inside ? impurity.span : site.calleeSpan;
}
