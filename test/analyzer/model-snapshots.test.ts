// Extraction snapshots: the FileCacheModel of every source file of each fixture project, compared with a
// committed JSON file per project (test/analyzer/__snapshots__/<project>.json), so that a change in
// extraction shows up as a model diff, file by file, and not only as a rule-test failure.
//
// After an intended extraction change, regenerate the snapshots and review their diff like code:
//
//   npm run test:update-snapshots
//   (= CACHEWISE_UPDATE_SNAPSHOTS=1 node --import tsx --test test/analyzer/model-snapshots.test.ts)
//
// Node 20 has no snapshot assertions (`t.assert.snapshot` and `--test-update-snapshots` came with Node
// 22.3), hence this small equivalent. The models are built as `cachewise families` builds them (runCheck
// without rules: the CLI's project discovery, programs and extraction). A snapshot is the model in a stable,
// readable form, with every field kept:
// - file names are relative to the repository (also inside ids such as `file:start`, and as object keys);
// - a span is `line:column-endLine:endColumn`, prefixed with its file when that is not the model's file;
// - offsets become `line:column`: in ids (`src/a.ts:120` → `src/a.ts:7:3`) and in the offset fields
//   (`scopeStart`, `scopeEnd`, `TtlInsertion.at`);
// - `undefined` is written as `null` (the model has no nulls), so that a field that is not set still shows;
// - object keys are sorted, and the model's collections (its top-level arrays, and each map cache's sites)
//   are sorted by position: a refactor that only reorders extraction changes nothing here.
// Nested arrays keep their order: it means something (key parts, call chains, parameters). A new model field
// holding an offset shows as a number until it is added to OFFSET_FIELDS. The files are written through
// Prettier, so the repository's format check passes on them. A failing file's test first names where the
// models differ (`model.sites[1] (src/a.ts:6:22).instance.bound.value: 500, snapshot: 5000`), then node's diff.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as prettier from "prettier";
import { ts } from "../../analyzer/src/cli/load-projects";
import { runCheck } from "../../analyzer/src/cli/run";
import type { FileCacheModel, Span } from "../../analyzer/src/model/cache-model";
import { FIXTURES, REPO_ROOT } from "../helpers";

const SNAPSHOTS = path.join(REPO_ROOT, "test", "analyzer", "__snapshots__");
const UPDATE = process.env.CACHEWISE_UPDATE_SNAPSHOTS === "1";

const PROJECTS: Record<string, string> = {
  basic: path.join(FIXTURES, "basic"),
  families: path.join(FIXTURES, "families"),
  memoization: path.join(FIXTURES, "memoization"),
  memcached: path.join(FIXTURES, "memcached"),
  "rule-tester": path.join(FIXTURES, "rule-tester"),
  "cache-demo": path.join(REPO_ROOT, "examples", "cache-demo"),
};

/** Model fields that hold an offset into the model's own file. */
const OFFSET_FIELDS = new Set(["scopeStart", "scopeEnd", "at"]);

/** Collections whose order is extraction order only. */
const SORTED_COLLECTIONS = new Set(["sites"]);

type Snapshot = Record<string, unknown>;

/** The models of every source file of a project, by file relative to the repository. */
function extractProject(directory: string): Snapshot {
  const result = runCheck({
    cwd: directory,
    paths: [directory],
    projects: [],
    configFile: undefined,
    ruleOverrides: {},
    skipRules: true,
  });
  const models = result.programs.flat();
  const snapshot: Snapshot = {};
  for (const model of models.sort((a, b) => a.file.localeCompare(b.file)))
    snapshot[toRepositoryPath(model.file)] = toSnapshotForm(model);
  return snapshot;
}

function toRepositoryPath(file: string): string {
  return path.relative(REPO_ROOT, file).split(path.sep).join("/");
}

/** Source files by name, parsed again only to turn offsets into lines and columns. */
const sources = new Map<string, ts.SourceFile>();

function toLineColumn(file: string, offset: number): string {
  let source = sources.get(file);
  if (!source) {
    // ts.sys.readFile drops a byte order mark, as the compiler's host does, so that offsets agree.
    const text = ts.sys.readFile(file);
    assert.ok(text !== undefined, `${file} is readable`);
    sources.set(file, (source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest)));
  }
  const { line, character } = source.getLineAndCharacterOfPosition(offset);
  return `${line + 1}:${character + 1}`;
}

const REPOSITORY_FILE = new RegExp(`${escapeRegExp(REPO_ROOT + path.sep)}([^\\s:"'\`]+)(?::(\\d+)(?!\\d))?`, "g");

