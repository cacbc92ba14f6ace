// Data classes set how long a family may be cached: reference data for hours to days, profile
// data for minutes, transactional data for seconds and always invalidated on write.
import { formatDuration } from "../format/duration";
import { describeEntityWrite, isChangedByWrite } from "../program-model/entity-writes";
import { describeStaleness } from "../program-model/staleness";
import { isTestFile } from "../program-model/file-kinds";
import { getInvalidationPaths } from "../program-model/invalidation-paths";
import { getProgramIndex } from "../program-model/program-index";
import {
  findDeclaration,
  findPolicyProblem,
  listDataClasses,
  toMilliseconds,
  type DataClass,
  type FamilyDeclaration,
} from "../program-model/policy";
import type { CacheFamily } from "../model/program-model";
import { defineRule, type RuleReport } from "../model/rule";

export interface RequireTtlPolicyOptions {
  families: FamilyDeclaration[];
  dataClasses: Record<string, DataClass>;
}

const messages = {
  ttlOutOfRange: "`{{family}}` is `{{className}}` data, cached for {{min}} to {{max}}, but this write uses {{ttl}}.",
  noTtl: "`{{family}}` is `{{className}}` data, cached for at most {{max}}, but this write sets no expiry.",
  notInvalidated:
    "`{{action}}` writes {{entity}}, and `{{family}}` is `{{className}}` data, which must be invalidated on every write; nothing on this path does, so readers see the old value {{staleness}}.",
} as const;

type Report = RuleReport<typeof messages>;

export const requireTtlPolicy = defineRule<RequireTtlPolicyOptions, typeof messages>({
  id: "require-ttl-policy",
  description:
    "Require cache families assigned to a data class to use a TTL within the class's range, and to be invalidated on write when the class says so.",
  recommended: "error",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      families: {
        type: "array",
        items: { type: "object" },
        description: "Declared families with their `class` (the CLI reads them from the configuration's `families`).",
      },
      dataClasses: {
        type: "object",
        description: "Data classes beyond, or replacing, the defaults `static`, `profile` and `transactional`.",
      },
    },
    additionalProperties: false,
  },
  defaultOptions: { families: [], dataClasses: {} },
  validateOptions: (options) => findPolicyProblem(options.families, options.dataClasses),
  check(model, context) {
    const declarations = context.options.families.filter((declaration) => declaration.class !== undefined);
    // Active only when some family is assigned a class.
    if (declarations.length === 0) return [];
    const classes = listDataClasses(context.options.dataClasses);
    const program = context.getProgramModel();
    const index = getProgramIndex(program);
    const findings: Report[] = [];
    const classOf = (family: CacheFamily) => {
      const name = findDeclaration(family, declarations)?.class;
      const spec = name === undefined ? undefined : classes.get(name);
      return spec && name !== undefined ? { name, spec } : undefined;
    };
    for (const site of model.sites) {
      if (site.operation !== "write" && site.operation !== "memoize") continue;
      for (const familyId of program.familiesOfSite.get(site.id) ?? []) {
        const family = program.familiesById.get(familyId);
        const assigned = family && classOf(family);
        const ttl = family && index.getWriteFacts(family).ttlOf.get(site.id);
        if (!family || !assigned || !ttl || ttl.kind === "keep" || ttl.kind === "unknown") continue;
        const min = toMilliseconds(assigned.spec.minTtl) ?? 0;
        const max = toMilliseconds(assigned.spec.maxTtl) ?? Infinity;
        const data = {
          family: family.label,
          className: assigned.name,
          min: formatDuration(min),
          max: formatDuration(max),
        };
        if (ttl.kind === "none" && max !== Infinity)
          findings.push({
            messageId: "noTtl",
            data,
            span: site.calleeSpan,
            familyIds: [family.id],
          });
        else if (ttl.ms !== undefined && ttl.ms !== Infinity && (ttl.ms < min || ttl.ms > max)) {
          findings.push({
            messageId: "ttlOutOfRange",
            data: { ...data, ttl: formatDuration(ttl.ms) },
            span: site.calleeSpan,
            familyIds: [family.id],
          });
        }
      }
    }
    const writes = model.entityAccesses.filter((access) => access.operation === "write");
    if (writes.length > 0 && !isTestFile(model.file)) {
      const paths = getInvalidationPaths(program);
      for (const write of writes) {
        const invalidated = paths.findInvalidatedOnPath(write.functionId);
        for (const family of index.findFamiliesOfEntity(write.entity)) {
          const assigned = classOf(family);
          if (
            !assigned?.spec.invalidateOnWrite ||
            invalidated.has(family.id) ||
            !family.entities.some((e) => isChangedByWrite(e, write))
          )
            continue;
          findings.push({
            messageId: "notInvalidated",
            data: {
              action: describeEntityWrite(write),
              entity: `\`${write.displayName}\``,
              family: family.label,
              className: assigned.name,
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
