// `cachewise check` and `families` never lose the whole run to one file, one path or one tsconfig, and never
// present a file they did not check as clean. Each case failed before issue 15 (a crash, a hang, exit 1 with no
// report, or a figure that was wrong).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STRICT_TSCONFIG, runCliCaptured, toTuples, writeProject } from "../helpers";

const REDIS_NO_TTL = `import { Redis } from "ioredis";\nconst redis = new Redis();\nexport async function save(id: string) {\n  await redis.set(\`item:\${id}\`, "v");\n}\n`;

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
});

describe("errors in what the run is given", () => {
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
});
