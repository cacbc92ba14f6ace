#!/usr/bin/env node
// Accuracy on code nobody here wrote: runs `cachewise check` on real services at fixed commits and
// compares the findings with hand-made labels.
//
//   node bench/accuracy/run.mjs [--mirrors DIR] [--service NAME]... [--with-deps] [--keep] [--cli PATH]
//
// Each service is `services/<name>.json`: { "name", "repository": "owner/name", "commit", "paths": ["apps/api"],
// "why": "…" }. Its labels are `labels/<name>.tsv`, one finding a line:
//   repository <TAB> commit <TAB> path <TAB> line <TAB> rule <TAB> verdict <TAB> reason
// with verdict `true` (the maintainer would change the code), `false` (they would not) or `debatable`.
//
// The repositories come from git mirrors (bare repositories) under --mirrors (default: $CACHEWISE_MIRRORS,
// else /work/.mirror), named `owner+name` (a `*.git` directory below it is found too). Each service is
// exported at its commit with `git archive` into a temporary folder: no network is needed. --with-deps
// runs `npm install --ignore-scripts` in each exported package first (needs the registry).
//
// Prints, per service: files analysed, findings per rule, true / false / debatable / unlabelled, and
// precision = true / (true + false); then every label whose finding is gone and every finding without a
// label. Exit 0 when it ran (a benchmark reports, it does not assert), 2 on bad usage or a missing mirror.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { exportCommit, runCheck } from "./mirrors.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    mirrors: { type: "string", default: process.env.CACHEWISE_MIRRORS ?? "/work/.mirror" },
    service: { type: "string", multiple: true },
    "with-deps": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    cli: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(
    "usage: node bench/accuracy/run.mjs [--mirrors DIR] [--service NAME]... [--with-deps] [--keep] [--cli PATH]",
  );
  process.exit(0);
}
// `--cli` runs another build (a copy of an older `dist/`) against the same labels: a before/after in one table.
const CLI = resolve(args.cli ?? join(HERE, "..", "..", "dist", "cli.js"));
if (!existsSync(CLI)) {
  console.error(`bench/accuracy: ${CLI} is missing (build first: npm run build)`);
  process.exit(2);
}

export function readServices(dir = join(HERE, "services")) {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(join(dir, file), "utf8")))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readLabels(name) {
  const file = join(HERE, "labels", `${name}.tsv`);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const [repository, commit, path, lineNumber, rule, verdict, reason] = line.split("\t");
      if (!["true", "false", "debatable"].includes(verdict)) throw new Error(`${file}: bad verdict in: ${line}`);
      return { repository, commit, path, line: Number(lineNumber), rule, verdict, reason };
    });
}

function exportService(service) {
  return exportCommit(args.mirrors, service.repository, service.commit, service.name);
}

function check(root, service) {
  return runCheck(CLI, root, service.paths ?? ["."], { withDeps: args["with-deps"], label: service.name });
}

const key = (finding) => `${finding.path}:${finding.line}:${finding.rule}`;
const selected = readServices().filter((service) => !args.service || args.service.includes(service.name));
if (selected.length === 0) {
  console.error("bench/accuracy: no service selected");
  process.exit(2);
}
const totals = { true: 0, false: 0, debatable: 0, unlabelled: 0 };
const rows = [];
const changes = [];
for (const service of selected) {
  let root;
  try {
    root = exportService(service);
    const { files, findings, stderr } = check(root, service);
    const labels = new Map(readLabels(service.name).map((label) => [key(label), label]));
    const counts = { true: 0, false: 0, debatable: 0, unlabelled: 0 };
    const perRule = {};
    for (const finding of findings) {
      perRule[finding.rule] = (perRule[finding.rule] ?? 0) + 1;
      const label = labels.get(key(finding));
      if (label) {
        counts[label.verdict]++;
        labels.delete(key(finding));
      } else {
        counts.unlabelled++;
        changes.push(`${service.name}: new finding ${key(finding)}: ${finding.message}`);
      }
    }
    for (const label of labels.values())
      changes.push(`${service.name}: gone (${label.verdict}) ${key(label)}: ${label.reason}`);
    for (const verdict of Object.keys(totals)) totals[verdict] += counts[verdict];
    const judged = counts.true + counts.false;
    rows.push({
      service: service.name,
      files,
      findings: findings.length,
      perRule,
      ...counts,
      precision: judged ? counts.true / judged : undefined,
      note: stderr.split("\n").find((line) => line.includes("partial")) ? "partial types" : "",
      seen: readSeen(stderr) ?? countFamilies(root, service),
    });
  } catch (error) {
    rows.push({ service: service.name, error: error.message });
  } finally {
    if (root && !args.keep) rmSync(root, { recursive: true, force: true });
    else if (root) console.error(`kept ${root}`);
  }
}

/** What `check` says it saw (`N cache families found; M cache-like calls … (top …)`), from builds that say it. */
function readSeen(stderr) {
  const line = stderr.split("\n").find((l) => / cache famil(?:y|ies) found/.test(l));
  if (!line) return undefined;
  const families = Number(/(\d+) cache famil/.exec(line)[1]);
  const unresolved = /; (\d+) cache-like calls? .*?\((.*)\)\. Declare/.exec(line);
  return { families, unresolved: unresolved ? Number(unresolved[1]) : 0, top: unresolved ? unresolved[2] : "" };
}

/** For builds that do not say it: the families `cachewise families` lists. */
function countFamilies(root, service) {
  const paths = (service.paths ?? ["."]).map((path) => join(root, path));
  const result = spawnSync("node", [CLI, "families", ...paths, "--format", "json"], {
    cwd: root,
    maxBuffer: 1 << 28,
    encoding: "utf8",
  });
  try {
    return { families: JSON.parse(result.stdout).length, unresolved: undefined, top: "" };
  } catch {
    return undefined;
  }
}

const percent = (value) => (value === undefined ? "—" : `${(value * 100).toFixed(0)} %`);
console.log("| service | files | findings per rule | true | false | debatable | unlabelled | precision |");
console.log("|---|---|---|---|---|---|---|---|");
for (const row of rows) {
  if (row.error) {
    console.log(`| ${row.service} | error: ${row.error} |||||||`);
    continue;
  }
  const perRule = Object.entries(row.perRule)
    .map(([rule, count]) => `${rule} ${count}`)
    .join(", ");
  console.log(
    `| ${row.service} | ${row.files} | ${perRule || "none"} | ${row.true} | ${row.false} | ${row.debatable} | ${row.unlabelled} | ${percent(row.precision)}${row.note ? ` (${row.note})` : ""} |`,
  );
}
const judged = totals.true + totals.false;
console.log(
  `\nall services: ${totals.true} true, ${totals.false} false, ${totals.debatable} debatable, ${totals.unlabelled} unlabelled; precision ${percent(judged ? totals.true / judged : undefined)}`,
);
if (changes.length > 0) console.log(`\nchanged since the labels:\n${changes.map((line) => `  ${line}`).join("\n")}`);
console.log("\n| service | families found | cache-like calls not resolved | most frequent |\n|---|---|---|---|");
for (const row of rows) {
  if (row.error || !row.seen) continue;
  const { families, unresolved, top } = row.seen;
  console.log(`| ${row.service} | ${families} | ${unresolved ?? "—"} | ${top || "—"} |`);
}
