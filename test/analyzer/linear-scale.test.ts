// The program model and the rules do work in proportion to the program, not to its square: no rule scans every
// family (or every write of a family) once per file or per write, and no model pass compares every pair of sites.
// Measured without a clock: every read of a cache site's properties, and of an element of the program's family list
// or of a family's lists, is counted while the program model is built and every rule checks every file; the count
// per family must stay flat when the project grows fourfold (a quadratic pass makes it grow fourfold as well).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCheck } from "../../analyzer/src/cli/run";
import { createLocationFormatter } from "../../analyzer/src/analyze/analyze-files";
import type { CacheSite, FileCacheModel } from "../../analyzer/src/model/cache-model";
import type { CacheFamily, ProgramModel } from "../../analyzer/src/model/program-model";
import { buildProgramModel } from "../../analyzer/src/program-model/build-program-model";
import { RULES } from "../../analyzer/src/rule-registry";
import { STRICT_TSCONFIG, writeProject } from "../helpers";

const pad = (n: number) => String(n).padStart(3, "0");

const INFRA = {
  "tsconfig.json": STRICT_TSCONFIG,
  "package.json": JSON.stringify({ name: "scale", private: true, type: "module" }),
  "src/infra/redis.ts": `import { Redis } from "ioredis";
export const redis = new Redis("redis://127.0.0.1:6379", { lazyConnect: true });
`,
  "src/infra/db.ts": `import { PrismaClient } from "@prisma/client";
export const prisma = new PrismaClient();
`,
};

/** One family per file: a cache-aside read with a TTL, an update that deletes the key, every other one a write-through without a TTL. */
function featureFile(i: number): string {
  const n = pad(i);
  return `import { prisma } from "../infra/db.js";
import { redis } from "../infra/redis.js";

const key${n} = (id: string): string => \`item${n}:\${id}\`;

export async function getItem${n}(id: string): Promise<unknown> {
  const cached = await redis.get(key${n}(id));
  if (cached) return JSON.parse(cached);
  const row = await prisma.item${n}.findUnique({ where: { id } });
  if (row) await redis.set(key${n}(id), JSON.stringify(row), "EX", 300);
  return row;
}

export async function renameItem${n}(id: string, name: string): Promise<void> {
  await prisma.item${n}.update({ where: { id }, data: { name } });
  ${i % 3 === 0 ? "// forgets the cache" : `await redis.del(key${n}(id));`}
}
${
  i % 2 === 0
    ? `
export async function saveItem${n}(id: string, name: string): Promise<void> {
  const row = await prisma.item${n}.update({ where: { id }, data: { name } });
  await redis.set(key${n}(id), JSON.stringify(row));
}
`
    : ""
}`;
}

/** Every write in one file: each family written in four functions, half of them as SET then EXPIRE. */
function warmFile(families: number): string {
  const functions: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (let start = 0; start < families; start += 5) {
      const writes: string[] = [];
      for (let family = start; family < Math.min(start + 5, families); family++) {
        const key = `\`w${pad(family)}:\${id}\``;
        writes.push(
          family % 2 === 1
            ? `  await redis.set(${key}, value);\n  await redis.expire(${key}, ${60 + round * 10});`
            : `  await redis.set(${key}, value, "EX", ${60 + round * 10});`,
        );
      }
      functions.push(
        `export async function warm${round}x${pad(start)}(id: string, value: string): Promise<void> {\n${writes.join("\n")}\n}\n`,
      );
    }
  }
  return `import { redis } from "./infra/redis.js";\n\n${functions.join("\n")}`;
}

/** One family written in many functions, with a TTL of one or two minutes; every tenth write has none. */
function hotFile(writes: number): string {
  const functions: string[] = [];
  for (let i = 0; i < writes; i++) {
    const ttl = i % 10 === 0 ? "" : `, "EX", ${60 + (i % 2) * 60}`;
    functions.push(
      `export async function put${pad(i)}(id: string, value: string): Promise<void> {\n  await redis.set(\`hot:\${id}\`, value${ttl});\n}\n`,
    );
  }
  return `import { redis } from "./infra/redis.js";\n\n${functions.join("\n")}`;
}

/** Counts reads of array elements (a numeric property). */
function countElements<T>(array: T[], counter: { reads: number }): T[] {
  return new Proxy(array, {
    get(target, property, receiver) {
      if (typeof property === "string" && property.length > 0 && property >= "0" && property <= "9") counter.reads++;
      return Reflect.get(target, property, receiver);
    },
  });
}

