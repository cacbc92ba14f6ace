// Opens keyspace connections (standalone, Sentinel, Cluster; TLS, ACL users, rediss:// URLs)
// with bounded timeouts and capped reconnects, and guards every one with the read-only
// command policy before the first command is sent.
import { Cluster, Redis } from "ioredis";
import type { ClusterOptions, RedisOptions } from "ioredis";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { ReadOnlyError, guardClient } from "./command-policy";
import type { KeyLookupCounter } from "./command-policy";
import { isPermissionError } from "./redis-errors";
import { RespSocket } from "./resp-socket";

/** Where and how to connect; the password usually comes separately (SecretStorage). */
export interface KeyspaceConnectionConfig {
  /** A name for messages and profiles; empty: messages name only the server. */
  name: string;
  /**
   * `redis://[user[:password]@]host[:port][/db]` (or `?db=N`) or `rediss://…` (TLS). The fields
   * below add to it; a field that contradicts it (another database or user) is an error.
   */
  url?: string;
  /** Default: `cluster`/`sentinel` when set, otherwise standalone. */
  mode?: "standalone" | "cluster" | "sentinel";
  /** Cluster seed nodes, or the Sentinels in sentinel mode; standalone uses the first. */
  nodes?: { host: string; port: number }[];
  /** The master name Sentinel monitors (sentinel mode). */
  sentinelName?: string;
  /** ACL user name. */
  username?: string;
  /** Password; `OpenConnectionOptions.password` takes precedence. */
  password?: string;
  /** Database index (standalone and sentinel; clusters only have 0). */
  db?: number;
  /** TLS on (also implied by `rediss://`), with optional settings. */
  tls?: boolean | { rejectUnauthorized?: boolean; ca?: string; servername?: string };
  /** Upper bound for any single command; default 5000 ms. */
  commandTimeoutMs?: number;
  /** Upper bound for establishing a connection; default 5000 ms. */
  connectTimeoutMs?: number;
}

export interface OpenConnectionOptions {
  /** The password, from the caller's secret store; overrides config and URL. */
  password?: string;
  /** Password of the Sentinels themselves, when they require one. */
  sentinelPassword?: string;
  /** Permit `deleteKey` and `setTtl` (and only those writes). Default false. */
  allowWrites?: boolean;
  /** CLIENT SETNAME; default `cachewise`. */
  connectionName?: string;
  /** Reconnect attempts after a connection loss before giving up; default 10 (backoff capped at 3 s). */
  maxReconnectAttempts?: number;
}

/** A node the profiler scans: a master connection and its address. */
export interface ScanTarget {
  /** `host:port`. */
  node: string;
  client: Redis;
  /**
   * Opens a dedicated raw RESP socket to this node for the profiler's inspection loop: same
   * address, credentials, TLS and database as `client`, guarded by the read-only allow-list
   * (writes are refused even when the connection allows them). Absent on hand-made targets.
   */
  openInspectionSocket?: () => Promise<RespSocket>;
}

/** An open, guarded connection. Close it with `close()`. */
export interface KeyspaceConnection {
  readonly name: string;
  /**
   * The server as profiles, notices and errors name it: `127.0.0.1:6379 db 3`, the master a
   * Sentinel gave (`127.0.0.1:6380 db 0 (master mymaster via Sentinel 127.0.0.1:26379)`), or
   * `Redis Cluster 127.0.0.1:7000, …`.
   */
  readonly server: string;
  /** Notes from opening the connection (a permission the user lacks, such as PING), each naming the server. */
  readonly notices: readonly string[];
  /**
   * Set when the connection was ended because a reconnect could not select the database again
   * (the server lost it, or the user lost SELECT): what was read since may come from another
   * database, so profiles that see it fail instead of returning figures.
   */
  readonly failure: Error | undefined;
  readonly mode: "standalone" | "cluster" | "sentinel";
  /** The guarded ioredis client. Every command it sends passes the read-only policy. */
  readonly client: Redis | Cluster;
  readonly allowWrites: boolean;
  readonly db: number;
  /**
   * Keyspace lookups sent so far, by the client, every cluster node and the inspection sockets:
   * what Redis added to keyspace_hits/keyspace_misses on our behalf (mostly hits: the keys were
   * just scanned). A hit rate over an interval subtracts the interval's share.
   */
  readonly keyLookups: number;
  /** The masters to scan: the server itself, Sentinel's current master, or every cluster master. */
  listScanTargets(): ScanTarget[];
  /** DEL one key (UNLINK is not needed for single keys the UI deletes). Throws `ReadOnlyError` without `allowWrites`. */
  deleteKey(key: Buffer | string): Promise<boolean>;
  /** EXPIRE (PEXPIRE for fractions) one key, or PERSIST it with `null`. Throws `ReadOnlyError` without `allowWrites`. */
  setTtl(key: Buffer | string, seconds: number | null): Promise<boolean>;
  /** QUIT, then disconnect; never throws. */
  close(): Promise<void>;
}

