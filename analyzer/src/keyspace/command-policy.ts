// The one place that decides which commands may leave a keyspace connection. Everything the
// profiler, the key inspector and ioredis itself send passes `checkCommand`: through the
// guarded `sendCommand` of the client (and of every cluster node connection), and through
// pipelines and MULTI, which are checked as they are queued so that a refused command never
// leaves a half-written pipeline behind. Refused commands throw `ReadOnlyError` before a
// single byte is written to the socket.
import type { Cluster, Redis } from "ioredis";
import { PROFILER_SCRIPT, PROFILER_SCRIPT_SHA } from "./profiler-script";

/** Thrown for a command the connection's policy does not allow. */
export class ReadOnlyError extends Error {
  /** The refused command, upper-case. */
  readonly command: string;
  constructor(command: string, reason: string) {
    super(`cachewise keyspace connections are read-only: ${command} refused (${reason})`);
    this.name = "ReadOnlyError";
    this.command = command;
  }
}

export interface CommandPolicy {
  /** Permit DEL/UNLINK of one key and EXPIRE/PEXPIRE/PERSIST of one key. */
  allowWrites: boolean;
}

type Arg = string | Buffer | number;

/** Commands that read, or only set up the connection. A value lists the allowed subcommands. */
const READ_COMMANDS: ReadonlyMap<string, ReadonlySet<string> | true> = new Map<string, ReadonlySet<string> | true>([
  // Connection setup that ioredis performs itself (AUTH/HELLO, SELECT, CLIENT SETNAME/SETINFO,
  // the INFO ready check, READONLY/READWRITE and ASKING for clusters).
  ["auth", true],
  ["hello", true],
  ["select", true],
  ["ping", true],
  ["echo", true],
  ["quit", true],
  ["readonly", true],
  ["readwrite", true],
  ["asking", true],
  ["client", new Set(["setname", "getname", "id", "info", "setinfo"])],
  ["cluster", new Set(["slots", "nodes", "shards", "info", "myid", "keyslot"])],
  ["sentinel", new Set(["get-master-addr-by-name", "sentinels", "slaves", "replicas", "masters", "master"])],
  // Server figures.
  ["info", true],
  ["dbsize", true],
  ["time", true],
  ["config", new Set(["get"])],
  // Profiling: none of these touches a key's idle time.
  ["scan", true],
  ["type", true],
  ["pttl", true],
  ["ttl", true],
  ["exists", true],
  ["memory", new Set(["usage"])],
  ["object", new Set(["idletime", "freq", "encoding", "refcount"])],
  // Key inspection and bounded value previews.
  ["strlen", true],
  ["hlen", true],
  ["llen", true],
  ["scard", true],
  ["zcard", true],
  ["xlen", true],
  ["getrange", true],
  ["hscan", true],
  ["sscan", true],
  ["zscan", true],
  ["lrange", true],
  ["zrange", true],
  ["xrange", true],
  // Transactions only wrap commands that are checked on their own.
  ["multi", true],
  ["exec", true],
  ["discard", true],
]);

const SCRIPT_COMMANDS = new Set(["eval", "eval_ro", "evalsha", "evalsha_ro"]);
const SINGLE_KEY_WRITES = new Set(["del", "unlink", "persist"]);
const EXPIRY_WRITES = new Set(["expire", "pexpire"]);

function readArg(arg: Arg | undefined): string {
  if (arg === undefined) return "";
  return Buffer.isBuffer(arg) ? arg.toString("latin1") : String(arg);
}

/**
 * Why a command is refused under `policy`, or undefined when it may be sent. Command and
 * subcommand names are compared case-insensitively.
 */
