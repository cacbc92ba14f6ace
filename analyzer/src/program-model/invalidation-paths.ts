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
}
