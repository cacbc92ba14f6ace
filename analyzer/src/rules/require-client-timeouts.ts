// A client of a shared cache (Redis, Memcached) built with options that make a request wait while the server is
// down: ioredis with its defaults queues a command through 20 reconnections, node-redis until it reconnects,
// memcached through 100 s of connection retries. A cache should fail fast so that the caller falls back to the
// source. What each library does, and its defaults, is data in its adapter (`outageWait`); the rule only renders.
import type { CacheSite } from "../model/cache-model";
import type { CacheFamily, ProgramModel } from "../model/program-model";
import { defineRule, type RuleContext, type RuleReport } from "../model/rule";
import type { ClientSetting, OutageWait, OutageWaitModel } from "../libraries/adapter";
import { getAdapter } from "../libraries/registry";
import { formatDuration } from "../format/duration";
import { isTestCode } from "../program-model/file-kinds";
import { constructionKey } from "../program-model/construction-key";
import { FAMILIES_OPTION, findEffectiveRole, findPolicyProblem, type FamilyDeclaration } from "../program-model/policy";

export interface RequireClientTimeoutsOptions {
  families: FamilyDeclaration[];
  maxWaitMs: number;
  checkRedis: boolean;
  checkMemcached: boolean;
  clientFactories: string[];
  ignoreClients: string[];
}

const messages = {
  waitsUntilReconnected:
    "{{client}} ({{library}}) serves {{cache}} with {{settings}}: while the server is down, a cache call waits until it is back, with no limit, and the request that made it waits with it. {{fix}}",
  waitsForAttempts:
    "{{client}} ({{library}}) serves {{cache}} with {{settings}}: while the server is down, a cache call waits {{wait}}, and the request that made it waits with it. {{fix}}",
} as const;

type Report = RuleReport<typeof messages>;

export const requireClientTimeouts = defineRule<RequireClientTimeoutsOptions, typeof messages>({
  id: "require-client-timeouts",
  description:
    "Require timeouts on the clients of a shared cache, so that a cache outage fails fast instead of holding requests.",
  recommended: "warn",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      families: FAMILIES_OPTION,
      maxWaitMs: {
        type: "number",
        minimum: 0,
        description:
          "The longest a cache call may wait while the server is down (ms, the host not answering); a client whose options allow longer is reported.",
      },
      checkRedis: { type: "boolean", description: "Check Redis clients (ioredis, iovalkey, node-redis)." },
      checkMemcached: {
        type: "boolean",
        description: "Check Memcached clients (memjs, memcached, @keyv/memcache).",
      },
      clientFactories: {
        type: "array",
        items: { type: "string" },
        description:
          "The project's functions (`createRedis`, `RedisService.connect`) that build a client and bound its calls themselves (a circuit breaker, a timeout wrapper): clients built in them are not reported.",
      },
      ignoreClients: {
        type: "array",
        items: { type: "string" },
        description:
          "Names of clients (the variable or property a client is stored in, `jobRedis`) that may wait, e.g. a client of a worker with no caller waiting on it.",
      },
    },
    additionalProperties: false,
  },
  validateOptions: (options) => findPolicyProblem(options.families, undefined),
  defaultOptions: {
    families: [],
    maxWaitMs: 5000,
    checkRedis: true,
    checkMemcached: true,
    clientFactories: [],
    ignoreClients: [],
  },
  check(model, context) {
    // A test's client waits on a test server, not in front of users.
    if (isTestCode(model.file)) return [];
    const reports: Report[] = [];
    for (const site of model.sites) {
      const report = checkConstruction(site, context);
      if (report) reports.push(report);
    }
    return reports;
  },
});

