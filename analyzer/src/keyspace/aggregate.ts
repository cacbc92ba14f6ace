// Pure aggregation of key records into groups: by the caller's cache families and by a
// namespace tree. No ioredis, no I/O: it is fed plain arrays in tests and streamed records
// by the profiler. Quantiles use a log-bucket sketch so that a million keys cost kilobytes.
import type {
  FamilyGroup,
  GroupEstimate,
  GroupStats,
  KeyRecord,
  KeyspaceAggregate,
  LargeKey,
  NamespaceEstimate,
  NamespaceNode,
  TtlBucket,
} from "./keyspace-model";

/** TTL histogram buckets; a final "no expiry" bucket follows them in every histogram. */
export const TTL_BUCKETS: readonly TtlBucket[] = [
  { label: "<1m", maxMs: 60_000 },
  { label: "1–10m", maxMs: 600_000 },
  { label: "10m–1h", maxMs: 3_600_000 },
  { label: "1–6h", maxMs: 21_600_000 },
  { label: "6–24h", maxMs: 86_400_000 },
  { label: "1–7d", maxMs: 604_800_000 },
  { label: ">7d", maxMs: Infinity },
];

export const NO_EXPIRY_LABEL = "no expiry";

/** Labels of every histogram position: the TTL buckets, then "no expiry". */
export const TTL_HISTOGRAM_LABELS: readonly string[] = [...TTL_BUCKETS.map((b) => b.label), NO_EXPIRY_LABEL];

/** Placeholder segment for keys without the delimiter. */
export const NO_NAMESPACE_SEGMENT = "(no namespace)";
/** Placeholder segment collecting the children beyond `maxChildren`. */
export const OTHER_SEGMENT = "(other)";
/** What id-like segments collapse to. */
export const ID_SEGMENT = "{id}";

const MAX_SAMPLE_KEYS = 5;
const MAX_LARGEST_KEYS = 5;

/** Index of the histogram position for a PTTL (ms; -1 = no expiry). */
export function findTtlBucketIndex(pttlMs: number): number {
  if (pttlMs < 0) return TTL_BUCKETS.length;
  for (let i = 0; i < TTL_BUCKETS.length; i++) if (pttlMs < TTL_BUCKETS[i].maxMs) return i;
  return TTL_BUCKETS.length - 1;
}

// ---------------------------------------------------------------------------------------------
// Quantile sketch: logarithmic buckets 2 % wide, so a quantile is within about 1 % of the truth.

const SKETCH_BASE = Math.log(1.02);

export interface QuantileSketch {
  counts: Map<number, number>;
  count: number;
  max: number;
}

export function createQuantileSketch(): QuantileSketch {
  return { counts: new Map(), count: 0, max: -Infinity };
}

export function addToSketch(sketch: QuantileSketch, value: number): void {
  const index = value < 1 ? 0 : 1 + Math.floor(Math.log(value) / SKETCH_BASE);
  sketch.counts.set(index, (sketch.counts.get(index) ?? 0) + 1);
  sketch.count += 1;
  if (value > sketch.max) sketch.max = value;
}

/** The q-quantile (0..1), or undefined for an empty sketch. Never above the exact maximum. */
export function readQuantile(sketch: QuantileSketch, q: number): number | undefined {
  if (sketch.count === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * sketch.count));
  if (rank >= sketch.count) return sketch.max;
  const indexes = [...sketch.counts.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const index of indexes) {
    seen += sketch.counts.get(index)!;
    if (seen >= rank) {
      if (index === 0) return 0;
      // Geometric middle of [1.02^(i-1), 1.02^i).
      return Math.min(sketch.max, Math.exp((index - 0.5) * SKETCH_BASE));
    }
  }
  return sketch.max;
}

// ---------------------------------------------------------------------------------------------
// Group accumulators.

interface GroupAccumulator {
  keys: number;
  types: Map<string, number>;
  ttlHistogram: number[];
  keysWithoutTtl: number;
  ttl: QuantileSketch;
  memoryTotal: number;
  memoryKeys: number;
  largest: LargeKey[];
  idle: QuantileSketch;
  frequency: QuantileSketch;
  sampleKeys: string[];
  /** Key names counted by `addName` (estimates). */
  names: number;
}

