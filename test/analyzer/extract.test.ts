import assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { createProgram, readTsconfig, createDefaultProject, ts } from "../../analyzer/src/cli/load-projects";
import { extractFileModel, getUnresolvedLibraryImports } from "../../analyzer/src/extract/extract-file";
import type { ExtractionHost } from "../../analyzer/src/extract/host";
import type { FileCacheModel } from "../../analyzer/src/model/cache-model";
import { FIXTURES, STRICT_TSCONFIG, writeProject } from "../helpers";

function extract(tsconfig: string, file: string): { model: FileCacheModel; host: ExtractionHost } {
  const program = createProgram(readTsconfig(tsconfig), 1_000_000, []);
  const host = { ts, program, checker: program.getTypeChecker() } as unknown as ExtractionHost;
  const sourceFile = program.getSourceFile(file);
  assert.ok(sourceFile, `${file} is in the program`);
  return { model: extractFileModel(host, sourceFile as never), host };
}

describe("extraction", () => {
  const basic = path.join(FIXTURES, "basic");
  const { model } = extract(path.join(basic, "tsconfig.json"), path.join(basic, "src", "service.ts"));

  it("resolves an instance constructed in another file through its import", () => {
    const write = model.sites.find((s) => s.method === "set" && s.library === "lru-cache");
    assert.ok(write, "users.set is recognised as lru-cache");
    assert.equal(write.operation, "write");
    assert.equal(write.instance?.name, "users");
    assert.equal(write.instance?.constructedAt?.file, path.join(basic, "src", "clients.ts"));
    assert.equal(write.instance?.constructedAt?.line, 6);
    assert.deepEqual(write.instance?.bound, { kind: "entries", value: 500, text: "500" });
  });

  it("builds key templates through key builders and constants imported from elsewhere", () => {
    const sets = model.sites.filter((s) => s.library === "ioredis" && s.method === "set");
    assert.deepEqual(
      sets.map((s) => s.key?.pattern),
      ["user:{id}", "profile:{id}"],
    );
  });

  it("normalises TTLs to milliseconds", () => {
    const withTtl = model.sites.find((s) => s.method === "set" && s.key?.pattern === "profile:{id}");
    assert.deepEqual(withTtl?.ttl, { kind: "set", ms: 60_000, text: "60", unit: "s" });
    const expire = model.sites.find((s) => s.operation === "expire");
    assert.deepEqual(expire?.ttl, { kind: "set", ms: 300_000, text: "300", unit: "s" });
    const settingsWrite = model.sites.find((s) => s.instance?.name === "settings");
    assert.deepEqual(settingsWrite?.instance?.defaultTtl, { kind: "set", ms: 60_000, text: "60", unit: "s" });
  });

  it("describes memoizers: keying, async, finite key domain", () => {
    const memoizers = model.sites.filter((s) => s.operation === "memoize");
    assert.equal(memoizers.length, 2);
    const [prices, byFlag] = memoizers;
    assert.equal(prices!.memoize?.keying, "first-argument");
    assert.equal(prices!.memoize?.fn?.isAsync, true);
    assert.equal(prices!.memoize?.fn?.hasFiniteDomain, false);
    assert.equal(prices!.memoize?.lifetime, "module");
    assert.equal(byFlag!.memoize?.fn?.hasFiniteDomain, true);
  });

  it("does not take a local class with a set method for a cache", () => {
    assert.equal(model.sites.filter((s) => s.span.line >= 24).length, 0);
  });

  it("fails loudly when the injected ts does not match the nodes", () => {
    const program = createProgram(readTsconfig(path.join(basic, "tsconfig.json")), 1_000_000, []);
    const otherTs = { ...ts, SyntaxKind: { ...ts.SyntaxKind, SourceFile: 9999 } };
    const host = { ts: otherTs, program, checker: program.getTypeChecker() } as unknown as ExtractionHost;
    assert.throws(
      () => extractFileModel(host, program.getSourceFile(path.join(basic, "src", "service.ts")) as never),
      /does not match the compiler/,
    );
  });

  it("recognises every Redis client's TTL shape", () => {
    const dir = writeProject("redis-shapes", {
      "tsconfig.json": STRICT_TSCONFIG,
      "package.json": '{"type":"module"}',
      "src/a.ts": `
import { createClient } from "redis";
import { Redis as Upstash } from "@upstash/redis";
import { Redis } from "ioredis";
const client = createClient();
const upstash = new Upstash({ url: "http://127.0.0.1", token: "t" });
const io = new Redis();
export async function f(k: string) {
  await client.set(k, "v", { EX: 10 });
  await client.set(k, "v", { expiration: { type: "PX", value: 1500 } });
  await client.set(k, "v", { expiration: "KEEPTTL" });
  await client.setEx(k, 30, "v");
  await upstash.set(k, "v", { ex: 5 });
  await upstash.set(k, "v", { keepTtl: true });
  await io.set(k, "v", "PX", 250, "NX");
  await io.setex(k, 7, "v");
  await io.pipeline().set(k, "v").expire(k, 9).exec();
}
`,
    });
    const { model } = extract(path.join(dir, "tsconfig.json"), path.join(dir, "src", "a.ts"));
    const ttls = model.sites
      .filter((s) => s.operation === "write" || s.operation === "expire")
      .map((s) => `${s.library}.${s.method}:${s.ttl.kind === "set" ? s.ttl.ms : s.ttl.kind}`);
    assert.deepEqual(ttls, [
      "node-redis.set:10000",
      "node-redis.set:1500",
      "node-redis.set:keep",
      "node-redis.setex:30000",
      "upstash-redis.set:5000",
      "upstash-redis.set:keep",
      "ioredis.set:250",
      "ioredis.setex:7000",
      "ioredis.set:none",
      "ioredis.expire:9000",
    ]);
    const pipelined = model.sites.filter((s) => s.batchId !== undefined);
    assert.equal(pipelined.length, 2);
    assert.equal(pipelined[0]!.batchId, pipelined[1]!.batchId);
  });

  it("falls back to import specifiers when dependencies are not installed", () => {
    // Outside the repository, so that no node_modules is found.
    const dir = writeProject(
      "cachewise-no-deps",
      {
        "tsconfig.json": STRICT_TSCONFIG.replace('"types":["node"]', '"types":[]'),
        "src/a.ts": `import { Redis } from "ioredis";\nimport memoize from "lodash/memoize.js";\nconst redis = new Redis();\nexport async function f(k: string) { await redis.set(k, "v"); }\nexport const g = memoize(async (id: string) => id);\n`,
      },
      os.tmpdir(),
    );
    const { model, host } = extract(path.join(dir, "tsconfig.json"), path.join(dir, "src", "a.ts"));
    assert.deepEqual(
      model.sites.map((s) => `${s.library}:${s.operation}`),
      ["ioredis:construct", "ioredis:write", "lodash:memoize"],
    );
    assert.deepEqual(getUnresolvedLibraryImports(host), ["ioredis", "lodash/memoize.js"]);
  });

  it("analyses plain JavaScript with require()", () => {
    const dir = writeProject("plain-js", {
      "src/cache.js": `const Redis = require("ioredis");\nconst redis = new Redis();\nasync function save(id, v) { await redis.set("item:" + id, v); }\nmodule.exports = { save };\n`,
    });
    const file = path.join(dir, "src", "cache.js");
    const program = createProgram(createDefaultProject([file]), 1_000_000, []);
    const host = { ts, program, checker: program.getTypeChecker() } as unknown as ExtractionHost;
    const model = extractFileModel(host, program.getSourceFile(file) as never);
    const write = model.sites.find((s) => s.operation === "write");
    assert.equal(write?.library, "ioredis");
    assert.equal(write?.key?.pattern, "item:{id}");
  });
});