/** Raised when Redis cannot be reached or refuses the handshake; names the address. */
export class KeyspaceConnectionError extends Error {
  /** `host:port` (or the list of seeds) that failed. */
  readonly address: string;
  /** The socket error code, e.g. `ECONNREFUSED`, when known. */
  readonly code: string | undefined;
  constructor(message: string, address: string, code: string | undefined, cause?: unknown) {
    super(message, { cause });
    this.name = "KeyspaceConnectionError";
    this.address = address;
    this.code = code;
  }
}

/**
 * A connection setting that cannot be used as given. `setting` names it (the CLI maps it to its
 * option), `detail` says what is wrong; neither contains a password.
 */
export class KeyspaceConfigError extends Error {
  readonly setting: "url" | "db" | "username" | "mode";
  readonly detail: string;
  constructor(name: string, setting: KeyspaceConfigError["setting"], detail: string) {
    super(name ? `${name}: ${detail}` : detail);
    this.name = "KeyspaceConfigError";
    this.setting = setting;
    this.detail = detail;
  }
}

/** What a `redis://` URL says. */
export interface RedisUrl {
  tls: boolean;
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number | undefined;
  /** Where `db` came from, for messages: `/3` or `?db=3`. */
  dbSource: string | undefined;
}

/** The URL with its password hidden, for messages; also for text that does not parse as a URL. */
export function redactRedisUrl(text: string): string {
  return text.replace(/^([a-z][\w+.-]*:\/\/[^:@/]*:).*@/is, "$1***@");
}

const URL_SHAPE = "redis://[user[:password]@]host[:port][/db]";

