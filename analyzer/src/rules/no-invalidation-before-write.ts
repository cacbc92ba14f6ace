// Invalidating a cache before the write it belongs to leaves a window in which a concurrent
// reader misses, loads the old value from the source and caches it again, for a full TTL.
import { isTestFile } from "../program-model/file-kinds";
import { describeEntityWrite, isChangedByWrite } from "../program-model/entity-writes";
import { getInvalidationPaths, type InvalidationPaths } from "../program-model/invalidation-paths";
import { getProgramIndex } from "../program-model/program-index";
import type { EntityAccess, Span } from "../model/cache-model";
import type { CacheFamily, ProgramModel } from "../model/program-model";
import { defineRule, findingOf, type RuleReport } from "../model/rule";

export type NoInvalidationBeforeWriteOptions = Record<string, never>;

interface InvalidationPoint {
  span: Span;
  /** What runs: `del`, or the wrapper function called, e.g. `UserCache.invalidate`. */
  what: string;
  transactionId: string | undefined;
}

const messages = {
  beforeWrite:
    "`{{what}}` invalidates `{{family}}` before `{{action}}` writes {{entity}} (line {{writeLine}}): a concurrent reader can miss, load the old value and cache it again until it expires. Invalidate after the write.",
  beforeCommit:
    "`{{what}}` invalidates `{{family}}` inside the transaction that writes {{entity}} (line {{writeLine}}): until the transaction commits, a concurrent reader can load the old value and cache it again. Invalidate after the transaction.",
} as const;

type Report = RuleReport<typeof messages>;
const finding = findingOf(messages);

export const noInvalidationBeforeWrite = defineRule<NoInvalidationBeforeWriteOptions, typeof messages>({
  id: "no-invalidation-before-write",
  description:
    "Disallow invalidating a cache family before the write to the source of truth it belongs to (earlier in the function, or inside the transaction before it commits).",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: { type: "object", properties: {}, additionalProperties: false },
  defaultOptions: {},
  check(model, context) {
    const writes = model.entityAccesses.filter((access) => access.operation === "write");
    if (writes.length === 0 || isTestFile(model.file)) return [];
    const program = context.getProgramModel();
    const paths = getInvalidationPaths(program);
    const findings: Report[] = [];
    const reported = new Set<string>();
    const index = getProgramIndex(program);
    for (const write of writes) {
      for (const family of index.findFamiliesOfEntity(write.entity)) {
        if (!family.entities.some((entity) => isChangedByWrite(entity, write))) continue;
        const points = findInvalidationPoints(write.functionId, family, program, paths, model.sites);
        // Deleting again after the write (a double delete) closes the window.
        if (
          points.some(
            (point) =>
              point.span.start > write.span.start &&
              !(point.transactionId && point.transactionId === write.transactionId),
          )
        )
          continue;
        const before = points.find(
          (point) =>
            point.span.start < write.span.start ||
            (point.transactionId !== undefined && point.transactionId === write.transactionId),
        );
        if (!before) continue;
        const key = `${before.span.start}|${family.id}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push(report(before, family, write));
      }
    }
    return findings;
  },
});

/** Invalidations of the family inside one function: its own cache sites, and calls to functions that invalidate it. */
function findInvalidationPoints(
  functionId: string,
  family: CacheFamily,
  program: ProgramModel,
  paths: InvalidationPaths,
  sites: ReadonlyArray<{ id: string; transactionId: string | undefined; calleeSpan: Span; method: string }>,
): InvalidationPoint[] {
  const points: InvalidationPoint[] = [];
  for (const ref of family.invalidations) {
    // A delete whose key could not be read may concern any family: too vague to report as "before the write".
    if (ref.functionId !== functionId || ref.wildcard) continue;
    // Writing a value (a fill, a marker) before the write is not the race this rule is about: deleting is.
    if (ref.operation !== "delete" && ref.operation !== "expire") continue;
    // A clearing decorator (`@CacheClear`) is written above the method but runs after its body.
    if (ref.runsAfterBody) continue;
    const site = sites.find((s) => s.id === ref.siteId);
    points.push({ span: site?.calleeSpan ?? ref.span, what: ref.method, transactionId: site?.transactionId });
  }
  for (const call of program.functions.get(functionId)?.calls ?? []) {
    if (!paths.findInvalidatedBelow(call.target, true, true).has(family.id)) continue;
    points.push({ span: call.span, what: call.targetName, transactionId: undefined });
  }
  return points;
}

function report(point: InvalidationPoint, family: CacheFamily, write: EntityAccess): Report {
  const inTransaction = point.transactionId !== undefined && point.transactionId === write.transactionId;
  return finding(
    point.span,
    inTransaction ? "beforeCommit" : "beforeWrite",
    {
      what: point.what,
      family: family.label,
      action: describeEntityWrite(write),
      entity: `\`${write.displayName}\``,
      writeLine: String(write.span.line),
    },
    { familyIds: [family.id] },
  );
}
