// Key inputs taken from parameters' fields, and a cache-aside pair of project functions (bench/accuracy/notes/
// recall-g-pass5.md), in our own words: a local destructured from a parameter (or a route parameter of an untyped
// request) is an input of the value like the parameter itself; a read and a write named for one cache
// (`getCachedX(k)` … `putCachedX(k, value)`) used cache-aside by a handler have their key arguments checked against
// the stored value's inputs, and the finding is on the lookup.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

const CARDS = [
  'import { LRUCache } from "lru-cache";',
  "interface Query { accountId: string; size: number }",
  "declare function drawBadge(accountId: string, size: number): Promise<string>;",
  "const badges = new LRUCache<string, string>({ max: 100, ttl: 10_000 });",
];

const PAIR = [
  "interface Req { params: any }",
  "interface Out { write(body: string): void }",
  "declare const slots: { get(k: string): string | undefined; set(k: string, v: string): void };",
  "declare function loadSheet(sheetId: string): Promise<string>;",
  "declare function toCsv(sheet: string, delimiter: string): Promise<string>;",
  "function readCachedExport(delimiter: string): string | undefined { return slots.get(delimiter); }",
  "function writeCachedExport(delimiter: string, csv: string): void { slots.set(delimiter, csv); }",
  "function readCachedSheet(sheetId: string, delimiter: string): string | undefined { return slots.get(`${sheetId}:${delimiter}`); }",
  "function writeCachedSheet(sheetId: string, delimiter: string, csv: string): void { slots.set(`${sheetId}:${delimiter}`, csv); }",
];

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "both fields destructured from the query are in the key",
      filename: FILENAME,
      code: lines(
        ...CARDS,
        "export async function badge(query: Query) {",
        "  const { accountId, size } = query;",
        "  const key = `${accountId}:${size}`;",
        "  const hit = badges.get(key);",
        "  if (hit !== undefined) return hit;",
        "  const svg = await drawBadge(accountId, size);",
        "  badges.set(key, svg);",
        "  return svg;",
        "}",
      ),
    },
    {
      name: "a pair of cache functions whose key arguments name the sheet",
      filename: FILENAME,
      code: lines(
        ...PAIR,
        "export async function exportSheet(req: Req, out: Out) {",
        "  const { sheetId, delimiter } = req.params;",
        "  const cached = readCachedSheet(sheetId, delimiter);",
        "  if (cached !== undefined) {",
        "    out.write(cached);",
        "    return;",
        "  }",
        "  const csv = await toCsv(await loadSheet(sheetId), delimiter);",
        "  writeCachedSheet(sheetId, delimiter, csv);",
        "  out.write(csv);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a field destructured from the query left out of the key",
      filename: FILENAME,
      code: lines(
        ...CARDS,
        "export async function badge(query: Query) {",
        "  const { accountId, size } = query;",
        "  const hit = badges.get(accountId);",
        "  if (hit !== undefined) return hit;",
        "  const svg = await drawBadge(accountId, size);",
        "  badges.set(accountId, svg);",
        "  return svg;",
        "}",
      ),
      errors: [
        {
          messageId: "inputMissingFromKey",
          line: 10,
          data: { cache: "{accountId}", inputs: "size", them: "it" },
        },
      ],
    },
    {
      name: "a pair of cache functions keyed without the sheet the route names",
      filename: FILENAME,
      code: lines(
        ...PAIR,
        "export async function exportSheet(req: Req, out: Out) {",
        "  const { sheetId, delimiter } = req.params;",
        "  const cached = readCachedExport(delimiter);",
        "  if (cached !== undefined) {",
        "    out.write(cached);",
        "    return;",
        "  }",
        "  const csv = await toCsv(await loadSheet(sheetId), delimiter);",
        "  writeCachedExport(delimiter, csv);",
        "  out.write(csv);",
        "}",
      ),
      errors: [
        {
          messageId: "inputMissingFromKey",
          line: 12,
          data: { cache: "readCachedExport(delimiter)", inputs: "sheetId", them: "it" },
        },
      ],
    },
  ],
});

/** A table of in-flight lookups shared by concurrent callers. */
const TABLE = [
  "declare function resolveHost(name: string): Promise<string>;",
  "const lookups = new Map<string, Promise<string>>();",
];

ruleTester.run("no-cached-rejection", rules["no-cached-rejection"]!, {
  valid: [
    {
      name: "the entry is removed in finally",
      filename: FILENAME,
      code: lines(
        ...TABLE,
        "export async function address(name: string) {",
        "  const running = lookups.get(name);",
        "  if (running) return running;",
        "  const lookup = resolveHost(name);",
        "  lookups.set(name, lookup);",
        "  try {",
        "    return await lookup;",
        "  } finally {",
        "    lookups.delete(name);",
        "  }",
        "}",
      ),
    },
    {
      name: "the promise removes its own entry when it settles",
      filename: FILENAME,
      code: lines(
        ...TABLE,
        "export async function address(name: string) {",
        "  const running = lookups.get(name);",
        "  if (running) return running;",
        "  const lookup = resolveHost(name).finally(() => lookups.delete(name));",
        "  lookups.set(name, lookup);",
        "  return await lookup;",
        "}",
      ),
    },
    {
      name: "a table local to the call",
      filename: FILENAME,
      code: lines(
        "declare function resolveHost(name: string): Promise<string>;",
        "export async function addresses(names: string[]) {",
        "  const lookups = new Map<string, Promise<string>>();",
        "  const out: string[] = [];",
        "  for (const name of names) {",
        "    const lookup = resolveHost(name);",
        "    lookups.set(name, lookup);",
        "    out.push(await lookup);",
        "    lookups.delete(name);",
        "  }",
        "  return out;",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "the entry is removed only after a successful await",
      filename: FILENAME,
      code: lines(
        ...TABLE,
        "export async function address(name: string) {",
        "  const running = lookups.get(name);",
        "  if (running) return running;",
        "  const lookup = resolveHost(name);",
        "  lookups.set(name, lookup);",
        "  const ip = await lookup;",
        "  lookups.delete(name);",
        "  return ip;",
        "}",
      ),
      errors: [
        {
          messageId: "inFlightKept",
          line: 8,
          data: { holder: "lookups", removal: "lookups.delete(name)" },
        },
      ],
    },
    {
      name: "an entry registered by a helper, released by another after the await",
      filename: FILENAME,
      code: lines(
        "interface Slot { key: string; value: Promise<number> | number | undefined }",
        "declare function count(key: string): Promise<number>;",
        "export class Counter {",
        "  private readonly slots = new Map<string, Slot>();",
        "  async total(key: string) {",
        "    const slot = this.slots.get(key) ?? this.open(key);",
        "    if (slot.value === undefined) slot.value = count(key);",
        "    slot.value = await slot.value;",
        "    this.close(slot);",
        "    return slot.value;",
        "  }",
        "  private open(key: string): Slot {",
        "    const slot: Slot = { key, value: undefined };",
        "    this.slots.set(key, slot);",
        "    return slot;",
        "  }",
        "  private close(slot: Slot) {",
        "    this.slots.delete(slot.key);",
        "  }",
        "}",
      ),
      errors: [
        {
          messageId: "inFlightKept",
          line: 8,
          data: { holder: "this.slots", removal: "this.close(slot)" },
        },
      ],
    },
  ],
});
