// What each family is for, how its values can go stale, and what its keys range over, from how the code
// uses it. Each comes with its evidence, in one sentence, for `families` and for the rules' messages.
//
// - role: a cache refilled after a miss, a queue or stream, a lock or coordination key, a counter, the state of
//   a running job, a store written and read back, or unknown;
// - volatility: `source` (holds data read from an entity by the key's own holes: a write to that entity makes it
//   stale), `snapshot` (assembled from an entity once, keyed by something else: history, not a copy),
//   `pure` (computed from the key alone), `unknown`;
// - key domain: `fixed` (one key), `entity` (one key per row of something: a user, an account), `ephemeral` (one
//   key per request, token, job, checkout, time window: grows forever unless each key is deleted or expires),
//   `unknown`.
import type { CacheFamily, FamilyRole, FamilyKeyDomain, FamilyVolatility } from "../model/program-model";
import { splitPattern } from "./key-patterns";

/** Commands that only change a number held at the key (Redis's, and Memcached's `incr`/`decr`, memjs's `increment`). */
const COUNTER_COMMANDS: ReadonlySet<string> = new Set([
  "incr",
  "incrby",
  "incrbyfloat",
  "decr",
  "decrby",
  "hincrby",
  "hincrbyfloat",
  "zincrby",
  "increment",
  "decrement",
]);

/** A command that only changes a number held at the key. */
export function isCounterCommand(method: string): boolean {
  return COUNTER_COMMANDS.has(method.toLowerCase());
}

/** Commands that append to a list or a stream: a queue or a log, not a cache entry. */
const QUEUE_COMMANDS: ReadonlySet<string> = new Set(["lpush", "rpush", "lpushx", "rpushx", "xadd"]);

/**
 * Words of a key's literal text that name what the key is for, as the service's authors wrote it. They are
 * evidence the code gives (the key is `…:lock`, `…:done`, `…:progress`), used only when the calls do not
 * already say (a refill after a miss wins over a name).
 */
const COORDINATION_WORDS =
  /(^|[^a-z])(lock|locks|mutex|leader|semaphore|lease|watermark|cursor|checkpoint|offset|done|migrated|migration|seen|sent|processed|dedupe|idempotency|once|flag|flags|enabled|disabled|maintenance)([^a-z]|$)/i;
const JOB_STATE_WORDS = /(^|[^a-z])(progress|status|job|jobs|task|tasks|run|runs|state|batch)([^a-z]|$)/i;

/** Words of a key's hole names that make it one per request, token, job or time window (an unbounded, short-lived domain). */
const EPHEMERAL_WORDS = new Set([
  "request",
  "req",
  "nonce",
  "token",
  "session",
  "otp",
  "code",
  "challenge",
  "state",
  "checkout",
  "upload",
  "job",
  "run",
  "task",
  "attempt",
  "ip",
  "timestamp",
  "time",
  "date",
  "minute",
  "hour",
  "day",
  "week",
  "window",
  "bucket",
  "uuid",
  "random",
  "idempotency",
  "trace",
  "correlation",
  "click",
  "event",
  "message",
  "delivery",
  "invocation",
  "execution",
]);
/** Last words of a hole name that make it one per row of the service's data (bounded by the table). */
const ENTITY_WORDS = new Set([
  "id",
  "ids",
  "email",
  "slug",
  "name",
  "handle",
  "user",
  "account",
  "workspace",
  "team",
  "org",
  "organization",
  "project",
  "tenant",
  "domain",
  "customer",
  "site",
  "website",
  "app",
  "env",
  "environment",
  "plan",
  "locale",
  "lang",
  "type",
  "kind",
  "key",
]);

/** The words of a name: `clientIp` → `client`, `ip`; `user_session_id` → `user`, `session`, `id`. */
function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

/** Roles whose values can be a copy of data (a cache, a store, or not known): not a lock, counter, queue or job state. */
export function holdsData(role: FamilyRole): boolean {
  return role === "cache" || role === "store" || role === "unknown";
}

export function assignRoles(families: Iterable<CacheFamily>): void {
  for (const family of families) {
    const domain = findKeyDomain(family);
    family.keyDomain = domain.domain;
    family.keyDomainEvidence = domain.evidence;
    const { role, evidence } = findRole(family);
    family.role = role;
    family.roleEvidence = evidence;
    const volatility = findVolatility(family);
    family.volatility = volatility.volatility;
    family.volatilityEvidence = volatility.evidence;
  }
}

