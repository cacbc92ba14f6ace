// Lints this repository: typescript-eslint's recommended rules plus the import
// boundaries that keep the architecture true (extension → analyzer ← eslint-plugin).
import tseslint from "typescript-eslint";

const restrict = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "dist-test/**",
      "node_modules/**",
      "test/fixtures/**",
      "examples/**",
      "bench/.generated/**",
      "bench/.results/**",
      ".cache/**",
      "test-output/**",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Benchmark scripts are plain Node; the generator's templates name unused type parameters on purpose.
    files: ["bench/**/*.{mjs,cjs}"],
    rules: { "@typescript-eslint/no-require-imports": "off", "@typescript-eslint/no-unused-vars": "off" },
  },
  {
    // The model is plain data: it imports nothing.
    files: ["analyzer/src/model/**"],
    rules: restrict([
      {
        group: ["typescript", "ts-morph", "@typescript-eslint/*", "vscode", "ioredis", "node:*"],
        message: "The model is plain data.",
      },
    ]),
  },
  {
    // Extraction and rules receive `ts` from the host; they never load a compiler themselves.
    files: [
      "analyzer/src/extract/**",
      "analyzer/src/rules/**",
      "analyzer/src/analyze/**",
      "analyzer/src/config/**",
      "analyzer/src/program-model/**",
      "analyzer/src/format/**",
    ],
    rules: restrict([
      { group: ["ts-morph", "@ts-morph/*"], message: "Only the CLI host (analyzer/src/cli) imports ts-morph." },
      {
        group: ["typescript"],
        allowTypeImports: true,
        message: "Import typescript for types only; the host injects the runtime `ts`.",
      },
      { group: ["@typescript-eslint/*", "eslint"], message: "Only eslint-plugin/ imports ESLint." },
      { group: ["vscode", "ioredis"], message: "The analyzer core has no editor or Redis dependency." },
      {
        group: ["**/cli/*", "**/eslint-plugin/**", "**/extension/**"],
        message: "Dependencies point one way: hosts import the core, never the reverse.",
      },
    ]),
  },
  {
    // Library adapters are knowledge, not code paths: they read arguments through the injected reader and import the model only.
    files: ["analyzer/src/libraries/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["typescript", "ts-morph", "eslint", "vscode", "ioredis"].map((name) => ({
            name,
            message: "An adapter reads code through the ArgumentReader: no compiler, editor or client.",
          })),
          patterns: [
            {
              group: [
                "**/extract/**",
                "**/program-model/**",
                "**/rules/**",
                "**/cli/**",
                "**/keyspace/**",
                "**/config/**",
                "**/analyze/**",
                "@typescript-eslint/*",
                "node:*",
              ],
              message: "An adapter imports the model and other adapters only.",
            },
          ],
        },
      ],
    },
  },
  {
    // Rules are pure functions of the models: they import the model, the program model, the adapters' answers and the formatters.
    files: ["analyzer/src/rules/**"],
    rules: restrict([
      {
        group: [
          "**/extract/**",
          "**/cli/**",
          "**/keyspace/**",
          "**/config/**",
          "**/analyze/**",
          "typescript",
          "ts-morph",
          "@typescript-eslint/*",
          "eslint",
          "vscode",
          "ioredis",
        ],
        message:
          "Rules import only the model, the program model (program-model/), the library adapters and the formatters (format/).",
      },
    ]),
  },
  {
    files: ["analyzer/src/cli/**"],
    rules: restrict([
      {
        group: ["@typescript-eslint/*", "eslint", "vscode"],
        message: "The CLI host does not import ESLint or VS Code.",
      },
      { group: ["ioredis"], message: "Only the keyspace profiler (analyzer/src/keyspace) imports ioredis." },
      {
        group: ["**/extension/**", "**/eslint-plugin/**"],
        message: "The CLI never imports from extension/ or eslint-plugin/.",
      },
    ]),
  },
  {
    // The keyspace profiler is plain Node, shared by the CLI and the extension: the only place that imports ioredis.
    files: ["analyzer/src/keyspace/**"],
    rules: restrict([
      {
        group: ["vscode", "ts-morph", "@ts-morph/*", "typescript", "@typescript-eslint/*", "eslint"],
        message: "The profiler is plain Node: no editor, no compiler.",
      },
      {
        group: ["**/cli/*", "**/extension/**", "**/eslint-plugin/**"],
        message: "Dependencies point one way: hosts import the profiler.",
      },
    ]),
  },
  {
    // Run-time metrics (Prometheus queries, alert rules): plain Node, shared by the CLI and the extension.
    files: ["analyzer/src/metrics/**"],
    rules: restrict([
      {
        group: ["vscode", "ioredis", "ts-morph", "@ts-morph/*", "typescript", "@typescript-eslint/*", "eslint"],
        message: "The metrics module is plain Node: no editor, no compiler, no Redis client.",
      },
      {
        group: ["**/cli/*", "**/extension/**", "**/eslint-plugin/**"],
        message: "Dependencies point one way: hosts import the metrics module.",
      },
    ]),
  },
  {
    files: ["extension/src/**"],
    rules: restrict([
      {
        group: ["ts-morph", "@ts-morph/*", "typescript", "@typescript-eslint/*", "eslint"],
        message: "The extension talks to the analysis process; it loads no compiler.",
      },
      {
        group: ["**/analyzer/src/cli/**"],
        message: "The CLI host runs in the analysis process (dist/analysis-server.cjs), not in the extension host.",
      },
      { group: ["ioredis"], message: "Only the keyspace profiler (analyzer/src/keyspace) imports ioredis." },
    ]),
  },
  {
    // Pure parts of the extension: tested without an editor.
    files: [
      "extension/src/stats/**",
      "extension/src/connections/connection-settings.ts",
      "extension/src/analysis/analysis-client.ts",
      "extension/src/analysis/analysis-state.ts",
      "extension/src/commands/guard-command.ts",
      "extension/src/settings.ts",
    ],
    rules: restrict([
      { group: ["vscode", "ioredis", "ts-morph", "typescript"], message: "This module is pure: no editor, no Redis." },
    ]),
  },
  {
    files: ["eslint-plugin/src/**"],
    rules: restrict([
      { group: ["ts-morph", "@ts-morph/*"], message: "ts-morph belongs to the CLI host only." },
      {
        group: ["**/analyzer/src/cli/**", "**/extension/**", "vscode", "ioredis"],
        message: "The ESLint plugin depends on the analyzer core only.",
      },
    ]),
  },
  {
    // cachewise/runtime runs inside the user's service: the analyzer's plain-data parts only (the key matcher and
    // the method tables), no compiler, and the cache clients are the application's objects, never imported.
    files: ["runtime/src/**"],
    rules: restrict([
      {
        group: ["ts-morph", "@ts-morph/*", "typescript", "@typescript-eslint/*", "eslint", "vscode"],
        message: "The run-time module loads no compiler and no editor.",
      },
      {
        group: ["ioredis", "iovalkey", "redis", "lru-cache", "keyv", "cache-manager"],
        message: "The run-time module instruments the application's clients; it imports none.",
      },
      {
        group: ["**/cli/**", "**/extract/**", "**/rules/**", "**/analyze/**", "**/extension/**", "**/eslint-plugin/**"],
        message: "The run-time module uses the analyzer's pure parts only.",
      },
    ]),
  },
);
