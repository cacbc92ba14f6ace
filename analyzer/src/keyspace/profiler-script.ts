// The profiler's one Lua script. It only reads: the shebang flags make Redis refuse any write
// inside it (`no-writes`, which also permits EVAL_RO/EVALSHA_RO and running on replicas), and
// `allow-cross-slot-keys` lets one call inspect keys from many slots of a cluster node.
// Keys travel in ARGV (numkeys 0) so that the call is routed to the node we scan, not by slot.
import { createHash } from "node:crypto";

/** Most keys one script call inspects: the guide measured latency spikes above ~100. */
export const MAX_SCRIPT_KEYS = 100;

/**
 * ARGV[1]: access metric, `idle` | `freq` | `none`; ARGV[2]: `1` to collect MEMORY USAGE;
 * ARGV[3..]: keys. Returns 4 entries per key: type, pttl, memory, access. Type and pttl are
 * `!` and the error when TYPE or PTTL failed (a key outside the user's ACL key patterns, a key
 * of another cluster node), so that the caller can tell a denied key from a vanished one. Memory and access
 * are >= 0, or -1 (key missing), -2 (no permission), -3 (other error), -4 (wrong eviction
 * policy for the metric), -5 (not collected).
 */
export const PROFILER_SCRIPT = `#!lua flags=no-writes,allow-cross-slot-keys
local metric = ARGV[1]
local withMemory = ARGV[2] == '1'
local out = {}
local function classify(reply)
  if type(reply) == 'table' and reply.err then
    local e = reply.err
    if string.find(e, 'NOPERM', 1, true) or string.find(e, "can't run this command", 1, true) or string.find(e, 'no permissions', 1, true) then return -2 end
    if string.find(e, 'policy', 1, true) then return -4 end
    return -3
  end
  if reply == false then return -1 end
  return reply
end
for i = 3, #ARGV do
  local k = ARGV[i]
  local t = redis.pcall('TYPE', k)
  if type(t) == 'table' and t.ok then t = t.ok elseif type(t) == 'table' and t.err then t = '!' .. t.err else t = 'none' end
  local p = redis.pcall('PTTL', k)
  if type(p) == 'table' and p.err then p = '!' .. p.err elseif type(p) ~= 'number' then p = -2 end
  local m = -5
  local a = -5
  -- A key TYPE could not read (denied, or not on this node) has no other figures either.
  if string.sub(t, 1, 1) ~= '!' then
    if withMemory then m = classify(redis.pcall('MEMORY', 'USAGE', k)) end
    if metric == 'idle' then a = classify(redis.pcall('OBJECT', 'IDLETIME', k))
    elseif metric == 'freq' then a = classify(redis.pcall('OBJECT', 'FREQ', k)) end
  end
  out[#out + 1] = t
  out[#out + 1] = p
  out[#out + 1] = m
  out[#out + 1] = a
end
return out
`;

/** Marks a TYPE or PTTL entry of the script's reply that is an error message. */
export const SCRIPT_ERROR_MARK = "!";

/** Codes the script returns for memory and access (every inspection path uses them too). */
export const FIGURE_DENIED = -2;
export const FIGURE_WRONG_POLICY = -4;
export const FIGURE_NOT_COLLECTED = -5;

/** SHA1 of `PROFILER_SCRIPT`, for EVALSHA_RO. */
export const PROFILER_SCRIPT_SHA = createHash("sha1").update(PROFILER_SCRIPT).digest("hex");
