// What the analysis saw and what it could not: families found, and the cache-like calls on receivers it could not
// identify, grouped by call with where they are, so a user knows when a `cacheLayers` entry is needed.
import * as path from "node:path";
import { escapeText } from "../format/escape";
import type { FileCacheModel } from "../model/cache-model";
import { isTestFile } from "../program-model/file-kinds";

export interface UnresolvedCallGroup {
  /** `cacheService.set` */
  call: string;
  count: number;
  /** `src/services/*.ts`, or the one file. */
  where: string;
}

export interface Coverage {
  families: number;
  unresolvedCalls: number;
  /** The most frequent unresolved calls, most first. */
  topUnresolved: UnresolvedCallGroup[];
}

const TOP = 5;

export function summariseCoverage(models: readonly FileCacheModel[], families: number, cwd: string): Coverage {
  const groups = new Map<string, { count: number; methods: Set<string>; files: Set<string> }>();
  let total = 0;
  for (const model of models) {
    for (const call of model.unresolvedCalls ?? []) {
      const relative = path.relative(cwd, call.span.file).split(path.sep).join("/");
      // Tests and scripts build their own doubles and fixtures: not the service's cache layer.
      if (isTestFile(relative)) continue;
      total++;
      // `this.cacheService` and `cacheService` are the same dependency seen from different places.
      const receiver = call.receiver.replace(/^this\./, "");
      const group = groups.get(receiver) ?? { count: 0, methods: new Set<string>(), files: new Set<string>() };
      group.count++;
      group.methods.add(call.method);
      group.files.add(relative);
      groups.set(receiver, group);
    }
  }
  const topUnresolved = [...groups]
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .slice(0, TOP)
    .map(([receiver, group]) => {
      const methods = [...group.methods].sort();
      const call = `${receiver}.${methods.length === 1 ? methods[0] : `{${methods.join(",")}}`}`;
      return { call, count: group.count, where: describeFiles([...group.files]) };
    });
  return { families, unresolvedCalls: total, topUnresolved };
}

/** One file as is; several as their common folder with a glob (`src/services/*.ts`, `src/**`). */
function describeFiles(files: string[]): string {
  if (files.length === 1) return files[0]!;
  const folders = files.map((file) => path.posix.dirname(file));
  const extensions = new Set(files.map((file) => path.posix.extname(file)));
  const extension = extensions.size === 1 ? [...extensions][0]! : "";
  if (new Set(folders).size === 1) return `${folders[0]}/*${extension}`;
  const parts = folders.map((folder) => folder.split("/"));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0]![i]); i++) common.push(parts[0]![i]!);
  return `${common.length > 0 ? common.join("/") + "/" : ""}**/*${extension}`;
}

/** One line for a terminal: families found, calls not resolved and the top ones. */
export function formatCoverage(coverage: Coverage): string {
  const families = `${coverage.families} cache famil${coverage.families === 1 ? "y" : "ies"} found`;
  if (coverage.unresolvedCalls === 0) return `${families}.`;
  // Receivers and paths come from the analysed code: escaped on their way to a terminal.
  const top = coverage.topUnresolved
    .map((group) => `${escapeText(group.call)} × ${group.count} in ${escapeText(group.where)}`)
    .join(", ");
  return (
    `${families}; ${coverage.unresolvedCalls} cache-like call${coverage.unresolvedCalls === 1 ? "" : "s"} on receivers ` +
    `that could not be identified (${top}). Declare a project cache layer in \`cacheLayers\` to analyse them.`
  );
}
