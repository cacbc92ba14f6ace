// Program model pass: the call graph and the event wiring, indexed once for every later pass.
import type { FileCacheModel, FunctionFacts } from "../model/cache-model";

/** How far calls are followed from a function to find entity reads or invalidations. */
export const MAX_CALL_DEPTH = 6;

export interface CallIndex {
  functions: Map<string, FunctionFacts>;
  /** Callers of each function, by function id. */
  callers: Map<string, string[]>;
  /** Handlers of each event, by event name. */
  handlers: Map<string, string[]>;
  /** Calls to project functions by position (`file:start`): a value's source call may sit in a callback (a `getOrSet` factory). */
  callsByPosition: Map<string, FunctionFacts["calls"][number]>;
}

export function indexCalls(models: readonly FileCacheModel[]): CallIndex {
  const functions = new Map<string, FunctionFacts>();
  const callers = new Map<string, string[]>();
  const handlers = new Map<string, string[]>();
  for (const model of models) {
    for (const fn of model.functions) functions.set(fn.id, fn);
  }
  for (const fn of functions.values()) {
    for (const call of fn.calls) {
      const list = callers.get(call.target) ?? [];
      if (!list.includes(fn.id)) list.push(fn.id);
      callers.set(call.target, list);
    }
    for (const event of fn.handles) {
      const list = handlers.get(event) ?? [];
      list.push(fn.id);
      handlers.set(event, list);
    }
  }
  // Redis pub/sub: a `message` handler receives every channel the program subscribes to.
  const messageHandlers = [...(handlers.get("message") ?? []), ...(handlers.get("pmessage") ?? [])];
  if (messageHandlers.length > 0) {
    for (const fn of functions.values()) {
      for (const emit of fn.emits) {
        const list = handlers.get(emit.event) ?? [];
        for (const id of messageHandlers) if (!list.includes(id)) list.push(id);
        handlers.set(emit.event, list);
      }
    }
  }
  const callsByPosition = new Map<string, FunctionFacts["calls"][number]>();
  for (const facts of functions.values())
    for (const call of facts.calls) callsByPosition.set(`${call.span.file}:${call.span.start}`, call);
  return { functions, callers, handlers, callsByPosition };
}

/** The function and every project function it calls, up to `depth` calls deep. */
export function collectReachable(
  start: string,
  functions: ReadonlyMap<string, FunctionFacts>,
  depth: number,
): string[] {
  const seen = new Set<string>([start]);
  let frontier = [start];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const call of functions.get(id)?.calls ?? []) {
        if (!seen.has(call.target)) {
          seen.add(call.target);
          next.push(call.target);
        }
      }
    }
    frontier = next;
  }
  return [...seen];
}
