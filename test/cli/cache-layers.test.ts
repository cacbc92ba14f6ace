// `cacheLayers`: a project's cache layer the analyzer cannot see into (here built at run time by a package), declared
// in the configuration by where its key, loader and TTL are. Its calls become sites at the calls, in both hosts.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { FIXTURES, STRICT_TSCONFIG, runCliCaptured, toTuples, writeProject, lintWithPlugin } from "../helpers";

const dir = path.join(FIXTURES, "cache-layers");

describe("cacheLayers", () => {
  it("turns the declared layer's calls into cache sites: a copy without expiry, a write with no invalidation", () => {
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    const results = JSON.parse(run.stdout) as Parameters<typeof toTuples>[0];
    assert.deepEqual(toTuples(results, dir), [
      "require-cache-ttl src/links/links.ts:15:10",
      "require-invalidation-on-write src/links/links.ts:10:9",
    ]);
    const messages = results.flatMap((r) => r.messages.map((m) => (m as { message?: string }).message ?? ""));
    assert.ok(messages.some((m) => m.startsWith("`withCache` writes `domain:{name}` with no expiry")));
  });

  it("lists the layer's families with the TTL read from the declared argument", () => {
    const run = runCliCaptured(["families", ".", "--format", "json"], dir);
    const families = JSON.parse(run.stdout) as Array<{
      pattern: string;
      library: string;
      ttls: Array<{ text: string }>;
    }>;
    assert.deepEqual(
      families.map((f) => `${f.pattern} ${f.library} ${f.ttls.map((t) => t.text).join(",")}`),
      ["domain:{name} cache-layer none", "link:{slug} cache-layer 86_400", "pixel:{slug} cache-layer 3600"],
    );
  });

  it("reports the same findings through ESLint with settings.cachewise.cacheLayers", async () => {
    const config = JSON.parse(readFileSync(path.join(dir, "cachewise.config.json"), "utf8")) as {
      cacheLayers: unknown;
    };
    const results = await lintWithPlugin(dir, { settings: { cachewise: { cacheLayers: config.cacheLayers } } });
    const cli = JSON.parse(runCliCaptured(["check", ".", "--format", "json"], dir).stdout) as Parameters<
      typeof toTuples
    >[0];
    assert.deepEqual(toTuples(results, dir), toTuples(cli, dir));
  });

  it("rejects a declaration it cannot use, naming the entry and the key", () => {
    const root = writeProject("cache-layers-bad", {
      "package.json": JSON.stringify({ name: "bad", private: true }),
      "tsconfig.json": STRICT_TSCONFIG,
      "src/a.ts": "export const a = 1;\n",
      "cachewise.config.json": JSON.stringify({
        cacheLayers: [{ function: "src/lib/cache.ts#withCache", load: 1 }],
      }),
    });
    const run = runCliCaptured(["check", "."], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cachewise\.config\.json: cacheLayers\[0\]\.key is required/);
  });
});
