// Read-only queries to Prometheus's HTTP API (`/api/v1/query`, `/api/v1/query_range`) with Node's own fetch: a
// timeout on every request, a bounded reply, and every failure (an address that does not parse, no answer, an HTTP
// error, a reply that is not Prometheus's JSON, a rejected query) as a PrometheusError whose message is one
// sentence naming the server. Used by `cachewise stats` and the extension; plain Node, no editor, no client library.

/** A failure to ask Prometheus: the message is one sentence that names the server (its password hidden). */
export class PrometheusError extends Error {}

/** A Prometheus server to ask: its base URL (without credentials) and the Authorization header they make. */
export interface PrometheusServer {
  /** `http://host:9090/` or `https://host/prometheus/`: always ends with `/`. */
  base: string;
  /** The address as messages show it: the base, with the user name and without the password. */
  shown: string;
  authorization: string | undefined;
}

export interface QueryOptions {
  /** Per request, reply included. */
  timeoutMs: number;
  /** Evaluation time; Prometheus's "now" when left out. */
  time?: Date;
}

/** One series of an instant vector: its labels and its value (NaN and ±Inf as Prometheus gives them). */
export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

/** One series of a range query: its labels and its points, time in seconds since the epoch. */
export interface MatrixSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** A reply larger than this is not read: one query grouped by family stays far below it. */
const MAX_REPLY_BYTES = 8 * 1024 * 1024;

/**
 * Reads `--prometheus` / `cachewise.metrics.prometheusUrl`: an http or https URL, optionally with a path prefix (a
 * Prometheus behind a reverse proxy) and `user:password@` for basic authentication. No query string or fragment.
 */
export function parsePrometheusUrl(text: string): PrometheusServer {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new PrometheusError(`"${text}" is not a URL (expected http://host:9090)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new PrometheusError(`"${redactUrl(url)}" is not an http or https URL (expected http://host:9090)`);
  if (url.search || url.hash)
    throw new PrometheusError(
      `"${redactUrl(url)}" has a query string or fragment: give the server's address only (http://host:9090)`,
    );
  const authorization =
    url.username || url.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`
      : undefined;
  const shown = redactUrl(url);
  url.username = "";
  url.password = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return { base: url.href, shown: shown.endsWith("/") ? shown : `${shown}/`, authorization };
}

function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "***";
  return copy.href;
}

/** An instant query: the vector it gives. A query whose result is not a vector is an error. */
export async function queryVector(
  server: PrometheusServer,
  query: string,
  options: QueryOptions,
): Promise<VectorSample[]> {
  const params = new URLSearchParams({ query });
  if (options.time) params.set("time", String(options.time.getTime() / 1000));
  const data = await request(server, "api/v1/query", params, options.timeoutMs);
  if (data.resultType !== "vector" || !Array.isArray(data.result))
    throw invalidReply(server, `a ${describeType(data.resultType)} result where a vector was expected`);
  return data.result.map((entry: unknown) => {
    const sample = entry as { metric?: unknown; value?: unknown };
    if (!isLabels(sample.metric) || !isPoint(sample.value)) throw invalidReply(server, "a malformed vector sample");
    return { labels: sample.metric, value: Number(sample.value[1]) };
  });
}

/** A range query from `start` to `end` every `stepSeconds`: the series it gives. */
export async function queryMatrix(
  server: PrometheusServer,
  query: string,
  range: { start: Date; end: Date; stepSeconds: number },
  options: Pick<QueryOptions, "timeoutMs">,
): Promise<MatrixSeries[]> {
  const params = new URLSearchParams({
    query,
    start: String(range.start.getTime() / 1000),
    end: String(range.end.getTime() / 1000),
    step: String(range.stepSeconds),
  });
  const data = await request(server, "api/v1/query_range", params, options.timeoutMs);
  if (data.resultType !== "matrix" || !Array.isArray(data.result))
    throw invalidReply(server, `a ${describeType(data.resultType)} result where a matrix was expected`);
  return data.result.map((entry: unknown) => {
    const series = entry as { metric?: unknown; values?: unknown };
    if (!isLabels(series.metric) || !Array.isArray(series.values) || !series.values.every(isPoint))
      throw invalidReply(server, "a malformed matrix series");
    return {
      labels: series.metric,
      points: (series.values as Array<[number, string]>).map(([t, v]) => [Number(t), Number(v)] as [number, number]),
    };
  });
}

function describeType(type: unknown): string {
  return typeof type === "string" ? JSON.stringify(type).slice(0, 40) : "missing";
}

function isLabels(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}

function isPoint(value: unknown): value is [number, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "string";
}

function invalidReply(server: PrometheusServer, what: string): PrometheusError {
  return new PrometheusError(`${server.shown} did not answer as Prometheus's query API does (${what})`);
}

/** POSTs the form to the endpoint (so that a long query fits) and returns the reply's `data`. */
async function request(
  server: PrometheusServer,
  endpoint: string,
  params: URLSearchParams,
  timeoutMs: number,
): Promise<{ resultType?: unknown; result?: any }> {
  const url = new URL(endpoint, server.base).href;
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: params,
      headers: {
        accept: "application/json",
        ...(server.authorization ? { authorization: server.authorization } : {}),
      },
      redirect: "error",
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw new PrometheusError(`Prometheus at ${server.shown} did not answer within ${seconds}`);
    throw new PrometheusError(`cannot reach Prometheus at ${server.shown} (${describeFetchError(error)})`);
  }
  let text: string;
  try {
    text = await readBounded(response);
  } catch (error) {
    if (signal.aborted)
      throw new PrometheusError(`Prometheus at ${server.shown} did not finish its answer within ${seconds}`);
    if (error instanceof PrometheusError) throw new PrometheusError(`Prometheus at ${server.shown} ${error.message}`);
    throw new PrometheusError(`lost the connection to Prometheus at ${server.shown} (${describeFetchError(error)})`);
  }
  let body: { status?: unknown; data?: unknown; error?: unknown; errorType?: unknown } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  // Prometheus answers a bad query with 400 or 422 and a JSON error: its message says what is wrong.
  if (body && body.status === "error" && typeof body.error === "string")
    throw new PrometheusError(
      `Prometheus at ${server.shown} rejected the query (${status}, ${String(body.errorType ?? "error")}): ${firstLine(body.error)}`,
    );
  if (!response.ok) throw new PrometheusError(`Prometheus at ${server.shown} answered ${status} to ${endpoint}`);
  if (!body || typeof body !== "object")
    throw new PrometheusError(
      `${server.shown} answered ${endpoint} with something that is not JSON (${response.headers.get("content-type") ?? "no content type"}): is it Prometheus?`,
    );
  if (body.status !== "success" || typeof body.data !== "object" || body.data === null)
    throw invalidReply(server, 'no "status": "success" with "data"');
  return body.data as { resultType?: unknown; result?: unknown };
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_REPLY_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw new PrometheusError(`answered with more than ${MAX_REPLY_BYTES / 1024 / 1024} MB: not read`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Node's fetch wraps the socket error in `cause`: its code says what happened (ECONNREFUSED, ENOTFOUND). */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return firstLine(cause.message);
  return firstLine(error instanceof Error ? error.message : String(error));
}
