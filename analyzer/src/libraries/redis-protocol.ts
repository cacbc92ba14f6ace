// What every Redis-protocol client shares: the commands and what each does to a key. The
// clients differ only in how `SET` takes its options, which each adapter reads.
import type { Ttl, TtlUnit } from "../model/cache-model";
import type { ArgumentReader, ConstructionFacts, Expr } from "./adapter";

/** Commands whose keys are plain values (not collections). */
export const REDIS_STRING_COMMANDS: ReadonlySet<string> = new Set([
  "set",
  "setnx",
  "getset",
  "mset",
  "msetnx",
  "append",
  "setrange",
  "incr",
  "incrby",
  "incrbyfloat",
  "decr",
  "decrby",
]);

/** Redis commands that create a key (and so can leave it without an expiry): the string commands and the collection writes. */
export const REDIS_KEY_CREATING_COMMANDS: ReadonlySet<string> = new Set([
  ...REDIS_STRING_COMMANDS,
  "hset",
  "hmset",
  "hsetnx",
  "hincrby",
  "hincrbyfloat",
  "sadd",
  "zadd",
  "zincrby",
  "lpush",
  "rpush",
  "linsert",
  "xadd",
  "pfadd",
  "geoadd",
  "sinterstore",
  "sunionstore",
  "sdiffstore",
  "zunionstore",
  "zinterstore",
  "zdiffstore",
  "zrangestore",
  "copy",
]);

/** Commands that replace a key's value and, without an expiry option, drop the TTL it had. */
export const REDIS_TTL_DROPPING_COMMANDS: ReadonlySet<string> = new Set(["set", "getset", "mset", "msetnx"]);

/** Commands that set an expiry on an existing key. */
export const REDIS_EXPIRE_COMMANDS: ReadonlySet<string> = new Set([
  "expire",
  "pexpire",
  "expireat",
  "pexpireat",
  "getex",
  "hexpire",
  "hpexpire",
]);

/** Commands that write with an expiry by construction, and the unit of that expiry. */
export const REDIS_WRITE_WITH_TTL_COMMANDS: ReadonlyMap<string, "s" | "ms"> = new Map([
  ["setex", "s"],
  ["psetex", "ms"],
]);

export const REDIS_DELETE_COMMANDS: ReadonlySet<string> = new Set([
  "del",
  "unlink",
  "getdel",
  "hdel",
  "srem",
  "zrem",
  "persist",
]);

/** Commands whose every argument is a key (`MGET a b`, `DEL a b`, `EXISTS a b`): each key is a site of its family. */
export const REDIS_MULTI_KEY_COMMANDS: ReadonlySet<string> = new Set(["mget", "exists", "del", "unlink", "touch"]);

/** Reads that consume entries: a key popped by a consumer is a queue, not a cache. */
export const REDIS_CONSUMING_COMMANDS: ReadonlySet<string> = new Set([
  "lpop",
  "rpop",
  "blpop",
  "brpop",
  "lmove",
  "blmove",
  "rpoplpush",
  "brpoplpush",
  "spop",
  "zpopmin",
  "zpopmax",
  "bzpopmin",
  "bzpopmax",
  "xread",
  "xreadgroup",
  "xtrim",
  "xdel",
  "ltrim",
]);

export const REDIS_READ_COMMANDS: ReadonlySet<string> = new Set([
  "get",
  "mget",
  "exists",
  "hget",
  "hgetall",
  "hmget",
  "smembers",
  "sismember",
  "zrange",
  "zscore",
  "lrange",
  "ttl",
  "pttl",
  "xrange",
  "strlen",
  "scard",
  "zcard",
  "llen",
]);

/** True when a method name (lower case) is a Redis command cachewise reads. */
export function isRedisCommand(command: string): boolean {
  return (
    REDIS_KEY_CREATING_COMMANDS.has(command) ||
    REDIS_WRITE_WITH_TTL_COMMANDS.has(command) ||
    REDIS_EXPIRE_COMMANDS.has(command) ||
    REDIS_DELETE_COMMANDS.has(command) ||
    REDIS_READ_COMMANDS.has(command) ||
    REDIS_CONSUMING_COMMANDS.has(command)
  );
}

/** Placeholder a suggestion inserts: an undefined name, so the code does not compile until the user chooses. */
export const TTL_PLACEHOLDER_SECONDS = "TTL_SECONDS";

/** A Redis client construction: nothing cachewise reads but the key prefix option, when the client has one. */
export function describeRedisClient(read: ArgumentReader, keyPrefixOption: string | undefined): ConstructionFacts {
  return {
    defaultTtl: { kind: "none" },
    bound: { kind: "unknown" },
    optionsOpaque: false,
    keyPrefix: keyPrefixOption === undefined ? undefined : findStringOption(read, keyPrefixOption),
    storesReferences: false,
  };
}

/** A string option given in any argument's options object (`new Redis(port, host, { keyPrefix })`). */
export function findStringOption(read: ArgumentReader, name: string): string | undefined {
  for (const argument of read.args) {
    const value = read.optionsOf(argument).get(name);
    if (value) return read.string(value);
  }
  return undefined;
}

/** ioredis and iovalkey: positional tokens after the value: 'EX' 60 | 'PX' 60000 | 'EXAT' t | 'PXAT' t | 'KEEPTTL'. */
export function readPositionalSetTtl(read: ArgumentReader): Ttl {
  const firstOptionIndex = 2;
  const args = read.args;
  for (let index = firstOptionIndex; index < args.length; index++) {
    const argument = args[index]!;
    if (read.isSpread(argument)) return { kind: "unknown" };
    const token = read.string(argument)?.toUpperCase();
    if (token === undefined) {
      // A token in a variable we cannot fold: could be anything.
      if (index === firstOptionIndex || !read.isNumericLiteral(argument)) return { kind: "unknown" };
      continue;
    }
    if (token === "KEEPTTL") return { kind: "keep" };
    if (token === "EX" || token === "PX" || token === "EXAT" || token === "PXAT") {
      const value = args[index + 1];
      if (!value) return { kind: "unknown" };
      const unit = token === "EX" ? "s" : token === "PX" ? "ms" : "timestamp";
      return read.ttl(value, unit);
    }
  }
  return { kind: "none" };
}

/** The options object of a SET-like call at `index`, or why it cannot be read. */
export function readSetOptions(
  read: ArgumentReader,
  index: number,
): ReturnType<ArgumentReader["options"]> | "none" | "spread" {
  const argument = read.args[index];
  if (!argument) return "none";
  if (read.isSpread(argument)) return "spread";
  return read.options(index);
}

/** The first of several mutually exclusive expiry options that is present. */
export function readFirstTtlOption(
  read: ArgumentReader,
  options: ReturnType<ArgumentReader["options"]>,
  names: ReadonlyArray<readonly [string, TtlUnit]>,
): Ttl | undefined {
  for (const [name, unit] of names) {
    const value: Expr | undefined = options.get(name);
    if (value) return read.ttl(value, unit);
  }
  return undefined;
}
