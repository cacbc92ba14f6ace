// A write to the source of truth must invalidate every cache family that holds data read
// from it; otherwise readers keep seeing the old value until the entry expires (or forever).
import { describeEntityWrite, isChangedByWrite } from "../program-model/entity-writes";
import { describeStaleness } from "../program-model/staleness";
import { isTestFile } from "../program-model/file-kinds";
import { getInvalidationPaths } from "../program-model/invalidation-paths";
import { getProgramIndex } from "../program-model/program-index";
import type { Span } from "../model/cache-model";
import { defineRule, type RuleReport } from "../model/rule";
import { holdsData } from "../program-model/roles";
import { keyValueEntity } from "../program-model/entity-dependencies";
import { hasText } from "../program-model/key-patterns";
import { FAMILIES_OPTION, findEffectiveRole, findPolicyProblem, type FamilyDeclaration } from "../program-model/policy";
import { findPostWriteInvalidations, type PostWriteInvalidation } from "../program-model/post-write-keys";

export interface RequireInvalidationOnWriteOptions {
  acceptedStalenessSeconds: number;
  families: FamilyDeclaration[];
}

/** Writes that only add rows. */
export const CREATE_ACTIONS = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "insert",
  "insertMany",
  "bulkCreate",
  "nativeInsert",
  "insertInto",
  "INSERT",
]);

/** Writes that remove rows (`delete`, `deleteMany`, `destroy`, `DELETE`, `removeAndFlush`). */
const REMOVALS = /^(delete|destroy|remove)/i;

const messages = {
  missingInvalidation:
    "`{{action}}` writes {{entity}}, which the cache family `{{family}}` holds (filled from {{source}} at {{populatedAt}}), but nothing on this path invalidates it: readers see the old value {{staleness}}. Delete or update `{{family}}` after the write, here or in a function this path calls.",
  newKeyOnly:
    "{{subject}} deletes `{{family}}` under the key built from {{fields}} of {{rows}}, but `{{action}}` at {{writtenAt}} may change {{fieldWord}}: the entry stored under the old value is not deleted, and readers that look the row up by its old value get the old row {{staleness}}. Read the rows before the write and delete their keys as well.",
  bypassedLibraryCache:
    "`{{action}}` writes {{fields}}{{entity}} directly, but `{{family}}` keeps copies of that row (configured at {{populatedAt}}) and refreshes them only when the row is written through the library: readers see the old value {{staleness}}. {{fix}}",
  missingStoreInvalidation:
    "`{{action}}` writes the key `{{key}}`, and the cache family `{{family}}` keeps a copy of that key: it is filled with what `{{source}}` reads under the same key at {{populatedAt}}, which makes this store its source of truth. Nothing on this path invalidates `{{family}}`: readers see the old value {{staleness}}. Delete `{{family}}` after the write, here or in a function this path calls.",
} as const;

type Report = RuleReport<typeof messages>;

