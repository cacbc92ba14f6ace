// Inspects a chunk of scanned keys on one node: TYPE, PTTL, MEMORY USAGE (default SAMPLES) and
// OBJECT IDLETIME or FREQ. The fast path is one call of the read-only Lua script per chunk;
// when scripting is denied or missing it falls back, once and for the whole profile, to
// pipelined plain commands. Permission denials switch the matching figure off for the rest
// of the run and are reported once. A key outside the user's ACL key patterns (SCAN lists it all
// the same) is counted as not permitted, apart from the keys that vanished; a denied TYPE or PTTL
// command ends the profile with the server named. Nothing here reads a value or resets an idle time.
import type { Redis } from "ioredis";
import { formatKeyForDisplay } from "./key-format";
import type { KeyRecord, PermissionState } from "./keyspace-model";
import {
  FIGURE_DENIED,
  FIGURE_NOT_COLLECTED,
  FIGURE_WRONG_POLICY,
  MAX_SCRIPT_KEYS,
  PROFILER_SCRIPT,
  PROFILER_SCRIPT_SHA,
  SCRIPT_ERROR_MARK,
} from "./profiler-script";
import {
  MissingPermissionError,
  isEvictionPolicyError,
  isKeyPermissionError,
  isNoScriptError,
  isPermissionError,
  isScriptUnavailableError,
  isSlotMovedError,
} from "./redis-errors";
import { RespError } from "./resp-socket";
import type { RespCommand, RespReply, RespSocket } from "./resp-socket";

/** Mutable state one profile shares across its chunks and nodes. */
export interface InspectionState {
  /** Try the Lua fast path; turned off when the server or the user cannot run it. */
  useScript: boolean;
  script: PermissionState;
  memory: PermissionState;
  access: PermissionState;
  /** Which access figure OBJECT gives under the server's eviction policy. */
  accessMetric: "idle" | "freq";
  /** Collect MEMORY USAGE at all (sampling does not). */
  collectMemory: boolean;
  /** Collect OBJECT IDLETIME/FREQ at all. */
  collectAccess: boolean;
  /** Ordered, de-duplicated notices. */
  notices: Set<string>;
  /** The server as notices and errors name it (`127.0.0.1:6379 db 0`). */
  server: string;
}

export function createInspectionState(
  options: {
    useScript?: boolean;
    collectMemory?: boolean;
    collectAccess?: boolean;
    accessMetric?: "idle" | "freq";
    server?: string;
  } = {},
): InspectionState {
  return {
    useScript: options.useScript ?? true,
    script: "unknown",
    memory: "unknown",
    access: "unknown",
    accessMetric: options.accessMetric ?? "idle",
    collectMemory: options.collectMemory ?? true,
    collectAccess: options.collectAccess ?? true,
    notices: new Set(),
    server: options.server ?? "the server",
  };
}

export interface InspectedChunk {
  records: KeyRecord[];
  /** Keys gone between SCAN and inspection (TYPE none / PTTL -2). */
  vanished: number;
  /** Keys the user's ACL key patterns exclude: SCAN listed them, TYPE was refused. No figure of theirs is kept. */
  notPermitted: number;
  /** Which path answered. */
  path: "script" | "pipeline" | "raw";
}

interface RawAnswer {
  type: string;
  pttl: number;
  /** Same codes as the script: >= 0 value, -1 missing, -2 denied, -3 error, -4 wrong policy, -5 not collected. */
  memory: number;
  access: number;
  /** Which OBJECT figure `access` is. */
  metric: string;
  /** TYPE or PTTL failed for this key (denied key or command, a key of another node): the error. */
  failure?: { command: "TYPE" | "PTTL"; message: string };
}

