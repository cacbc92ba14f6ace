// The compatibility matrix, as users install it: the packed tarball into throw-away projects (outside the
// repository, so nothing resolves from its node_modules) at the corners of the supported ranges, with a
// plain `npm install` (the peer ranges must accept each setup) and the README's configurations verbatim.
// Each corner lints the demo service with ESLint and runs the CLI on it: the same cachewise findings.
// Needs the npm registry (CI reaches it) and `npm run build` first (npm test builds).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { REPO_ROOT } from "../helpers";

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "cachewise-ecosystem-"));
after(() => fs.rmSync(WORK, { recursive: true, force: true }));
const DEMO = path.join(REPO_ROOT, "examples", "cache-demo");
const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** The README's code block whose first line is `// <file>`, verbatim. */
function readmeBlock(file: string): string {
  const match = new RegExp(`^\`\`\`(?:js|ts)\\n(// ${file.replace(/\./g, "\\.")}\\n[\\s\\S]*?)^\`\`\`$`, "m").exec(
    README,
  );
  assert.ok(match, `README.md has a code block starting with // ${file}`);
  return match[1]!;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (the corners install side by side), with a time limit. */
function run(command: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", npm_config_loglevel: "error" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Message {
  ruleId: string | null;
  line: number;
  column: number;
  message: string;
  fatal?: boolean;
}

/** `rule file:line:column` of the cachewise findings; any parsing error or crash message fails the corner. */
function findings(stdout: string, projectDir: string): string[] {
  const results = JSON.parse(stdout) as Array<{ filePath: string; messages: Message[] }>;
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal).map((m) => `${r.filePath}: ${m.message}`));
  assert.deepEqual(fatal, [], "no file failed to parse");
  return results
    .flatMap((r) =>
      r.messages
        // ESLint prefixes the plugin (`cachewise/…`), the CLI does not; typescript-eslint's own rules are left out.
        .filter((m) => m.ruleId !== null && RULE_IDS.has(m.ruleId.replace(/^cachewise\//, "")))
        .map(
          (m) =>
            `${m.ruleId!.replace(/^cachewise\//, "")} ${path.relative(projectDir, r.filePath)}:${m.line}:${m.column}`,
        ),
    )
    .sort();
}

const RULE_IDS = new Set(
  fs
    .readdirSync(path.join(REPO_ROOT, "analyzer/src/rules"))
    .flatMap((f) => (f.endsWith(".ts") ? [f.slice(0, -3)] : [])),
);

interface Corner {
  name: string;
  type: "module" | "commonjs";
  devDependencies: Record<string, string>;
  files: Record<string, string>;
  /** What ESLint lints (undefined: the CLI only). */
  lint?: string[];
}

let tarball = "";

const CORNERS: Corner[] = [
  {
    // The oldest supported TypeScript and ESLint, with an ES module configuration (TypeScript 5.0-5.4 hid
    // `version` from a namespace import in ESM) that mixes in a shared CommonJS configuration.
    name: "typescript 5.0 + eslint 8.57, ESM config with a CommonJS shared config",
    type: "module",
    devDependencies: { typescript: "5.0.4", eslint: "8.57.1", "typescript-eslint": "8.72.0" },
    files: {
      "base.config.mjs": readmeBlock("eslint.config.mjs"),
      "shared.cjs": [
        'const cachewise = require("cachewise/eslint-plugin");',
        'module.exports = [{ files: ["src/**/*.ts"], plugins: { cachewise }, rules: { "cachewise/require-cache-ttl": "warn" } }];',
        "",
      ].join("\n"),
      // ESLint 8 reads only eslint.config.js.
      "eslint.config.js": [
        'import base from "./base.config.mjs";',
        'import shared from "./shared.cjs";',
        "export default [...base, ...shared];",
        "",
      ].join("\n"),
    },
    lint: ["src"],
  },
  {
    name: "typescript 5.9 + eslint 9, the README's CommonJS eslint.config.js",
    type: "commonjs",
    devDependencies: { typescript: "5.9.3", eslint: "^9.39.0", "typescript-eslint": "8.72.0" },
    files: { "eslint.config.js": readmeBlock("eslint.config.js") },
    lint: ["."],
  },
  {
    name: "typescript 6.0.2 + eslint 10, the README's eslint.config.mjs and typed eslint.config.ts",
    type: "module",
    devDependencies: { typescript: "6.0.2", eslint: "^10.0.0", "typescript-eslint": "8.72.0" },
    files: {
      "eslint.config.mjs": readmeBlock("eslint.config.mjs"),
      "typed/eslint.config.ts": readmeBlock("eslint.config.ts"),
      "typed/tsconfig.json": JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          noEmit: true,
          types: ["node"],
        },
        include: ["eslint.config.ts"],
      }),
      // A JavaScript tool that no tsconfig includes: linted without types, cachewise off for it.
      "scripts/tool.js": 'import { Redis } from "ioredis";\nconst redis = new Redis();\nawait redis.set("k", "v");\n',
    },
    lint: ["eslint.config.mjs", "src", "scripts"],
  },
  {
    name: "the CLI alone beside typescript 7",
    type: "module",
    devDependencies: { typescript: "7.0.2" },
    files: {},
  },
];

