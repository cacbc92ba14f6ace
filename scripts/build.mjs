// Builds the bundles: the CLI and the programmatic API (ESM, one shared chunk), the ESLint plugin (one
// CommonJS bundle, and an ESM entry that re-exports the same object), their declarations, the VS Code
// extension and its analysis process. `npm run build` (and `npm pack`, through `prepack`).
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import ts from "typescript";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  define: { CACHEWISE_VERSION: JSON.stringify(version) },
};
rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { cli: "analyzer/src/cli/bin.ts", index: "analyzer/src/api.ts" },
    outdir: "dist",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    format: "esm",
    external: ["ts-morph", "@ts-morph/common", "typescript"],
    // Bundled CommonJS dependencies (ioredis) call require(): give the ESM bundle one.
    banner: {
      js: 'import { createRequire as __cachewiseCreateRequire } from "node:module";\nconst require = __cachewiseCreateRequire(import.meta.url);',
    },
  }),
  build({
    ...common,
    entryPoints: ["eslint-plugin/src/index.ts"],
    outfile: "dist/eslint-plugin.cjs",
    format: "cjs",
    // Nothing of @typescript-eslint/utils is imported at run time (types only); `typescript` is the user's.
    external: ["typescript", "eslint"],
    // `module.exports = plugin` so that `require("cachewise/eslint-plugin")` is the plugin itself.
    footer: { js: "module.exports = Object.assign(module.exports.default, module.exports);" },
  }),
]);
const cli = readFileSync("dist/cli.js", "utf8");
writeFileSync("dist/cli.js", `#!/usr/bin/env node\n${cli}`);
// The ESM entry is the CommonJS plugin object itself: a configuration that imports one and requires the
// other (a shared CommonJS config in an ESM eslint.config.mjs) gets one plugin, not two named cachewise.
writeFileSync(
  "dist/eslint-plugin.js",
  [
    "// The same plugin object as eslint-plugin.cjs (one instance for import and require).",
    'import plugin from "./eslint-plugin.cjs";',
    "export const rules = plugin.rules;",
    "export const configs = plugin.configs;",
    "export { plugin };",
    "export default plugin;",
    "",
  ].join("\n"),
);
const pluginTypes = readFileSync("eslint-plugin/src/eslint-plugin.d.ts", "utf8");
writeFileSync("dist/eslint-plugin.d.ts", pluginTypes);
// The `require` twin: `export =` of the same object, so the types checker does not see ESM types for a CJS file.
writeFileSync(
  "dist/eslint-plugin.d.cts",
  pluginTypes
    .replace(/^export declare const rules[^\n]*\n/m, "")
    .replace(/^export declare const configs[^\n]*\n/m, "")
    .replace(/^export \{ plugin \};\n/m, "")
    .replace(/^export default plugin;\n/m, "export = plugin;\n")
    .replace(/^export interface /m, "interface "),
);
// dist/index.d.ts: the API module's declarations. Its public types are self-contained, so the emitted file
// must import nothing (an import would point at a module the package does not ship).
const api = ts.transpileDeclaration(readFileSync("analyzer/src/api.ts", "utf8"), {
  fileName: "api.ts",
  reportDiagnostics: true,
  compilerOptions: { isolatedDeclarations: true, strict: true },
});
if (api.diagnostics?.length)
  throw new Error(
    `analyzer/src/api.ts declarations: ${api.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`,
  );
if (/^import\b/m.test(api.outputText)) throw new Error("analyzer/src/api.ts: its public declarations import a module");
writeFileSync("dist/index.d.ts", `// Generated from analyzer/src/api.ts by scripts/build.mjs.\n${api.outputText}`);
// cachewise/runtime: its own ESM file, no compiler in it (a test checks the bundle imports neither ts-morph nor
// typescript); `@opentelemetry/api` is the application's, an optional peer loaded at run time.
await build({
  ...common,
  entryPoints: { runtime: "runtime/src/index.ts" },
  outdir: "dist",
  format: "esm",
  external: ["@opentelemetry/api"],
});
const runtimeTypes = ts.transpileDeclaration(readFileSync("runtime/src/index.ts", "utf8"), {
  fileName: "index.ts",
  reportDiagnostics: true,
  compilerOptions: { isolatedDeclarations: true, strict: true },
});
if (runtimeTypes.diagnostics?.length)
  throw new Error(
    `runtime/src/index.ts declarations: ${runtimeTypes.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`,
  );
if (/^import\b|^export .* from /m.test(runtimeTypes.outputText))
  throw new Error("runtime/src/index.ts: its public declarations import a module");
writeFileSync(
  "dist/runtime.d.ts",
  `// Generated from runtime/src/index.ts by scripts/build.mjs.\n${runtimeTypes.outputText}`,
);
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
chmodSync("dist/cli.js", 0o755);
