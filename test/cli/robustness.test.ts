// `cachewise check` and `families` never lose the whole run to one file, one path or one tsconfig, and never
// present a file they did not check as clean. Each case failed before issue 15 (a crash, a hang, exit 1 with no
// report, or a figure that was wrong).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../analyzer/src/cli/main";
import { REPO_ROOT, STRICT_TSCONFIG, runCliCaptured, toTuples, writeProject } from "../helpers";

const REDIS_NO_TTL = `import { Redis } from "ioredis";\nconst redis = new Redis();\nexport async function save(id: string) {\n  await redis.set(\`item:\${id}\`, "v");\n}\n`;
const CLI = path.join(REPO_ROOT, "dist", "cli.js");

type JsonResult = Array<{
  filePath: string;
  messages: Array<{
    ruleId: string | null;
    severity: number;
    fatal?: boolean;
    message: string;
    line: number;
    column: number;
  }>;
}>;

const require = createRequire(import.meta.url);
const cjsFs = require("node:fs") as Record<string, unknown>;

/**
 * Makes `methods` of node:fs fail with EACCES for one file while `run` runs, as a file with mode 000 does for any
 * user but root. The CLI and TypeScript both read through node:fs.
 */
function withUnreadable<T>(file: string, methods: Array<"openSync" | "readFileSync">, run: () => T): T {
  const originals = new Map(methods.map((method) => [method, cjsFs[method] as (...args: unknown[]) => unknown]));
  for (const [method, original] of originals) {
    cjsFs[method] = function (this: unknown, target: unknown, ...rest: unknown[]) {
      if (typeof target === "string" && path.resolve(target) === file)
        throw Object.assign(new Error(`EACCES: permission denied, open '${target}'`), {
          errno: -13,
          code: "EACCES",
          syscall: "open",
          path: target,
        });
      return original.call(this, target, ...rest);
    };
  }
  syncBuiltinESMExports();
  try {
    return run();
  } finally {
    for (const [method, original] of originals) cjsFs[method] = original;
    syncBuiltinESMExports();
  }
}

function messagesOf(results: JsonResult, file: string) {
  const result = results.find((r) => r.filePath.endsWith(file));
  assert.ok(result, `${file} is in the report`);
  return result.messages;
}

/** `count` string terms joined by `+`: a left-leaning tree `count` binary expressions deep. */
function concatenation(count: number): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify(`segment number ${String(i).padStart(4, "0")} `)).join(
    " +\n  ",
  );
}

