#!/usr/bin/env node
// Deterministic generator for the many-families variant of the analyzer benchmark: projects whose size is counted
// in cache families, to show how `cachewise check` grows with the number of families.
//
//   --shape files       one family per file: `src/features/fNNNNN.ts` reads `itemNNNNN:{id}` from Redis, fills it
//                        from Prisma with a TTL, and deletes it after an update (every 10th family also has a
//                        write-through without a TTL, every 25th an update that forgets the delete, so the rules
//                        report something). `--families 0` gives the same project without features (fixed cost).
//   --shape one-file    every write in one file: `src/warm.ts` with `--writes` Redis writes over
//                        `--families` families (each family is written once in each of `writes / families`
//                        functions, with TTLs of 60 to 120 s: even families with `SET … EX`, odd ones with `SET`
//                        then `EXPIRE`; every 100th family also has one write without a TTL).
//
// Like generate-project.mjs, the project is written under bench/.generated/ so that module resolution walks up
// to the repository's node_modules (ioredis, @prisma/client), and a directory is only ever replaced when this
// generator created it. The Prisma client is not generated, so `tsc` reports the model accesses: the variant
// measures cachewise only. `cachewise.config.json` raises `maxFileBytes` so that the one big file is analysed.
//
// Usage: node bench/analyzer/generate-families.mjs --shape files --families 10000 [--out DIR]
//        node bench/analyzer/generate-families.mjs --shape one-file --writes 65000 --families 6500 [--out DIR]

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..");
export const FAMILIES_MARKER = ".cachewise-bench-families.json";

const pad = (n) => String(n).padStart(5, "0");

const REDIS = `import { Redis } from "ioredis";

/** One shared client. */
export const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
`;

const DB = `import { PrismaClient } from "@prisma/client";

export interface Item {
  id: string;
  name: string;
}

export const prisma = new PrismaClient();
`;

const INDEX = `// Entry point: the features are imported by nothing else, as in a service whose routes are discovered at start.
export const started = new Date();
`;