/** Counts every property read. */
function countProperties<T extends object>(object: T, counter: { reads: number }): T {
  return new Proxy(object, {
    get(target, property, receiver) {
      counter.reads++;
      return Reflect.get(target, property, receiver);
    },
  });
}

/** The reads made by building the program model of the project and running every rule on every file, and what it found. */
function countReads(files: Record<string, string>): {
  reads: number;
  families: number;
  writes: number;
  findings: number;
  /** Findings by rule. */
  byRule: Record<string, number>;
} {
  const directory = writeProject("linear-scale", { ...INFRA, ...files });
  const result = runCheck({
    cwd: directory,
    paths: [directory],
    projects: [],
    configFile: undefined,
    ruleOverrides: {},
    skipRules: true,
  });
  const models = result.programs.flat() as Array<FileCacheModel & { sites: CacheSite[] }>;
  const counter = { reads: 0 };
  // One proxy per site, wherever the model holds it, so that identity comparisons keep working.
  const proxies = new Map<CacheSite, CacheSite>();
  const wrap = (site: CacheSite) => {
    let proxy = proxies.get(site);
    if (!proxy) proxies.set(site, (proxy = countProperties(site, counter)));
    return proxy;
  };
  for (const model of models) {
    model.sites = countElements(model.sites.map(wrap), counter);
    for (const cache of model.mapCaches) (cache as { sites: CacheSite[] }).sites = cache.sites.map(wrap);
  }
  const program: ProgramModel = buildProgramModel(models);
  program.families = countElements(program.families, counter);
  for (const family of program.families as CacheFamily[]) {
    family.reads = countElements(family.reads, counter);
    family.writes = countElements(family.writes, counter);
    family.invalidations = countElements(family.invalidations, counter);
    family.ttls = countElements(family.ttls, counter);
    family.entities = countElements(family.entities, counter);
  }
  const formatLocation = createLocationFormatter(directory);
  const byRule: Record<string, number> = {};
  for (const model of models) {
    for (const rule of RULES) {
      // require-ttl-policy is active only when families are given a data class.
      const options =
        rule.id === "require-ttl-policy"
          ? { ...rule.defaultOptions, families: [{ match: "*", class: "transactional" }] }
          : rule.defaultOptions;
      for (const finding of rule.check(model, { options, formatLocation, getProgramModel: () => program }))
        byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
    }
  }
  const writes = program.families.reduce((sum, family) => sum + family.writes.length, 0);
  const findings = Object.values(byRule).reduce((sum, n) => sum + n, 0);
  return { reads: counter.reads, families: program.families.length, writes, findings, byRule };
}

function featureProject(families: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= families; i++) files[`src/features/f${pad(i)}.ts`] = featureFile(i);
  return files;
}

describe("work grows linearly with the program", () => {
  it("one family per file: the reads per family stay flat from 12 to 60 files", () => {
    const small = countReads(featureProject(12));
    const large = countReads(featureProject(60));
    assert.equal(small.families, 12);
    assert.equal(large.families, 60);
    // The projects have findings of every kind the features contain (the rules ran on real families).
    assert.ok(large.findings >= 5 * small.findings - 5, `${small.findings} → ${large.findings} findings`);
    const growth = large.reads / large.families / (small.reads / small.families);
    assert.ok(growth < 1.12, `reads per family grew ${growth.toFixed(2)}× (${small.reads} → ${large.reads})`);
  });

  it("every write in one file: the reads per family stay flat from 40 to 160 families", () => {
    const small = countReads({ "src/warm.ts": warmFile(40) });
    const large = countReads({ "src/warm.ts": warmFile(160) });
    assert.equal(small.families, 40);
    assert.equal(large.families, 160);
    const growth = large.reads / large.families / (small.reads / small.families);
    assert.ok(growth < 1.12, `reads per family grew ${growth.toFixed(2)}× (${small.reads} → ${large.reads})`);
  });

  it("one family written in many places: the reads per write stay flat from 40 to 160 writes", () => {
    const small = countReads({ "src/hot.ts": hotFile(40) });
    const large = countReads({ "src/hot.ts": hotFile(160) });
    assert.deepEqual([small.families, small.writes, large.families, large.writes], [1, 40, 1, 160]);
    // Every write without a TTL is reported, once.
    assert.deepEqual([small.byRule["consistent-cache-ttl"], large.byRule["consistent-cache-ttl"]], [4, 16]);
    const growth = large.reads / large.writes / (small.reads / small.writes);
    assert.ok(growth < 1.12, `reads per write grew ${growth.toFixed(2)}× (${small.reads} → ${large.reads})`);
  });
});