describe("one file cannot stop the run", () => {
  it("reports a file it cannot open as that file's analysis error and analyses the rest", () => {
    const dir = writeProject("unreadable", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "src/b.ts": REDIS_NO_TTL.replace("item:", "other:"),
    });
    const run = withUnreadable(path.join(dir, "src", "b.ts"), ["openSync", "readFileSync"], () =>
      runCliCaptured(["check", ".", "--format", "json"], dir),
    );
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout) as JsonResult;
    assert.deepEqual(toTuples(results, dir), ["require-cache-ttl src/a.ts:4:15"]);
    assert.deepEqual(messagesOf(results, "src/b.ts"), [
      {
        ruleId: null,
        fatal: true,
        severity: 2,
        message: "Analysis error (reading): EACCES: permission denied, open",
        line: 1,
        column: 1,
      },
    ]);
  });

  it("reports a file that becomes unreadable after it was listed (TypeScript's read fails) instead of dropping it silently", () => {
    const dir = writeProject("unreadable-late", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "src/b.ts": REDIS_NO_TTL.replace("item:", "other:"),
    });
    // The size and binary checks open the file; only TypeScript's own read fails.
    const run = withUnreadable(path.join(dir, "src", "b.ts"), ["readFileSync"], () =>
      runCliCaptured(["check", ".", "--format", "json"], dir),
    );
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout) as JsonResult;
    assert.deepEqual(toTuples(results, dir), ["require-cache-ttl src/a.ts:4:15"]);
    assert.deepEqual(
      messagesOf(results, "src/b.ts").map((m) => m.message),
      ["Analysis error (reading): EACCES: permission denied, open"],
    );
  });

  it("reports a file with mode 000 when run as an unprivileged user, with the rest analysed", (t) => {
    const isRoot = process.getuid?.() === 0;
    if (isRoot && spawnSync("setpriv", ["--version"]).status !== 0) return t.skip("needs setpriv to drop root");
    const dir = writeProject("chmod-000", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "src/b.ts": REDIS_NO_TTL.replace("item:", "other:"),
    });
    fs.chmodSync(path.join(dir, "src", "b.ts"), 0o000);
    const argv = [CLI, "check", ".", "--format", "json"];
    const run = isRoot
      ? spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...argv], {
          cwd: dir,
          encoding: "utf8",
        })
      : spawnSync(process.execPath, argv, { cwd: dir, encoding: "utf8" });
    assert.equal(run.status, 1, run.stderr);
    const results = JSON.parse(run.stdout) as JsonResult;
    assert.deepEqual(toTuples(results, dir), ["require-cache-ttl src/a.ts:4:15"]);
    assert.deepEqual(
      messagesOf(results, "src/b.ts").map((m) => m.message),
      ["Analysis error (reading): EACCES: permission denied, open"],
    );
  });

  it("analyses a 10,000-term string concatenation, as tsc does, in a file without caches and inside a cache write", () => {
    const dir = writeProject("deep-concat", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/strings.ts": `export const text =\n  ${concatenation(10_000)};\n`,
      "src/write.ts": [
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function save(id: string) {",
        `  await redis.set(\`page:\${id}\`, ${concatenation(10_000)});`,
        "}",
        "",
      ].join("\n"),
      "src/a.ts": REDIS_NO_TTL,
    });
    const json = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(json.code, 1, json.stderr);
    const results = JSON.parse(json.stdout) as JsonResult;
    assert.deepEqual(toTuples(results, dir), [
      "require-cache-ttl src/a.ts:4:15",
      "require-cache-ttl src/write.ts:4:15",
    ]);
    assert.deepEqual(messagesOf(results, "src/strings.ts"), []);
    const sarif = runCliCaptured(["check", ".", "--format", "sarif"], dir);
    assert.equal(JSON.parse(sarif.stdout).runs[0].results.length, 2);
  });

  it("reports a file nested too deeply for TypeScript's parser as that file's problem, with the rest analysed", () => {
    const dir = writeProject("deep-parens", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/parens.ts": `export const value = ${"(".repeat(20_000)}1${")".repeat(20_000)};\n`,
      "src/a.ts": REDIS_NO_TTL,
    });
    const run = runCliCaptured(["check", ".", "--format", "sarif"], dir);
    assert.equal(run.code, 1, run.stderr);
    const sarif = JSON.parse(run.stdout).runs[0];
    assert.deepEqual(
      sarif.results.map(
        (r: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => [
          r.ruleId,
          r.locations[0]!.physicalLocation.artifactLocation.uri,
        ],
      ),
      [["require-cache-ttl", "src/a.ts"]],
    );
    assert.deepEqual(
      sarif.invocations[0].toolExecutionNotifications.map(
        (n: {
          level: string;
          message: { text: string };
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
        }) => [n.level, n.message.text, n.locations[0]!.physicalLocation.artifactLocation.uri],
      ),
      [
        [
          "error",
          "Analysis error (parsing): the code is nested too deeply to analyse (the call stack overflowed)",
          "src/parens.ts",
        ],
      ],
    );
  });

  it("leaves out a file that overflows TypeScript's binder (a long call chain) instead of losing its whole project", () => {
    const dir = writeProject("deep-chain", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/chain.ts": `declare const query: any;\nexport const built = query${".where()".repeat(10_000)};\n`,
      "src/a.ts": REDIS_NO_TTL,
    });
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout) as JsonResult;
    assert.deepEqual(toTuples(results, dir), ["require-cache-ttl src/a.ts:4:15"]);
    assert.deepEqual(
      messagesOf(results, "src/chain.ts").map((m) => m.message),
      ["Analysis error (binding): the code is nested too deeply to analyse (the call stack overflowed)"],
    );
    assert.match(run.stderr, /tsconfig\.json: 2 files/);
  });

  it("reads UTF-16 files with a byte-order mark, in either byte order, as TypeScript does", () => {
    const dir = writeProject("utf16", { "tsconfig.json": STRICT_TSCONFIG });
    const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(REDIS_NO_TTL, "utf16le")]);
    const bigEndian = Buffer.from(littleEndian).swap16();
    assert.deepEqual([...bigEndian.subarray(0, 2)], [0xfe, 0xff]);
    fs.mkdirSync(path.join(dir, "src"));
    fs.writeFileSync(path.join(dir, "src", "le.ts"), littleEndian);
    fs.writeFileSync(path.join(dir, "src", "be.ts"), bigEndian);
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout) as JsonResult;
    assert.deepEqual(toTuples(results, dir), ["require-cache-ttl src/be.ts:4:15", "require-cache-ttl src/le.ts:4:15"]);
    assert.equal(
      results.flatMap((r) => r.messages).filter((m) => m.ruleId === null).length,
      0,
      "no file skipped as binary",
    );
  });
});