export const requireInvalidationOnWrite = defineRule<RequireInvalidationOnWriteOptions, typeof messages>({
  id: "require-invalidation-on-write",
  description:
    "Require every write to the source of truth to invalidate the cache families that hold data read from it.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      families: FAMILIES_OPTION,
      acceptedStalenessSeconds: {
        type: "number",
        minimum: 0,
        description:
          "Families whose longest TTL is at most this many seconds may serve stale data after a write: they are not reported.",
      },
    },
    additionalProperties: false,
  },
  validateOptions: (options) => findPolicyProblem(options.families, undefined),
  defaultOptions: { acceptedStalenessSeconds: 60, families: [] },
  check(model, context) {
    const writes = model.entityAccesses.filter((access) => access.operation === "write");
    const storeWrites = (model.keyValueAccesses ?? []).filter((access) => access.operation === "write");
    if ((writes.length === 0 && storeWrites.length === 0) || isTestFile(model.file)) return [];
    const program = context.getProgramModel();
    const paths = getInvalidationPaths(program);
    const index = getProgramIndex(program);
    const acceptedMs = context.options.acceptedStalenessSeconds * 1000;
    const findings: Report[] = [];
    // One report per delete, however many writes before it may change its key.
    const newKeyReports = new Set<string>();
    for (const write of writes) {
      // A new row cannot make a cached single row stale, only cached lists and aggregates.
      const creates = CREATE_ACTIONS.has(write.action);
      // Only a copy of the row goes stale: a family whose fill reads the entity by the key's own holes. A value
      // assembled once from a row found some other way (a click recording its link's URL) is history, and a lock,
      // a marker, a counter or a job's progress holds no copy of anything.
      const dependent = index.findFamiliesOfEntity(write.entity).filter(
        (family) =>
          holdsData(findEffectiveRole(family, context.options.families).role) &&
          family.entities.some(
            (entity) =>
              entity.readByKey &&
              isChangedByWrite(entity, write) &&
              (!creates || entity.collection) &&
              // A library's copies of a row (an auth library's sessions) go stale when a column they carry changes:
              // the write must name one (a generic `update(id, data)` helper may never touch them), and a removed row
              // is the library's revocation question, not a stale copy.
              !(entity.writeThrough && (write.fields === undefined || REMOVALS.test(write.action))),
          ),
      );
      for (const found of findPostWriteInvalidations(program, write)) {
        const reportedAt = `${found.family.id}|${found.span.start}`;
        if (newKeyReports.has(reportedAt)) continue;
        newKeyReports.add(reportedAt);
        if (!holdsData(findEffectiveRole(found.family, context.options.families).role)) continue;
        const family = found.family;
        if (family.maxStalenessMs !== undefined && family.maxStalenessMs <= acceptedMs) continue;
        findings.push({
          messageId: "newKeyOnly",
          data: {
            subject: found.via ? `This call of \`${found.via}\`` : "This",
            family: family.label,
            rows: describeRows(found, context.formatLocation),
            fields: found.fields.map((field) => `\`${field}\``).join(", "),
            action: describeEntityWrite(write),
            writtenAt: context.formatLocation(write.span),
            fieldWord: found.fields.length === 1 ? "it" : "them",
            staleness: describeStaleness(family.maxStalenessMs, family.bound),
          },
          span: found.span,
          familyIds: [family.id],
        });
      }
      if (dependent.length === 0) continue;
      const invalidated = paths.findInvalidatedOnPath(write.functionId);
      for (const family of dependent) {
        if (invalidated.has(family.id)) continue;
        if (family.maxStalenessMs !== undefined && family.maxStalenessMs <= acceptedMs) continue;
        const source = family.entities.find((entity) => entity.entity === write.entity && entity.readByKey)!;
        if (source.writeThrough) {
          const held = new Set((source.fields ?? []).map((field) => field.toLowerCase()));
          const fields = (write.fields ?? []).filter(
            (field) => source.fields === undefined || held.has(field.toLowerCase()),
          );
          findings.push({
            messageId: "bypassedLibraryCache",
            data: {
              action: describeEntityWrite(write),
              fields: `${fields.map((field) => `\`${field}\``).join(", ")} of `,
              entity: `\`${write.displayName}\``,
              family: family.label,
              populatedAt: context.formatLocation(source.span),
              staleness: describeStaleness(family.maxStalenessMs, family.bound),
              fix: source.writeThrough,
            },
            span: write.span as Span,
            familyIds: [family.id],
          });
          continue;
        }
        findings.push({
          messageId: "missingInvalidation",
          data: {
            action: describeEntityWrite(write),
            entity: `\`${write.displayName}\``,
            family: family.label,
            source: `\`${source.displayName}\``,
            populatedAt: context.formatLocation(source.span),
            staleness: describeStaleness(family.maxStalenessMs, family.bound),
          },
          span: write.span as Span,
          familyIds: [family.id],
        });
      }
    }
    for (const write of storeWrites) {
      const invalidated = paths.findInvalidatedAfterOnPath(write.functionId);
      const reported = new Set<string>();
      for (const key of write.keys) {
        if (!hasText(key)) continue;
        const entity = keyValueEntity(write.store, key.pattern);
        for (const family of index.findFamiliesOfEntity(entity)) {
          if (reported.has(family.id) || invalidated.has(family.id)) continue;
          if (!holdsData(findEffectiveRole(family, context.options.families).role)) continue;
          if (family.maxStalenessMs !== undefined && family.maxStalenessMs <= acceptedMs) continue;
          reported.add(family.id);
          const source = family.entities.find((candidate) => candidate.entity === entity)!;
          findings.push({
            messageId: "missingStoreInvalidation",
            data: {
              action: write.name,
              key: key.label ?? key.pattern,
              family: family.label,
              source: source.displayName.split(" ")[0]!,
              populatedAt: context.formatLocation(source.span),
              staleness: describeStaleness(family.maxStalenessMs, family.bound),
            },
            span: write.span,
            familyIds: [family.id],
          });
        }
      }
    }
    return findings;
  },
});

/** `the rows the write returned`, `the rows read again after the write (at src/a.ts:12)`. */
function describeRows(found: PostWriteInvalidation, formatLocation: (span: Span) => string): string {
  const rows =
    found.rows.kind === "returned"
      ? "the rows the write returned"
      : `the rows read again after the write (at ${formatLocation(found.rows.span)})`;
  return rows;
}
