// Fuzzing both hosts with generated projects: cache code whose keys are built from generated key names (unicode,
// control characters, backticks, `${` holes, lone surrogates, very long names) mixed with hostile files (nesting
// thousands of levels deep, long concatenations, unicode identifiers, huge literals, invalid syntax, empty files,
// a BOM, UTF-16 in either byte order, CRLF). Whatever the project, every file is either analysed or reported as
// that file's problem: `cachewise check` exits 0 or 1 with a report that names every file, its pretty output has
// no raw control or bidirectional character, and ESLint returns a result for every file without throwing.
// The seed is fixed, so a failure reproduces; fast-check prints the counterexample.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { it } from "node:test";
import fc from "fast-check";
import { REPO_ROOT, lintWithPlugin, runCliCaptured } from "../helpers";

const SEED = 15_2026;
const RUNS = 8;

type JsonResult = Array<{
  filePath: string;
  messages: Array<{ ruleId: string | null; severity: number; fatal?: boolean; message: string }>;
}>;

interface GeneratedFile {
  /** What the file is, for the counterexample. */
  kind: string;
  text: string;
  encoding: "utf8" | "utf8-bom" | "utf16le" | "utf16be";
  crlf: boolean;
  [fc.toStringMethod]: () => string;
}

// ---- key names ----

/** One character of a key name as source text inside a template literal: raw when the literal allows it, else escaped. */
function templateChar(c: string, escapeAll: boolean): string {
  const code = c.codePointAt(0)!;
  if (c === "\\" || c === "`") return `\\${c}`;
  if (c === "$") return "\\$";
  // A lone surrogate written to a file would become U+FFFD: keep it as an escape so the key holds it.
  if ((code >= 0xd800 && code <= 0xdfff) || escapeAll || c === "\r")
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  return c;
}

const hostileChar = fc.constantFrom(
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\n",
  "\r",
  "\t",
  "\u007f",
  "\u009b",
  "\u202e",
  "\u2066",
  "\u200b",
  "\ufeff",
  "\u2028",
  "\ud800",
  "\udfff",
  "`",
  "${",
  "}",
  "\\",
  "'",
  '"',
  "用户",
  "café",
  "🚀",
  ":",
  "*",
  "{id}",
);

/** A key name: letters, unicode, control and bidirectional characters, template syntax, lone surrogates, or very long. */
const keyName = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(hostileChar, fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.join("")),
  },
  fc
    .tuple(fc.constantFrom("k", "ключ", "\u202e", "x:"), fc.integer({ min: 1000, max: 8000 }))
    .map(([s, n]) => s.repeat(n)),
);

/** A key name as the text of a template literal; `escapeAll` escapes every character outside ASCII and the controls. */
const templateText = fc
  .tuple(keyName, fc.boolean())
  .map(([name, escapeAll]) => [...name].map((c) => templateChar(c, escapeAll && !/^[ -~]$/.test(c))).join(""));

// ---- cache code ----

const redisFile = fc
  // A family written and read in the project may be a store of record (no finding): some files only write.
  .tuple(fc.array(templateText, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([keys, ttl, reads, defaultImport]) => ({
    kind: "redis",
    text: [
      defaultImport ? 'import Redis from "ioredis";' : 'import { Redis } from "ioredis";',
      "const redis = new Redis();",
      ...keys.flatMap((key, i) => [
        `export async function write${i}(id: string, v: string) {`,
        `  await redis.set(\`${key}:\${id}\`, v${ttl ? ', "EX", 60' : ""});`,
        "}",
        ...(reads ? [`export function read${i}(id: string) {`, `  return redis.get(\`${key}:\${id}\`);`, "}"] : []),
        `export async function drop${i}(id: string) {`,
        `  await redis.del(\`${key}:\${id}\`);`,
        "}",
      ]),
      "",
    ].join("\n"),
  }));

const localCacheFile = fc
  .tuple(templateText, fc.constantFrom("lru", "map", "memoize"), fc.boolean())
  .map(([key, flavour, bounded]) => {
    const body =
      flavour === "lru"
        ? [
            'import { LRUCache } from "lru-cache";',
            `const cache = new LRUCache<string, string>({ max: 100${bounded ? ", ttl: 1000" : ""} });`,
            `export function put(id: string, v: string) { cache.set(\`${key}\${id}\`, v); return cache.get(\`${key}\${id}\`); }`,
          ]
        : flavour === "map"
          ? [
              "const cache = new Map<string, string>();",
              `export function put(id: string, v: string) { cache.set(\`${key}\${id}\`, v); ${bounded ? "if (cache.size > 10) cache.clear(); " : ""}return cache.get(\`${key}\${id}\`); }`,
            ]
          : [
              'import memoize from "lodash/memoize";',
              `export const lookup = memoize((id: string) => \`${key}\${id}\${Date.now()}\`${bounded ? ", (id: string) => id" : ""});`,
            ];
    return { kind: `cache-${flavour}`, text: [...body, ""].join("\n") };
  });

// ---- hostile syntax ----

const depth = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 2000, max: 6000 }));

