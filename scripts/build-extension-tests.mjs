// Bundles the extension-host test suite: `node scripts/build-extension-tests.mjs` writes
// dist-test/extension-host-tests.cjs (CommonJS: the extension host `require`s it and calls `run()`).
// `vscode` comes from the host; mocha is loaded from this repository's node_modules at run time.
import { build } from "esbuild";

await build({
  entryPoints: ["test/extension/host/index.ts"],
  outfile: "dist-test/extension-host-tests.cjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "inline",
  logLevel: "warning",
  external: ["vscode", "mocha"],
});
