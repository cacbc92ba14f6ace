// no-mutated-cached-value through ESLint: typed RuleTester cases on real library imports.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["no-mutated-cached-value"]!;
const ruleTester = createRuleTester();

const TAGS = ['import memoize from "lodash/memoize.js";', 'export const getTags = memoize((id: string) => [id, "default"]);'];
const LRU = ['import { LRUCache } from "lru-cache";', "const entries = new LRUCache<string, { tags: string[] }>({ max: 100 });"];

ruleTester.run("no-mutated-cached-value", rule, {
  valid: [
    { name: "a spread copy", filename: FILENAME, code: lines(...TAGS, "export function f(id: string) {", "  const tags = [...getTags(id)];", "  tags.push('x');", "  return tags;", "}") },
    { name: "slice() then sort()", filename: FILENAME, code: lines(...TAGS, "export function f(id: string) {", "  const tags = getTags(id).slice();", "  tags.sort();", "  return tags;", "}") },
    { name: "toSorted() does not mutate", filename: FILENAME, code: lines(...TAGS, "export function f(id: string) {", "  return getTags(id).toSorted();", "}") },
    { name: "structuredClone", filename: FILENAME, code: lines(...TAGS, "export function f(id: string) {", "  const tags = structuredClone(getTags(id));", "  tags.push('x');", "  return tags;", "}") },
    { name: "reading without mutating", filename: FILENAME, code: lines(...TAGS, "export function f(id: string) {", "  const tags = getTags(id);", "  return tags.includes('x') ? tags.length : 0;", "}") },
    {
      name: "node-cache clones by default",
      filename: FILENAME,
      code: lines('import NodeCache from "node-cache";', "const cache = new NodeCache({ stdTTL: 60 });", "export function f(id: string) {", "  const v = cache.get<{ n: number }>(id);", "  if (v) v.n += 1;", "}"),
    },
    {
      name: "keyv returns copies",
      filename: FILENAME,
      code: lines('import Keyv from "keyv";', "const store = new Keyv<{ n: number }>();", "export async function f(id: string) {", "  const v = await store.get(id);", "  if (v) v.n = 1;", "}"),
    },
    {
      name: "an entry the function creates and stores itself",
      filename: FILENAME,
      code: lines(...LRU, "export function add(id: string, tag: string) {", "  let entry = entries.get(id);", "  if (!entry) {", "    entry = { tags: [] };", "    entries.set(id, entry);", "  }", "  entry.tags.push(tag);", "}"),
    },
    {
      name: "a local class with get() is not a cache",
      filename: FILENAME,
      code: lines("class Registry {", "  get(id: string) {", "    return { id, tags: [] as string[] };", "  }", "}", "const registry = new Registry();", "export function f(id: string) {", "  registry.get(id).tags.push('x');", "  const r = registry.get(id);", "  r.tags.push('y');", "}"),
    },
    {
      name: "a helper that only reads the value",
      filename: FILENAME,
      code: lines(...TAGS, "function count(list: string[]) {", "  return list.length;", "}", "export function f(id: string) {", "  const tags = getTags(id);", "  return count(tags);", "}"),
    },
    {
      name: "a table of mutable records: every set stores a fresh literal that is then updated in place",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const requests = new LRUCache<string, { startedAt: number; loadedAt: number | null }>({ max: 100 });",
        "export function start(id: string, now: number) {",
        "  requests.set(id, { startedAt: now, loadedAt: null });",
        "}",
        "export function loaded(id: string, now: number) {",
        "  const request = requests.get(id);",
        "  if (request) request.loadedAt = now;",
        "}",
      ),
    },
    {
      name: "an entry taken out of the cache before it is changed",
      filename: FILENAME,
      code: lines(...LRU, "export function finish(id: string) {", "  const entry = entries.get(id);", "  entries.delete(id);", "  if (entry) entry.tags.push('done');", "}"),
    },
    {
      name: "checkMemoized off",
      filename: FILENAME,
      options: [{ checkMemoized: false, checkCaches: true }],
      code: lines(...TAGS, "export function f(id: string) {", "  const tags = getTags(id);", "  tags.push('x');", "}"),
    },
  ],
  invalid: [
    {
      name: "push() into a memoized result",
      filename: FILENAME,
      code: lines(...TAGS, "export function f(id: string) {", "  const tags = getTags(id);", "  tags.push('x');", "  return tags;", "}"),
      errors: [{ messageId: "mutatedMemoizedValue", line: 5, column: 3, endLine: 5, endColumn: 17, data: { variable: "tags", source: "getTags", sourceLocation: "file.ts:4", mutation: "`push()`", via: "" } }],
    },
    {
      name: "assigning a property of an awaited memoized result",
      filename: FILENAME,
      code: lines('import pMemoize from "p-memoize";', "export const getUser = pMemoize(async (id: string) => ({ id, name: 'n' }));", "export async function rename(id: string, name: string) {", "  const user = await getUser(id);", "  user.name = name;", "}"),
      errors: [{ messageId: "mutatedMemoizedValue", line: 5, column: 3, endLine: 5, endColumn: 19 }],
    },
    {
      name: "a destructured part of a memoized result",
      filename: FILENAME,
      code: lines('import memoize from "lodash/memoize.js";', "export const getPost = memoize((id: string) => ({ id, tags: [] as string[] }));", "export function tag(id: string) {", "  const { tags } = getPost(id);", "  tags.push('new');", "}"),
      errors: [{ messageId: "mutatedMemoizedValue", line: 5, column: 3, endLine: 5, endColumn: 19 }],
    },
    {
      name: "an lru-cache entry changed in place",
      filename: FILENAME,
      code: lines(...LRU, "export function tag(id: string) {", "  const entry = entries.get(id);", "  if (entry) entry.tags.push('x');", "}"),
      errors: [{ messageId: "mutatedCacheEntry", line: 5, column: 14, endLine: 5, endColumn: 34 }],
    },
    {
      name: "node-cache with useClones: false",
      filename: FILENAME,
      code: lines('import NodeCache from "node-cache";', "const cache = new NodeCache({ stdTTL: 60, useClones: false });", "export function f(id: string) {", "  const v = cache.get<{ n: number }>(id);", "  if (v) delete v.n;", "}"),
      errors: [{ messageId: "mutatedCacheEntry", line: 5, column: 10, endLine: 5, endColumn: 20 }],
    },
    {
      name: "Object.assign into a value from a module-level Map cache",
      filename: FILENAME,
      code: lines(
        "const settings = new Map<string, { theme: string }>();",
        "export function load(id: string) {",
        "  const hit = settings.get(id);",
        "  if (hit) return hit;",
        "  const value = { theme: 'light' };",
        "  settings.set(id, value);",
        "  return value;",
        "}",
        "export function darken(id: string) {",
        "  const current = settings.get(id);",
        "  if (current) Object.assign(current, { theme: 'dark' });",
        "}",
      ),
      errors: [{ messageId: "mutatedCacheEntry", line: 11, column: 16, endLine: 11, endColumn: 57 }],
    },
    {
      name: "passing a memoized result to a helper that mutates it",
      filename: FILENAME,
      code: lines(...TAGS, "function addDefaults(list: string[]) {", "  list.push('more');", "}", "export function f(id: string) {", "  const tags = getTags(id);", "  addDefaults(tags);", "}"),
      errors: [{ messageId: "mutatedMemoizedValue", line: 8, column: 3, endLine: 8, endColumn: 20, data: { variable: "tags", source: "getTags", sourceLocation: "file.ts:7", mutation: "passing it to `addDefaults`", via: " (which mutates it at file.ts:4)" } }],
    },
    {
      name: "sorting an alias of a memoized result",
      filename: FILENAME,
      code: lines(...TAGS, "export function f(id: string) {", "  const tags = getTags(id);", "  const same = tags;", "  same.sort();", "}"),
      errors: [{ messageId: "mutatedMemoizedValue", line: 6, column: 3, endLine: 6, endColumn: 14 }],
    },
  ],
});
