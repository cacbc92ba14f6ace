// What each family is for, from how the code uses it: a cache refilled after a miss, a counter, a lock or
// marker, or a store the code writes and reads back. The evidence is kept, in one sentence, for `families`.
import type { CacheFamily, FamilyRole } from "../model/program-model";

/** Commands that only change a number held at the key. */
const COUNTER_COMMANDS: ReadonlySet<string> = new Set([
  "incr",
  "incrby",
  "incrbyfloat",
  "decr",
  "decrby",
  "hincrby",
  "hincrbyfloat",
  "zincrby",
]);

export function assignRoles(families: Iterable<CacheFamily>): void {
  for (const family of families) {
    const { role, evidence } = findRole(family);
    family.role = role;
    family.roleEvidence = evidence;
  }
}

function findRole(family: CacheFamily): { role: FamilyRole; evidence: string } {
  if (family.kind === "memoizer") return { role: "cache", evidence: "a memoizer fills it on a miss" };
  if (family.kind === "framework") return { role: "cache", evidence: "the framework fills it on a miss" };
  const refill = family.strategies.find((strategy) => strategy === "cache-aside" || strategy === "read-through");
  if (refill) return { role: "cache", evidence: `filled after a miss (${refill})` };
  const writes = family.writes;
  if (writes.length > 0 && writes.every((write) => COUNTER_COMMANDS.has(write.method.toLowerCase()))) {
    const methods = [...new Set(writes.map((write) => write.method.toUpperCase()))].join(", ");
    return { role: "counter", evidence: `only incremented (${methods})` };
  }
  if (writes.length > 0 && writes.every((write) => write.setIfAbsent)) {
    return { role: "lock", evidence: "only written when the key is absent (NX): a lock or a marker" };
  }
  if (writes.length > 0 && family.reads.length > 0) {
    return { role: "store", evidence: "written and read back, never filled after a miss" };
  }
  if (writes.length === 0) return { role: "unknown", evidence: "no write found in this program" };
  return { role: "unknown", evidence: "written but never read in this program" };
}