function cornerDir(corner: Corner): string {
  return path.join(WORK, corner.name.replace(/[^a-z0-9]+/gi, "-"));
}

async function setUp(corner: Corner, dir: string): Promise<Run> {
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(DEMO, "src"), path.join(dir, "src"), { recursive: true });
  fs.copyFileSync(path.join(DEMO, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  for (const [file, text] of Object.entries(corner.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "corner",
      private: true,
      type: corner.type,
      devDependencies: { ...corner.devDependencies, "@types/node": "^20.19.0", cachewise: `file:${tarball}` },
    }),
  );
  // A plain install: no --legacy-peer-deps, so the peer ranges must accept the setup.
  return run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], dir);
}

describe("the packed package in fresh projects", { timeout: 600_000 }, () => {
  const installs = new Map<string, Promise<Run>>();
  before(() => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, "dist", "cli.js")), "run `npm run build` first");
    // CACHEWISE_MATRIX_TARBALL checks the matrix against another build (an older release, to see it fail).
    if (process.env.CACHEWISE_MATRIX_TARBALL) tarball = path.resolve(process.env.CACHEWISE_MATRIX_TARBALL);
    else {
      // --ignore-scripts: dist/ is already built, and prepack's rebuild would pull it from under parallel tests.
      const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", WORK], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      });
      assert.equal(pack.status, 0, pack.stderr);
      const [info] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
      tarball = path.join(WORK, info!.filename);
    }
    // The installs run side by side (network and disk, not CPU); each corner's test waits for its own.
    for (const corner of CORNERS) installs.set(corner.name, setUp(corner, cornerDir(corner)));
  });

  it("ships the CLI, the API and the plugin only, and builds before packing", () => {
    const pack = spawnSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    const [info] = JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    for (const required of [
      "dist/cli.js",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/eslint-plugin.js",
      "dist/eslint-plugin.cjs",
      "dist/eslint-plugin.d.ts",
      "dist/eslint-plugin.d.cts",
      "eslint-plugin/docs/rules/require-cache-ttl.md",
    ])
      assert.ok(files.includes(required), `${required} is shipped`);
    assert.ok(
      files.some((f) => /^dist\/chunks\/.*\.js$/.test(f)),
      "the shared chunk is shipped",
    );
    assert.deepEqual(
      files.filter((f) => /\.map$|extension\.cjs|analysis-server|^test\/|^analyzer\/src/.test(f)),
      [],
      "no source maps, extension bundles or sources",
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    assert.equal(manifest.scripts.prepack, "npm run build");
  });

  it("has types that resolve for import and require (arethetypeswrong)", () => {
    const attw = path.join(REPO_ROOT, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
    // The API is ESM only (`require` of it needs Node's require(esm)): that one rule is expected.
    const result = spawnSync(
      process.execPath,
      [attw, tarball, "--profile", "node16", "--ignore-rules", "cjs-resolves-to-esm", "--format", "json"],
      { encoding: "utf8" },
    );
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  });

  const cliFindings = new Map<string, string[]>();
  for (const corner of CORNERS) {
    it(corner.name, async () => {
      const dir = cornerDir(corner);
      const install = await installs.get(corner.name)!;
      assert.equal(install.code, 0, `npm install:\n${install.stderr}`);
      const cli = await run(
        process.execPath,
        [path.join(dir, "node_modules/cachewise/dist/cli.js"), "check", "src", "--format", "json"],
        dir,
      );
      assert.equal(cli.code, 1, `cachewise check:\n${cli.stderr}`);
      const fromCli = findings(cli.stdout, dir);
      assert.ok(fromCli.length >= 8, `the demo's findings:\n${fromCli.join("\n")}`);
      cliFindings.set(corner.name, fromCli);
      // The CLI uses its own compiler: the project's TypeScript changes nothing.
      for (const [other, seen] of cliFindings)
        assert.deepEqual(fromCli, seen, `the CLI finds the same as in "${other}"`);
      if (!corner.lint) return;
      const eslint = await run(
        process.execPath,
        [path.join(dir, "node_modules/eslint/bin/eslint.js"), ...corner.lint, "-f", "json"],
        dir,
      );
      assert.ok(
        eslint.code === 0 || eslint.code === 1,
        `eslint exit ${eslint.code}:\n${eslint.stderr}\n${eslint.stdout.slice(0, 2000)}`,
      );
      assert.deepEqual(findings(eslint.stdout, dir), fromCli);
      if (corner.files["typed/eslint.config.ts"]) {
        const tsc = await run(
          process.execPath,
          [path.join(dir, "node_modules/typescript/bin/tsc"), "-p", "typed"],
          dir,
        );
        assert.equal(tsc.code, 0, `the typed eslint.config.ts:\n${tsc.stdout}${tsc.stderr}`);
      }
    });
  }
});