/** Absolute file names in a string → relative to the repository, with a following `:offset` → `:line:column`. */
function replaceFiles(text: string): string {
  return text.replace(REPOSITORY_FILE, (_, relative: string, offset: string | undefined) => {
    const file = path.join(REPO_ROOT, relative);
    const shown = toRepositoryPath(file);
    return offset === undefined ? shown : `${shown}:${toLineColumn(file, Number(offset))}`;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function isSpan(value: object): value is Span {
  const span = value as Partial<Span>;
  return (
    typeof span.file === "string" &&
    typeof span.start === "number" &&
    typeof span.end === "number" &&
    typeof span.line === "number" &&
    typeof span.column === "number" &&
    typeof span.endLine === "number" &&
    typeof span.endColumn === "number"
  );
}

function toSnapshotForm(model: FileCacheModel): unknown {
  const convert = (value: unknown, key: string): unknown => {
    if (value === undefined) return null;
    if (typeof value === "string") return replaceFiles(value);
    if (typeof value === "number") return OFFSET_FIELDS.has(key) ? toLineColumn(model.file, value) : value;
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) {
      const items = value.map((item) => convert(item, key));
      return SORTED_COLLECTIONS.has(key) ? sortByPosition(value, items) : items;
    }
    if (isSpan(value)) {
      const range = `${value.line}:${value.column}-${value.endLine}:${value.endColumn}`;
      return value.file === model.file ? range : `${toRepositoryPath(value.file)}:${range}`;
    }
    const entries = Object.entries(value).map(([k, v]) => [replaceFiles(k), convert(v, k)] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  const form: Record<string, unknown> = {};
  for (const key of Object.keys(model).sort()) {
    const value = model[key as keyof FileCacheModel];
    form[key] = Array.isArray(value)
      ? sortByPosition(
          value,
          value.map((item) => convert(item, key)),
        )
      : convert(value, key);
  }
  return form;
}

/** Sorts converted items by the position of their original (span, else offset order of the text), then by content. */
function sortByPosition(originals: readonly unknown[], converted: unknown[]): unknown[] {
  const position = (item: unknown): [number, number] => {
    const span = (item as { span?: unknown } | null)?.span;
    return typeof span === "object" && span !== null && isSpan(span) ? [span.start, span.end] : [-1, -1];
  };
  return originals
    .map((original, index) => ({
      at: position(original),
      item: converted[index],
      text: JSON.stringify(converted[index]),
    }))
    .sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1] || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .map(({ item }) => item);
}

/** Where two snapshot values first differ, as `model.sites[2] (id …).ttl.ms: 60000, snapshot: 6000`. */
function findFirstDifference(actual: unknown, expected: unknown, at: string): string | undefined {
  if (Object.is(actual, expected)) return undefined;
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
  if (!isObject(actual) || !isObject(expected) || Array.isArray(actual) !== Array.isArray(expected))
    return `${at}: ${show(actual)}, snapshot: ${show(expected)}`;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
      const item: unknown = actual[i] ?? expected[i];
      const label = isObject(item) ? (item.id ?? item.name ?? item.span) : undefined;
      const found = findFirstDifference(
        actual[i],
        expected[i],
        `${at}[${i}]${typeof label === "string" ? ` (${label})` : ""}`,
      );
      if (found) return found;
    }
    return undefined;
  }
  for (const key of [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort()) {
    const found = findFirstDifference(actual[key], expected[key], `${at}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function show(value: unknown): string {
  const text = value === undefined ? "(missing)" : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  const options = await prettier.resolveConfig(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await prettier.format(JSON.stringify(snapshot), { ...options, filepath: file }));
}

for (const [name, directory] of Object.entries(PROJECTS)) {
  describe(`extraction snapshot of ${toRepositoryPath(directory)}`, () => {
    const snapshotFile = path.join(SNAPSHOTS, `${name}.json`);
    const actual = extractProject(directory);

    if (UPDATE) {
      it(`writes ${toRepositoryPath(snapshotFile)}`, async () => {
        await writeSnapshot(snapshotFile, actual);
        assert.deepEqual(JSON.parse(fs.readFileSync(snapshotFile, "utf8")), actual);
      });
      return;
    }

    const expected: Snapshot = fs.existsSync(snapshotFile)
      ? (JSON.parse(fs.readFileSync(snapshotFile, "utf8")) as Snapshot)
      : {};

    it("has a snapshot for every source file, and a source file for every snapshot", () => {
      assert.ok(
        fs.existsSync(snapshotFile),
        `${toRepositoryPath(snapshotFile)} is missing: run npm run test:update-snapshots`,
      );
      assert.deepEqual(Object.keys(actual), Object.keys(expected));
    });

    for (const file of Object.keys(actual).filter((f) => f in expected)) {
      it(`extracts the model of ${file} as in the snapshot`, () => {
        try {
          assert.deepStrictEqual(actual[file], expected[file]);
        } catch (error) {
          // node's diff shows a few lines around each change: say first which item of which collection changed.
          const difference = findFirstDifference(actual[file], expected[file], "model");
          if (difference && error instanceof assert.AssertionError) {
            error.message = `first difference: ${difference}\n${error.message}`;
            error.stack = `first difference: ${difference}\n${error.stack}`;
          }
          throw error;
        }
      });
    }
  });
}