/** Inspects `keys` (at most `MAX_SCRIPT_KEYS` per script call; larger chunks are split). */
export async function inspectKeys(client: Redis, keys: Buffer[], state: InspectionState): Promise<InspectedChunk> {
  if (keys.length === 0)
    return { records: [], vanished: 0, notPermitted: 0, path: state.useScript ? "script" : "pipeline" };
  for (let attempt = 0; ; attempt++) {
    const wantMemory = state.collectMemory && state.memory !== "denied";
    const wantAccess = state.collectAccess && state.access !== "denied";
    const metric = state.accessMetric;
    let answers: RawAnswer[] | undefined;
    let path: "script" | "pipeline" = "pipeline";
    if (state.useScript) {
      answers = await runScript(client, keys, wantMemory, wantAccess ? metric : "none", state);
      if (answers) path = "script";
    }
    answers ??= await runPipeline(client, keys, wantMemory, wantAccess ? metric : undefined);
    const policyMismatch = applyPermissionOutcomes(answers, state, wantMemory, wantAccess);
    if (policyMismatch && attempt === 0) {
      switchAccessMetric(state, metric);
      continue;
    }
    return toRecords(keys, answers, path, state);
  }
}

function applyPermissionOutcomes(
  answers: RawAnswer[],
  state: InspectionState,
  wantMemory: boolean,
  wantAccess: boolean,
): boolean {
  let policyMismatch = false;
  for (const answer of answers) {
    if (wantMemory) {
      if (answer.memory === FIGURE_DENIED && state.memory !== "denied") {
        state.memory = "denied";
        state.notices.add(
          `MEMORY USAGE is not permitted for this user on ${state.server}: memory figures are unavailable (no permission).`,
        );
      } else if (answer.memory >= 0 && state.memory === "unknown") state.memory = "granted";
    }
    if (wantAccess) {
      if (answer.access === FIGURE_DENIED && state.access !== "denied") {
        state.access = "denied";
        state.notices.add(
          `OBJECT IDLETIME/FREQ is not permitted for this user on ${state.server}: idle times are unavailable (no permission).`,
        );
      } else if (answer.access === FIGURE_WRONG_POLICY) policyMismatch = true;
      else if (answer.access >= 0 && state.access === "unknown") state.access = "granted";
    }
  }
  return policyMismatch;
}

/**
 * Inspects `keys` over a raw RESP socket: TYPE, PTTL, MEMORY USAGE and OBJECT IDLETIME/FREQ per
 * key, written as one buffer (every command checked against the allow-list first). Same
 * outcomes as the other paths: permission denials switch a figure off once, an IDLETIME error
 * under LFU switches the metric and redoes the chunk, vanished (or moved) keys are counted.
 */
export async function inspectKeysRaw(
  socket: RespSocket,
  keys: Buffer[],
  state: InspectionState,
): Promise<InspectedChunk> {
  if (keys.length === 0) return { records: [], vanished: 0, notPermitted: 0, path: "raw" };
  for (let attempt = 0; ; attempt++) {
    const wantMemory = state.collectMemory && state.memory !== "denied";
    const wantAccess = state.collectAccess && state.access !== "denied";
    const metric = state.accessMetric;
    const templates: RespCommand[] = [TYPE, PTTL];
    if (wantMemory) templates.push(MEMORY_USAGE);
    if (wantAccess) templates.push(metric === "idle" ? OBJECT_IDLETIME : OBJECT_FREQ);
    const replies = await socket.sendPerKey(templates, keys);
    const perKey = 2 + (wantMemory ? 1 : 0) + (wantAccess ? 1 : 0);
    const answers: RawAnswer[] = [];
    for (let i = 0, base = 0; i < keys.length; i++, base += perKey) {
      const type = replies[base];
      const pttl = replies[base + 1];
      if (type instanceof RespError || pttl instanceof RespError) {
        const failure =
          type instanceof RespError
            ? { command: "TYPE" as const, message: type.message }
            : { command: "PTTL" as const, message: (pttl as RespError).message };
        answers.push({ type: "none", pttl: -2, memory: -1, access: -1, metric, failure });
        continue;
      }
      const memory = wantMemory ? toReplyCode(replies[base + 2]) : FIGURE_NOT_COLLECTED;
      const access = wantAccess ? toReplyCode(replies[base + perKey - 1]) : FIGURE_NOT_COLLECTED;
      answers.push({ type: String(type), pttl: Number(pttl), memory, access, metric: wantAccess ? metric : "none" });
    }
    const policyMismatch = applyPermissionOutcomes(answers, state, wantMemory, wantAccess);
    if (policyMismatch && attempt === 0) {
      switchAccessMetric(state, metric);
      continue;
    }
    return toRecords(keys, answers, "raw", state);
  }
}