const deepFile = fc
  .tuple(fc.constantFrom("parens", "arrays", "ternary", "calls", "objects", "concat", "cache-concat"), depth)
  .map(([shape, n]) => {
    const text =
      shape === "parens"
        ? `export const value = ${"(".repeat(n)}1${")".repeat(n)};\n`
        : shape === "arrays"
          ? `export const value = ${"[".repeat(n)}1${"]".repeat(n)};\n`
          : shape === "ternary"
            ? `declare const c: boolean;\nexport const value = ${"c ? 1 : ".repeat(n)}0;\n`
            : shape === "calls"
              ? `declare function f(x: unknown): unknown;\nexport const value = ${"f(".repeat(n)}1${")".repeat(n)};\n`
              : shape === "objects"
                ? `export const value = ${"{ a: ".repeat(n)}1${" }".repeat(n)};\n`
                : shape === "concat"
                  ? `export const value = ${Array.from({ length: n }, (_, i) => `"s${i}"`).join(" + ")};\n`
                  : [
                      'import { Redis } from "ioredis";',
                      "const redis = new Redis();",
                      "export async function save(id: string) {",
                      `  await redis.set("k:" + id + ${Array.from({ length: n }, (_, i) => `"${i}:" + id`).join(" + ")}, "v");`,
                      "}",
                      "",
                    ].join("\n");
    return { kind: `deep-${shape}-${n}`, text };
  });

const unicodeIdentifierFile = fc
  .constantFrom("用户缓存", "ключ", "café", "ǅ", "\\u0063ache", "ℌ𝔢𝔩𝔩𝔬", "_\u200c\u200d")
  .map((name) => ({
    kind: "unicode-identifier",
    text: [
      'import { Redis } from "ioredis";',
      `const ${name} = new Redis();`,
      `export async function f(ид: string) { await ${name}.set(\`用户:\${ид}\`, "v"); }`,
      "",
    ].join("\n"),
  }));

const hugeLiteralFile = fc
  .tuple(fc.constantFrom("string", "number", "bigint", "template", "key"), fc.integer({ min: 10_000, max: 100_000 }))
  .map(([shape, n]) => {
    const text =
      shape === "string"
        ? `export const s = "${"x".repeat(n)}";\n`
        : shape === "number"
          ? `export const n = ${"9".repeat(n)}.5e${n};\n`
          : shape === "bigint"
            ? `export const b = ${"7".repeat(n)}n;\n`
            : shape === "template"
              ? `export const t = \`${"${1}".repeat(n / 10)}\`;\n`
              : `import { Redis } from "ioredis";\nconst redis = new Redis();\nexport const p = redis.set("${"k".repeat(n)}", "v");\n`;
    return { kind: `huge-${shape}-${n}`, text };
  });

const brokenFile = fc.oneof(
  fc.tuple(fc.oneof(redisFile, localCacheFile), fc.nat()).map(([file, cut]) => ({
    kind: `truncated-${file.kind}`,
    text: file.text.slice(0, cut % Math.max(1, file.text.length)),
  })),
  fc.string({ unit: "binary", maxLength: 200 }).map((text) => ({ kind: "random-text", text })),
  fc
    .constantFrom("", "\n", "\ufeff", "export const = ;", "`${", "/* never closed", "'\\u{110000}'", "\u0000\u0000")
    .map((text) => ({ kind: "tiny", text })),
);

const file = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: redisFile },
      { weight: 2, arbitrary: localCacheFile },
      { weight: 2, arbitrary: deepFile },
      { weight: 1, arbitrary: unicodeIdentifierFile },
      { weight: 1, arbitrary: hugeLiteralFile },
      { weight: 2, arbitrary: brokenFile },
    ),
    fc.constantFrom<GeneratedFile["encoding"]>("utf8", "utf8", "utf8-bom", "utf16le", "utf16be"),
    fc.boolean(),
  )
  .map(([generated, encoding, crlf]): GeneratedFile => ({
    ...generated,
    encoding,
    crlf,
    // A counterexample names each file's kind and shape, not its (up to megabytes of) text.
    [fc.toStringMethod]: () =>
      `${generated.kind} (${encoding}${crlf ? ", CRLF" : ""}, ${generated.text.length} chars: ${JSON.stringify(generated.text.slice(0, 80))}…)`,
  }));

