// Packages the VS Code extension: `node scripts/package-extension.mjs [--out cachewise.vsix]`.
// Run `npm run build` first. The root package.json is both the npm package and the extension
// manifest; its `files` list (for npm) and the `.vscodeignore` allow-list (for the .vsix) cannot be
// combined in one vsce run (vsce refuses), and its `main` is the npm package's programmatic API, so
// the .vsix is packaged from a staging folder that holds the extension's manifest (`main` is the
// extension bundle, no `files`, `exports` or `types`) plus exactly what `.vscodeignore` allows.
// `stageExtensionForDevelopment` makes the same manifest beside links to the build, for tests that
// load the extension from a folder (extensionDevelopmentPath).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** What the .vsix carries; `.vscodeignore` allows the same list, so a plain `vsce ls` agrees. */
const EXTENSION_MAIN = "./dist/extension.cjs";
const SHIPPED = ["dist/extension.cjs", "dist/analysis-server.cjs", "README.md", "LICENSE", "media", ".vscodeignore"];
/** README links point at the docs in the repository (vsce rewrites relative links). */
const BASE_URL = "https://github.com/cachewise/cachewise";

export function packageExtension(out) {
  const outFile = path.resolve(root, out);
  for (const file of SHIPPED)
    if (!existsSync(path.join(root, file))) throw new Error(`${file} is missing (run npm run build first)`);
  const stage = mkdtempSync(path.join(os.tmpdir(), "cachewise-vsix-"));
  try {
    writeFileSync(path.join(stage, "package.json"), extensionManifest());
    for (const file of SHIPPED) cpSync(path.join(root, file), path.join(stage, file), { recursive: true });
    mkdirSync(path.dirname(outFile), { recursive: true });
    const vsce = resolveVsce();
    const result = spawnSync(
      process.execPath,
      [
        vsce,
        "package",
        "--no-dependencies",
        "--allow-missing-repository",
        "--baseContentUrl",
        `${BASE_URL}/blob/main`,
        "--baseImagesUrl",
        `${BASE_URL}/raw/main`,
        "--out",
        outFile,
      ],
      { cwd: stage, encoding: "utf8", timeout: 180_000 },
    );
    if (result.status !== 0)
      throw new Error(
        `vsce package failed (${result.status ?? result.error?.message}):\n${result.stdout}\n${result.stderr}`,
      );
    return outFile;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The extension's manifest: the root package.json with `main` at the extension bundle and the npm-only fields out. */
export function extensionManifest() {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  manifest.main = EXTENSION_MAIN;
  for (const npmOnly of ["files", "exports", "types", "bin"]) delete manifest[npmOnly];
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * A folder VS Code can load the extension from in development (extensionDevelopmentPath): the extension's
 * manifest and links to the repository's dist/, media/, README.md and LICENSE. Returns the folder.
 */
export function stageExtensionForDevelopment(folder = path.join(root, "test-output", "extension-dev")) {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "package.json"), extensionManifest());
  for (const entry of ["dist", "media", "README.md", "LICENSE"])
    symlinkSync(path.join(root, entry), path.join(folder, entry));
  return folder;
}

function resolveVsce() {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("@vscode/vsce/package.json");
  const { bin } = JSON.parse(readFileSync(manifestPath, "utf8"));
  return path.join(path.dirname(manifestPath), typeof bin === "string" ? bin : bin.vsce);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string", default: "cachewise.vsix" } } });
  const file = packageExtension(values.out);
  process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
}
