// cachewise/runtime: measures the cache families cachewise found in the code while the service runs. It wraps
// the read, write and delete methods of a client the service already has (ioredis, node-redis, iovalkey,
// lru-cache, keyv, cache-manager), their read-through calls and their pipelines and transactions, and records
// OpenTelemetry metrics per family: operations by result, their duration, and sampled stale reads. No compiler
// here: the key matcher and the method tables are the analyzer's plain-data parts. `@opentelemetry/api` is an
// optional peer, loaded when present; without an SDK registered when a client is instrumented, the client is left
// as it is: nothing would ever read its counts (docs/runtime-metrics.md).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { RUNTIME_METHOD_TABLES } from "../../analyzer/src/libraries/runtime-methods";
import { formatKeyForDisplay } from "../../analyzer/src/keyspace/key-format";
import { createKeyMatcher } from "../../analyzer/src/program-model/match-keys";
import { isDeepEqual } from "./deep-equal";

/** A library `instrument` knows. */
export type CacheLibrary = "ioredis" | "iovalkey" | "node-redis" | "lru-cache" | "keyv" | "cache-manager";

/** A family as `cachewise families --format json` writes it (other fields are ignored). */
export interface RuntimeFamily {
  /** The value of the `cache.family` attribute: `demo:user:{id}`, `productCache`. */
  label: string;
  /** The key pattern, prefixes included (`demo:user:{id}`); holes match any text. */
  pattern: string;
  /** `redis`, `in-process`, …: a Redis client matches only Redis families, an in-process cache only in-process ones. */
  kind?: string;
}

/** Where the debug messages go (one sampled stale key per family and minute, failed verifications). */
export interface RuntimeLogger {
  debug(message: string, details: Record<string, unknown>): void;
}

/** The part of an OpenTelemetry `MeterProvider` used here (the global one by default). */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}

/** Stale-read sampling: for a fraction of hits, load the value from the source too and compare. */
export interface VerifyOptions {
  /** Fraction of hits verified, 0 to 1. */
  rate: number;
  /**
   * The value the source holds now for `key` (the key as the application passed it, without the client's
   * prefix), in the form the cache stores it (a JSON string when the cache holds JSON strings).
   */
  load(key: string, family: string): unknown;
  /** Verify only these families (labels); all by default. */
  families?: readonly string[];
  /** Equality of the cached and the fresh value; `isDeepEqual` by default. */
  equals?(cached: unknown, fresh: unknown): boolean;
}

export interface InstrumentOptions {
  /** The families to match keys against: the array, or the path of a file written by `cachewise families --format json`. */
  families?: readonly RuntimeFamily[] | string;
  /** One family for every key of this client (an in-process cache is usually one family); overrides `families`. */
  family?: string;
  /** The library, when detection from the object's shape is not wanted. */
  library?: CacheLibrary;
  /** Prepended to each key before matching (ioredis' and iovalkey's `keyPrefix` option is read by default). */
  keyPrefix?: string;
  /** Namespace separator used to index the patterns (`:`). */
  delimiter?: string;
  verify?: VerifyOptions;
  logger?: RuntimeLogger;
  /** The meter provider to record to; the global one (`metrics.getMeterProvider()`) by default. */
  meterProvider?: MeterProviderLike;
  /**
   * Time one call in this many, on average, for the duration histogram (the counts are always exact). A histogram
   * record costs the SDK an attribute hash (1-4 µs on a busy machine: bench/runtime/README.md), so by default one
   * call in 16 is timed for Redis, keyv and cache-manager, and one in 64 for lru-cache, whose reads take less time
   * than one record. The gap between two timed calls is drawn at random (1 to 2N-1 calls), so that a workload that
   * repeats with a period does not always time the same step of it. 1 times every call.
   */
  durationSampling?: number;
}

export interface CacheAsideOptions<V> {
  /** The `cache.family` attribute of every operation. */
  family: string;
  /** Reads the cache: `null` or `undefined` is a miss. */
  get(key: string): V | null | undefined | Promise<V | null | undefined>;
  /** Writes a loaded value to the cache. */
  set(key: string, value: V): unknown;
  /** Loads the value from the source on a miss (and for verification). */
  load(key: string): V | Promise<V>;
  /** Verify this fraction of hits against `load` (see `VerifyOptions`). */
  verify?: { rate: number; equals?(cached: V, fresh: V): boolean };
  logger?: RuntimeLogger;
  meterProvider?: MeterProviderLike;
  /** Time one `get` or `set` in this many, on average, for the duration histogram (16 by default, as for clients). */
  durationSampling?: number;
}

/** Keys that match no family are counted under this one family, never under their own (bounded cardinality). */
export const UNMATCHED_FAMILY = "unmatched";

/** The instruments, as OpenTelemetry names them (Prometheus: `cache_operations_total`, …; see docs/runtime-metrics.md). */
export const METRIC_NAMES = {
  operations: "cache.operations",
  duration: "cache.operation.duration",
  staleReads: "cache.stale_reads",
  verifiedReads: "cache.verified_reads",
} as const;

/** Reads a file written by `cachewise families --format json`. */
export function loadFamilies(file: string): RuntimeFamily[] {
  const data: unknown = JSON.parse(readFileSync(file, "utf8"));
  const list = Array.isArray(data) ? data : (data as { families?: unknown })?.families;
  if (!Array.isArray(list)) throw new Error(`${file}: expected the JSON array of \`cachewise families --format json\``);
  return list
    .filter((f): f is RuntimeFamily => typeof f?.label === "string" && typeof f?.pattern === "string")
    .map((f) => ({ label: f.label, pattern: f.pattern, kind: typeof f.kind === "string" ? f.kind : undefined }));
}