function assertPlainData(value: unknown, where: string): void {
  if (value === null || value === undefined || ["string", "number", "boolean"].includes(typeof value)) return;
  assert.ok(typeof value === "object", `${where} is a ${typeof value}`);
  const prototype = Object.getPrototypeOf(value);
  assert.ok(prototype === Object.prototype || prototype === Array.prototype, `${where} is not a plain object or array`);
  for (const [key, child] of Object.entries(value as object)) assertPlainData(child, `${where}.${key}`);
}

describe("extraction of memoization facts", () => {
  const dir = path.join(FIXTURES, "memoization");
  const tsconfig = path.join(dir, "tsconfig.json");

  it("records an impurity found through calls in other files, with the chain and the write, as plain data", () => {
    const { model } = extract(tsconfig, path.join(dir, "src", "pricing.ts"));
    const priceOf = model.sites.find((s) => s.memoize?.fn?.name === "priceOf");
    const impurities = priceOf?.memoize?.fn?.impurities ?? [];
    assert.equal(impurities.length, 1, JSON.stringify(impurities));
    const [impurity] = impurities;
    assert.equal(impurity!.kind, "mutable-state");
    assert.equal(impurity!.subject, "discountRate");
    assert.deepEqual(
      impurity!.chain.map((step) => [step.name, path.relative(dir, step.span.file), step.span.line]),
      [["applyDiscount", "src/discounts.ts", 3]],
    );
    assert.deepEqual(
      [impurity!.writtenIn?.name, impurity!.writtenIn?.how, impurity!.writtenIn?.span.line],
      ["setDiscountRate", "reassigned", 5],
    );
    // The model is plain data: no TypeScript nodes, symbols or functions inside.
    assertPlainData(model, "model");
    const labelOf = model.sites.find((s) => s.memoize?.fn?.name === "labelOf");
    assert.deepEqual(labelOf?.memoize?.fn?.impurities, [], "REGION is read once at load");
  });

  it("records fn.length, key gaps and rejection behaviour", () => {
    const pricing = extract(tsconfig, path.join(dir, "src", "pricing.ts")).model;
    const describeSite = pricing.sites.find((s) => s.memoize?.fn?.name === "describe");
    assert.deepEqual(
      [describeSite?.memoize?.keying, describeSite?.memoize?.fn?.length, describeSite?.memoize?.fn?.parameterCount],
      ["function-length", 1, 2],
    );
    const catalog = extract(tsconfig, path.join(dir, "src", "catalog.ts")).model;
    assert.deepEqual(
      catalog.keyGaps.map((gap) => [gap.kind, gap.cache, gap.inputs, gap.span.line]),
      [["input-missing-from-key", "product:{sku}", ["currency"], 28]],
    );
    const byName = (name: string) => catalog.sites.find((s) => s.memoize?.fn?.name === name)?.memoize;
    assert.equal(byName("getProduct")?.rejections, "dropped");
    assert.equal(byName("getProductMem")?.rejections, "kept");
  });

  it("records a cached value mutated through a helper", () => {
    const { model } = extract(tsconfig, path.join(dir, "src", "tags.ts"));
    assert.deepEqual(
      model.cachedValueMutations.map((m) => [
        m.variable,
        m.source.kind,
        m.source.name,
        m.span.line,
        m.via?.name,
        m.via?.span.line,
      ]),
      [["product", "memoized", "getProduct", 10, "addDefaultTags", 4]],
    );
  });
});