function createGroupAccumulator(): GroupAccumulator {
  return {
    keys: 0,
    types: new Map(),
    ttlHistogram: new Array(TTL_BUCKETS.length + 1).fill(0),
    keysWithoutTtl: 0,
    ttl: createQuantileSketch(),
    memoryTotal: 0,
    memoryKeys: 0,
    largest: [],
    idle: createQuantileSketch(),
    frequency: createQuantileSketch(),
    sampleKeys: [],
    names: 0,
  };
}

function addToGroup(group: GroupAccumulator, record: KeyRecord): void {
  group.keys += 1;
  group.types.set(record.type, (group.types.get(record.type) ?? 0) + 1);
  group.ttlHistogram[findTtlBucketIndex(record.pttlMs)] += 1;
  if (record.pttlMs < 0) group.keysWithoutTtl += 1;
  else addToSketch(group.ttl, record.pttlMs);
  if (record.memoryBytes !== undefined) {
    group.memoryTotal += record.memoryBytes;
    group.memoryKeys += 1;
    addToLargest(group.largest, record);
  }
  if (record.idleSeconds !== undefined) addToSketch(group.idle, record.idleSeconds);
  if (record.frequency !== undefined) addToSketch(group.frequency, record.frequency);
  if (group.sampleKeys.length < MAX_SAMPLE_KEYS) group.sampleKeys.push(record.displayKey);
}

function addToLargest(largest: LargeKey[], record: KeyRecord): void {
  const bytes = record.memoryBytes!;
  if (largest.length === MAX_LARGEST_KEYS && bytes <= largest[largest.length - 1].bytes) return;
  const entry: LargeKey = { displayKey: record.displayKey, key: record.key, bytes, type: record.type };
  let i = largest.length;
  while (i > 0 && largest[i - 1].bytes < bytes) i--;
  largest.splice(i, 0, entry);
  if (largest.length > MAX_LARGEST_KEYS) largest.pop();
}

