// Memcached (issue 16) through the CLI and ESLint on one fixture service (test/fixtures/memcached): memjs, memcached,
// and a Keyv and a cache-manager over @keyv/memcache. Both hosts report the same findings at the expected places, with
// the packages installed (typed) and without them (identity from the import specifiers); `families` shows one shared
// family per key pattern, whichever client writes or deletes it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, STRICT_TSCONFIG, lintWithPlugin, runCliCaptured, toTuples, writeProject } from "../helpers";

const FIXTURE = path.join(FIXTURES, "memcached");

const EXPECTED = [
  // `plan:{id}` written with a lifetime of 0 (no expiry) after a miss.
  "require-cache-ttl src/admin.ts:19:11",
  // 31 days in seconds through an injected memcached client, known by its type (or its import, untyped).
  "no-ambiguous-ttl-unit src/audit.ts:11:17",
  // A Keyv over Memcached given 31 days in milliseconds: 2,678,400 seconds reach Memcached, a Unix time in 1970.
  "no-ambiguous-ttl-unit src/profiles.ts:9:18",
  // 31 days in seconds on memjs.
  "no-ambiguous-ttl-unit src/reports.ts:7:18",
  // `user:{id}` filled with no `expires` on a client with no default.
  "require-cache-ttl src/users.ts:9:18",
  // getUser's memjs get and set, unguarded around the Prisma read: memjs rejects when the server is down.
  "require-cache-fallback src/users.ts:5:30",
  "require-cache-fallback src/users.ts:9:18",
  // `changeEmail` updates the user and deletes nothing; `renameUser` (memjs) and `deleteUser` (memcached) do.
  "require-invalidation-on-write src/users.ts:20:9",
  // The memcached client behind the `plan:{id}` cache, with its defaults: its pool retries for 100 s in an outage.
  "require-client-timeouts src/clients.ts:13:26",
].sort();

async function checkBothHosts(directory: string): Promise<{ stderr: string }> {
  const cli = runCliCaptured(["check", ".", "--format", "json"], directory);
  assert.equal(cli.code, 1, cli.stderr);
  const fromCli = toTuples(JSON.parse(cli.stdout), directory);
  assert.deepEqual(fromCli, EXPECTED);
  const fromEslint = toTuples((await lintWithPlugin(directory)) as never, directory);
  assert.deepEqual(fromEslint, fromCli);
  return { stderr: cli.stderr };
}

describe("Memcached in the CLI and ESLint", () => {
  it("reports the same findings in both hosts, with the libraries' types", async () => {
    const { stderr } = await checkBothHosts(FIXTURE);
    assert.doesNotMatch(stderr, /could not resolve/);
  });

  it("reports the same findings without node_modules, from the import specifiers", async () => {
    const files: Record<string, string> = {
      // No `types: ["node"]`: nothing is installed where the project lies.
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          noEmit: true,
        },
        include: ["src"],
      }),
    };
    for (const name of fs.readdirSync(path.join(FIXTURE, "src")))
      files[`src/${name}`] = fs.readFileSync(path.join(FIXTURE, "src", name), "utf8");
    const directory = writeProject("memcached-untyped", files, os.tmpdir());
    const { stderr } = await checkBothHosts(directory);
    assert.match(stderr, /could not resolve @keyv\/memcache, @prisma\/client, cache-manager, keyv, memcached, memjs/);
  });

  it("counts a Memcached-like call on an unknown client as unresolved, not a string's own `replace`", () => {
    const directory = writeProject("memcached-unresolved", {
      "tsconfig.json": STRICT_TSCONFIG,
      "src/keys.ts": [
        // A program that uses Memcached: its `add`, `replace` and `touch` calls are worth resolving.
        'import memjs from "memjs";',
        'import { CacheClient } from "@vendor/cache-sdk";',
        "export const memcache = memjs.Client.create();",
        "const memcacheClient = new CacheClient();",
        "const cacheKeys = new Set<string>();",
        "export function normalise(cacheKey: string) {",
        "  cacheKeys.add(cacheKey);",
        '  return cacheKey.replace(/:/g, "/");',
        "}",
        "export async function lock(id: string) {",
        '  await memcacheClient.add(`lock:${id}`, "1");',
        "}",
      ].join("\n"),
    });
    const run = runCliCaptured(["check", "."], directory);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /0 cache families found; 1 cache-like call on receivers that could not be identified \(memcacheClient\.add × 1 in src\/keys\.ts\)/,
    );
  });

  it("lists one family per key pattern in Memcached, with Keyv's and the store's namespace", () => {
    const run = runCliCaptured(["families", ".", "--format", "json"], FIXTURE);
    assert.equal(run.code, 0, run.stderr);
    const families = JSON.parse(run.stdout) as Array<{
      label: string;
      kind: string;
      role: string;
      writes: unknown[];
      invalidations: unknown[];
    }>;
    assert.deepEqual(
      families.map((family) => `${family.label} ${family.kind} ${family.role}`),
      [
        "audit:{id} remote-kv unknown",
        "import:{id}:lock remote-kv coordination",
        "keyv:keyv:page:{slug} remote-kv cache",
        "plan:{id} remote-kv cache",
        "profiles:profiles:profile:{id} remote-kv cache",
        "report:archive:{id} remote-kv unknown",
        "report:monthly:{id} remote-kv unknown",
        "report:weekly:{id} remote-kv unknown",
        "session:{token} remote-kv store",
        "user:{id} remote-kv cache",
      ],
    );
    // Written by memjs (users.ts), deleted by memjs (renameUser) and by the memcached client (deleteUser).
    const user = families.find((family) => family.label === "user:{id}")!;
    assert.equal(user.writes.length, 1);
    assert.equal(user.invalidations.length, 2);
  });
});