describe("errors in what the run is given", () => {
  it("rejects a tsconfig cut off mid-object, naming it and the place, and still reports the rest (exit 2)", () => {
    const dir = writeProject("truncated-tsconfig", {
      "tsconfig.json": '{ "compilerOptions": { "strict": true, "paths": { "@x/*": ["src/*"] ',
      "src/a.ts": REDIS_NO_TTL,
    });
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /^cachewise: error: tsconfig\.json: '\}' expected\. \(line 1, column 69\); skipped: its files were analysed without it/m,
    );
    assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), ["require-cache-ttl src/a.ts:4:15"]);
    // Named with --project, it is what the user asked to analyse: the run stops before the report.
    const named = runCliCaptured(["check", "--project", "tsconfig.json"], dir);
    assert.equal(named.code, 2);
    assert.equal(named.stdout, "");
    assert.match(named.stderr, /^cachewise: tsconfig\.json: '\}' expected\. \(line 1, column 69\)\n$/);
  });

  it("treats a broken tsconfig the same alone and in a monorepo: exit 2, with the report of the rest", () => {
    const broken = '{ "compilerOptions": { "moduleResolution": "nonsense" } }';
    const alone = writeProject("broken-alone", { "tsconfig.json": broken, "src/a.ts": REDIS_NO_TTL });
    const monorepo = writeProject("broken-monorepo", {
      "packages/api/tsconfig.json": STRICT_TSCONFIG,
      "packages/api/src/b.ts": REDIS_NO_TTL,
      "packages/web/tsconfig.json": broken,
      "packages/web/src/a.ts": REDIS_NO_TTL,
    });
    const runs = [alone, monorepo].map((dir) => ({
      dir,
      run: runCliCaptured(["check", ".", "--format", "json"], dir),
    }));
    for (const { run } of runs) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /cachewise: error: (packages\/web\/)?tsconfig\.json: .*moduleResolution.*; skipped/);
    }
    assert.deepEqual(toTuples(JSON.parse(runs[0]!.run.stdout), alone), ["require-cache-ttl src/a.ts:4:15"]);
    assert.deepEqual(toTuples(JSON.parse(runs[1]!.run.stdout), monorepo), [
      "require-cache-ttl packages/api/src/b.ts:4:15",
      "require-cache-ttl packages/web/src/a.ts:4:15",
    ]);
  });

  it("reports a missing path among valid ones and analyses the others (exit 2 after the report)", () => {
    const dir = writeProject("missing-path", { "tsconfig.json": STRICT_TSCONFIG, "src/a.ts": REDIS_NO_TTL });
    const run = runCliCaptured(["check", "src/a.ts", "src/nope.ts", "--format", "json"], dir);
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), ["require-cache-ttl src/a.ts:4:15"]);
    assert.match(run.stderr, /^cachewise: error: src\/nope\.ts: no such file or directory$/m);
  });

  it("validates configuration numbers: maxFileBytes is a positive whole number, depth a whole number", () => {
    for (const [config, pattern] of [
      [{ maxFileBytes: 0.5 }, /"maxFileBytes" must be a positive whole number of bytes, got 0\.5/],
      [{ maxFileBytes: "1000" }, /"maxFileBytes" must be a positive whole number of bytes, got "1000"/],
      [{ maxFileBytes: 0 }, /"maxFileBytes" must be a positive whole number of bytes, got 0/],
      [
        { rules: { "no-impure-memoization": ["error", { depth: 2.5 }] } },
        /option "depth" must be a whole number, got 2\.5/,
      ],
    ] as const) {
      const dir = writeProject("config-numbers", {
        "tsconfig.json": STRICT_TSCONFIG,
        "src/a.ts": REDIS_NO_TTL,
        "cachewise.config.json": JSON.stringify(config),
      });
      const run = runCliCaptured(["check", "."], dir);
      assert.equal(run.code, 2, JSON.stringify(config));
      assert.match(run.stderr, pattern);
      assert.equal(run.stdout, "");
    }
  });

  it("never says no problems about files it skipped", () => {
    const files = {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/small.ts": "export const x = 1;\n",
      "src/a.ts": REDIS_NO_TTL,
    };
    const some = writeProject("skipped-some", {
      ...files,
      "cachewise.config.json": JSON.stringify({ maxFileBytes: 100 }),
    });
    const partly = runCliCaptured(["check", "."], some);
    assert.equal(partly.code, 0, partly.stderr);
    assert.match(partly.stdout, /over the 100-byte limit/);
    assert.equal(
      partly.stdout.trim().split("\n").at(-1),
      "✔ No caching problems in 1 file. 1 file skipped (see the notes above).",
    );
    const all = writeProject("skipped-all", {
      ...files,
      "cachewise.config.json": JSON.stringify({ maxFileBytes: 10 }),
    });
    const none = runCliCaptured(["check", "."], all);
    assert.equal(
      none.stdout.trim().split("\n").at(-1),
      "✖ No file was analysed. 2 files skipped (see the notes above).",
    );
  });

  it("knows only declared data classes: Object's member names are not classes, and a declared one is", () => {
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      const dir = writeProject("class-names", {
        "tsconfig.json": STRICT_TSCONFIG,
        "src/a.ts": REDIS_NO_TTL,
        "cachewise.config.json": JSON.stringify({ families: [{ match: "item:*", class: name }] }),
      });
      const run = runCliCaptured(["check", "."], dir);
      assert.equal(run.code, 2, name);
      assert.match(run.stderr, new RegExp(`families\\[0\\]\\.class "${name}" is not a data class`));
    }
    for (const name of ["constructor", "__proto__"]) {
      const dir = writeProject("class-names-declared", {
        "tsconfig.json": STRICT_TSCONFIG,
        "src/a.ts": REDIS_NO_TTL,
        // Written as text: an object literal's `__proto__` would set the prototype, not a key.
        "cachewise.config.json": `{ "families": [{ "match": "item:*", "class": "${name}" }], "dataClasses": { "${name}": { "maxTtl": "1m" } } }`,
      });
      const run = runCliCaptured(["check", ".", "--format", "json"], dir);
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(toTuples(JSON.parse(run.stdout), dir), [
        "require-cache-ttl src/a.ts:4:15",
        "require-ttl-policy src/a.ts:4:15",
      ]);
    }
  });

  it("rejects a data class whose minTtl is longer than its maxTtl", () => {
    const dir = writeProject("min-over-max", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "cachewise.config.json": JSON.stringify({ dataClasses: { profile: { minTtl: "2h", maxTtl: 3600 } } }),
    });
    const run = runCliCaptured(["check", "."], dir);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /dataClasses\.profile: minTtl \("2h"\) is longer than maxTtl \(3600\): no TTL could satisfy it/,
    );
  });

  it("says a configuration file could not be read, and why, rather than calling it invalid JSON", () => {
    const dir = writeProject("config-unreadable", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "cachewise.config.json": "{}",
      "folder/.keep": "",
    });
    const denied = withUnreadable(path.join(dir, "cachewise.config.json"), ["readFileSync"], () =>
      runCliCaptured(["check", "."], dir),
    );
    assert.equal(denied.code, 2);
    assert.equal(
      denied.stderr,
      "cachewise: cachewise.config.json: could not be read (EACCES: permission denied, open)\n",
    );
    const folder = runCliCaptured(["check", ".", "--config", "folder"], dir);
    assert.equal(folder.code, 2);
    assert.equal(folder.stderr, "cachewise: folder: could not be read (not a regular file)\n");
  });

  it("refuses a FIFO as --config or --project instead of waiting for a writer", (t) => {
    const dir = writeProject("fifo", { "tsconfig.json": STRICT_TSCONFIG, "src/a.ts": REDIS_NO_TTL });
    const fifo = path.join(dir, "pipe.json");
    if (spawnSync("mkfifo", [fifo]).status !== 0) return t.skip("mkfifo is not available");
    // A child process: a blocked read would stop this test's own event loop, timeout included.
    for (const [flag, pattern] of [
      ["--config", /^cachewise: pipe\.json: could not be read \(not a regular file\)\n$/],
      ["--project", /^cachewise: pipe\.json: not a regular file\n$/],
    ] as const) {
      const run = spawnSync(process.execPath, [CLI, "check", ".", flag, "pipe.json"], {
        cwd: dir,
        encoding: "utf8",
        timeout: 20_000,
      });
      assert.equal(run.signal, null, `${flag} on a FIFO hung`);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, pattern);
    }
  });
});

