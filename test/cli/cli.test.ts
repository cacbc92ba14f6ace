import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { FIXTURES, REPO_ROOT, STRICT_TSCONFIG, runCliCaptured, toTuples, writeProject } from "../helpers";

const BASIC = path.join(FIXTURES, "basic");
// One finding per defect: the lodash memoizer's missing bound is folded into no-cached-rejection's message, the
// unbounded node-cache's missing TTL into require-cache-bound's (at its construction); the bounded LRU of values of
// unknown origin needs its bound, not an expiry.
const BASIC_EXPECTED = [
  "no-cached-rejection src/service.ts:15:27",
  "require-cache-bound src/clients.ts:7:29",
  "require-cache-ttl src/service.ts:6:15",
];

const REDIS_NO_TTL = `import { Redis } from "ioredis";\nconst redis = new Redis();\nexport async function save(id: string) {\n  await redis.set(\`item:\${id}\`, "v");\n}\n`;

describe("cachewise check", () => {
  it("reports findings in ESLint's JSON shape with bare rule ids and exits 1 on errors", () => {
    const run = runCliCaptured(["check", ".", "--format", "json"], BASIC);
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout);
    assert.deepEqual(toTuples(results, BASIC), BASIC_EXPECTED);
    const service = results.find((r: { filePath: string }) => r.filePath.endsWith("service.ts"));
    assert.equal(service.errorCount, 2);
    assert.equal(service.warningCount, 0);
    const message = service.messages[0];
    assert.deepEqual(Object.keys(message).slice(0, 7), [
      "ruleId",
      "severity",
      "message",
      "line",
      "column",
      "endLine",
      "endColumn",
    ]);
    assert.deepEqual([message.line, message.column, message.endLine, message.endColumn], [6, 15, 6, 18]);
    assert.match(message.message, /`SET` writes `user:\{id\}` with no expiry/);
    assert.deepEqual(message.suggestions[0].fix.text, ', "EX", TTL_SECONDS');
  });

  it("exits 0 when there are no error-level findings, and honours --rule", () => {
    const run = runCliCaptured(
      [
        "check",
        ".",
        "--rule",
        "require-cache-ttl:off",
        "--rule",
        "no-cached-rejection:off",
        "--rule",
        "require-cache-bound:warn",
      ],
      BASIC,
    );
    assert.equal(run.code, 0, run.stdout);
    // The memoizer's bound is said by no-cached-rejection (off here): one defect, one finding.
    assert.match(run.stdout, /1 problem \(0 errors, 1 warning\) in 1 of 3 files/);
    assert.doesNotMatch(run.stdout, /require-cache-ttl/);
  });

  it("prints a readable report with a summary", () => {
    const run = runCliCaptured(["check", "."], BASIC);
    assert.match(run.stdout, /src\/service\.ts\n {2}6:15 +error {2}`SET` writes `user:\{id\}`/);
    assert.match(run.stdout, /✖ 3 problems \(3 errors, 0 warnings\) in 2 of 3 files\./);
    assert.doesNotMatch(run.stdout, /\u001b\[/, "no colour when stdout is not a TTY");
  });

  it("prints SARIF 2.1.0 that validates against the schema", () => {
    const run = runCliCaptured(["check", ".", "--format", "sarif"], BASIC);
    const sarif = JSON.parse(run.stdout) as any;
    const require = createRequire(import.meta.url);
    const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid: boolean = validate(sarif);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    const results = sarif.runs[0].results;
    assert.equal(results.length, 3);
    assert.deepEqual(results[0].locations[0].physicalLocation.artifactLocation, {
      uri: "src/clients.ts",
      uriBaseId: "%SRCROOT%",
    });
    assert.equal(sarif.runs[0].tool.driver.rules[results[0].ruleIndex].id, results[0].ruleId);
  });

  it("runs as a binary", () => {
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, "dist", "cli.js"), "check", ".", "--format", "json"],
      { cwd: BASIC, encoding: "utf8" },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(toTuples(JSON.parse(run.stdout), BASIC), BASIC_EXPECTED);
  });

  it("follows memoized functions into other files and names the chain", () => {
    const dir = path.join(FIXTURES, "memoization");
    const run = runCliCaptured(
      [
        "check",
        ".",
        "--format",
        "json",
        "--rule",
        "require-cache-bound:off",
        "--rule",
        "require-cache-ttl:off",
        "--rule",
        "require-client-timeouts:off",
      ],
      dir,
    );
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout);
    assert.deepEqual(toTuples(results, dir), [
      "no-cached-rejection src/catalog.ts:21:30",
      "no-impure-memoization src/pricing.ts:7:24",
      "no-mutated-cached-value src/tags.ts:10:3",
      "require-complete-cache-key src/catalog.ts:28:15",
      "require-complete-cache-key src/pricing.ts:13:26",
      "require-complete-cache-key src/pricing.ts:16:25",
    ]);
    const messages = results.flatMap((r: { messages: Array<{ ruleId: string; message: string }> }) => r.messages);
    const impure = messages.find((m: { ruleId: string }) => m.ruleId === "no-impure-memoization");
    assert.equal(
      impure.message,
      "`priceOf` is memoized but calls `applyDiscount` (src/discounts.ts:3), which reads `discountRate`, reassigned in `setDiscountRate` (src/admin.ts:5): cached results go stale when it changes.",
    );
  });

  it("analyses a project whose tsconfig extends a base that is not installed, and reports a broken tsconfig among several (exit 2, after the report)", () => {
    const dir = writeProject("monorepo-broken", {
      "apps/api/tsconfig.json": JSON.stringify({
        extends: "@acme/tsconfig/base.json",
        compilerOptions: { strict: true, noEmit: true, types: ["node"] },
        include: ["src"],
      }),
      "apps/api/src/a.ts": REDIS_NO_TTL,
      "apps/web/tsconfig.json": '{ "compilerOptions": { "moduleResolution": "nonsense" } }',
      "apps/web/src/b.ts": "export const b = 1;\n",
    });
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-bound:off"], dir);
    // The broken tsconfig fails the run as it does alone; the other project is still analysed and reported.
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), ["require-cache-ttl apps/api/src/a.ts:4:15"]);
    assert.match(
      run.stderr,
      /warning: apps\/api\/tsconfig\.json: File '@acme\/tsconfig\/base\.json' not found\. \(a base config that is not installed\?\); analysed without it/,
    );
    assert.match(
      run.stderr,
      /error: apps\/web\/tsconfig\.json: .*moduleResolution.*; skipped: its files were analysed without it/,
    );
  });

  it("analyses a project whose tsconfig extends a path that is not there yet (a rig in node_modules, a generated .svelte-kit config)", () => {
    const dir = writeProject("extends-unreadable", {
      "packages/server/tsconfig.json": JSON.stringify({
        extends: "./node_modules/@acme/rig/profiles/default/tsconfig.json",
        include: ["src"],
      }),
      "packages/server/src/a.ts": REDIS_NO_TTL,
      "apps/site/tsconfig.json": JSON.stringify({ extends: "./.svelte-kit/tsconfig.json" }),
      "apps/site/src/b.ts": REDIS_NO_TTL,
    });
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-bound:off"], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), [
      "require-cache-ttl apps/site/src/b.ts:4:15",
      "require-cache-ttl packages/server/src/a.ts:4:15",
    ]);
    assert.match(
      run.stderr,
      /warning: packages\/server\/tsconfig\.json: Cannot read file .*rig.*; analysed without it/,
    );
    assert.match(
      run.stderr,
      /warning: apps\/site\/tsconfig\.json: Cannot read file .*\.svelte-kit.*; analysed without it/,
    );
  });

  it("reads a library's helpers that share a name with Object's own members (`_.toString`) as what they are", () => {
    const dir = writeProject("prototype-names", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts":
        'import _ from "lodash";\nexport const label = (n: number) => _.toString(n) + String(_.constructor);\n',
      "src/b.ts": REDIS_NO_TTL,
    });
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-bound:off"], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), ["require-cache-ttl src/b.ts:4:15"]);
  });

  it("connects writes of the source of truth to cache families across files, wrappers, events, callers and tags", () => {
    const dir = path.join(FIXTURES, "families");
    // The fixture's cache-asides call ioredis unguarded: require-cache-fallback's findings are tested in its own suite.
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-fallback:off"], dir);
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout);
    assert.deepEqual(
      toTuples(results, dir),
      [
        "consistent-cache-ttl src/teams.ts:20:15",
        "no-ambiguous-ttl-unit src/settings.ts:20:27",
        "no-invalidation-before-write src/users.ts:36:9",
        "require-invalidation-on-write src/catalog.ts:12:9",
        "require-invalidation-on-write src/invoices.ts:20:9",
        "require-invalidation-on-write src/orgs.ts:15:9",
        "require-invalidation-on-write src/projects.ts:25:9",
        "require-invalidation-on-write src/teams.ts:15:9",
        "require-invalidation-on-write src/users.ts:21:9",
        // The shared ioredis client behind the caches, with its defaults.
        "require-client-timeouts src/clients.ts:7:26",
      ].sort(),
    );
    const messages = results.flatMap(
      (r: { messages: Array<{ ruleId: string; message: string; line: number }> }) => r.messages,
    );
    assert.equal(
      messages.find(
        (m: { ruleId: string; line: number }) => m.ruleId === "require-invalidation-on-write" && m.line === 21,
      ).message,
      "`user.update` writes `user`, which the cache family `app:user:{id}` holds (filled from `user` at src/users.ts:8), but nothing on this path invalidates it: readers see the old value for up to 1 h. Delete or update `app:user:{id}` after the write, here or in a function this path calls.",
    );
    // Partial invalidation: `products` is revalidated, the `prices` family is reported.
    assert.match(
      messages.find(
        (m: { line: number; ruleId: string }) => m.ruleId === "require-invalidation-on-write" && m.line === 12,
      ).message,
      /listPrices\(\) unstable_cache/,
    );
  });

  it("exempts families whose TTL is within the accepted staleness (60 s by default)", (t) => {
    const dir = path.join(FIXTURES, "families");
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.deepEqual(
      toTuples(JSON.parse(run.stdout), dir).filter((t) => t.includes("settings.ts:16")),
      [],
      "a 5 s cache is within the default",
    );
    const config = path.join(dir, "..", "..", "..", "test-output", `staleness-${process.pid}.json`);
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(
      config,
      JSON.stringify({ rules: { "require-invalidation-on-write": ["error", { acceptedStalenessSeconds: 0 }] } }),
    );
    t.after(() => fs.rmSync(config, { force: true }));
    const strict = runCliCaptured(["check", ".", "--format", "json", "--config", config], dir);
    assert.deepEqual(
      toTuples(JSON.parse(strict.stdout), dir).filter((t) => t.includes("settings.ts:16")),
      ["require-invalidation-on-write src/settings.ts:16:9"],
    );
  });

  it("follows a solution-style tsconfig (files: [] plus references) to the projects it references", () => {
    const dir = writeProject("solution-style", {
      "apps/api/tsconfig.json": JSON.stringify({
        files: [],
        include: [],
        references: [{ path: "./tsconfig.app.json" }],
      }),
      "apps/api/tsconfig.app.json": JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, types: ["node"], paths: { "@api/*": ["./src/*"] } },
        include: ["src"],
      }),
      "apps/api/src/clients.ts": 'import { Redis } from "ioredis";\nexport const redis = new Redis();\n',
      "apps/api/src/a.ts":
        'import { redis } from "@api/clients";\nexport async function save(id: string) {\n  await redis.set(`item:${id}`, "v");\n}\n',
    });
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-bound:off"], dir);
    assert.equal(run.code, 1, run.stderr);
    // The `@api/*` alias only resolves with tsconfig.app.json's paths: the referenced project was used.
    assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), ["require-cache-ttl apps/api/src/a.ts:3:15"]);
  });

  it("exits 2 with a one-line explanation on usage errors", () => {
    for (const [argv, pattern] of [
      [["check", "--format", "xml"], /unknown format "xml"/],
      [["check", "--bogus"], /unknown option "--bogus"/],
      [["check", "--rule", "no-such-rule:error"], /unknown rule "no-such-rule"/],
      [["check", "--rule", "require-cache-ttl:loud"], /severity must be "off", "warn" or "error"/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [["check", "does-not-exist"], /does-not-exist: no such file or directory/],
    ] as const) {
      const run = runCliCaptured([...argv], BASIC);
      assert.equal(run.code, 2, `${argv.join(" ")}: ${run.stdout}`);
      assert.match(run.stderr, pattern);
      assert.equal(run.stderr.trim().split("\n").length, 1);
    }
  });

  it("prints the help for a bare `cachewise`, exit 0", () => {
    const run = runCliCaptured([], BASIC);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: cachewise check \[paths\.\.\.\] \[options\]/);
    assert.equal(run.stderr, "");
  });

  it("takes ESLint's numeric severities on the command line and in the configuration", () => {
    const tuples = (run: { stdout: string; stderr: string; code: number }) => {
      assert.notEqual(run.code, 2, run.stderr);
      return (JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string; severity: number }> }>)
        .flatMap((file) => file.messages.map((m) => `${m.ruleId} ${m.severity}`))
        .sort();
    };
    const named = tuples(
      runCliCaptured(
        ["check", ".", "--format", "json", "--rule", "require-cache-ttl:warn", "--rule", "require-cache-bound:off"],
        BASIC,
      ),
    );
    const numbered = tuples(
      runCliCaptured(
        [
          "check",
          ".",
          "--format",
          "json",
          "--rule",
          "require-cache-ttl:1",
          "--rule",
          "cachewise/require-cache-bound:0",
        ],
        BASIC,
      ),
    );
    assert.ok(
      named.includes("require-cache-ttl 1") && !named.some((t) => t.startsWith("require-cache-bound")),
      named.join("; "),
    );
    assert.deepEqual(numbered, named);
    const dir = writeProject("numeric-severities", {
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: ["node"] } }),
      "cachewise.config.json": JSON.stringify({
        rules: { "require-cache-ttl": [1, { checkRedis: true }], "require-cache-bound": 0 },
      }),
      "src/a.ts":
        'import { Redis } from "ioredis";\nconst r = new Redis();\nexport const save = () => r.set("k", "v");\n',
    });
    assert.deepEqual(tuples(runCliCaptured(["check", ".", "--format", "json"], dir)), ["require-cache-ttl 1"]);
    for (const bad of ["3", "-1", "1.5", "two"]) {
      const run = runCliCaptured(["check", "--rule", `require-cache-ttl:${bad}`], BASIC);
      assert.equal(run.code, 2, bad);
      assert.match(run.stderr, /severity must be "off", "warn" or "error" \(or 0, 1, 2\)/);
    }
  });

  it("exits 2 for a missing or broken tsconfig, naming it", () => {
    const missing = runCliCaptured(["check", "--project", "nope/tsconfig.json"], BASIC);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\/tsconfig\.json: tsconfig not found/);
    const dir = writeProject("broken-tsconfig", {
      "tsconfig.json": '{ "compilerOptions": { "moduleResolution": "nonsense" } }',
      "src/a.ts": "export {};\n",
    });
    const broken = runCliCaptured(["check", "."], dir);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /tsconfig\.json: .*moduleResolution/);
  });

  it("validates the configuration file with clear messages", () => {
    const cases: Array<[string, RegExp]> = [
      ['{ "rulez": {} }', /cachewise\.config\.json: unknown key "rulez"/],
      ['{ "rules": { "require-cache-tll": "error" } }', /unknown rule "require-cache-tll"/],
      [
        '{ "rules": { "require-cache-ttl": ["error", { "checkRedis": "yes" }] } }',
        /option "checkRedis" must be a boolean/,
      ],
      ['{ "rules": { "require-cache-ttl": ["error", { "checkRediss": true }] } }', /unknown option "checkRediss"/],
      ["{ not json", /invalid JSON/],
    ];
    for (const [config, pattern] of cases) {
      const dir = writeProject("config", {
        "tsconfig.json": STRICT_TSCONFIG,
        "src/a.ts": REDIS_NO_TTL,
        "cachewise.config.json": config,
      });
      const run = runCliCaptured(["check", "."], dir);
      assert.equal(run.code, 2, config);
      assert.match(run.stderr, pattern);
    }
    const dir = writeProject("config-ok", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "package.json": JSON.stringify({
        type: "module",
        cachewise: { rules: { "require-cache-ttl": ["warn", { checkCollections: false }] } },
      }),
    });
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(run.code, 0);
    assert.equal(JSON.parse(run.stdout)[0].messages[0].severity, 1);
  });

  it("lets the configuration declare a family's role, which the rules then use", () => {
    // `item:{id}` is written and never read here: reported, unless the team declares it a store.
    const files = { "tsconfig.json": STRICT_TSCONFIG, "src/a.ts": REDIS_NO_TTL };
    const plain = writeProject("role-undeclared", files);
    const undeclared = runCliCaptured(["check", ".", "--format", "json"], plain);
    assert.deepEqual(toTuples(JSON.parse(undeclared.stdout), plain), ["require-cache-ttl src/a.ts:4:15"]);
    const dir = writeProject("role-declared", {
      ...files,
      "cachewise.config.json": JSON.stringify({ families: [{ match: "item:*", role: "store", owner: "team-a" }] }),
    });
    const declared = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(declared.code, 0, declared.stderr);
    assert.deepEqual(toTuples(JSON.parse(declared.stdout), dir), []);
  });

  it("reports syntax errors and still analyses the other files", () => {
    const dir = writeProject("syntax", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "src/broken.ts": "export function (\n",
    });
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(run.code, 1);
    const results = JSON.parse(run.stdout);
    const broken = results.find((r: { filePath: string }) => r.filePath.endsWith("broken.ts"));
    assert.equal(broken.fatalErrorCount, 1);
    assert.match(broken.messages[0].message, /^Parsing error: /);
    assert.deepEqual(toTuples(results, dir), ["require-cache-ttl src/a.ts:4:15"]);
  });

  it("skips huge and binary files with a note, and never analyses node_modules or .d.ts", () => {
    const dir = writeProject("skips", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "src/huge.ts": `export const data = ${JSON.stringify("x".repeat(1_100_000))};\n`,
      "src/types.d.ts": "declare const x: number;\n",
      "src/node_modules/dep/index.ts": REDIS_NO_TTL,
    });
    fs.writeFileSync(path.join(dir, "src", "binary.ts"), Buffer.from([0x65, 0x00, 0x01, 0x02]));
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ message: string }> }>;
    const files = results.map((r) => path.relative(dir, r.filePath)).sort();
    assert.deepEqual(files, ["src/a.ts", "src/binary.ts", "src/huge.ts"]);
    assert.match(
      results.find((r) => r.filePath.endsWith("huge.ts"))!.messages[0]!.message,
      /over the 1000000-byte limit/,
    );
    assert.match(results.find((r) => r.filePath.endsWith("binary.ts"))!.messages[0]!.message, /binary file/);
    assert.equal(run.code, 1);
  });

  it("discovers every tsconfig in a monorepo, analyses JavaScript without one, and survives symlink loops", () => {
    const dir = writeProject("monorepo", {
      "packages/api/tsconfig.json": STRICT_TSCONFIG,
      "packages/api/src/a.ts": REDIS_NO_TTL,
      "packages/web/tsconfig.json": STRICT_TSCONFIG,
      "packages/web/src/b.ts": REDIS_NO_TTL,
      "scripts/job.js": `const Redis = require("ioredis");\nconst redis = new Redis();\nexports.run = async (id) => { await redis.set(\`report:\${id}\`, "x"); };\n`,
    });
    fs.symlinkSync(dir, path.join(dir, "packages", "loop"));
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), [
      "require-cache-ttl packages/api/src/a.ts:4:15",
      "require-cache-ttl packages/web/src/b.ts:4:15",
      "require-cache-ttl scripts/job.js:3:43",
    ]);
  });

  it("says when a Prisma client without types was read by its call shape", () => {
    const dir = writeProject("untyped-prisma", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": [
        "// @ts-ignore: generated by `prisma generate`, not there yet",
        'import { PrismaClient } from "./generated/prisma/client";',
        "const db = { client: new PrismaClient() };",
        "export async function rename(id: string, name: string) {",
        "  await db.client.user.update({ where: { id }, data: { name } });",
        "}",
        "",
      ].join("\n"),
    });
    const run = runCliCaptured(["check", "."], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /type information is partial: the Prisma client has no types \(not generated yet\? run `prisma generate`\); its queries were recognised by their call shape\./,
    );
  });

  it("warns once when type information is partial", () => {
    const run = runCliCaptured(["check", "."], BASIC);
    assert.doesNotMatch(run.stderr, /type information is partial/);
  });
});