export function checkCommand(name: string, args: readonly Arg[], policy: CommandPolicy): string | undefined {
  const command = name.toLowerCase();
  const allowed = READ_COMMANDS.get(command);
  if (allowed === true) return undefined;
  if (allowed) {
    const sub = readArg(args[0]).toLowerCase();
    return allowed.has(sub) ? undefined : `subcommand ${sub.toUpperCase() || "(none)"} is not on the read-only allow-list`;
  }
  if (SCRIPT_COMMANDS.has(command)) {
    const script = readArg(args[0]);
    const isOurs = command.startsWith("evalsha") ? script.toLowerCase() === PROFILER_SCRIPT_SHA : script === PROFILER_SCRIPT;
    return isOurs ? undefined : "only the profiler's own no-writes script may run";
  }
  if (command === "script") {
    const sub = readArg(args[0]).toLowerCase();
    if (sub === "exists") return undefined;
    if (sub === "load" && readArg(args[1]) === PROFILER_SCRIPT) return undefined;
    return "only SCRIPT EXISTS and SCRIPT LOAD of the profiler's script are allowed";
  }
  if (SINGLE_KEY_WRITES.has(command) || EXPIRY_WRITES.has(command)) {
    if (!policy.allowWrites) return "writes are off for this connection; open it with allowWrites: true";
    const expected = EXPIRY_WRITES.has(command) ? 2 : 1;
    return args.length === expected ? undefined : `${command.toUpperCase()} is allowed for exactly one key`;
  }
  return "not on the read-only allow-list";
}

/** Throws `ReadOnlyError` when `checkCommand` refuses the command. */
export function assertCommandAllowed(name: string, args: readonly Arg[], policy: CommandPolicy): void {
  const reason = checkCommand(name, args, policy);
  if (reason !== undefined) throw new ReadOnlyError(name.toUpperCase(), reason);
}

interface GuardableCommand {
  name: string;
  args: Arg[];
  reject(error: Error): void;
  promise: Promise<unknown>;
}

interface GuardablePipeline {
  sendCommand(command: GuardableCommand): unknown;
}

const GUARDED = Symbol.for("cachewise.keyspace.guarded");

/**
 * Installs the policy on a client: its `sendCommand`, its pipelines and MULTI, and for a
 * Cluster every node connection, present and future. Idempotent; returns the client.
 */
export function guardClient<T extends Redis | Cluster>(client: T, policy: CommandPolicy): T {
  const target = client as any;
  if (target[GUARDED]) return client;
  target[GUARDED] = policy;

  const originalSend = target.sendCommand;
  target.sendCommand = function guardedSendCommand(command: GuardableCommand, ...rest: unknown[]) {
    const reason = checkCommand(command.name, command.args, policy);
    if (reason !== undefined) {
      command.reject(new ReadOnlyError(command.name.toUpperCase(), reason));
      return command.promise;
    }
    return originalSend.call(this, command, ...rest);
  };

  // Pipelines collect commands and write them all at once; refusing one at write time would
  // leave ioredis waiting for it. So refuse at queue time, synchronously.
  const guardPipeline = (pipeline: GuardablePipeline) => {
    const queue = pipeline.sendCommand;
    pipeline.sendCommand = function guardedQueue(command: GuardableCommand) {
      assertCommandAllowed(command.name, command.args, policy);
      return queue.call(this, command);
    };
    return pipeline;
  };
  const originalPipeline = target.pipeline;
  target.pipeline = function guardedPipeline(commands?: unknown[][]) {
    const pipeline = guardPipeline(originalPipeline.call(this));
    if (Array.isArray(commands)) (pipeline as any).addBatch(commands);
    return pipeline;
  };
  const originalMulti = target.multi;
  target.multi = function guardedMulti(commands?: unknown, options?: { pipeline?: boolean }) {
    if (options === undefined && !Array.isArray(commands)) {
      options = commands as { pipeline?: boolean } | undefined;
      commands = undefined;
    }
    if (options?.pipeline === false) return originalMulti.call(this, options);
    const pipeline = guardPipeline(originalMulti.call(this, options ?? {}));
    if (Array.isArray(commands)) (pipeline as any).addBatch(commands);
    return pipeline;
  };

  // A duplicate (for example for pub/sub) inherits the policy instead of escaping it.
  const originalDuplicate = target.duplicate;
  if (typeof originalDuplicate === "function") {
    target.duplicate = function guardedDuplicate(...args: unknown[]) {
      return guardClient(originalDuplicate.apply(this, args), policy);
    };
  }

  if (typeof target.nodes === "function" && typeof target.on === "function" && "connectionPool" in target) {
    // Cluster: the profiler talks to master nodes directly, and ioredis routes through them.
    target.on("+node", (node: Redis) => guardClient(node, policy));
    for (const node of target.nodes("all") as Redis[]) guardClient(node, policy);
  }
  return client;
}

/** Whether `guardClient` has been applied. */
export function isGuarded(client: Redis | Cluster): boolean {
  return Boolean((client as any)[GUARDED]);
}
