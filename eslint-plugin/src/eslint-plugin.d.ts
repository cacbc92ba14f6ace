// Public types of `cachewise/eslint-plugin` (copied to dist by scripts/build.mjs).
import type { TSESLint } from "@typescript-eslint/utils";

export declare const rules: Record<string, TSESLint.RuleModule<string, unknown[]>>;
export declare const configs: { recommended: TSESLint.FlatConfig.Config };
export declare const plugin: {
  meta: { name: string; version: string };
  rules: typeof rules;
  configs: typeof configs;
};
export default plugin;