function findRole(family: CacheFamily): { role: FamilyRole; evidence: string } {
  if (family.kind === "memoizer") return { role: "cache", evidence: "a memoizer fills it on a miss" };
  if (family.kind === "framework") return { role: "cache", evidence: "the framework fills it on a miss" };
  const writes = family.writes;
  if (writes.length > 0 && writes.every((write) => QUEUE_COMMANDS.has(write.method.toLowerCase()))) {
    const methods = [...new Set(writes.map((write) => write.method.toUpperCase()))].join(", ");
    return { role: "queue", evidence: `only appended to (${methods}): a queue, a stream or a log` };
  }
  if (writes.length > 0 && writes.every((write) => COUNTER_COMMANDS.has(write.method.toLowerCase()))) {
    const methods = [...new Set(writes.map((write) => write.method.toUpperCase()))].join(", ");
    return { role: "counter", evidence: `only incremented (${methods})` };
  }
  if (writes.length > 0 && writes.every((write) => write.setIfAbsent)) {
    return { role: "coordination", evidence: "only written when the key is absent (NX): a lock or a marker" };
  }
  const named = family.kind === "redis" || family.kind === "remote-kv" ? findNamedRole(family.pattern) : undefined;
  // A refill after a miss is a cache, unless the key says it is a marker or a job's state (a check-then-set of a
  // `…:done` key reads like cache-aside) and the fill holds no row read by the key.
  const refill = family.strategies.find((strategy) => strategy === "cache-aside" || strategy === "read-through");
  if (!refill && writes.length > 0 && writes.every((write) => write.storesRequestInput))
    return { role: "store", evidence: "holds what a request sent (its body or query): the data is kept here" };
  if (named && (named.strong || !family.entities.some((entity) => entity.readByKey)))
    return { role: named.role, evidence: named.evidence };
  if (refill) return { role: "cache", evidence: `filled after a miss (${refill})` };
  if (writes.length > 0 && family.reads.length > 0) {
    return { role: "store", evidence: "written and read back, never filled after a miss" };
  }
  if (writes.length === 0) return { role: "unknown", evidence: "no write found in this program" };
  return { role: "unknown", evidence: "written but never read in this program" };
}

/** A role the key's own words give: `…:lock`, `…:done`, `…:progress`. `strong` when the word cannot name cached data. */
function findNamedRole(pattern: string): { role: FamilyRole; evidence: string; strong: boolean } | undefined {
  const { text } = splitPattern(pattern);
  const coordination = COORDINATION_WORDS.exec(text);
  if (coordination) {
    const word = coordination[2]!;
    return {
      role: "coordination",
      evidence: `the key is named a lock, a marker or a position (\`${word}\`)`,
      strong: !/^(flag|flags|enabled|disabled|offset)$/i.test(word),
    };
  }
  const job = JOB_STATE_WORDS.exec(text);
  if (job) {
    const word = job[2]!;
    return {
      role: "job-state",
      evidence: `the key is named the state of a job (\`${word}\`)`,
      strong: /^(progress|status)$/i.test(word),
    };
  }
  return undefined;
}

/** The first hole of a key that is one per request, token, job or time window (`{ip}`, `{sessionId}`), if any. */
export function findEphemeralHole(holes: readonly string[]): string | undefined {
  return holes
    .map((hole) => lastName(hole))
    .find((name) => {
      const words = splitWords(name);
      // `userSessionCount` is per user; `sessionId`, `clientIp`, `checkoutToken` are per session, client, checkout.
      return words.some((word) => EPHEMERAL_WORDS.has(word)) && !words.includes("user") && !words.includes("account");
    });
}

function findKeyDomain(family: CacheFamily): { domain: FamilyKeyDomain; evidence: string } {
  if (family.kind !== "redis" && family.kind !== "remote-kv")
    return { domain: "unknown", evidence: "an in-process or memoized key: see the cache's bound" };
  const { holes } = splitPattern(family.pattern);
  if (holes.length === 0) return { domain: "fixed", evidence: "one fixed key" };
  const names = holes.map((hole) => lastName(hole));
  const ephemeral = findEphemeralHole(holes);
  if (ephemeral)
    return {
      domain: "ephemeral",
      evidence: `a key per \`${ephemeral}\` (a value per request, token, job or time window: a new key each time)`,
    };
  if (names.every((name) => ENTITY_WORDS.has(splitWords(name).at(-1) ?? "")))
    return { domain: "entity", evidence: `a key per ${names.map((name) => `\`${name}\``).join(" and ")}` };
  return { domain: "unknown", evidence: `a key per ${names.map((name) => `\`${name}\``).join(" and ")}` };
}

/** The last name of a hole's expression (`params.userId` → `userId`, `slice(0, 8)` → `slice`). */
function lastName(hole: string): string {
  const names = hole.match(/[A-Za-z_$][\w$]*/g) ?? [];
  return names.at(-1) ?? hole;
}

function findVolatility(family: CacheFamily): { volatility: FamilyVolatility; evidence: string } {
  // A project key-value store recognised only because a cache mirrors its keys serves `require-invalidation-on-write`
  // alone: whether the mirror also needs an expiry is not judged from so indirect a recognition.
  const entities = family.entities.filter((entity) => entity.orm !== "key-value");
  const byKey = entities.filter((entity) => entity.readByKey);
  if (byKey.length > 0)
    return {
      volatility: "source",
      evidence: `holds ${byKey.map((entity) => `\`${entity.displayName}\``).join(", ")} read by the key`,
    };
  if (entities.length > 0)
    return {
      volatility: "snapshot",
      evidence: `assembled from ${entities.map((entity) => `\`${entity.displayName}\``).join(", ")} read by something other than the key: a snapshot`,
    };
  if (family.computedFromKey)
    return { volatility: "pure", evidence: "computed from its arguments alone (no I/O, clock or outer state)" };
  return { volatility: "unknown", evidence: "no read of a database found in its fill" };
}
