// Which cache families are invalidated "on the path" of a function: in it, in what it calls
// (transitively), in the handlers of events it emits, or in every one of its callers.
import type { ProgramModel } from "../model/program-model";
import { collectReachable } from "./call-index";

const MAX_DEPTH = 6;
const MAX_CALLER_LEVELS = 3;

const pathsByProgram = new WeakMap<ProgramModel, InvalidationPaths>();

/** The paths of a program, built once and shared by every rule that asks. */
export function getInvalidationPaths(program: ProgramModel): InvalidationPaths {
  let paths = pathsByProgram.get(program);
  if (!paths) {
    paths = new InvalidationPaths(program);
    pathsByProgram.set(program, paths);
  }
  return paths;
}

export class InvalidationPaths {
  private readonly downCache = new Map<string, Set<string>>();
  private readonly upCache = new Map<string, Set<string>>();

  constructor(private readonly program: ProgramModel) {}

  /**
   * Families invalidated by running `functionId`: itself, its callees, and handlers of the events they
   * emit. `precise`: without deletes whose key could not be read (they count as invalidating everything).
   */
  findInvalidatedBelow(functionId: string, precise = false, deletesOnly = false): Set<string> {
    const cacheKey = `${functionId}|${precise}|${deletesOnly}`;
    const cached = this.downCache.get(cacheKey);
    if (cached) return cached;
    const result = new Set<string>();
    this.downCache.set(cacheKey, result);
    const invalidatedIn = deletesOnly
      ? this.program.deletedIn
      : precise
        ? this.program.preciseInvalidatedIn
        : this.program.invalidatedIn;
    const visited = new Set<string>();
    const queue = [functionId];
    while (queue.length > 0) {
      const id = queue.shift()!;
      for (const reached of collectReachable(id, this.program.functions, MAX_DEPTH)) {
        if (visited.has(reached)) continue;
        visited.add(reached);
        for (const family of invalidatedIn.get(reached) ?? []) result.add(family);
        for (const emit of this.program.functions.get(reached)?.emits ?? []) {
          for (const handler of this.program.handlers.get(emit.event) ?? [])
            if (!visited.has(handler)) queue.push(handler);
        }
      }
    }
    return result;
  }

  /** Below, plus what every caller invalidates (up to a few levels): a helper's callers may do the invalidation. */
  findInvalidatedOnPath(functionId: string, level = 0): Set<string> {
    const cached = level === 0 ? this.upCache.get(functionId) : undefined;
    if (cached) return cached;
    const result = new Set(this.findInvalidatedBelow(functionId));
    const callers = (this.program.callers.get(functionId) ?? []).filter((caller) => caller !== functionId);
    if (callers.length > 0 && level < MAX_CALLER_LEVELS) {
      const perCaller = callers.map((caller) => this.findInvalidatedOnPath(caller, level + 1));
      for (const family of perCaller[0]!) if (perCaller.every((set) => set.has(family))) result.add(family);
    }
    if (level === 0) this.upCache.set(functionId, result);
    return result;
  }

  private positions: Map<string, Array<{ family: string; start: number }>> | undefined;

  /**
   * As `findInvalidatedOnPath`, but a caller counts only with what it invalidates after it calls the function (its
   * own deletes, and what the functions it calls later invalidate): a caller that deleted the entry before calling
   * the writer leaves the writer's change in the cache.
   */
  findInvalidatedAfterOnPath(functionId: string): Set<string> {
    const result = new Set(this.findInvalidatedBelow(functionId));
    for (const family of this.findInvalidatedAbove(functionId, 0)) result.add(family);
    return result;
  }

  /** What every caller invalidates after its call of the function: after it in its own body, or above it. */
  private findInvalidatedAbove(functionId: string, level: number): Set<string> {
    const callers = (this.program.callers.get(functionId) ?? []).filter((caller) => caller !== functionId);
    if (callers.length === 0 || level >= MAX_CALLER_LEVELS) return new Set();
    if (!this.positions) {
      this.positions = new Map();
      for (const family of this.program.families)
        for (const ref of family.invalidations) {
          const list = this.positions.get(ref.functionId) ?? [];
          list.push({ family: family.id, start: ref.span.start });
          this.positions.set(ref.functionId, list);
        }
    }
    const perCaller = callers.map((caller) => {
      const facts = this.program.functions.get(caller);
      const calledAt = Math.min(
        ...(facts?.calls ?? []).filter((call) => call.target === functionId).map((call) => call.span.start),
      );
      const after = this.findInvalidatedAbove(caller, level + 1);
      for (const { family, start } of this.positions!.get(caller) ?? []) if (start > calledAt) after.add(family);
      for (const call of facts?.calls ?? [])
        if (call.span.start > calledAt) for (const family of this.findInvalidatedBelow(call.target)) after.add(family);
      return after;
    });
    const result = new Set<string>();
    for (const family of perCaller[0]!) if (perCaller.every((set) => set.has(family))) result.add(family);
    return result;
  }
}
