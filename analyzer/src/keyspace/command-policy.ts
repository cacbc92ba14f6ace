// The one place that decides which commands may leave a keyspace connection. Everything the
// profiler, the key inspector and ioredis itself send passes `checkCommand`: through the
// guarded `sendCommand` of the client (and of every cluster node connection), and through
// pipelines and MULTI, which are checked as they are queued so that a refused command never
// leaves a half-written pipeline behind. Refused commands throw `ReadOnlyError` before a
// single byte is written to the socket.
import type { Cluster, Redis } from "ioredis";
import {
  FIGURE_DENIED,
  FIGURE_NOT_COLLECTED,
  PROFILER_SCRIPT,
  PROFILER_SCRIPT_SHA,
  SCRIPT_ERROR_MARK,
} from "./profiler-script";
import { isNotRunError } from "./redis-errors";

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
  /**
   * Counts the keyspace lookups the connection sends (what Redis adds to keyspace_hits or
   * keyspace_misses), so that a hit rate can leave the profiler's own lookups out.
   */
  lookups?: KeyLookupCounter;
}

export interface KeyLookupCounter {
  count: number;
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
 * Commands Redis counts as one keyspace lookup (a hit, or a miss when the key is missing), also
 * with LOOKUP_NOTOUCH. MEMORY USAGE finds the key without counting, and SCAN looks none up.
 */
const ONE_KEY_LOOKUP = new Set([
  "type",
  "pttl",
  "ttl",
  "object",
  "strlen",
  "hlen",
  "llen",
  "scard",
  "zcard",
  "xlen",
  "getrange",
  "hscan",
  "sscan",
  "zscan",
  "lrange",
  "zrange",
  "xrange",
]);

/**
 * How many keyspace lookups Redis counted for this (allowed) command. Without an outcome, what
 * it will count if it runs; with one, what it did count: none after an error it gives before
 * running, and for the profiler's script, per key from its reply.
 */
export function countKeyLookups(
  name: string,
  args: readonly Arg[],
  outcome?: { error?: string; reply?: unknown },
): number {
  if (outcome?.error !== undefined && isNotRunError(outcome.error)) return 0;
  const command = name.toLowerCase();
  if (ONE_KEY_LOOKUP.has(command)) return 1;
  if (command === "exists") return args.length;
  if (SCRIPT_COMMANDS.has(command)) {
    // ARGV = metric, withMemory, keys…; TYPE and PTTL per key, and OBJECT when the metric is not `none`.
    if (!outcome) return Math.max(0, args.length - 4) * (readArg(args[2]) === "none" ? 2 : 3);
    if (!Array.isArray(outcome.reply)) return 0;
    // Four entries per key (type, pttl, memory, access): TYPE or PTTL did not run where its entry is an
    // error (a denied key), OBJECT did not run where access was denied or not collected.
    let lookups = 0;
    const ran = (entry: unknown) => !readArg(entry as Arg).startsWith(SCRIPT_ERROR_MARK);
    for (let i = 3; i < outcome.reply.length; i += 4) {
      const access = Number(outcome.reply[i]);
      lookups +=
        (ran(outcome.reply[i - 3]) ? 1 : 0) +
        (ran(outcome.reply[i - 2]) ? 1 : 0) +
        (access === FIGURE_DENIED || access === FIGURE_NOT_COLLECTED ? 0 : 1);
    }
    return lookups;
  }
  return 0;
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
    return allowed.has(sub)
      ? undefined
      : `subcommand ${sub.toUpperCase() || "(none)"} is not on the read-only allow-list`;
  }
  if (SCRIPT_COMMANDS.has(command)) {
    const script = readArg(args[0]);
    const isOurs = command.startsWith("evalsha")
      ? script.toLowerCase() === PROFILER_SCRIPT_SHA
      : script === PROFILER_SCRIPT;
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
const COUNTED = Symbol("cachewise.keyspace.counted");

/**
 * Adds the command's lookups once it is answered. Once per command object: a Cluster re-sends
 * the same command to another node after MOVED or ASK, and only its final outcome counts.
 */
function countWhenAnswered(command: GuardableCommand, counter: KeyLookupCounter): void {
  const marked = command as GuardableCommand & { [COUNTED]?: true };
  if (marked[COUNTED]) return;
  marked[COUNTED] = true;
  command.promise.then(
    (reply) => {
      counter.count += countKeyLookups(command.name, command.args, { reply });
    },
    (error: Error) => {
      counter.count += countKeyLookups(command.name, command.args, { error: error.message });
    },
  );
}

/**
 * Installs the policy on a client: its `sendCommand`, its pipelines and MULTI, and for a
 * Cluster every node connection, present and future. Idempotent; returns the client.
 */
export function guardClient<T extends Redis | Cluster>(client: T, policy: CommandPolicy): T {
  const target = client as any;
  if (target[GUARDED]) return client;
  target[GUARDED] = policy;

  // A Cluster hands each command (pipelined ones too) to a node client's sendCommand: count there only.
  const isCluster = "connectionPool" in target;
  const originalSend = target.sendCommand;
  target.sendCommand = function guardedSendCommand(command: GuardableCommand, ...rest: unknown[]) {
    const reason = checkCommand(command.name, command.args, policy);
    if (reason !== undefined) {
      command.reject(new ReadOnlyError(command.name.toUpperCase(), reason));
      return command.promise;
    }
    if (policy.lookups && !isCluster) countWhenAnswered(command, policy.lookups);
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