// The key is appended to each: TYPE k, PTTL k, MEMORY USAGE k (default SAMPLES), OBJECT IDLETIME|FREQ k.
const TYPE: RespCommand = { name: "TYPE", args: [] };
const PTTL: RespCommand = { name: "PTTL", args: [] };
const MEMORY_USAGE: RespCommand = { name: "MEMORY", args: ["USAGE"] };
const OBJECT_IDLETIME: RespCommand = { name: "OBJECT", args: ["IDLETIME"] };
const OBJECT_FREQ: RespCommand = { name: "OBJECT", args: ["FREQ"] };

function toReplyCode(reply: RespReply | undefined): number {
  if (reply instanceof RespError) {
    if (isPermissionError(reply)) return FIGURE_DENIED;
    if (isEvictionPolicyError(reply)) return FIGURE_WRONG_POLICY;
    return -3;
  }
  return reply === null || reply === undefined ? -1 : Number(reply);
}

function switchAccessMetric(state: InspectionState, from: "idle" | "freq"): void {
  // IDLETIME errors under LFU (and FREQ under LRU): switch once; the caller redoes the chunk.
  state.accessMetric = from === "idle" ? "freq" : "idle";
  state.notices.add(
    `The eviction policy tracks ${state.accessMetric === "freq" ? "access frequency (LFU)" : "idle time (LRU)"}: OBJECT ${state.accessMetric === "freq" ? "FREQ" : "IDLETIME"} is reported instead.`,
  );
}

function toRecords(
  keys: Buffer[],
  answers: RawAnswer[],
  path: InspectedChunk["path"],
  state: InspectionState,
): InspectedChunk {
  const records: KeyRecord[] = [];
  let vanished = 0;
  let notPermitted = 0;
  for (let i = 0; i < keys.length; i++) {
    const a = answers[i];
    if (a.failure) {
      // TYPE and PTTL are the minimum. A key outside the user's key patterns is not permitted; a
      // denied command ends the profile; a key that moved (cluster MOVED) counts as vanished.
      if (isKeyPermissionError(a.failure.message)) notPermitted += 1;
      else if (isPermissionError(a.failure.message))
        throw new MissingPermissionError(state.server, a.failure.command, a.failure.message);
      else vanished += 1;
      continue;
    }
    if (a.type === "none" || a.pttl === -2) {
      vanished += 1;
      continue;
    }
    records.push({
      key: keys[i],
      displayKey: formatKeyForDisplay(keys[i]),
      type: a.type,
      pttlMs: a.pttl,
      memoryBytes: a.memory >= 0 ? a.memory : undefined,
      idleSeconds: a.access >= 0 && a.metric === "idle" ? a.access : undefined,
      frequency: a.access >= 0 && a.metric === "freq" ? a.access : undefined,
    });
  }
  return { records, vanished, notPermitted, path };
}

