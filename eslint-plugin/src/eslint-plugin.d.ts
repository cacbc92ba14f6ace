// Public types of `cachewise/eslint-plugin` for `import` (copied to dist by scripts/build.mjs, which
// also writes the `require` twin, eslint-plugin.d.cts). Typed with ESLint's own types, so that
// `defineConfig`, `tseslint.config` and a plain `Linter.Config[]` all accept the plugin and its configs.
import type { ESLint, Linter, Rule } from "eslint";

export interface CachewisePlugin extends ESLint.Plugin {
  meta: { name: string; version: string };
  rules: Record<string, Rule.RuleModule>;
  configs: {
    /** Every recommended rule, for TypeScript and JavaScript sources (`files`); needs type information. */
    recommended: Linter.Config;
    /** Every cachewise rule off: for files linted without type information. */
    disableTypeChecked: Linter.Config;
  };
}

declare const plugin: CachewisePlugin;
export declare const rules: CachewisePlugin["rules"];
export declare const configs: CachewisePlugin["configs"];
export { plugin };
export default plugin;
