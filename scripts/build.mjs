// Builds the bundles: the CLI, the ESLint plugin (ESM and CJS). `npm run build`.
import { build } from "esbuild";
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  define: { CACHEWISE_VERSION: JSON.stringify(version) },
};
mkdirSync("dist", { recursive: true });
await Promise.all([
  build({
    ...common,
    entryPoints: ["analyzer/src/cli/bin.ts"],
    outfile: "dist/cli.js",
    format: "esm",
    external: ["ts-morph", "@ts-morph/common", "typescript"],
    // Bundled CommonJS dependencies (ioredis) call require(): give the ESM bundle one.
    banner: {
      js: '#!/usr/bin/env node\nimport { createRequire as __cachewiseCreateRequire } from "node:module";\nconst require = __cachewiseCreateRequire(import.meta.url);',
    },
  }),
  build({
    ...common,
    entryPoints: ["eslint-plugin/src/index.ts"],
    outfile: "dist/eslint-plugin.js",
    format: "esm",
    external: ["@typescript-eslint/utils", "typescript", "eslint"],
  }),
  build({
    ...common,
    entryPoints: ["eslint-plugin/src/index.ts"],
    outfile: "dist/eslint-plugin.cjs",
    format: "cjs",
    external: ["@typescript-eslint/utils", "typescript", "eslint"],
    // `module.exports = plugin` so that `require("cachewise/eslint-plugin")` is the plugin itself.
    footer: { js: "module.exports = Object.assign(module.exports.default, module.exports);" },
  }),
]);
// The VS Code extension (CommonJS: the extension host requires it) and its analysis process, which
// bundles ts-morph so that the .vsix carries no node_modules.
await Promise.all([
  build({
    ...common,
    entryPoints: ["extension/src/extension.ts"],
    outfile: "dist/extension.cjs",
    format: "cjs",
    external: ["vscode"],
  }),
  build({
    ...common,
    entryPoints: ["analyzer/src/cli/analysis-server.ts"],
    outfile: "dist/analysis-server.cjs",
    format: "cjs",
    sourcemap: false,
  }),
]);
copyFileSync("eslint-plugin/src/eslint-plugin.d.ts", "dist/eslint-plugin.d.ts");
chmodSync("dist/cli.js", 0o755);
