// The ESLint plugin: every cachewise rule, a flat `recommended` config scoped to script files, and
// `disableTypeChecked` for files linted without type information. The CommonJS bundle holds the one
// plugin object; the ESM entry re-exports it (scripts/build.mjs), so a config that mixes both gets
// the same instance.
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

/** The files `recommended` lints: TypeScript and JavaScript sources (the rules need type information for them). */
const SOURCE_FILES = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"];

interface Plugin {
  meta: { name: string; version: string };
  rules: typeof rules;
  configs: { recommended: TSESLint.FlatConfig.Config; disableTypeChecked: TSESLint.FlatConfig.Config };
}

export const plugin: Plugin = {
  meta: { name: "cachewise", version: typeof CACHEWISE_VERSION === "string" ? CACHEWISE_VERSION : "0.0.0-dev" },
  rules,
  configs: {} as Plugin["configs"],
};

plugin.configs.recommended = {
  name: "cachewise/recommended",
  files: SOURCE_FILES,
  plugins: { cachewise: plugin as unknown as TSESLint.FlatConfig.Plugin },
  rules: Object.fromEntries(
    RULES.filter((r) => r.recommended !== "off").map((r) => [`cachewise/${r.id}`, r.recommended]),
  ),
};

/** Every cachewise rule off, like typescript-eslint's `disableTypeChecked`: for files linted without types. */
plugin.configs.disableTypeChecked = {
  name: "cachewise/disable-type-checked",
  plugins: { cachewise: plugin as unknown as TSESLint.FlatConfig.Plugin },
  rules: Object.fromEntries(RULES.map((r) => [`cachewise/${r.id}`, "off"])),
};

export const configs = plugin.configs;
export default plugin;