/** One family in its own file: a cache-aside read with a TTL, and an update that deletes the key. */
function featureFile(i) {
  const n = pad(i);
  const model = `item${n}`;
  const lines = [
    `import { prisma, type Item } from "../infra/db.js";`,
    `import { redis } from "../infra/redis.js";`,
    ``,
    `const TTL_S = ${60 * (1 + (i % 5))};`,
    `const key${n} = (id: string): string => \`item${n}:\${id}\`;`,
    ``,
    `export async function getItem${n}(id: string): Promise<Item | undefined> {`,
    `  const cached = await redis.get(key${n}(id));`,
    `  if (cached) return JSON.parse(cached) as Item;`,
    `  const row = (await prisma.${model}.findUnique({ where: { id } })) as Item | null;`,
    `  if (row) await redis.set(key${n}(id), JSON.stringify(row), "EX", TTL_S);`,
    `  return row ?? undefined;`,
    `}`,
    ``,
    `export async function renameItem${n}(id: string, name: string): Promise<void> {`,
    `  await prisma.${model}.update({ where: { id }, data: { name } });`,
    i % 25 === 0 ? `  // forgets the cache` : `  await redis.del(key${n}(id));`,
    `}`,
  ];
  if (i % 10 === 0) {
    lines.push(
      ``,
      `export async function saveItem${n}(item: Item): Promise<void> {`,
      `  const row = (await prisma.${model}.update({ where: { id: item.id }, data: { name: item.name } })) as Item;`,
      `  await redis.set(key${n}(item.id), JSON.stringify(row));`,
      `}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Every write in one file: `writes / families` functions per family, each writing ten families. */
function warmFile(families, writes) {
  const perFunction = 10;
  const functions = Math.ceil(writes / perFunction);
  const out = [`import { redis } from "./infra/redis.js";`, ``];
  let written = 0;
  for (let f = 0; f < functions; f++) {
    out.push(`export async function warm${pad(f)}(id: string, value: string): Promise<void> {`);
    for (let w = 0; w < perFunction && written < writes; w++, written++) {
      const family = written % families;
      // Every 100th family has one write without a TTL in its first function (a consistent-cache-ttl finding).
      const noTtl = family % 100 === 0 && written < families;
      const ttl = 60 + ((written / families) | 0) * 6;
      const key = `\`w${pad(family)}:\${id}\``;
      if (noTtl) out.push(`  await redis.set(${key}, value);`);
      // Odd families set the expiry with a separate EXPIRE right after the write.
      else if (family % 2 === 1) out.push(`  await redis.set(${key}, value);`, `  await redis.expire(${key}, ${ttl});`);
      else out.push(`  await redis.set(${key}, value, "EX", ${ttl});`);
    }
    out.push(`}`, ``);
  }
  return out.join("\n");
}

export function generateFamilies({ shape, families, writes, out, quiet = false }) {
  if (shape !== "files" && shape !== "one-file") throw new Error(`unknown shape ${shape}`);
  const outDir = resolve(out);
  const files = new Map([
    ["src/infra/redis.ts", REDIS],
    ["src/infra/db.ts", DB],
    ["src/index.ts", INDEX],
  ]);
  if (shape === "files") {
    for (let i = 1; i <= families; i++) files.set(`src/features/f${pad(i)}.ts`, featureFile(i));
  } else {
    files.set("src/warm.ts", warmFile(families, writes));
  }
  if (existsSync(outDir)) {
    if (!existsSync(join(outDir, FAMILIES_MARKER)))
      throw new Error(`refusing to overwrite ${outDir}: it was not created by this generator (no ${FAMILIES_MARKER})`);
    rmSync(outDir, { recursive: true, force: true });
  }
  for (const [path, content] of files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), content);
  }
  const tsconfig = {
    compilerOptions: {
      strict: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      lib: ["es2022"],
      types: ["node"],
      skipLibCheck: true,
      noEmit: true,
    },
    include: ["src"],
  };
  writeFileSync(join(outDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  // The one-file shape is far over the default 1 MB limit, above which a file is skipped as generated code.
  const config = { maxFileBytes: 100_000_000 };
  writeFileSync(join(outDir, "cachewise.config.json"), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(
    join(outDir, "package.json"),
    `${JSON.stringify({ name: `families-${shape}-${families}`, version: "0.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  const meta = {
    generatorHash: familiesGeneratorHash(),
    shape,
    families,
    writes: shape === "files" ? families + Math.floor(families / 10) : writes,
    files: files.size,
  };
  writeFileSync(join(outDir, FAMILIES_MARKER), `${JSON.stringify(meta, null, 2)}\n`);
  if (!quiet) console.log(`generated ${outDir}: ${meta.files} files, ${meta.families} families, ${meta.writes} writes`);
  return { outDir, meta };
}

export function familiesGeneratorHash() {
  return createHash("sha256")
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest("hex")
    .slice(0, 16);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      shape: { type: "string", default: "files" },
      families: { type: "string", default: "100" },
      writes: { type: "string", default: "65000" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: node bench/analyzer/generate-families.mjs [--shape files|one-file] [--families 100] [--writes 65000] [--out DIR]",
    );
    process.exit(0);
  }
  const families = Number.parseInt(values.families, 10);
  const writes = Number.parseInt(values.writes, 10);
  if (!Number.isInteger(families) || families < 0 || !Number.isInteger(writes) || writes < 1) {
    console.error("--families must be an integer >= 0 and --writes an integer >= 1");
    process.exit(2);
  }
  if (values.shape === "one-file" && families < 1) {
    console.error("--shape one-file needs --families >= 1");
    process.exit(2);
  }
  const out =
    values.out ??
    join(
      REPO_ROOT,
      "bench",
      ".generated",
      values.shape === "files" ? `families-${families}` : `one-file-${writes}-${families}`,
    );
  generateFamilies({ shape: values.shape, families, writes, out });
}
