#!/usr/bin/env node
// Recall on real caching bugs: each case is a public bug-fix commit (a cache that went stale after a write, an
// invalidation of the wrong key, a key without expiry, a cache without bound, a key missing an input, an impure
// or mutated memoized value). `cachewise check` runs at the fix's parent, where a finding of the case's rules must
// land on the buggy lines, and at the fix, where none may land on the fixed lines.
//
//   node bench/accuracy/recall.mjs [--mirrors DIR] [--repository OWNER/NAME]... [--kind KIND]... [--cli PATH]
//                                  [--with-deps] [--verbose]
//
// Cases are `recall/cases/*.tsv`, one a line, tab-separated:
//   repository, fix commit, parent commit, analysed paths (comma-separated), bug locations at the parent
//   (`path:start-end`, `;`-separated), fixed locations at the fix, kind, cache mechanism, same-file|cross-file, reason
// A finding matches a location when it is in its file, within SLACK lines of its range. Exit 0 when it ran (a
// benchmark reports, it does not assert), 2 on bad usage.
import { readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { exportCommit, runCheck } from "./mirrors.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const SLACK = 3;
/** The rules that answer each kind of bug. */
export const RULES_BY_KIND = {
  "stale-after-write": ["require-invalidation-on-write", "no-invalidation-before-write", "no-unmatched-invalidation"],
  "wrong-invalidation": ["no-unmatched-invalidation", "require-invalidation-on-write"],
  expiry: ["require-cache-ttl", "require-ttl-policy", "consistent-cache-ttl", "no-ambiguous-ttl-unit"],
  bound: ["require-cache-bound", "require-cache-ttl"],
  key: ["require-complete-cache-key"],
  memoization: ["no-impure-memoization", "no-cached-rejection", "no-mutated-cached-value"],
};

const { values: args } = parseArgs({
  options: {
    mirrors: { type: "string", default: process.env.CACHEWISE_MIRRORS ?? "/work/.mirror" },
    repository: { type: "string", multiple: true },
    kind: { type: "string", multiple: true },
    cli: { type: "string" },
    "with-deps": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(
    "usage: node bench/accuracy/recall.mjs [--mirrors DIR] [--repository OWNER/NAME]... [--kind KIND]... [--cli PATH] [--with-deps] [--verbose]",
  );
  process.exit(0);
}
const CLI = resolve(args.cli ?? join(HERE, "..", "..", "dist", "cli.js"));
if (!existsSync(CLI)) {
  console.error(`bench/accuracy: ${CLI} is missing (build first: npm run build)`);
  process.exit(2);
}

function parseLocations(text) {
  return text
    .split(";")
    .filter(Boolean)
    .map((location) => {
      const match = /^(.*):(\d+)(?:-(\d+))?$/.exec(location.trim());
      if (!match) throw new Error(`bad location: ${location}`);
      return { path: match[1], start: Number(match[2]), end: Number(match[3] ?? match[2]) };
    });
}

export function readCases(dir = join(HERE, "recall", "cases")) {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".tsv"))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.startsWith("#"))
        .map((line) => {
          const [repository, fix, parent, paths, bug, fixed, kind, mechanism, layout, reason] = line.split("\t");
          if (!RULES_BY_KIND[kind]) throw new Error(`${file}: unknown kind ${kind} in: ${line}`);
          return {
            repository,
            fix,
            parent,
            paths: paths.split(",").map((path) => path.trim()),
            bug: parseLocations(bug),
            fixed: parseLocations(fixed),
            kind,
            mechanism,
            layout,
            reason,
          };
        }),
    );
}

const matches = (finding, locations, rules) =>
  rules.includes(finding.rule) &&
  locations.some((l) => finding.path === l.path && finding.line >= l.start - SLACK && finding.line <= l.end + SLACK);

const cases = readCases().filter(
  (c) => (!args.repository || args.repository.includes(c.repository)) && (!args.kind || args.kind.includes(c.kind)),
);
if (cases.length === 0) {
  console.error("bench/accuracy: no case selected");
  process.exit(2);
}

// One export and one run per (repository, commit, paths), shared by the cases that need it.
const runs = new Map();
function findingsAt(repository, commit, paths) {
  const key = `${repository}@${commit}:${paths.join(",")}`;
  if (!runs.has(key)) {
    let root;
    const started = Date.now();
    try {
      root = exportCommit(args.mirrors, repository, commit, repository.split("/")[1]);
      runs.set(key, runCheck(CLI, root, paths, { withDeps: args["with-deps"], label: key }));
      console.error(`recall: ${repository}@${commit.slice(0, 10)}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } catch (error) {
      runs.set(key, { error: error.message.split("\n")[0] });
    } finally {
      if (root) rmSync(root, { recursive: true, force: true });
    }
  }
  return runs.get(key);
}

const rows = [];
for (const c of cases) {
  const rules = RULES_BY_KIND[c.kind];
  const before = findingsAt(c.repository, c.parent, c.paths);
  const after = findingsAt(c.repository, c.fix, c.paths);
  const error = before.error ?? after.error;
  const found = !error && before.findings.some((f) => matches(f, c.bug, rules));
  const noisyAfter = !error && after.findings.some((f) => matches(f, c.fixed, rules));
  const nearby = error ? [] : before.findings.filter((f) => c.bug.some((l) => l.path === f.path));
  rows.push({ c, error, found, noisyAfter, nearby, partial: /partial/.test(before.stderr ?? "") });
}

const byKind = {};
for (const row of rows) {
  const k = (byKind[row.c.kind] ??= { cases: 0, found: 0, errors: 0 });
  k.cases++;
  if (row.error) k.errors++;
  if (row.found) k.found++;
}
console.log("| repository | fix | kind | mechanism | parent: found | fix: silent |");
console.log("|---|---|---|---|---|---|");
for (const { c, error, found, noisyAfter } of rows) {
  const verdict = error ? `error: ${error}` : found ? "found" : "missed";
  console.log(
    `| ${c.repository} | ${c.fix.slice(0, 10)} | ${c.kind} | ${c.mechanism} | ${verdict} | ${error ? "—" : noisyAfter ? "no" : "yes"} |`,
  );
}
console.log("\n| kind | cases | found | recall |\n|---|---|---|---|");
let all = { cases: 0, found: 0, errors: 0 };
for (const [kind, k] of Object.entries(byKind)) {
  console.log(`| ${kind} | ${k.cases} | ${k.found} | ${((k.found / k.cases) * 100).toFixed(0)} % |`);
  all = { cases: all.cases + k.cases, found: all.found + k.found, errors: all.errors + k.errors };
}
const repositories = new Set(rows.map((row) => row.c.repository)).size;
const silent = rows.filter((row) => !row.error && !row.noisyAfter).length;
console.log(
  `\n${all.cases} cases in ${repositories} repositories: found ${all.found} (${((all.found / all.cases) * 100).toFixed(0)} %), ` +
    `silent on ${silent} of ${all.cases - all.errors} fixed versions, ${all.errors} not run (errors).`,
);
if (args.verbose) {
  for (const { c, found, nearby } of rows) {
    if (found) continue;
    console.log(`\nmissed ${c.repository} ${c.fix.slice(0, 10)} (${c.kind}): ${c.reason}`);
    for (const l of c.bug) console.log(`  bug at ${l.path}:${l.start}-${l.end}`);
    for (const f of nearby) console.log(`  in that file: ${f.path}:${f.line} ${f.rule}: ${f.message}`);
  }
}
