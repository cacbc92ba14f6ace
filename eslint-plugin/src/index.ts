// The ESLint plugin: every cachewise rule, and a flat `recommended` config.
import type { TSESLint } from "@typescript-eslint/utils";
import { RULES } from "../../analyzer/src/rule-registry";
import { toEslintRule } from "./to-eslint-rule";

declare const CACHEWISE_VERSION: string | undefined;

export const rules: Record<string, TSESLint.RuleModule<string, unknown[]>> = Object.fromEntries(
  RULES.map((definition) => [
    definition.id,
    toEslintRule(definition) as unknown as TSESLint.RuleModule<string, unknown[]>,
  ]),
);

interface Plugin {
  meta: { name: string; version: string };
  rules: typeof rules;
  configs: { recommended: TSESLint.FlatConfig.Config };
}

export const plugin: Plugin = {
  meta: { name: "cachewise", version: typeof CACHEWISE_VERSION === "string" ? CACHEWISE_VERSION : "0.0.0-dev" },
  rules,
  configs: {} as Plugin["configs"],
};

plugin.configs.recommended = {
  name: "cachewise/recommended",
  plugins: { cachewise: plugin as unknown as TSESLint.FlatConfig.Plugin },
  rules: Object.fromEntries(
    RULES.filter((r) => r.recommended !== "off").map((r) => [`cachewise/${r.id}`, r.recommended]),
  ),
};

export const configs = plugin.configs;
export default plugin;
