// no-unmatched-invalidation across files: a generic wrapper's delete judged at its callers, through the
// CLI and through ESLint with the plugin, which must agree.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STRICT_TSCONFIG, runCliCaptured, toTuples, writeProject, lintWithPlugin } from "../helpers";

const FILES = {
  "tsconfig.json": STRICT_TSCONFIG,
  "src/kv-cache.ts": [
    'import { Redis } from "ioredis";',
    "const redis = new Redis();",
    "export class KvCache {",
    "  get(key: string) {",
    "    return redis.get(key);",
    "  }",
    "  async set(key: string, value: string, ttl: number) {",
    "    await redis.set(key, value, 'EX', ttl);",
    "  }",
    "  async remove(key: string) {",
    "    await redis.del(key);",
    "  }",
    "}",
    "export const cache = new KvCache();",
    "",
  ].join("\n"),
  "src/members.ts": [
    'import { cache } from "./kv-cache.js";',
    "declare function loadMember(id: string): Promise<unknown>;",
    "export async function getMember(id: string) {",
    "  const hit = await cache.get(`member:${id}`);",
    "  if (hit) return JSON.parse(hit) as unknown;",
    "  const member = await loadMember(id);",
    "  await cache.set(`member:${id}`, JSON.stringify(member), 600);",
    "  return member;",
    "}",
    "",
  ].join("\n"),
  "src/admin.ts": [
    'import { cache } from "./kv-cache.js";',
    "export async function removeMember(id: string) {",
    "  await cache.remove(`members:${id}`);",
    "}",
    "export async function renameMember(id: string) {",
    "  await cache.remove(`member:${id}`);",
    "}",
    "export async function logout(token: string) {",
    "  await cache.remove(`session:${token}`);",
    "}",
    "",
  ].join("\n"),
};

describe("no-unmatched-invalidation across files", () => {
  const dir = writeProject("unmatched-invalidation", FILES);

  it("reports the wrapper call whose key no family writes, naming the family, in the CLI", () => {
    const run = runCliCaptured(["check", ".", "--format", "json", "--rule", "require-cache-ttl:off"], dir);
    assert.notEqual(run.code, 2, run.stderr);
    const results = JSON.parse(run.stdout);
    const tuples = toTuples(results, dir).filter((tuple) => tuple.startsWith("no-unmatched-invalidation "));
    assert.deepEqual(tuples, ["no-unmatched-invalidation src/admin.ts:3:9"]);
    const message = results
      .flatMap((r: { messages: Array<{ ruleId: string; message: string }> }) => r.messages)
      .find((m: { ruleId: string }) => m.ruleId === "no-unmatched-invalidation").message;
    assert.equal(
      message,
      "`del` deletes `members:{id}`, but no cache family in the program writes such a key: this invalidation does nothing. The closest family is `member:{id}` (written at src/members.ts:7), whose namespace is `member`, not `members`. Delete the key the cache writes.",
    );
  });

  it("gives the same findings through ESLint", async () => {
    const results = await lintWithPlugin(dir, { rules: { "cachewise/no-unmatched-invalidation": "error" } });
    const fromEslint = toTuples(results as never, dir);
    const cli = runCliCaptured(["check", ".", "--format", "json", "--rule", "no-unmatched-invalidation:error"], dir);
    const fromCli = toTuples(JSON.parse(cli.stdout), dir).filter((tuple) =>
      tuple.startsWith("no-unmatched-invalidation "),
    );
    assert.deepEqual(fromEslint, fromCli);
    assert.equal(fromEslint.length, 1);
  });
});