/**
 * A key → family label function over the families' patterns; keys matching none give `unmatched`. With a
 * `keyPrefix` (ioredis' `keyPrefix`, which the patterns include), the patterns that start with it are matched without
 * it, so that a key is not concatenated on every call; the others (a pattern that starts with a hole) are tried on
 * the prefixed key when none of the first matched.
 */
export function createFamilyResolver(
  families: readonly RuntimeFamily[],
  options: { keyPrefix?: string; delimiter?: string } = {},
): (key: string) => string {
  const delimiter = options.delimiter ?? ":";
  const prefix = options.keyPrefix ?? "";
  const toMatchable = (f: RuntimeFamily) => ({ id: f.label, pattern: f.pattern });
  const stripped = createKeyMatcher(
    families
      .filter((f) => f.pattern.startsWith(prefix))
      .map((f) => ({ id: f.label, pattern: f.pattern.slice(prefix.length) })),
    delimiter,
  );
  const rest = prefix === "" ? undefined : families.filter((f) => !f.pattern.startsWith(prefix)).map(toMatchable);
  const whole = rest && rest.length > 0 ? createKeyMatcher(rest, delimiter) : undefined;
  return (key) => {
    // The matcher compares display forms; a printable ASCII key without a backslash is its own display form.
    const shown = isPlainKey(key) ? key : formatKeyForDisplay(key);
    const found = stripped.match(shown) ?? whole?.match(formatKeyForDisplay(prefix + key));
    return found ?? UNMATCHED_FAMILY;
  };
}

/** Printable ASCII, no backslash: `formatKeyForDisplay` would return it unchanged. */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x5c) return false;
  }
  return true;
}