function finishGroup(group: GroupAccumulator): GroupStats {
  const ttlP50 = readQuantile(group.ttl, 0.5);
  const idleP50 = readQuantile(group.idle, 0.5);
  const freqP50 = readQuantile(group.frequency, 0.5);
  return {
    keys: group.keys,
    types: Object.fromEntries([...group.types].sort((a, b) => b[1] - a[1])),
    ttlHistogram: [...group.ttlHistogram],
    keysWithoutTtl: group.keysWithoutTtl,
    ttlP50Ms: ttlP50 === undefined ? undefined : Math.round(ttlP50),
    memory:
      group.memoryKeys === 0
        ? undefined
        : {
            totalBytes: group.memoryTotal,
            averageBytes: group.memoryTotal / group.memoryKeys,
            keysMeasured: group.memoryKeys,
          },
    largestKeys: [...group.largest],
    idle: idleP50 === undefined ? undefined : { p50Seconds: Math.round(idleP50), maxSeconds: group.idle.max },
    frequency: freqP50 === undefined ? undefined : { p50: Math.round(freqP50), max: group.frequency.max },
    sampleKeys: [...group.sampleKeys],
    ...(group.names > 0 ? { names: group.names } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The aggregator.

export interface AggregationOptions {
  /** Maps a display key to a cache family id; undefined means no family in the code writes it. */
  classify?: (displayKey: string) => string | undefined;
  /** Namespace delimiter; default `:`. */
  delimiter?: string;
  /** Deepest namespace level; default 3. The last segment of a key is never a namespace. */
  maxDepth?: number;
  /** Collapse id-like segments (numbers, UUIDs, long hex) into `{id}`; default true. */
  collapseIds?: boolean;
  /** Children per namespace node before the rest is folded into `(other)`; default 200. */
  maxChildren?: number;
}

export interface KeyspaceAggregator {
  add(record: KeyRecord): void;
  /** Counts a key name only (sampled estimates: shares from every name SCAN returned, figures from the inspected ones). */
  addName(displayKey: string): void;
  finish(): KeyspaceAggregate;
}

interface TreeAccumulator {
  segment: string;
  path: string;
  isPattern: boolean;
  group: GroupAccumulator;
  children: Map<string, TreeAccumulator>;
}

function isHexCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Whether a namespace segment looks like an id: digits only, a UUID, or 16+ hex digits.
 * A hand-written scan: it runs for every segment of every key, and most segments fail on
 * their first character.
 */
export function isIdLikeSegment(segment: string): boolean {
  const length = segment.length;
  if (length === 0) return false;
  let digits = true;
  let hex = true;
  let uuid = length === 36;
  for (let i = 0; i < length; i++) {
    const c = segment.charCodeAt(i);
    if (uuid && (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 45 : !isHexCode(c))) uuid = false;
    if (c < 48 || c > 57) digits = false;
    if (!isHexCode(c)) hex = false;
    if (!digits && !hex && !uuid) return false;
  }
  return digits || uuid || (hex && length >= 16);
}

/** Splits a display key into the namespace segments it belongs to (without the key's own last segment). */
export function readNamespaceSegments(displayKey: string, delimiter = ":", maxDepth = 3, collapseIds = true): string[] {
  const segments: string[] = [];
  if (!delimiter) return segments;
  // indexOf rather than split: this runs for every key, and most keys are longer than their namespaces.
  for (let start = 0; segments.length < maxDepth;) {
    const end = displayKey.indexOf(delimiter, start);
    if (end < 0) break;
    const segment = displayKey.slice(start, end);
    segments.push(collapseIds && isIdLikeSegment(segment) ? ID_SEGMENT : segment);
    start = end + delimiter.length;
  }
  return segments;
}

/** A streaming aggregator: add records as they arrive, then `finish()`. */
export function createKeyspaceAggregator(options: AggregationOptions = {}): KeyspaceAggregator {
  const delimiter = options.delimiter ?? ":";
  const maxDepth = options.maxDepth ?? 3;
  const collapseIds = options.collapseIds ?? true;
  const maxChildren = options.maxChildren ?? 200;
  const total = createGroupAccumulator();
  const families = new Map<string | undefined, GroupAccumulator>();
  const root: TreeAccumulator = { segment: "", path: "", isPattern: false, group: total, children: new Map() };

  function findChild(parent: TreeAccumulator, segment: string): TreeAccumulator {
    let child = parent.children.get(segment);
    if (child) return child;
    if (parent.children.size >= maxChildren && segment !== OTHER_SEGMENT) return findChild(parent, OTHER_SEGMENT);
    const isPlaceholder = segment === OTHER_SEGMENT || segment === NO_NAMESPACE_SEGMENT || segment === ID_SEGMENT;
    child = {
      segment,
      path: parent.path === "" ? segment : `${parent.path}${delimiter}${segment}`,
      isPattern: parent.isPattern || isPlaceholder,
      group: createGroupAccumulator(),
      children: new Map(),
    };
    parent.children.set(segment, child);
    return child;
  }

  /** Calls `visit` with every group a display key belongs to: the total, its family, its namespaces. */
  function visitGroups(displayKey: string, visit: (group: GroupAccumulator) => void): void {
    visit(total);
    const family = options.classify?.(displayKey);
    let familyGroup = families.get(family);
    if (!familyGroup) families.set(family, (familyGroup = createGroupAccumulator()));
    visit(familyGroup);
    const segments = readNamespaceSegments(displayKey, delimiter, maxDepth, collapseIds);
    if (segments.length === 0) {
      visit(findChild(root, NO_NAMESPACE_SEGMENT).group);
      return;
    }
    let node = root;
    for (const segment of segments) {
      node = findChild(node, segment);
      visit(node.group);
      // Children of "(other)" would be as unbounded as what it folds away.
      if (node.segment === OTHER_SEGMENT) break;
    }
  }

  return {
    add(record) {
      visitGroups(record.displayKey, (group) => addToGroup(group, record));
    },
    addName(displayKey) {
      visitGroups(displayKey, countName);
    },
    finish() {
      const familyGroups: FamilyGroup[] = [...families].map(([family, group]) => ({
        family,
        stats: finishGroup(group),
      }));
      familyGroups.sort((a, b) => countKeys(b.stats) - countKeys(a.stats));
      return { total: finishGroup(total), families: familyGroups, namespaces: finishTree(root) };
    },
  };
}

/** Keys of a group for ordering: its counted names in an estimate, else its keys. */
function countKeys(stats: GroupStats): number {
  return stats.names ?? stats.keys;
}

function countName(group: GroupAccumulator): void {
  group.names += 1;
}

function finishTree(node: TreeAccumulator): NamespaceNode {
  const children = [...node.children.values()].map(finishTree).sort((a, b) => countKeys(b.stats) - countKeys(a.stats));
  return {
    segment: node.segment,
    path: node.path,
    isPattern: node.isPattern,
    stats: finishGroup(node.group),
    children,
  };
}

/** Aggregates an array of records in one go. */
export function aggregateKeys(records: Iterable<KeyRecord>, options: AggregationOptions = {}): KeyspaceAggregate {
  const aggregator = createKeyspaceAggregator(options);
  for (const record of records) aggregator.add(record);
  return aggregator.finish();
}

// ---------------------------------------------------------------------------------------------
// Estimates from a sample.

/** The 95 % (by default) Wilson score interval of a proportion `successes / n`. */
export function computeWilsonInterval(successes: number, n: number, z = 1.959964): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // Exact ends where floating point would leave 1e-19 instead of 0.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Inspected keys the user's ACL refused in a sample, and the keyspace's total (permitted or
 * not): a group's key count is then its part of all inspected keys times that total.
 */
export interface SampleRefusal {
  sampled: number;
  keyspaceKeys: number;
}

/**
 * Turns a group's sample figures into an estimate scaled to `totalKeys`. With `exhaustive`
 * (every key was seen) the share is exact and the interval collapses onto it. With
 * `sampledNames`, the share comes from the group's counted names (`stats.names`) out of
 * `sampledNames`; the type mix and TTLs always come from the inspected keys. With `refused`,
 * the share stays one of the permitted keys while the key counts and their interval come from
 * the group's part of every inspected key, refused ones included, times the keyspace's total.
 */
export function estimateGroup(
  stats: GroupStats,
  sampledKeys: number,
  totalKeys: number,
  exhaustive = false,
  sampledNames?: number,
  refused?: SampleRefusal,
): GroupEstimate {
  const inGroup = sampledNames === undefined ? stats.keys : (stats.names ?? 0);
  const outOf = sampledNames ?? sampledKeys;
  const share = outOf === 0 ? 0 : inGroup / outOf;
  const interval = exhaustive ? { low: share, high: share } : computeWilsonInterval(inGroup, outOf);
  const ofAll = refused ? refused.sampled + outOf : outOf;
  const counted = refused ? computeWilsonInterval(inGroup, ofAll) : interval;
  const scaleTo = refused ? refused.keyspaceKeys : totalKeys;
  return {
    sampledKeys: inGroup,
    inspectedKeys: stats.keys,
    share,
    shareLow: interval.low,
    shareHigh: interval.high,
    estimatedKeys: Math.round((ofAll === 0 ? 0 : inGroup / ofAll) * scaleTo),
    estimatedKeysLow: Math.floor(counted.low * scaleTo),
    estimatedKeysHigh: Math.ceil(counted.high * scaleTo),
    types: stats.types,
    noTtlShare: stats.keys === 0 ? 0 : stats.keysWithoutTtl / stats.keys,
    ttlHistogram: stats.ttlHistogram,
    sampleKeys: stats.sampleKeys,
  };
}

/** Estimates every node of a namespace tree aggregated from a sample. */
export function estimateNamespaceTree(
  node: NamespaceNode,
  sampledKeys: number,
  totalKeys: number,
  exhaustive = false,
  sampledNames?: number,
  refused?: SampleRefusal,
): NamespaceEstimate {
  return {
    segment: node.segment,
    path: node.path,
    isPattern: node.isPattern,
    estimate: estimateGroup(node.stats, sampledKeys, totalKeys, exhaustive, sampledNames, refused),
    children: node.children.map((child) =>
      estimateNamespaceTree(child, sampledKeys, totalKeys, exhaustive, sampledNames, refused),
    ),
  };
}
