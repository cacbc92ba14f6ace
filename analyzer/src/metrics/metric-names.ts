// The metric and label names cachewise reads from Prometheus: what `cachewise/runtime` records through
// OpenTelemetry (`cache.operations`, `cache.operation.duration`, `cache.stale_reads` with the attributes
// `cache.family`, `cache.operation`, `cache.result`, and `cache.verified_reads`), as `@opentelemetry/exporter-prometheus`
// exports them (dots become underscores, counters get `_total`, the duration histogram gets `_bucket`/`_sum`/`_count`,
// and `_seconds` before them only through the OpenTelemetry Collector's exporter, which appends units). The alert rules, `cachewise stats` and the extension use these names only
// from here, so that a rename in the run-time module is one change. Plain data.

/** Counter of cache operations, by family, operation and result. */
export const OPERATIONS_TOTAL = "cache_operations_total";
/** Histogram of operation durations in seconds (`_bucket` with `le`, `_sum`, `_count`). */
export const DURATION = "cache_operation_duration";
/**
 * The histogram's buckets under either name: `cache_operation_duration_bucket` (the JavaScript exporter, which does
 * not append units) or `cache_operation_duration_seconds_bucket` (the Collector's, which does).
 */
export const DURATION_BUCKETS_SELECTOR = `{__name__=~"${DURATION}(_seconds)?_bucket"}`;
/** Counter of sampled hits whose value differed from the source's (run-time verification), by family. */
export const STALE_READS_TOTAL = "cache_stale_reads_total";
/** Counter of the sampled hits that were compared with the source: stale reads / verified reads is the stale-read ratio. */
export const VERIFIED_READS_TOTAL = "cache_verified_reads_total";

/** The family a key matched: the family's `label` as `cachewise families --format json` prints it. */
export const FAMILY_LABEL = "cache_family";
export const OPERATION_LABEL = "cache_operation";
export const RESULT_LABEL = "cache_result";

/** `cache_result` values: a read that found a value, one that did not, a failed call, a write or delete that succeeded. */
export const RESULT_HIT = "hit";
export const RESULT_MISS = "miss";
export const RESULT_ERROR = "error";
export const RESULT_OK = "ok";

/** The one family that collects the keys of no family, so that label cardinality stays bounded. */
export const UNMATCHED_FAMILY = "unmatched";

/** Kinds of cache family the run-time module does not instrument (a memoized function, a framework's cache): no metrics. */
export const UNMEASURED_KINDS: readonly string[] = ["memoizer", "framework"];