/** Resolves when every stale-read verification started so far has finished (tests, shutdown). */
export async function flushVerifications(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Wraps the cache methods of `client` in place (own properties shadowing the library's) and returns it. Reads
 * count `hit` or `miss` (`null`/`undefined`, `false` from `has`, 0 from `EXISTS`, an empty collection, -2 from
 * `TTL`), writes and deletes `ok`; a throw or a rejection counts `error` and is re-thrown unchanged. Calling it
 * twice on one client does nothing the second time.
 *
 * Without a meter provider (no `meterProvider` option and no OpenTelemetry SDK registered globally yet, or no
 * `@opentelemetry/api` at all) the client is returned untouched: the API's no-op meter never binds to an SDK
 * registered later, so counts kept for it would never be read. Register the SDK first, then instrument.
 */
export function instrument<T extends object>(client: T, options: InstrumentOptions = {}): T {
  const target = client as Record<PropertyKey, unknown>;
  if (target[INSTRUMENTED]) return client;
  const library = options.library ?? detectLibrary(client);
  const table = RUNTIME_METHOD_TABLES[library];
  const recorder = getRecorder(options.meterProvider);
  if (!recorder) {
    logNoMeter(options.logger);
    return client;
  }
  const isRedis = library === "ioredis" || library === "iovalkey" || library === "node-redis";
  const keyPrefix = options.keyPrefix ?? (isRedis ? readKeyPrefix(client) : undefined);
  const resolveFamily = createCellResolver(recorder, options, isRedis ? "redis" : "in-process", keyPrefix);
  const verify = options.verify ? createVerifier(options.verify, options.logger) : undefined;
  const sampling = Math.max(1, Math.floor(options.durationSampling ?? (table.synchronous ? 64 : 16)));
  const context: WrapContext = { recorder, resolveFamily, verify, sampling, countdown: nextGap(sampling) };
  for (const name of listMethodNames(client)) {
    const method = table.caseInsensitive ? name.toLowerCase() : name;
    const operation = table.operations.get(method);
    const original = target[name];
    if (typeof original !== "function") continue;
    const special = wrapSpecial(library, name, original as AnyFunction, context, table);
    if (special) {
      Object.defineProperty(client, name, { value: special, writable: true, configurable: true, enumerable: false });
      continue;
    }
    if (!operation) continue;
    const spec: MethodSpec = {
      op: OPERATION_INDEX[operation],
      multiKey: table.multiKey.has(method),
      miss: operation === "get" ? missRuleOf(method) : undefined,
    };
    const wrapped = table.synchronous
      ? wrapSync(original as AnyFunction, spec, context)
      : wrapAsync(original as AnyFunction, spec, context);
    Object.defineProperty(client, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(client, INSTRUMENTED, { value: true, enumerable: false });
  return client;
}

/**
 * The methods outside the tables that are counted all the same: read-through calls (lru-cache's `fetch`,
 * `forceFetch` and `memo`, cache-manager's `wrap`) and the batches of the Redis clients (`pipeline()` and `multi()`).
 */
function wrapSpecial(
  library: CacheLibrary,
  name: string,
  original: AnyFunction,
  context: WrapContext,
  table: (typeof RUNTIME_METHOD_TABLES)[CacheLibrary],
): AnyFunction | undefined {
  switch (library) {
    case "lru-cache":
      if (name === "fetch" || name === "forceFetch") return wrapLruReadThrough(original, context, "fetch");
      if (name === "memo") return wrapLruReadThrough(original, context, "memo");
      return undefined;
    case "cache-manager":
      return name === "wrap" ? wrapCacheManagerWrap(original, context) : undefined;
    case "ioredis":
    case "iovalkey":
      if (name === "pipeline" || name === "multi")
        return wrapIoredisBatchFactory(original, context, table, name === "multi");
      if (name === "sendCommand" || name === "exec" || name === "discard")
        return wrapIoredisTransactionStep(name, original, context);
      return undefined;
    case "node-redis":
      return name === "multi" || name === "MULTI" ? wrapNodeRedisMulti(original, context, table) : undefined;
    default:
      return undefined;
  }
}

/**
 * Cache-aside for code that does it by hand: `get`, then on a miss `load` and `set`. Returns the read function.
 * Every step is counted under `family`; a failing `get`, `load` or `set` counts an error (for `get` and `set`) and
 * its error is re-thrown unchanged, as the code without the helper would see it.
 */
export function cacheAside<V>(options: CacheAsideOptions<V>): (key: string) => Promise<V> {
  const recorder = getRecorder(options.meterProvider);
  if (!recorder) {
    logNoMeter(options.logger);
    return async (key: string): Promise<V> => {
      const cached = await options.get(key);
      if (cached != null) return cached;
      const value = await options.load(key);
      await options.set(key, value);
      return value;
    };
  }
  const cells = recorder.cellsOf(options.family);
  const verify = options.verify
    ? createVerifier(
        {
          rate: options.verify.rate,
          load: (key) => options.load(key),
          equals: options.verify.equals as VerifyOptions["equals"],
        },
        options.logger,
      )
    : undefined;
  const sampling = Math.max(1, Math.floor(options.durationSampling ?? 16));
  const clock: Sampler = { sampling, countdown: nextGap(sampling) };
  return async (key: string): Promise<V> => {
    let start = startClock(clock);
    let cached: V | null | undefined;
    try {
      cached = await options.get(key);
    } catch (error) {
      recorder.count(cells, OP_GET, RESULT_ERROR, start);
      throw error;
    }
    if (cached != null) {
      recorder.count(cells, OP_GET, RESULT_HIT, start);
      verify?.(key, cells, cached);
      return cached;
    }
    recorder.count(cells, OP_GET, RESULT_MISS, start);
    const value = await options.load(key);
    start = startClock(clock);
    try {
      await options.set(key, value);
    } catch (error) {
      recorder.count(cells, OP_SET, RESULT_ERROR, start);
      throw error;
    }
    recorder.count(cells, OP_SET, RESULT_OK, start);
    return value;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Recording: counts live in per-family arrays that observable counters read at collection time, so a call costs an
// increment, not an SDK lookup; durations go to a histogram (timed one call in `durationSampling`).

type AnyFunction = (...args: unknown[]) => unknown;

const OPERATIONS = ["get", "set", "delete"] as const;
const RESULTS = ["hit", "miss", "error", "ok"] as const;
const OPERATION_INDEX = { get: 0, set: 1, delete: 2 } as const;
const OP_GET = 0;
const OP_SET = 1;
const RESULT_HIT = 0;
const RESULT_MISS = 1;
const RESULT_ERROR = 2;
const RESULT_OK = 3;
const SLOTS = OPERATIONS.length * RESULTS.length;

/** Seconds: 10 µs to 1 s (OpenTelemetry's default boundaries are for milliseconds-long HTTP calls). */
const DURATION_BUCKETS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

const INSTRUMENTED = Symbol.for("cachewise.runtime.instrumented");
const STALE_LOG_INTERVAL_MS = 60_000;

interface FamilyCells {
  label: string;
  /** Operations by `op * RESULTS.length + result`. */
  counts: Float64Array;
  stale: number;
  verified: number;
  attributes: Array<Record<string, string>>;
  familyAttributes: Record<string, string>;
  lastStaleLog: number;
}

interface Histogram {
  record(value: number, attributes: Record<string, string>): void;
}

interface ObservableResult {
  observe(value: number, attributes: Record<string, string>): void;
}

interface Meter {
  createHistogram(name: string, options: object): Histogram;
  createObservableCounter(name: string, options: object): { addCallback(cb: (r: ObservableResult) => void): void };
}

class Recorder {
  readonly families = new Map<string, FamilyCells>();
  private readonly histogram: Histogram;

  constructor(meter: Meter) {
    this.histogram = meter.createHistogram(METRIC_NAMES.duration, {
      description: "Duration of cache operations, by family, operation and result.",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    meter
      .createObservableCounter(METRIC_NAMES.operations, {
        description: "Cache operations, by family, operation and result.",
        unit: "{operation}",
      })
      .addCallback((result) => {
        for (const cells of this.families.values())
          for (let slot = 0; slot < SLOTS; slot++)
            if (cells.counts[slot]! > 0) result.observe(cells.counts[slot]!, cells.attributes[slot]!);
      });
    meter
      .createObservableCounter(METRIC_NAMES.staleReads, {
        description: "Sampled cache hits whose value differed from the source's.",
        unit: "{read}",
      })
      .addCallback((result) => {
        for (const cells of this.families.values())
          if (cells.verified > 0) result.observe(cells.stale, cells.familyAttributes);
      });
    meter
      .createObservableCounter(METRIC_NAMES.verifiedReads, {
        description: "Cache hits sampled for a stale-read check and compared with the source.",
        unit: "{read}",
      })
      .addCallback((result) => {
        for (const cells of this.families.values())
          if (cells.verified > 0) result.observe(cells.verified, cells.familyAttributes);
      });
  }

  cellsOf(label: string): FamilyCells {
    let cells = this.families.get(label);
    if (!cells) {
      const attributes: Array<Record<string, string>> = [];
      for (const operation of OPERATIONS)
        for (const result of RESULTS)
          attributes.push({ "cache.family": label, "cache.operation": operation, "cache.result": result });
      cells = {
        label,
        counts: new Float64Array(SLOTS),
        stale: 0,
        verified: 0,
        attributes,
        familyAttributes: { "cache.family": label },
        lastStaleLog: -Infinity,
      };
      this.families.set(label, cells);
    }
    return cells;
  }

  /** Counts one operation; times it when `start` is a clock reading (NaN: not timed). */
  count(cells: FamilyCells, op: number, result: number, start: number): void {
    const slot = op * 4 + result;
    cells.counts[slot]!++;
    if (start === start) this.histogram.record((performance.now() - start) / 1000, cells.attributes[slot]!);
  }
}

/** One recorder per meter provider (one set of instruments), shared by every client instrumented with it. */
const recorders = new WeakMap<object, Recorder>();

interface OpenTelemetryApi {
  metrics: { getMeterProvider(): MeterProviderLike };
  createNoopMeter?(): unknown;
}

let api: OpenTelemetryApi | null | undefined;

/** `@opentelemetry/api` when the application has it (an optional peer), else null. */
function loadApi(): OpenTelemetryApi | null {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)("@opentelemetry/api") as OpenTelemetryApi;
    } catch {
      api = null;
    }
  }
  return api;
}

/**
 * The recorder of the meter provider given, else of the global one; undefined when there is none to record to: no
 * API, or the API's no-op provider (what `metrics.getMeterProvider()` returns before an SDK registers one; its meter
 * stays a no-op for good, the metrics API has no proxy that would bind it to a later SDK).
 */
function getRecorder(meterProvider: MeterProviderLike | undefined): Recorder | undefined {
  const provider = meterProvider ?? loadApi()?.metrics.getMeterProvider();
  if (!provider) return undefined;
  let recorder = recorders.get(provider);
  if (!recorder) {
    const meter = provider.getMeter("cachewise", RUNTIME_VERSION);
    if (meter === loadApi()?.createNoopMeter?.()) return undefined;
    recorder = new Recorder(meter as Meter);
    recorders.set(provider, recorder);
  }
  return recorder;
}

function logNoMeter(logger: RuntimeLogger | undefined): void {
  logger?.debug("cachewise: no OpenTelemetry meter provider registered: nothing is counted", {
    hint: "register the SDK's MeterProvider (or pass `meterProvider`) before calling instrument() or cacheAside()",
  });
}

declare const CACHEWISE_VERSION: string | undefined;
const RUNTIME_VERSION = typeof CACHEWISE_VERSION === "string" ? CACHEWISE_VERSION : "0.0.0-dev";

// ---------------------------------------------------------------------------------------------------------------
// Families and verification.

function createCellResolver(
  recorder: Recorder,
  options: InstrumentOptions,
  kind: "redis" | "in-process",
  keyPrefix: string | undefined,
): (key: unknown) => FamilyCells {
  if (options.family !== undefined) {
    const cells = recorder.cellsOf(options.family);
    return () => cells;
  }
  const unmatched = recorder.cellsOf(UNMATCHED_FAMILY);
  if (options.families === undefined) return () => unmatched;
  const all = typeof options.families === "string" ? loadFamilies(options.families) : options.families;
  const resolve = createFamilyResolver(
    all.filter((f) => f.kind === undefined || f.kind === kind),
    { keyPrefix, delimiter: options.delimiter },
  );
  // Hot keys are read again and again: remember the family of the last keys seen (bounded: cleared when full).
  let memo = new Map<string, FamilyCells>();
  return (key) => {
    const text = typeof key === "string" ? key : Buffer.isBuffer(key) ? key.toString("latin1") : undefined;
    if (text === undefined) return unmatched;
    let cells = memo.get(text);
    if (cells === undefined) {
      cells = recorder.cellsOf(resolve(text));
      if (memo.size >= KEY_MEMO_SIZE) memo = new Map();
      memo.set(text, cells);
    }
    return cells;
  };
}

/** Keys whose family is remembered, per instrumented client. */
const KEY_MEMO_SIZE = 4096;

type Verifier = (key: string, cells: FamilyCells, cached: unknown) => void;

const pending = new Set<Promise<void>>();

function createVerifier(options: VerifyOptions, logger: RuntimeLogger | undefined): Verifier {
  const equals = options.equals ?? isDeepEqual;
  const only = options.families ? new Set(options.families) : undefined;
  const rate = options.rate;
  return (key, cells, cached) => {
    if (rate <= 0 || (rate < 1 && Math.random() >= rate) || (only && !only.has(cells.label))) return;
    const check = (async () => {
      let fresh: unknown;
      try {
        fresh = await options.load(key, cells.label);
      } catch (error) {
        logger?.debug("cachewise: stale-read check could not load from the source", {
          family: cells.label,
          key,
          error: (error as Error)?.message ?? String(error),
        });
        return;
      }
      cells.verified++;
      if (equals(cached, fresh)) return;
      cells.stale++;
      const now = Date.now();
      if (logger && now - cells.lastStaleLog >= STALE_LOG_INTERVAL_MS) {
        cells.lastStaleLog = now;
        logger.debug("cachewise: stale read", { family: cells.label, key, staleReads: cells.stale });
      }
    })();
    pending.add(check);
    void check.finally(() => pending.delete(check));
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Wrappers.

interface Sampler {
  sampling: number;
  countdown: number;
}

interface WrapContext extends Sampler {
  recorder: Recorder;
  resolveFamily(key: unknown): FamilyCells;
  verify: Verifier | undefined;
  /**
   * ioredis and iovalkey: the transaction opened by `multi({ pipeline: false })`, while it is open. Its commands go
   * through the client one by one (each answered `QUEUED`) and are counted when the client's `exec` settles.
   */
  transaction?: BatchState | undefined;
}

interface MethodSpec {
  op: number;
  multiKey: boolean;
  /** For reads: whether a result is a miss. */
  miss: ((value: unknown) => boolean) | undefined;
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined;
}

function isFalseOrAbsent(value: unknown): boolean {
  return value === null || value === undefined || value === false || value === 0;
}

function isEmptyOrAbsent(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Map || value instanceof Set) return value.size === 0;
  if (typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const _ in value) return false;
    return true;
  }
  return false;
}

const EXISTENCE_READS = new Set(["has", "hasmany", "exists", "sismember"]);
const COLLECTION_READS = new Set(["hgetall", "smembers", "lrange", "zrange", "xrange", "hmget"]);
const COUNT_READS = new Set(["scard", "zcard", "llen", "strlen"]);

function missRuleOf(method: string): (value: unknown) => boolean {
  const lower = method.toLowerCase();
  if (EXISTENCE_READS.has(lower) || COUNT_READS.has(lower)) return isFalseOrAbsent;
  if (COLLECTION_READS.has(lower)) return isEmptyOrAbsent;
  if (lower === "ttl" || lower === "pttl") return (value) => isAbsent(value) || value === -2;
  return isAbsent;
}

/** A clock reading when this call is to be timed (one in `sampling` on average), else NaN. */
function startClock(sampler: Sampler): number {
  if (--sampler.countdown > 0) return NaN;
  sampler.countdown = nextGap(sampler.sampling);
  return performance.now();
}

/** Calls until the next timed one: uniform over 1 … 2N-1 (mean N), 1 when every call is timed. */
function nextGap(sampling: number): number {
  return sampling === 1 ? 1 : 1 + Math.floor(Math.random() * (2 * sampling - 1));
}

/** Counts the outcome of a single-key call that returned `value`: ok for writes and deletes, hit or miss for reads. */
function settleOne(
  context: WrapContext,
  spec: MethodSpec,
  cells: FamilyCells,
  key: unknown,
  value: unknown,
  start: number,
) {
  const miss = spec.miss;
  if (miss === undefined) context.recorder.count(cells, spec.op, RESULT_OK, start);
  else if (miss(value)) context.recorder.count(cells, spec.op, RESULT_MISS, start);
  else {
    context.recorder.count(cells, spec.op, RESULT_HIT, start);
    if (context.verify && typeof key === "string") context.verify(key, cells, value);
  }
}

function wrapSync(original: AnyFunction, spec: MethodSpec, context: WrapContext): AnyFunction {
  if (spec.multiKey)
    return function (this: unknown, ...args: unknown[]) {
      const start = startClock(context);
      return settleMulti(context, spec, args, start, () => original.apply(this, args));
    };
  return function (this: unknown, ...args: unknown[]) {
    const cells = context.resolveFamily(args[0]);
    const start = startClock(context);
    let value: unknown;
    try {
      value = original.apply(this, args);
    } catch (error) {
      context.recorder.count(cells, spec.op, RESULT_ERROR, start);
      throw error;
    }
    settleOne(context, spec, cells, args[0], value, start);
    return value;
  };
}

function wrapAsync(original: AnyFunction, spec: MethodSpec, context: WrapContext): AnyFunction {
  if (spec.multiKey)
    return function (this: unknown, ...args: unknown[]) {
      const start = startClock(context);
      return settleMulti(context, spec, args, start, () => original.apply(this, args));
    };
  return function (this: unknown, ...args: unknown[]) {
    const key = args[0];
    const cells = context.resolveFamily(key);
    if (context.transaction) return queueInTransaction(context.transaction, spec, [key], [cells], original, this, args);
    const start = startClock(context);
    let returned: unknown;
    try {
      returned = original.apply(this, args);
    } catch (error) {
      context.recorder.count(cells, spec.op, RESULT_ERROR, start);
      throw error;
    }
    if (!isThenable(returned)) {
      settleOne(context, spec, cells, key, returned, start);
      return returned;
    }
    return returned.then(
      (value) => {
        settleOne(context, spec, cells, key, value, start);
        return value;
      },
      (error: unknown) => {
        context.recorder.count(cells, spec.op, RESULT_ERROR, start);
        throw error;
      },
    );
  };
}

/** A command sent inside an open `multi({ pipeline: false })`: noted with its place in `exec`'s results. */
function queueInTransaction(
  transaction: BatchState,
  spec: MethodSpec,
  keys: unknown[],
  cells: FamilyCells[],
  original: AnyFunction,
  self: unknown,
  args: unknown[],
): unknown {
  // The index is taken before the command is sent: `sendCommand` counts it.
  transaction.queued.push({ spec, keys, cells, index: transaction.added });
  return original.apply(self, args);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/** The keys of a multi-key call: string and Buffer arguments, arrays of them, and `{ key }` entries. */
function collectKeys(args: readonly unknown[]): unknown[] {
  const keys: unknown[] = [];
  const add = (value: unknown) => {
    if (typeof value === "string" || Buffer.isBuffer(value)) keys.push(value);
    else if (Array.isArray(value)) for (const item of value) add(item);
    else if (value && typeof value === "object" && "key" in value) add((value as { key: unknown }).key);
  };
  for (const arg of args) add(arg);
  return keys;
}

/** Counts `result` once per key, each under its own family; the duration (if timed) under the first key's. */
function countKeys(
  context: WrapContext,
  spec: MethodSpec,
  cells: readonly FamilyCells[],
  result: number,
  start: number,
) {
  for (let i = 0; i < cells.length; i++) context.recorder.count(cells[i]!, spec.op, result, i === 0 ? start : NaN);
}

/**
 * The outcome of a call on several keys: one operation per key, each under its own family. A read whose result is an
 * array of the same length counts each element's hit or miss; any other result counts for every key.
 */
function settleKeys(
  context: WrapContext,
  spec: MethodSpec,
  keys: readonly unknown[],
  cells: readonly FamilyCells[],
  value: unknown,
  start: number,
): void {
  const miss = spec.miss;
  if (miss === undefined) countKeys(context, spec, cells, RESULT_OK, start);
  else if (Array.isArray(value) && value.length === keys.length) {
    value.forEach((element, i) => {
      const hit = !isAbsent(element);
      context.recorder.count(cells[i]!, spec.op, hit ? RESULT_HIT : RESULT_MISS, i === 0 ? start : NaN);
      if (hit && context.verify && typeof keys[i] === "string") context.verify(keys[i] as string, cells[i]!, element);
    });
  } else countKeys(context, spec, cells, miss(value) ? RESULT_MISS : RESULT_HIT, start);
}

/** A call on several keys (`MGET a b`, `getMany([a, b])`), counted by `settleKeys`. */
function settleMulti(
  context: WrapContext,
  spec: MethodSpec,
  args: unknown[],
  start: number,
  call: () => unknown,
): unknown {
  const keys = collectKeys(args);
  const cells = keys.map((key) => context.resolveFamily(key));
  if (context.transaction) {
    context.transaction.queued.push({ spec, keys, cells, index: context.transaction.added });
    return call();
  }
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    countKeys(context, spec, cells, RESULT_ERROR, start);
    throw error;
  }
  if (!isThenable(returned)) {
    settleKeys(context, spec, keys, cells, returned, start);
    return returned;
  }
  return returned.then(
    (value) => {
      settleKeys(context, spec, keys, cells, value, start);
      return value;
    },
    (error: unknown) => {
      countKeys(context, spec, cells, RESULT_ERROR, start);
      throw error;
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Read-through calls: a hit when the loader did not run for this call, a miss when it did (or, for lru-cache's
// `fetch`, when the call joined a load already in flight). Timed like the other calls; the loader's time included.

type ReadThroughOutcome = (value: unknown, state: { loaded: boolean; status: Record<string, unknown> }) => number;

/**
 * lru-cache's `fetch`, `forceFetch` (asynchronous) and `memo` (synchronous) report what they did in the `status`
 * object of their options: `status.fetch` is `hit` only when the value came from the cache with no fetch dispatched
 * (`stale`, `refresh`, `miss` and `inflight` all involve the `fetchMethod`); `get` (no `fetchMethod`) is a plain
 * read. `status.memo` is `hit` or `miss`. A caller's own `status` object is used when it passes one.
 */
function wrapLruReadThrough(original: AnyFunction, context: WrapContext, field: "fetch" | "memo"): AnyFunction {
  const outcome: ReadThroughOutcome = (value, { status }) => {
    const what = status[field];
    if (what === "hit") return RESULT_HIT;
    if (what === "get") return isAbsent(value) ? RESULT_MISS : RESULT_HIT;
    return RESULT_MISS;
  };
  return function (this: unknown, key: unknown, given?: unknown, ...rest: unknown[]) {
    const options = given as Record<string, unknown> | undefined;
    const status = (options?.status as Record<string, unknown> | undefined) ?? {};
    const withStatus = options?.status === status ? options : { ...options, status };
    return settleReadThrough(context, key, { loaded: false, status }, outcome, () =>
      original.call(this, key, withStatus, ...rest),
    );
  };
}

/**
 * cache-manager's `wrap(key, loader, …)`: the loader is passed on wrapped, so that the call knows whether it ran.
 * A call that reuses another caller's load in flight (cache-manager coalesces them) did not run its loader: a hit.
 * A hit that starts a background refresh (`refreshThreshold`) ran the loader: a miss.
 */
function wrapCacheManagerWrap(original: AnyFunction, context: WrapContext): AnyFunction {
  const outcome: ReadThroughOutcome = (_value, state) => (state.loaded ? RESULT_MISS : RESULT_HIT);
  return function (this: unknown, key: unknown, loader: unknown, ...rest: unknown[]) {
    if (typeof loader !== "function") return original.call(this, key, loader, ...rest);
    const state = { loaded: false, status: {} };
    const tracked = function (this: unknown, ...args: unknown[]) {
      state.loaded = true;
      return (loader as AnyFunction).apply(this, args);
    };
    return settleReadThrough(context, key, state, outcome, () => original.call(this, key, tracked, ...rest));
  };
}

function settleReadThrough(
  context: WrapContext,
  key: unknown,
  state: { loaded: boolean; status: Record<string, unknown> },
  outcome: ReadThroughOutcome,
  call: () => unknown,
): unknown {
  const cells = context.resolveFamily(key);
  const start = startClock(context);
  const settle = (value: unknown) => {
    const result = outcome(value, state);
    context.recorder.count(cells, OP_GET, result, start);
    if (result === RESULT_HIT && context.verify && typeof key === "string") context.verify(key, cells, value);
    return value;
  };
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    context.recorder.count(cells, OP_GET, RESULT_ERROR, start);
    throw error;
  }
  if (!isThenable(returned)) return settle(returned);
  return returned.then(settle, (error: unknown) => {
    context.recorder.count(cells, OP_GET, RESULT_ERROR, start);
    throw error;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Pipelines and transactions: each queued cache command is counted when the batch's `exec` settles, with its own
// result (ioredis and iovalkey: `[error, value]` per command; node-redis: the replies, or a `MultiErrorReply`
// holding them). Batched commands are not timed (they share one round trip). A transaction discarded because a
// WATCHed key changed counts nothing: no command ran.

interface QueuedCommand {
  spec: MethodSpec;
  keys: unknown[];
  cells: FamilyCells[];
  /** Index of the command's result in what `exec` resolves to. */
  index: number;
}

interface BatchState {
  queued: QueuedCommand[];
  /** node-redis: commands queued so far (its batches have no `length`). */
  added: number;
  settled: boolean;
}

const BATCH_STATE = Symbol("cachewise.batch");

type Batch = Record<PropertyKey, unknown> & { [BATCH_STATE]?: BatchState; length?: number };

/**
 * A prototype for a client's batches: the batch class's prototype with the cache commands wrapped to note what they
 * queue. Made once per client and batch class; each batch is given it with `Object.setPrototypeOf`.
 */
function createBatchPrototype(
  proto: object,
  context: WrapContext,
  table: (typeof RUNTIME_METHOD_TABLES)[CacheLibrary],
  nodeRedis: boolean,
): object {
  const wrapped = Object.create(proto) as Record<string, unknown>;
  for (const name of listMethodNames(proto)) {
    const method = name.toLowerCase();
    const operation = table.operations.get(method);
    const original = (proto as Record<string, unknown>)[name];
    if (!operation || typeof original !== "function") continue;
    const spec: MethodSpec = {
      op: OPERATION_INDEX[operation],
      multiKey: table.multiKey.has(method),
      miss: operation === "get" ? missRuleOf(method) : undefined,
    };
    wrapped[name] = function (this: Batch, ...args: unknown[]) {
      const state = this[BATCH_STATE];
      const index = nodeRedis ? (state?.added ?? 0) : (this.length ?? 0);
      const returned = (original as AnyFunction).apply(this, args);
      if (state) {
        const keys = spec.multiKey ? collectKeys(args) : [args[0]];
        state.queued.push({ spec, keys, cells: keys.map((key) => context.resolveFamily(key)), index });
      }
      return returned;
    };
  }
  if (nodeRedis) {
    // Every queued command goes through addCommand, but SELECT and scripts add to the queue directly: count them.
    for (const name of ["addCommand", "sendCommand", "SELECT"]) {
      const original = (proto as Record<string, unknown>)[name];
      if (typeof original !== "function") continue;
      wrapped[name] = function (this: Batch, ...args: unknown[]) {
        const state = this[BATCH_STATE];
        // A typed command calls addCommand from inside its wrapper: count the queue entry once.
        if (state) state.added++;
        return (original as AnyFunction).apply(this, args);
      };
    }
  }
  return wrapped;
}

/** Wraps a batch's `exec` (and node-redis' `execAsPipeline`) to count its commands once they settle. */
function wrapBatchExec(batch: Batch, context: WrapContext, names: readonly string[], resultOf: BatchResult): void {
  const state = batch[BATCH_STATE]!;
  for (const name of names) {
    const original = batch[name];
    if (typeof original !== "function") continue;
    batch[name] = function (this: unknown, ...args: unknown[]) {
      const returned = (original as AnyFunction).apply(this, args);
      if (state.settled || !isThenable(returned)) return returned;
      state.settled = true;
      returned.then(
        (value) => settleBatch(context, state, resultOf(value, undefined)),
        (error: unknown) => settleBatch(context, state, resultOf(undefined, error)),
      );
      return returned;
    };
  }
}

/**
 * What a batch's `exec` settled with, per result index: `error` when that command failed, else its value. `all`
 * says every command failed; `none` that none ran.
 */
type BatchResult = (
  value: unknown,
  error: unknown,
) => "all-failed" | "none-ran" | ((index: number) => { failed: boolean; value: unknown });

function settleBatch(context: WrapContext, state: BatchState, outcome: ReturnType<BatchResult>): void {
  if (outcome === "none-ran") return;
  for (const command of state.queued) {
    if (outcome === "all-failed") {
      countKeys(context, command.spec, command.cells, RESULT_ERROR, NaN);
      continue;
    }
    const { failed, value } = outcome(command.index);
    if (failed) countKeys(context, command.spec, command.cells, RESULT_ERROR, NaN);
    else if (command.keys.length === 1 && !command.spec.multiKey) {
      settleOne(context, command.spec, command.cells[0]!, command.keys[0], value, NaN);
    } else settleKeys(context, command.spec, command.keys, command.cells, value, NaN);
  }
}

/** ioredis and iovalkey: `exec` resolves to `[error, value]` per command (a transaction: per command inside it). */
function ioredisBatchResult(offset: number): BatchResult {
  return (value) => {
    // A transaction whose WATCHed keys changed resolves to null; a rejected exec (EXECABORT) fails every command.
    if (value === null) return "none-ran";
    if (!Array.isArray(value)) return "all-failed";
    return (index) => {
      const entry = value[index - offset] as [unknown, unknown] | undefined;
      if (!Array.isArray(entry)) return { failed: true, value: undefined };
      return { failed: entry[0] != null, value: entry[1] };
    };
  };
}

/** node-redis: `exec` resolves to the replies; a `MultiErrorReply` carries them with the failed ones' indexes. */
function nodeRedisBatchResult(added: () => number): BatchResult {
  return (value, error) => {
    let replies: unknown[] | undefined;
    let failed = new Set<number>();
    if (error === undefined) replies = Array.isArray(value) ? value : undefined;
    else if ((error as Error)?.constructor?.name === "WatchError") return "none-ran";
    else {
      const multi = error as { replies?: unknown; errorIndexes?: unknown };
      if (Array.isArray(multi?.replies) && Array.isArray(multi.errorIndexes)) {
        replies = multi.replies;
        failed = new Set(multi.errorIndexes as number[]);
      }
    }
    if (!replies) return "all-failed";
    // Replies that do not line up with the queue (a script, which is queued past the count): none is attributed.
    if (replies.length !== added()) return "none-ran";
    const list = replies;
    return (index) => ({ failed: failed.has(index), value: list[index] });
  };
}

/**
 * ioredis' and iovalkey's client-level transaction steps, for `multi({ pipeline: false })`: `sendCommand` counts the
 * commands sent while it is open (those of no family take a place in the results too), `exec` counts the noted
 * commands with their results, `discard` drops them.
 */
function wrapIoredisTransactionStep(name: string, original: AnyFunction, context: WrapContext): AnyFunction {
  if (name === "sendCommand")
    return function (this: unknown, ...args: unknown[]) {
      if (context.transaction) context.transaction.added++;
      return original.apply(this, args);
    };
  if (name === "discard")
    return function (this: unknown, ...args: unknown[]) {
      context.transaction = undefined;
      return original.apply(this, args);
    };
  return function (this: unknown, ...args: unknown[]) {
    const transaction = context.transaction;
    // EXEC itself is not one of the results.
    context.transaction = undefined;
    const returned = original.apply(this, args);
    if (transaction && isThenable(returned)) {
      transaction.settled = true;
      returned.then(
        (value) => settleBatch(context, transaction, ioredisBatchResult(0)(value, undefined)),
        (error: unknown) => settleBatch(context, transaction, ioredisBatchResult(0)(undefined, error)),
      );
    }
    return returned;
  };
}

/** ioredis' and iovalkey's `pipeline(commands?)` and `multi(commands?, options?)`. */
function wrapIoredisBatchFactory(
  original: AnyFunction,
  context: WrapContext,
  table: (typeof RUNTIME_METHOD_TABLES)[CacheLibrary],
  transaction: boolean,
): AnyFunction {
  const prototypes = new WeakMap<object, object>();
  return function (this: unknown, ...args: unknown[]) {
    const options = (Array.isArray(args[0]) ? args[1] : args[0]) as { pipeline?: unknown } | undefined;
    if (transaction && options?.pipeline === false) {
      // MULTI is sent now; the client's next commands are queued by the server until its `exec`.
      const returned = original.apply(this, args);
      const state: BatchState = { queued: [], added: 0, settled: false };
      context.transaction = state;
      if (isThenable(returned))
        returned.then(undefined, () => {
          if (context.transaction === state) context.transaction = undefined;
        });
      return returned;
    }
    // Commands given as an array are added once the batch is instrumented, as the library would add them.
    const commands = Array.isArray(args[0]) ? (args[0] as unknown[][]) : undefined;
    const batch = (commands ? original.apply(this, transaction ? [args[1]] : []) : original.apply(this, args)) as Batch;
    if (!batch || typeof batch.exec !== "function" || typeof batch.length !== "number") return batch;
    const proto = Object.getPrototypeOf(batch) as object;
    let wrapped = prototypes.get(proto);
    if (!wrapped) prototypes.set(proto, (wrapped = createBatchPrototype(proto, context, table, false)));
    Object.setPrototypeOf(batch, wrapped);
    Object.defineProperty(batch, BATCH_STATE, { value: { queued: [], added: 0, settled: false }, enumerable: false });
    // A transaction's results start after its MULTI, which is queued already.
    wrapBatchExec(batch, context, ["exec"], ioredisBatchResult(transaction ? batch.length : 0));
    if (commands) (batch.addBatch as AnyFunction).call(batch, commands);
    return batch;
  };
}

/** node-redis' `multi()` / `MULTI()`: its `exec()`, `exec(true)` and `execAsPipeline()`. */
function wrapNodeRedisMulti(
  original: AnyFunction,
  context: WrapContext,
  table: (typeof RUNTIME_METHOD_TABLES)[CacheLibrary],
): AnyFunction {
  const prototypes = new WeakMap<object, object>();
  return function (this: unknown, ...args: unknown[]) {
    const batch = original.apply(this, args) as Batch;
    if (!batch || typeof batch.exec !== "function") return batch;
    const proto = Object.getPrototypeOf(batch) as object;
    let wrapped = prototypes.get(proto);
    if (!wrapped) prototypes.set(proto, (wrapped = createBatchPrototype(proto, context, table, true)));
    Object.setPrototypeOf(batch, wrapped);
    const state: BatchState = { queued: [], added: 0, settled: false };
    Object.defineProperty(batch, BATCH_STATE, { value: state, enumerable: false });
    // `select` and `EXEC` are instance fields holding the prototype's functions: point them at the wrapped ones.
    if (typeof batch.select === "function") batch.select = (wrapped as Batch).SELECT;
    wrapBatchExec(
      batch,
      context,
      ["exec", "execAsPipeline"],
      nodeRedisBatchResult(() => state.added),
    );
    if (typeof batch.EXEC === "function") batch.EXEC = batch.exec;
    return batch;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Library detection.

/** The library of a client, from its shape (libraries are not imported here). */
export function detectLibrary(client: object): CacheLibrary {
  const c = client as Record<string, unknown>;
  const has = (name: string) => typeof c[name] === "function";
  // By shape: constructor names do not survive the libraries' minified builds.
  if (has("peek") && has("fetch") && has("purgeStale")) return "lru-cache";
  if (has("getMany") && has("setMany") && has("getRaw")) return "keyv";
  if (has("wrap") && Array.isArray(c.stores)) return "cache-manager";
  if (has("sendCommand") && has("hGetAll")) return "node-redis";
  // iovalkey, ioredis' fork, has the same shape and the same method table.
  if (has("sendCommand") && has("pipeline") && typeof c.options === "object") return "ioredis";
  throw new TypeError(
    "cachewise/runtime: not a client of ioredis, node-redis, iovalkey, lru-cache, keyv or cache-manager (pass `library`)",
  );
}

/** ioredis and iovalkey prefix every key with `options.keyPrefix`; the families' patterns include it. */
function readKeyPrefix(client: object): string | undefined {
  const prefix = (client as { options?: { keyPrefix?: unknown } }).options?.keyPrefix;
  return typeof prefix === "string" && prefix !== "" ? prefix : undefined;
}

/** Function-valued properties of the object and its prototypes (not `Object.prototype`'s). */
function listMethodNames(client: object): string[] {
  const names = new Set<string>();
  for (let proto: object | null = client; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === "constructor") continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor && typeof descriptor.value === "function") names.add(name);
    }
  }
  return [...names];
}