function encode(generated: GeneratedFile): Buffer {
  const text = generated.crlf ? generated.text.replace(/\n/g, "\r\n") : generated.text;
  switch (generated.encoding) {
    case "utf8":
      return Buffer.from(text, "utf8");
    case "utf8-bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    case "utf16le":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "utf16be":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]).swap16();
  }
}

function writeGeneratedProject(files: GeneratedFile[]): { dir: string; names: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cachewise-fuzz-"));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "es2022", module: "nodenext", strict: true, noEmit: true, skipLibCheck: true },
      include: ["src"],
    }),
  );
  fs.mkdirSync(path.join(dir, "src"));
  const names = files.map((_, i) => path.join("src", `f${i}.ts`));
  files.forEach((generated, i) => fs.writeFileSync(path.join(dir, names[i]!), encode(generated)));
  return { dir, names };
}

/** C0 controls but the newline, DEL, C1 controls, bidirectional marks, embeddings, overrides and isolates. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

it("analyses or reports every generated file in both hosts, never crashing", { timeout: 120_000 }, async () => {
  // What the runs exercised, so that the generators cannot drift into testing nothing.
  const seen = { findings: 0, fileErrors: 0, escapedInPretty: 0, eslintFindings: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(file, { minLength: 3, maxLength: 6 }), async (files) => {
      const { dir, names } = writeGeneratedProject(files);
      try {
        const json = runCliCaptured(["check", ".", "--format", "json"], dir);
        assert.ok(json.code === 0 || json.code === 1, `exit ${json.code}: ${json.stderr}`);
        const results = JSON.parse(json.stdout) as JsonResult;
        for (const name of names) {
          const result = results.find((r) => path.relative(dir, r.filePath) === name);
          assert.ok(result, `${name} is in the report`);
          for (const message of result.messages.filter((m) => m.ruleId === null))
            assert.match(
              message.message,
              /^(Analysis error \(|Parsing error: |skipped: )/,
              `${name}: ${message.message}`,
            );
          seen.findings += result.messages.filter((m) => m.ruleId !== null).length;
          seen.fileErrors += result.messages.filter((m) => m.fatal).length;
        }

        const pretty = runCliCaptured(["check", "."], dir);
        assert.equal(pretty.code, json.code, pretty.stderr);
        const control = RAW_CONTROL.exec(pretty.stdout);
        if (control)
          assert.fail(
            `raw U+${control[0].codePointAt(0)!.toString(16)} in the pretty report: ${JSON.stringify(pretty.stdout.slice(Math.max(0, control.index - 40), control.index + 40))}`,
          );
        seen.escapedInPretty += (
          pretty.stdout.match(/\\(x[01][0-9a-f]|x7f|x[89][0-9a-f]|u20(2[a-e]|6[6-9]))/g) ?? []
        ).length;

        // Known and outside cachewise (found by this suite): a file nested deeply enough to overflow TypeScript in
        // typescript-eslint's project service (e.g. 1,500 nested object literals) turns every file of its tsconfig
        // into "Parsing error: Maximum call stack size exceeded", with no cachewise rule enabled too, and later runs in
        // the same process then say the tsconfig does not include those files. Every file is still reported, so the
        // property holds; the CLI reports only the deep file and analyses the rest. UTF-16 files are "Parsing error:
        // File appears to be binary." to ESLint (it reads UTF-8), while the CLI decodes them.
        const linted = await lintWithPlugin(dir);
        assert.deepEqual(
          linted.map((r) => path.relative(dir, r.filePath)).sort(),
          [...names].sort(),
          "ESLint returns one result per file",
        );
        for (const result of linted)
          for (const message of result.messages.filter((m) => m.ruleId === null))
            assert.match(
              message.message,
              /^(Parsing error: |Analysis error \()/,
              `${result.filePath}: ${message.message}`,
            );
        seen.eslintFindings += linted
          .flatMap((r) => r.messages)
          .filter((m) => m.ruleId?.startsWith("cachewise/")).length;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  assert.ok(
    seen.findings > 0 && seen.eslintFindings > 0,
    `some generated cache code has findings in both hosts: ${JSON.stringify(seen)}`,
  );
  assert.ok(seen.fileErrors > 0, `some generated file is reported as that file's error: ${JSON.stringify(seen)}`);
  assert.ok(
    seen.escapedInPretty > 0,
    `some control or bidirectional character was escaped in the pretty report: ${JSON.stringify(seen)}`,
  );
});