function checkConstruction(site: CacheSite, context: RuleContext<RequireClientTimeoutsOptions>): Report | undefined {
  const { options } = context;
  const instance = site.instance;
  if (site.operation !== "construct" || !instance?.clientOptions || !instance.constructedAt) return undefined;
  if (site.kind === "redis" ? !options.checkRedis : site.kind === "remote-kv" ? !options.checkMemcached : true)
    return undefined;
  const model = outageWaitOf(site);
  const clientOptions = instance.clientOptions;
  // Options spread from an unknown object or built at run time: anything may be set.
  if (!model || clientOptions.opaque) return undefined;
  if (isNamed(site.enclosingFunction, options.clientFactories)) return undefined;
  if (instance.name !== undefined && isNamed(instance.name, options.ignoreClients)) return undefined;
  const wait = model.estimate(clientOptions.given);
  if (wait.kind === "bounded" || wait.kind === "unknown") return undefined;
  if (wait.kind === "attempts" && wait.unreachableMs <= options.maxWaitMs) return undefined;
  const program = context.getProgramModel();
  const caches = findCacheFamilies(program, constructionKey(instance.constructedAt), options.families);
  if (caches.length === 0) return undefined;
  const library = getAdapter(site.library).displayName;
  const data = {
    client: instance.name === undefined ? "This client" : `\`${instance.name}\``,
    library,
    cache: describeCaches(caches),
    settings: describeSettings(wait.settings, library),
    fix: model.fix,
  };
  // A finding about the client, not about one of its families: counted for none of them.
  if (wait.kind === "until-reconnected") return { messageId: "waitsUntilReconnected", data, span: site.calleeSpan };
  return {
    messageId: "waitsForAttempts",
    data: { ...data, wait: describeAttempts(wait) },
    span: site.calleeSpan,
  };
}

function outageWaitOf(site: CacheSite): OutageWaitModel | undefined {
  const adapter = getAdapter(site.library);
  if (adapter.kind !== "redis" && adapter.kind !== "remote-kv") return undefined;
  return "notApplicable" in adapter.outageWait ? undefined : adapter.outageWait;
}

/** `getRedis` matches `getRedis`; `RedisService.connect` matches `RedisService.connect` or `connect`. */
function isNamed(name: string, names: readonly string[]): boolean {
  const last = name.slice(name.lastIndexOf(".") + 1);
  return names.some((candidate) => candidate === name || candidate === last);
}

/** The families the client's calls reach whose role is `cache` (declared, or read from the code). */
function findCacheFamilies(
  program: ProgramModel,
  key: string,
  declarations: readonly FamilyDeclaration[],
): CacheFamily[] {
  return (program.familiesOfInstance.get(key) ?? [])
    .flatMap((id) => program.familiesById.get(id) ?? [])
    .filter((family) => findEffectiveRole(family, declarations).role === "cache")
    .sort((a, b) => a.label.localeCompare(b.label));
}

function describeCaches(caches: readonly CacheFamily[]): string {
  const first = `the cache \`${caches[0]!.label}\``;
  if (caches.length === 1) return first;
  return `${first} and ${caches.length - 1} more`;
}

/** `no \`commandTimeout\`, \`maxRetriesPerRequest: 20\` and \`enableOfflineQueue: true\` (ioredis's defaults)`. */
function describeSettings(settings: readonly ClientSetting[], library: string): string {
  const parts = settings.map((setting) => {
    const text = describeSetting(setting);
    return setting.given || settings.every((other) => !other.given) ? text : `${text} (default)`;
  });
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0]!;
  return settings.every((setting) => !setting.given) ? `${list} (${library}'s defaults)` : list;
}

function describeSetting(setting: ClientSetting): string {
  if (setting.value === undefined) return `no \`${setting.option}\``;
  if (setting.value === null) return `\`${setting.option}: null\``;
  return `\`${setting.option}: ${String(setting.value)}\``;
}

function describeAttempts(wait: Extract<OutageWait, { kind: "attempts" }>): string {
  const unreachable = `up to ${formatDuration(wait.unreachableMs)} when the host does not answer (${formatDuration(wait.connectTimeout.ms)} \`${wait.connectTimeout.option}\` per attempt)`;
  if (wait.mechanism === "reconnect") {
    const later =
      wait.steadyMs !== undefined && wait.steadyMs > wait.refusedMs
        ? `, ${formatDuration(wait.steadyMs)} later in a long outage`
        : "";
    return `through ${wait.attempts} reconnection attempts before it fails: ${formatDuration(wait.refusedMs)} at the start of an outage${later}, ${unreachable}`;
  }
  if (wait.mechanism === "pool")
    return `while its connection pool tries ${wait.attempts} times before it fails: ${formatDuration(wait.refusedMs)}, ${unreachable}`;
  return `through ${wait.attempts} tries before it fails: ${unreachable}`;
}
