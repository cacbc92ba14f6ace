// Invalidating a cache before the write it belongs to leaves a window in which a concurrent
// reader misses, loads the old value from the source and caches it again, for a full TTL.
import { isTestFile } from "../families/invalidation-paths";
import type { CacheSite, EntityAccess } from "../model/cache-model";
import type { Finding } from "../model/finding";
import type { RuleDefinition } from "../model/rule";

export type NoInvalidationBeforeWriteOptions = Record<string, never>;

export const noInvalidationBeforeWrite: RuleDefinition<NoInvalidationBeforeWriteOptions> = {
  id: "no-invalidation-before-write",
  description: "Disallow invalidating a cache family before the write to the source of truth it belongs to (earlier in the function, or inside the transaction before it commits).",
  recommended: "error",
  hasSuggestions: false,
  messages: {
    beforeWrite:
      "`{{method}}` invalidates `{{family}}` before `{{action}}` writes {{entity}} (line {{writeLine}}): a concurrent reader can miss, load the old value and cache it again until it expires. Invalidate after the write.",
    beforeCommit:
      "`{{method}}` invalidates `{{family}}` inside the transaction that writes {{entity}} (line {{writeLine}}): until the transaction commits, a concurrent reader can load the old value and cache it again. Invalidate after the transaction.",
  },
  schema: { type: "object", properties: {}, additionalProperties: false },
  defaultOptions: {},
  check(model, context) {
    const writes = model.entityAccesses.filter((access) => access.operation === "write");
    if (writes.length === 0 || isTestFile(model.file)) return [];
    const program = context.getProgramModel();
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const site of model.sites) {
      if (site.operation !== "delete" && site.operation !== "expire") continue;
      for (const familyId of program.familiesOfSite.get(site.id) ?? []) {
        const family = program.families.find((f) => f.id === familyId);
        if (!family) continue;
        const write = findWriteAfter(site, writes, (entity) => family.entities.some((e) => e.entity === entity));
        if (!write) continue;
        // Deleting again after the write (double delete) closes the window.
        const reinvalidated = family.invalidations.some((ref) => ref.functionId === write.write.functionId && ref.span.start > write.write.span.start);
        if (reinvalidated || reported.has(site.id)) continue;
        reported.add(site.id);
        findings.push({
          ruleId: noInvalidationBeforeWrite.id,
          messageId: write.inTransaction ? "beforeCommit" : "beforeWrite",
          data: {
            method: site.method,
            family: family.label,
            action: write.write.orm === "sql" ? `${write.write.action} ${write.write.displayName}` : `${write.write.displayName}.${write.write.action}`,
            entity: `\`${write.write.displayName}\``,
            writeLine: String(write.write.span.line),
          },
          span: site.calleeSpan,
          suggestions: [],
        });
      }
    }
    void context;
    return findings;
  },
};

/** A write of a dependent entity later in the same function, or in the same transaction. */
function findWriteAfter(site: CacheSite, writes: EntityAccess[], isDependent: (entity: string) => boolean): { write: EntityAccess; inTransaction: boolean } | undefined {
  for (const write of writes) {
    if (!isDependent(write.entity)) continue;
    if (site.transactionId && write.transactionId === site.transactionId) return { write, inTransaction: true };
    if (write.functionId === site.functionId && write.span.start > site.span.start) return { write, inTransaction: false };
  }
  return undefined;
}