describe("internal errors", () => {
  const epipe = () =>
    Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE", syscall: "write", errno: -32 });
  const runWithClosedStdout = (argv: string[], cwd: string) => {
    let stderr = "";
    const code = runCli(argv, {
      stdout: () => {
        throw epipe();
      },
      stderr: (text) => (stderr += text),
      stdoutIsTty: false,
      stderrIsTty: false,
      cwd,
    });
    return { code, stderr };
  };

  it("end the run with exit 2, one line, and a hint to re-run with --debug, which prints the stack", () => {
    const dir = writeProject("internal", { "tsconfig.json": STRICT_TSCONFIG, "src/a.ts": REDIS_NO_TTL });
    for (const command of ["check", "families"]) {
      const run = runWithClosedStdout([command, "."], dir);
      assert.equal(run.code, 2, command);
      assert.equal(
        run.stderr
          .split("\n")
          .filter((line) => line.startsWith("cachewise: internal error"))
          .join("\n"),
        "cachewise: internal error: EPIPE: broken pipe, write (re-run with --debug for the stack trace)",
      );
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    }
    const debug = runWithClosedStdout(["check", ".", "--debug"], dir);
    assert.equal(debug.code, 2);
    assert.match(
      debug.stderr,
      /cachewise: internal error: EPIPE: broken pipe, write\nError: EPIPE: broken pipe, write\n\s+at /,
    );
  });
});

describe("cachewise families", () => {
  it("names the files it could not analyse, and --check does not pass on an incomplete inventory", () => {
    const dir = writeProject("families-unreadable", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": REDIS_NO_TTL,
      "src/b.ts": REDIS_NO_TTL.replace("item:", "other:"),
      "cachewise.config.json": JSON.stringify({ families: [{ match: "item:*", owner: "team" }] }),
    });
    const b = path.join(dir, "src", "b.ts");
    const listed = withUnreadable(b, ["openSync", "readFileSync"], () =>
      runCliCaptured(["families", ".", "--format", "json"], dir),
    );
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as Array<{ label: string }>).map((f) => f.label),
      ["item:{id}"],
    );
    assert.match(
      listed.stderr,
      /^cachewise: src\/b\.ts: Analysis error \(reading\): EACCES: permission denied, open$/m,
    );
    assert.match(listed.stderr, /^cachewise: the inventory is incomplete: 1 file could not be analysed$/m);
    const checked = withUnreadable(b, ["openSync", "readFileSync"], () =>
      runCliCaptured(["families", ".", "--check"], dir),
    );
    assert.equal(checked.code, 1);
    assert.match(checked.stderr, /--check cannot pass on an incomplete inventory/);
  });
});
