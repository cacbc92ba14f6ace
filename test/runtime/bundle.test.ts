// The built `cachewise/runtime` entry (npm run build): its own file, no compiler in it, self-contained types,
// reachable through the package's `exports`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../helpers";

const BUNDLE = path.join(REPO_ROOT, "dist", "runtime.js");

/** Every module specifier the file loads: static and dynamic imports, re-exports and require() calls. */
function listSpecifiers(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(
    /\b(?:from|import)\s*\(?\s*["']([^"']+)["']|\brequire\s*\)?\s*\(\s*["']([^"']+)["']/g,
  ))
    found.add(match[1] ?? match[2]!);
  for (const match of code.matchAll(/createRequire\([^)]*\)\(\s*["']([^"']+)["']\)/g)) found.add(match[1]!);
  return [...found].sort();
}

test("dist/runtime.js loads node built-ins and the optional @opentelemetry/api only: no ts-morph, no typescript", () => {
  assert.ok(fs.existsSync(BUNDLE), "run `npm run build` first");
  const code = fs.readFileSync(BUNDLE, "utf8");
  assert.deepEqual(listSpecifiers(code), ["@opentelemetry/api", "node:fs", "node:module"]);
  assert.doesNotMatch(code, /ts-morph|from "typescript"|require\("typescript"\)/);
});

test("dist/runtime.d.ts imports nothing, and package.json exports ./runtime to the two files", () => {
  const types = fs.readFileSync(path.join(REPO_ROOT, "dist", "runtime.d.ts"), "utf8");
  assert.doesNotMatch(types, /^\s*import\b|\bfrom\s+["']/m);
  assert.match(types, /export declare function instrument<T extends object>/);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  assert.deepEqual(manifest.exports["./runtime"], { types: "./dist/runtime.d.ts", default: "./dist/runtime.js" });
  assert.ok(manifest.files.includes("dist/runtime.js") && manifest.files.includes("dist/runtime.d.ts"));
  assert.equal(manifest.peerDependenciesMeta["@opentelemetry/api"]?.optional, true);
});

test("import('cachewise/runtime') resolves to the bundle and instruments a client", async () => {
  // Through a variable: type-checking must not need a built dist/.
  const specifier = "cachewise/runtime";
  const runtime = (await import(specifier)) as typeof import("../../runtime/src/index");
  assert.equal(typeof runtime.instrument, "function");
  assert.equal(typeof runtime.cacheAside, "function");
  const { LRUCache } = await import("lru-cache");
  const cache = runtime.instrument(new LRUCache<string, number>({ max: 2 }), { family: "x" });
  cache.set("a", 1);
  assert.equal(cache.get("a"), 1);
});

test("without @opentelemetry/api installed (an optional peer) the bundle loads and leaves a client untouched", () => {
  // A copy of the bundle where no node_modules can be found: the API does not resolve.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachewise-runtime-"));
  try {
    fs.copyFileSync(BUNDLE, path.join(dir, "runtime.mjs"));
    fs.writeFileSync(
      path.join(dir, "main.mjs"),
      [
        'import { instrument } from "./runtime.mjs";',
        "const store = new Map();",
        "const client = { get: async (k) => store.get(k), set: async (k, v) => void store.set(k, v), del: async (k) => store.delete(k), wrap() {}, stores: [] };",
        "const get = client.get;",
        'const cache = instrument(client, { family: "x" });',
        'await cache.set("a", 1);',
        'console.log(JSON.stringify([await cache.get("a"), await cache.get("b"), cache.get === get]));',
      ].join("\n"),
    );
    const run = spawnSync(process.execPath, [path.join(dir, "main.mjs")], { cwd: dir, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    // No API, no meter to record to: the client is returned as it was (nothing would read its counts).
    assert.equal(run.stdout.trim(), "[1,null,true]");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
