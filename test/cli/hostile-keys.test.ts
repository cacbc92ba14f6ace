// Keys and names from outside, escaped at the edge: the hostile-keys fixture writes Redis keys that
// hold terminal sequences (OSC title, screen clear, colours, 8-bit CSI), bidirectional overrides
// and isolates, a zero-width space, a newline that fakes a report line, backticks and a pipe, and
// a function name with a zero-width joiner. `check` and `families` (pretty, Markdown) and
// `keyspace` (against a real redis-server holding such keys) print them escaped, exactly; JSON and
// SARIF keep them raw.
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { openKeyspaceConnection, type KeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import { scanNamespace } from "../../analyzer/src/keyspace/key-inspector";
import { startRedisServer, type RedisProcess } from "../keyspace/redis-harness";
import { FIXTURES, STRICT_TSCONFIG, runCliCaptured, runKeyspaceCaptured, writeProject } from "../helpers";

const DIR = path.join(FIXTURES, "hostile-keys");

/** What must never reach a terminal raw (a newline is allowed: the reports write their own lines). */
const RAW_UNSAFE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function assertNoRawUnsafe(text: string): void {
  const found = RAW_UNSAFE.exec(text);
  assert.equal(
    found,
    null,
    found
      ? `raw U+${found[0].charCodeAt(0).toString(16)} at ${found.index}: ${JSON.stringify(text.slice(found.index - 20, found.index + 20))}`
      : "",
  );
}

/** The hostile keys of the fixture: as written in the code (`{id}` for the hole), and as printed. */
const HOSTILE = [
  { line: 10, raw: "title\u001b]0;pwned\u0007:{id}", shown: "title\\x1b]0;pwned\\x07:{id}" },
  { line: 14, raw: "clear\u001b[2J\u001b[31m:{id}", shown: "clear\\x1b[2J\\x1b[31m:{id}" },
  { line: 18, raw: "csi\u009b31m:{id}", shown: "csi\\u009b31m:{id}" },
  { line: 22, raw: "bidi\u202etxt.exe\u2066x\u2069:{id}", shown: "bidi\\u202etxt.exe\\u2066x\\u2069:{id}" },
  { line: 26, raw: "zero\u200bwidth:{id}", shown: "zero\\u200bwidth:{id}" },
  { line: 30, raw: "line\n  1:1  error  fake:{id}", shown: "line\\x0a  1:1  error  fake:{id}" },
  { line: 34, raw: "tick``code:{id}", shown: "tick``code:{id}" },
];

const TTL_MESSAGE = (key: string) =>
  `\`SET\` writes \`${key}\` with no expiry, so the key lives until something deletes it. Pass \`"EX", seconds\` (or \`"KEEPTTL"\` to keep an existing expiry).`;

describe("hostile keys from the analysed code", () => {
  it("`check` prints every key escaped, one report line per finding, nothing raw", () => {
    const run = runCliCaptured(["check", "."], DIR);
    assert.equal(run.code, 1, run.stderr);
    assertNoRawUnsafe(run.stdout);
    assertNoRawUnsafe(run.stderr);
    const findingLines = run.stdout.split("\n").filter((line) => /^ {2}\d+:\d+/.test(line));
    assert.deepEqual(findingLines, [
      ...HOSTILE.map(
        ({ line, shown }) => `  ${`${line}:15`.padEnd(8)} error  ${TTL_MESSAGE(shown)}  require-cache-ttl`,
      ),
      `  46:15    error  ${TTL_MESSAGE("joined:{id}")}  require-cache-ttl`,
    ]);
  });

  it("`check --format json` and `--format sarif` keep the keys raw", () => {
    const json = runCliCaptured(["check", ".", "--format", "json"], DIR);
    const messages = (JSON.parse(json.stdout) as Array<{ messages: Array<{ message: string; line: number }> }>)[0]!
      .messages;
    for (const { line, raw } of HOSTILE) assert.equal(messages.find((m) => m.line === line)?.message, TTL_MESSAGE(raw));
    const sarif = runCliCaptured(["check", ".", "--format", "sarif"], DIR);
    const results = JSON.parse(sarif.stdout).runs[0].results as Array<{
      message: { text: string };
      locations: Array<{ physicalLocation: { region: { startLine: number } } }>;
    }>;
    for (const { line, raw } of HOSTILE)
      assert.equal(
        results.find((r) => r.locations[0]!.physicalLocation.region.startLine === line)?.message.text,
        TTL_MESSAGE(raw),
      );
  });

  it("`families` prints labels, table cells and function names escaped, the columns aligned as printed", () => {
    const run = runCliCaptured(["families", "."], DIR);
    assert.equal(run.code, 0, run.stderr);
    assertNoRawUnsafe(run.stdout);
    const lines = run.stdout.split("\n");
    const width = Math.max(...[...HOSTILE.map((h) => h.shown), "pipe|cell:{id}"].map((s) => s.length));
    for (const { shown } of HOSTILE) {
      assert.ok(
        lines.includes(
          `${shown.padEnd(width)}  redis (ioredis)  unknown  none  —      —         —         0/1/1  —      undeclared`,
        ),
        `no table row for ${shown}:\n${run.stdout}`,
      );
      // The family's own section starts with its label, alone on its line.
      assert.ok(lines.includes(shown), shown);
    }
    assert.ok(lines.includes("  write        set at src/cache.ts:46 (save\\u200dJoined), replacing the value"));
    assert.ok(lines.includes("  write        set at src/cache.ts:30 (saveNewline), replacing the value"));
    // The fake report line of the newline key never starts a line of its own.
    assert.ok(!lines.some((line) => line.startsWith("  1:1  error  fake")), run.stdout);
  });

  it("`families --format markdown` keeps each family in one table row, keys in code spans that survive backticks and pipes", () => {
    const run = runCliCaptured(["families", ".", "--format", "markdown"], DIR);
    assert.equal(run.code, 0, run.stderr);
    assertNoRawUnsafe(run.stdout);
    const rows = run.stdout.split("\n").filter((line) => line.startsWith("| ["));
    const row = (code: string, line: number, role = "unknown", counts = "0/1/1") =>
      `| [${code}](src/cache.ts#L${line}) | redis (ioredis) | ${role} | none | — | — | — | ${counts} | — | undeclared |`;
    assert.deepEqual(rows, [
      row("`bidi\\u202etxt.exe\\u2066x\\u2069:{id}`", 22),
      row("`clear\\x1b[2J\\x1b[31m:{id}`", 14),
      row("`csi\\u009b31m:{id}`", 18),
      row("`joined:{id}`", 46),
      row("`line\\x0a  1:1  error  fake:{id}`", 30),
      row("`pipe\\|cell:{id}`", 38, "store", "1/1/1"),
      row("```tick``code:{id}```", 34),
      row("`title\\x1b]0;pwned\\x07:{id}`", 10),
      row("`zero\\u200bwidth:{id}`", 26),
    ]);
    // Ten cells: eleven pipes that GFM reads as cell borders (a `\|` is part of the cell).
    for (const line of rows) assert.equal(line.match(/(?<!\\)\|/g)?.length, 11, line);
  });

  it("`families --format json` keeps the labels raw; `--check` names the undeclared families escaped", () => {
    const json = runCliCaptured(["families", ".", "--format", "json"], DIR);
    const labels = (JSON.parse(json.stdout) as Array<{ label: string }>).map((f) => f.label);
    for (const { raw } of HOSTILE) assert.ok(labels.includes(raw), raw);
    const dir = writeProject("hostile-check", {
      "tsconfig.json": STRICT_TSCONFIG,
      "package.json": JSON.stringify({ cachewise: { families: [{ match: "declared:*", owner: "team" }] } }),
      "src/cache.ts": [
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function save(id: string): Promise<void> {",
        '  await redis.set(`evil\\u202e\\u001b[2J:${id}`, "1", "EX", 60);',
        "}",
        "",
      ].join("\n"),
    });
    const check = runCliCaptured(["families", ".", "--check", "--format", "markdown"], dir);
    assert.equal(check.code, 1, check.stderr);
    assertNoRawUnsafe(check.stderr);
    assertNoRawUnsafe(check.stdout);
    assert.match(check.stderr, /not declared in the configuration: evil\\u202e\\x1b\[2J:\{id\}\n$/);
    assert.ok(check.stdout.endsWith("**1 undeclared family:** `evil\\u202e\\x1b[2J:{id}`\n"), check.stdout);
  });

  it("escapes a file name, and URL-encodes it in a Markdown link", () => {
    const dir = writeProject("hostile-path", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/evil\u202e(1) x.ts": [
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function save(id: string): Promise<void> {",
        "  await redis.set(`plain:${id}`, '1');",
        "}",
        "",
      ].join("\n"),
    });
    const check = runCliCaptured(["check", "."], dir);
    assertNoRawUnsafe(check.stdout);
    assert.ok(check.stdout.split("\n").includes("src/evil\\u202e(1) x.ts"), check.stdout);
    const markdown = runCliCaptured(["families", ".", "--format", "markdown"], dir);
    assert.ok(markdown.stdout.includes("| [`plain:{id}`](src/evil%E2%80%AE(1)%20x.ts#L4) |"), markdown.stdout);
  });
});

describe("hostile keys from Redis", () => {
  let server: RedisProcess;
  let url: string;
  let connection: KeyspaceConnection | undefined;

  before(async () => {
    server = await startRedisServer("cli-hostile-keys");
    url = `redis://127.0.0.1:${server.port}`;
    const redis = new Redis(server.port, "127.0.0.1");
    const pipeline = redis.pipeline();
    // One key per family of the fixture, and keys no family writes.
    for (const { raw } of HOSTILE) pipeline.set(raw.replace("{id}", "1"), "v");
    pipeline.set("rogue\u202e:1", "v");
    pipeline.set(Buffer.from([0x72, 0x3a, 0x9b, 0x5b, 0x32, 0x4a]), "v"); // "r:" + an invalid 8-bit CSI byte + "[2J"
    pipeline.set("ns\u2066:a:1", "v");
    pipeline.set("ns\u2066:b", "v");
    await pipeline.exec();
    await redis.quit();
  });
  after(async () => {
    await connection?.close();
    await server?.stop();
  });

  it("`keyspace` groups the keys under the hostile families and prints labels, namespaces and keys escaped", async () => {
    const result = await runKeyspaceCaptured(["--redis", url, "--full", DIR]);
    assert.equal(result.code, 0, result.stderr);
    assertNoRawUnsafe(result.stdout);
    const lines = result.stdout.split("\n");
    // Each hostile key is counted under its family: the code's pattern matches the key's display form.
    for (const { shown } of HOSTILE)
      assert.ok(
        lines.some((line) => new RegExp(`^${escapeRegExp(shown)} +1 +1 `).test(line)),
        `${shown}:\n${result.stdout}`,
      );
    for (const namespace of ["rogue\\u202e", "r", "ns\\u2066", "title\\x1b]0;pwned\\x07", "line\\x0a  1"])
      assert.ok(
        lines.some((line) => line.startsWith(`${namespace} `)),
        `${namespace}:\n${result.stdout}`,
      );
    assert.ok(
      lines.some((line) => line.endsWith("  string  title\\x1b]0;pwned\\x07:1")),
      result.stdout,
    );
    assert.ok(!lines.some((line) => line.startsWith("  1:1  error  fake")), result.stdout);
  });

  it("`keyspace --format json` keeps family labels raw and keys in their display form", async () => {
    const result = await runKeyspaceCaptured(["--redis", url, "--full", "--format", "json", DIR]);
    assert.equal(result.code, 0, result.stderr);
    const profile = JSON.parse(result.stdout);
    const families = profile.families.map((f: { family: string | null }) => f.family);
    for (const { raw } of HOSTILE) assert.ok(families.includes(raw), raw);
    const keys = profile.total.largestKeys.map((k: { key: string }) => k.key);
    assert.ok(keys.includes("bidi\\u202etxt.exe\\u2066x\\u2069:1"), keys.join(", "));
  });

  it("a namespace of escaped characters is listed by its bytes, so that opening it finds its keys", async () => {
    connection = await openKeyspaceConnection({
      name: "hostile",
      nodes: [{ host: "127.0.0.1", port: server.port }],
      commandTimeoutMs: 5000,
    });
    const top = await scanNamespace(connection, "", "0", 100);
    const ns = top.childSegments.find((segment) => segment.segment === "ns\\u2066");
    assert.ok(ns, top.childSegments.map((s) => s.segment).join(", "));
    assert.deepEqual([ns.raw, ns.isLeaf, ns.keys], [Buffer.from("ns\u2066"), false, 2]);
    const inside = await scanNamespace(connection, Buffer.concat([ns.raw, Buffer.from(":")]), "0", 100);
    assert.deepEqual(inside.keys.map((k) => k.displayKey).sort(), ["ns\\u2066:a:1", "ns\\u2066:b"]);
    assert.deepEqual(inside.childSegments.map((s) => [s.segment, s.isLeaf]).sort(), [
      ["a", false],
      ["b", true],
    ]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