async function runScript(
  client: Redis,
  keys: Buffer[],
  wantMemory: boolean,
  metric: "idle" | "freq" | "none",
  state: InspectionState,
): Promise<RawAnswer[] | undefined> {
  const answers: RawAnswer[] = [];
  for (let start = 0; start < keys.length; start += MAX_SCRIPT_KEYS) {
    const slice = keys.slice(start, start + MAX_SCRIPT_KEYS);
    const args = [0, metric, wantMemory ? "1" : "0", ...slice];
    let reply: unknown;
    try {
      try {
        reply = await client.callBuffer("EVALSHA_RO", PROFILER_SCRIPT_SHA, ...args);
      } catch (error) {
        if (!isNoScriptError(error)) throw error;
        // EVAL_RO caches the script too, so later chunks find it by SHA.
        reply = await client.callBuffer("EVAL_RO", PROFILER_SCRIPT, ...args);
      }
    } catch (error) {
      if (isPermissionError(error)) {
        state.useScript = false;
        state.script = "denied";
        state.notices.add(
          `Running the read-only profiling script (EVALSHA_RO/EVAL_RO) is not permitted for this user on ${state.server}: using pipelined commands, which is slower.`,
        );
        return undefined;
      }
      if (isSlotMovedError(error)) {
        // A key of this chunk moved to another cluster node (resharding, failover): this chunk
        // goes through pipelines, where the moved key counts as vanished; later chunks still use the script.
        return undefined;
      }
      if (isScriptUnavailableError(error)) {
        state.useScript = false;
        state.script = "unavailable";
        state.notices.add(
          `The read-only profiling script cannot run on this server (${(error as Error).message.split("\n")[0]}): using pipelined commands, which is slower.`,
        );
        return undefined;
      }
      throw error;
    }
    state.script = "granted";
    const flat = reply as (Buffer | number)[];
    for (let i = 0; i < flat.length; i += 4) {
      const type = String(flat[i]);
      const pttl = String(flat[i + 1]);
      const failure = type.startsWith(SCRIPT_ERROR_MARK)
        ? { command: "TYPE" as const, message: type.slice(1) }
        : pttl.startsWith(SCRIPT_ERROR_MARK)
          ? { command: "PTTL" as const, message: pttl.slice(1) }
          : undefined;
      answers.push({
        type: failure ? "none" : type,
        pttl: failure ? -2 : Number(pttl),
        memory: Number(flat[i + 2]),
        access: Number(flat[i + 3]),
        metric,
        failure,
      });
    }
  }
  return answers;
}

function toCode(result: [Error | null, unknown]): number {
  const [error, value] = result;
  if (error) {
    if (isPermissionError(error)) return FIGURE_DENIED;
    if (isEvictionPolicyError(error)) return FIGURE_WRONG_POLICY;
    return -3;
  }
  return value === null ? -1 : Number(value);
}

async function runPipeline(
  client: Redis,
  keys: Buffer[],
  wantMemory: boolean,
  metric: "idle" | "freq" | undefined,
): Promise<RawAnswer[]> {
  const pipeline = client.pipeline();
  for (const key of keys) {
    pipeline.type(key);
    pipeline.pttl(key);
    if (wantMemory) pipeline.call("MEMORY", "USAGE", key);
    if (metric) pipeline.call("OBJECT", metric === "idle" ? "IDLETIME" : "FREQ", key);
  }
  const results = (await pipeline.exec()) ?? [];
  const perKey = 2 + (wantMemory ? 1 : 0) + (metric ? 1 : 0);
  const answers: RawAnswer[] = [];
  for (let i = 0; i < keys.length; i++) {
    const base = i * perKey;
    const [typeError, type] = results[base] as [Error | null, unknown];
    const [pttlError, pttl] = results[base + 1] as [Error | null, unknown];
    if (typeError || pttlError) {
      const failure = typeError
        ? { command: "TYPE" as const, message: typeError.message }
        : { command: "PTTL" as const, message: pttlError!.message };
      answers.push({ type: "none", pttl: -2, memory: -1, access: -1, metric: metric ?? "none", failure });
      continue;
    }
    let offset = 2;
    const memory = wantMemory ? toCode(results[base + offset++] as [Error | null, unknown]) : FIGURE_NOT_COLLECTED;
    const access = metric ? toCode(results[base + offset] as [Error | null, unknown]) : FIGURE_NOT_COLLECTED;
    answers.push({ type: String(type), pttl: Number(pttl), memory, access, metric: metric ?? "none" });
  }
  return answers;
}
