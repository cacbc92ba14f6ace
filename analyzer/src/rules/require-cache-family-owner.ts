// Every cache family in code should be declared, with an owner to call when it misbehaves
// (and optionally a runbook): caches nobody owns are the ones nobody cleans up.
import { findDeclaration, findPolicyProblem, type FamilyDeclaration } from "../program-model/policy";
import type { CacheSite } from "../model/cache-model";
import type { CacheFamily } from "../model/program-model";
import { getProgramIndex } from "../program-model/program-index";
import { defineRule, type RuleReport } from "../model/rule";

export interface RequireCacheFamilyOwnerOptions {
  families: FamilyDeclaration[];
  requireRunbook: boolean;
}

const messages = {
  undeclared:
    'The cache family `{{family}}` is not declared: add `{ "match": "{{suggestion}}", "owner": "…" }` to `families` in cachewise.config.json.',
  missingOwner: "The cache family `{{family}}` is declared by `{{match}}` without an owner.",
  missingRunbook: "The cache family `{{family}}` is declared by `{{match}}` without a runbook.",
} as const;

type Report = RuleReport<typeof messages>;

export const requireCacheFamilyOwner = defineRule<RequireCacheFamilyOwnerOptions, typeof messages>({
  id: "require-cache-family-owner",
  description:
    "Require every cache family found in code to be declared in the configuration with an owner (and optionally a runbook).",
  recommended: "off",
  hasSuggestions: false,
  messages,
  schema: {
    type: "object",
    properties: {
      families: {
        type: "array",
        items: { type: "object" },
        description:
          "Declared families: `{ match, owner?, class?, runbook? }` (the CLI reads them from the configuration's `families`).",
      },
      requireRunbook: { type: "boolean", description: "Also require a `runbook` link on every declaration." },
    },
    additionalProperties: false,
  },
  defaultOptions: { families: [], requireRunbook: false },
  validateOptions: (options) => findPolicyProblem(options.families, undefined),
  check(model, context) {
    const program = context.getProgramModel();
    const findings: Report[] = [];
    const sites = new Map<string, CacheSite>();
    for (const site of model.sites) if (!sites.has(site.id)) sites.set(site.id, site);
    // One report per family, at its first write in the program: only when that write is in this file.
    for (const { family, first } of getProgramIndex(program).findFamiliesFirstWrittenIn(model.file)) {
      const site = sites.get(first.siteId);
      const span = site?.calleeSpan ?? first.span;
      const declaration = findDeclaration(family, context.options.families);
      if (!declaration) {
        findings.push({
          messageId: "undeclared",
          data: { family: family.label, suggestion: suggestMatch(family) },
          span,
          familyIds: [family.id],
        });
      } else if (!declaration.owner) {
        findings.push({
          messageId: "missingOwner",
          data: { family: family.label, match: declaration.match },
          span,
          familyIds: [family.id],
        });
      } else if (context.options.requireRunbook && !declaration.runbook) {
        findings.push({
          messageId: "missingRunbook",
          data: { family: family.label, match: declaration.match },
          span,
          familyIds: [family.id],
        });
      }
    }
    return findings;
  },
});

/** `user:{id}` → `user:*`; a tag family → `tag:<tag>`; a whole in-process cache → its name. */
export function suggestMatch(family: Pick<CacheFamily, "pattern" | "tags" | "label">): string {
  if (family.tags.length > 0) return `tag:${family.tags[0]!.replace(/\{[^{}]*\}/g, "*")}`;
  if (family.pattern === "*") return family.label;
  return family.pattern.replace(/\{[^{}]*\}/g, "*");
}