/** Parses a `redis://` or `rediss://` URL; throws `KeyspaceConfigError` (setting `url`) saying what is wrong. */
export function parseRedisUrl(text: string, name = ""): RedisUrl {
  const shown = `"${redactRedisUrl(text)}"`;
  const fail = (detail: string): never => {
    throw new KeyspaceConfigError(name, "url", detail);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`${shown} is not a URL (expected ${URL_SHAPE})`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    fail(`${shown} has the scheme ${url.protocol} (use redis:// or rediss://)`);
  const decode = (value: string, what: string): string | undefined => {
    if (!value) return undefined;
    try {
      return decodeURIComponent(value);
    } catch {
      return fail(`the ${what} in ${shown} is not valid percent-encoding (write % as %25)`);
    }
  };
  const readIndex = (value: string, where: string): number => {
    const index = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(index))
      fail(`the database ${where} of ${shown} must be an index (0, 1, …), got "${value}"`);
    return index;
  };
  let db: number | undefined;
  let dbSource: string | undefined;
  const path = url.pathname.replace(/^\//, "");
  if (path !== "") {
    db = readIndex(path, "in the path");
    dbSource = `/${path}`;
  }
  for (const [key, value] of url.searchParams) {
    if (key !== "db") fail(`the URL parameter "${key}" of ${shown} is not supported (only db)`);
    const index = readIndex(value, "parameter");
    if (db !== undefined && index !== db) fail(`${shown} names two databases: ${dbSource} and ?db=${value}`);
    db = index;
    dbSource ??= `?db=${value}`;
  }
  return {
    tls: url.protocol === "rediss:",
    host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: url.port ? Number(url.port) : 6379,
    username: decode(url.username, "user name"),
    password: decode(url.password, "password"),
    db,
    dbSource,
  };
}

interface ResolvedConfig {
  mode: "standalone" | "cluster" | "sentinel";
  nodes: { host: string; port: number }[];
  username: string | undefined;
  password: string | undefined;
  db: number;
  tls: TlsOptions | undefined;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

/** Merges a URL, the config fields and the caller's password into connection settings. */
export function resolveConnectionConfig(
  config: KeyspaceConnectionConfig,
  options: OpenConnectionOptions = {},
): ResolvedConfig {
  let nodes = config.nodes ?? [];
  let username = config.username;
  let password = config.password;
  let db = config.db;
  let tls: TlsOptions | undefined;
  if (db !== undefined && (!Number.isSafeInteger(db) || db < 0))
    throw new KeyspaceConfigError(config.name, "db", `the database must be an index (0, 1, …), got ${db}`);
  if (config.url) {
    const url = parseRedisUrl(config.url, config.name);
    if (nodes.length === 0) nodes = [{ host: url.host, port: url.port }];
    if (username !== undefined && url.username !== undefined && username !== url.username)
      throw new KeyspaceConfigError(
        config.name,
        "username",
        `user "${username}" conflicts with user "${url.username}" in the URL`,
      );
    username ??= url.username;
    password ??= url.password;
    if (db !== undefined && url.db !== undefined && db !== url.db)
      throw new KeyspaceConfigError(
        config.name,
        "db",
        `database ${db} conflicts with database ${url.db} in the URL (${url.dbSource})`,
      );
    db ??= url.db;
    if (url.tls) tls = {};
  }
  if (config.tls) tls = { ...tls, ...(config.tls === true ? {} : config.tls) };
  if (config.tls === false) tls = undefined;
  if (nodes.length === 0) nodes = [{ host: "127.0.0.1", port: 6379 }];
  const mode = config.mode ?? (config.sentinelName ? "sentinel" : "standalone");
  if (mode === "sentinel" && !config.sentinelName)
    throw new KeyspaceConfigError(config.name, "mode", "sentinel mode needs the master's name");
  if (mode === "cluster" && db)
    throw new KeyspaceConfigError(config.name, "db", `Redis Cluster only has database 0 (got ${db})`);
  return {
    mode,
    nodes,
    username: username || undefined,
    password: options.password ?? password,
    db: db ?? 0,
    tls,
    commandTimeoutMs: config.commandTimeoutMs ?? 5000,
    connectTimeoutMs: config.connectTimeoutMs ?? 5000,
  };
}

function formatNodes(nodes: { host: string; port: number }[]): string {
  return nodes.map((n) => `${n.host.includes(":") ? `[${n.host}]` : n.host}:${n.port}`).join(", ");
}

/** Opens and guards a connection; rejects with `KeyspaceConnectionError` within about `connectTimeoutMs`. */
export async function openKeyspaceConnection(
  config: KeyspaceConnectionConfig,
  options: OpenConnectionOptions = {},
): Promise<KeyspaceConnection> {
  const resolved = resolveConnectionConfig(config, options);
  const allowWrites = options.allowWrites ?? false;
  const maxAttempts = options.maxReconnectAttempts ?? 10;
  // Capped exponential backoff; null ends the client, which fails pending commands instead of hanging.
  const retryStrategy = (times: number) => (times > maxAttempts ? null : Math.min(100 * 2 ** (times - 1), 3000));
  const base: RedisOptions = {
    username: resolved.username,
    password: resolved.password,
    tls: resolved.tls,
    connectTimeout: resolved.connectTimeoutMs,
    commandTimeout: resolved.commandTimeoutMs,
    connectionName: options.connectionName ?? "cachewise",
    // INFO may be denied to least-privilege users; ioredis would then warn on the console.
    enableReadyCheck: false,
    disableClientInfo: true,
    maxRetriesPerRequest: 2,
    autoResubscribe: false,
    lazyConnect: true,
    retryStrategy,
  };
  let client: Redis | Cluster;
  const address = formatNodes(resolved.nodes);
  if (resolved.mode === "cluster") {
    const clusterOptions: ClusterOptions = {
      redisOptions: withoutKeys(base, ["lazyConnect", "retryStrategy"]),
      lazyConnect: true,
      enableReadyCheck: false,
      scaleReads: "master",
      maxRedirections: 8,
      slotsRefreshTimeout: resolved.connectTimeoutMs,
      clusterRetryStrategy: (times) => (times > maxAttempts ? null : Math.min(100 * 2 ** (times - 1), 3000)),
      dnsLookup: (host, callback) => callback(null, host),
    };
    client = new Cluster(resolved.nodes, clusterOptions);
  } else if (resolved.mode === "sentinel") {
    client = new Redis({
      ...base,
      db: resolved.db,
      sentinels: resolved.nodes,
      name: config.sentinelName,
      role: "master",
      sentinelPassword: options.sentinelPassword,
      sentinelCommandTimeout: resolved.commandTimeoutMs,
      enableTLSForSentinelMode: Boolean(resolved.tls),
      sentinelRetryStrategy: (times) => (times > 3 ? null : Math.min(100 * 2 ** (times - 1), 1000)),
    });
  } else {
    client = new Redis({ ...base, host: resolved.nodes[0].host, port: resolved.nodes[0].port, db: resolved.db });
  }
  // One counter for the client, every cluster node and the inspection sockets.
  const lookups: KeyLookupCounter = { count: 0 };
  guardClient(client, { allowWrites, lookups });

  const prefix = config.name ? `${config.name}: ` : "";
  const selectsDatabase = resolved.mode !== "cluster" && resolved.db !== 0;
  // Without a listener ioredis prints every connection error to the console.
  let lastError: (Error & { code?: string }) | undefined;
  let ready = false;
  let failure: Error | undefined;
  // Sentinel mode learns the master's address once connected.
  const viaSentinel = resolved.mode === "sentinel" ? ` (master ${config.sentinelName} via Sentinel ${address})` : "";
  const nameServer = (dataAddress: string) =>
    resolved.mode === "cluster" ? `Redis Cluster ${address}` : `${dataAddress} db ${resolved.db}${viaSentinel}`;
  let dataAddress = resolved.mode === "sentinel" ? "the master" : address;
  let server = nameServer(dataAddress);
  client.on("error", (error: Error & { command?: { name?: string } }) => {
    lastError = error;
    // ioredis selects the database again after a reconnect and only reports a failure here,
    // then goes on in database 0: end the connection instead of reading the wrong database.
    if (ready && selectsDatabase && error.command?.name === "select" && !failure) {
      failure = new KeyspaceConnectionError(
        `${prefix}${server}: the connection was lost and database ${resolved.db} could not be selected again (${error.message})`,
        address,
        undefined,
        error,
      );
      client.disconnect();
    }
  });
  if (client instanceof Cluster) client.on("node error", (error: Error) => (lastError = error));

  const notices: string[] = [];
  try {
    await withTimeout(client.connect(), resolved.connectTimeoutMs * 2 + 1000, "connection timed out");
    // Without the ready check, connect() can resolve before a failed AUTH is noticed: one
    // round trip makes wrong credentials fail here instead of in the first profile.
    try {
      await withTimeout(client.ping(), resolved.commandTimeoutMs, "PING timed out");
    } catch (error) {
      // A user without PING (it is not in @read) still got an answer from Redis after AUTH.
      if (!isPermissionError(error)) throw error;
      notices.push(
        `PING is not permitted for this user on ${server}: the connection was checked by its refusal instead.`,
      );
    }
    if (lastError && /WRONGPASS|NOAUTH/.test(lastError.message)) throw lastError;
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? (error as Error & { code?: string });
    const code = (cause as { code?: string }).code ?? (error as { code?: string }).code;
    const what =
      resolved.mode === "sentinel"
        ? `Sentinel ${address} (master ${config.sentinelName})`
        : resolved.mode === "cluster"
          ? `Redis Cluster seeds ${address}`
          : `Redis at ${address}`;
    const message = isProtocolError(cause.message)
      ? `${address} is not a Redis server: its reply is not the Redis protocol (${describeProtocolError(cause.message)})`
      : `${what} ${describeConnectFailure(code, cause.message)}`;
    throw new KeyspaceConnectionError(`${prefix}${message}`, address, code, error);
  }

  const redis = client as Redis;
  if (resolved.mode === "sentinel") {
    const stream = (redis as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
    if (stream?.remoteAddress) {
      dataAddress = formatNodes([{ host: stream.remoteAddress, port: stream.remotePort ?? 6379 }]);
      server = nameServer(dataAddress);
    }
  }
  // ioredis sent SELECT on connecting, but a failure there only reaches the error listener and
  // leaves the connection in database 0: select again and fail here, naming the database.
  if (selectsDatabase) {
    try {
      await withTimeout(redis.select(resolved.db), resolved.commandTimeoutMs, "SELECT timed out");
    } catch (error) {
      client.disconnect();
      const reply = (error as Error).message.split("\n")[0];
      const why = /out of range|invalid DB index/i.test(reply)
        ? `has no database ${resolved.db}`
        : isPermissionError(error)
          ? `does not let this user select database ${resolved.db}`
          : `could not select database ${resolved.db}`;
      throw new KeyspaceConnectionError(
        `${prefix}Redis at ${dataAddress}${viaSentinel} ${why} (${reply})`,
        address,
        undefined,
        error,
      );
    }
  }
  ready = true;

  const inspectionSocket = (host: string, port: number) => () =>
    RespSocket.open({
      host,
      port,
      username: resolved.username,
      password: resolved.password,
      db: resolved.db,
      tls: resolved.tls,
      connectTimeoutMs: resolved.connectTimeoutMs,
      commandTimeoutMs: resolved.commandTimeoutMs,
      connectionName: `${options.connectionName ?? "cachewise"}-profiler`,
      // The inspection socket only ever reads, whatever the connection allows.
      policy: { allowWrites: false, lookups },
    });

  return {
    name: config.name,
    server,
    notices,
    get failure() {
      return failure;
    },
    mode: resolved.mode,
    client,
    allowWrites,
    db: resolved.db,
    get keyLookups() {
      return lookups.count;
    },
    listScanTargets() {
      if (client instanceof Cluster) {
        return client.nodes("master").map((node) => ({
          node: `${node.options.host}:${node.options.port}`,
          client: guardClient(node, { allowWrites, lookups }),
          openInspectionSocket: inspectionSocket(node.options.host ?? "127.0.0.1", node.options.port ?? 6379),
        }));
      }
      const redis = client as Redis;
      const stream = (redis as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
      const node = stream?.remoteAddress
        ? `${stream.remoteAddress}:${stream.remotePort}`
        : `${redis.options.host}:${redis.options.port}`;
      // Standalone: the configured host (it is what the TLS certificate names); Sentinel: the
      // master the client is connected to now.
      const host =
        resolved.mode === "sentinel"
          ? (stream?.remoteAddress ?? redis.options.host ?? "127.0.0.1")
          : resolved.nodes[0].host;
      const port =
        resolved.mode === "sentinel" ? (stream?.remotePort ?? redis.options.port ?? 6379) : resolved.nodes[0].port;
      return [{ node, client: redis, openInspectionSocket: inspectionSocket(host, port) }];
    },
    async deleteKey(key) {
      if (!allowWrites)
        throw new ReadOnlyError("DEL", "writes are off for this connection; open it with allowWrites: true");
      return (await client.del(key)) === 1;
    },
    async setTtl(key, seconds) {
      if (!allowWrites)
        throw new ReadOnlyError(
          seconds === null ? "PERSIST" : "PEXPIRE",
          "writes are off for this connection; open it with allowWrites: true",
        );
      if (seconds === null) return (await client.persist(key)) === 1;
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new RangeError(`setTtl: seconds must be a positive number or null, got ${seconds}`);
      return (await client.pexpire(key, Math.round(seconds * 1000))) === 1;
    },
    async close() {
      try {
        await withTimeout(client.quit(), 1000, "quit timed out");
      } catch {
        // A dead or slow server must not keep the caller waiting.
      }
      client.disconnect();
    },
  };
}

/**
 * The master names a Sentinel monitors, when the connected server is a Sentinel (INFO server
 * says `redis_mode:sentinel`); undefined for any other server, or when INFO is not answered.
 */
export async function readSentinelMasters(connection: KeyspaceConnection): Promise<string[] | undefined> {
  try {
    const info = (await connection.client.info("server")) as string;
    if (!/^redis_mode:sentinel\s*$/m.test(info)) return undefined;
    const masters = (await connection.client.call("SENTINEL", "MASTERS").catch(() => [])) as unknown[];
    const names: string[] = [];
    for (const master of masters) {
      if (!Array.isArray(master)) continue;
      const at = master.findIndex((field) => String(field) === "name");
      if (at >= 0 && at + 1 < master.length) names.push(String(master[at + 1]));
    }
    return names;
  } catch {
    return undefined;
  }
}

/** ioredis' parser on bytes that are not RESP (an HTTP or TLS server, another protocol). */
function isProtocolError(message: string): boolean {
  return /Protocol error|Please report this/i.test(message);
}

/** `got "H" as reply type byte`, without the parser's "Please report this". */
function describeProtocolError(message: string): string {
  const got = /got (".*?") as reply type byte/.exec(message);
  return got ? `it began with ${got[1]}` : message.replace(/\.?\s*Please report this\.?/i, "");
}

/** The predicate of a connection error message: what went wrong, in words, with the detail. */
export function describeConnectFailure(code: string | undefined, message: string): string {
  if (code === "ECONNREFUSED") return "is unreachable (connection refused)";
  if (code === "ETIMEDOUT") return "is unreachable (timed out)";
  if (/Command timed out|PING timed out/.test(message)) return "is not answering (command timed out)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "is unreachable (host not found)";
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message))
    return `rejected the credentials (${message})`;
  if (
    (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL|ERR_TLS/.test(code)) ||
    /certificate|handshake|SSL|TLS/i.test(message)
  )
    return `failed the TLS handshake (${message})`;
  return `is unreachable (${message})`;
}

/** Rejects with `message` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function withoutKeys<T extends object, K extends keyof T>(value: T, keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}
