// A project key-value store (a module whose methods the analyzer cannot see: `./kv-store` is not even there) is the
// source of truth of a cache that stores what it reads under the same key. A write of that key must invalidate the
// cached copy; a copy under another key, or a write followed by the delete, is silent. The cross-module form (mixins,
// `keys.push(…)`, a caller that deletes before the write) is in test/parity/store-mirrors.test.ts.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

const membersMirror = [
  'import { LRUCache } from "lru-cache";',
  'import * as store from "./kv-store";',
  "const cache = new LRUCache<string, string[]>({ max: 1000 });",
  "export async function membersOf(name: string) {",
  "  const hit = cache.get(`team:${name}:members`);",
  "  if (hit) return hit;",
  "  const list = await store.getListItems(`team:${name}:members`);",
  "  cache.set(`team:${name}:members`, list);",
  "  return list;",
  "}",
];

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "a write of the store key followed by the delete of the cached copy",
      filename: FILENAME,
      code: lines(
        ...membersMirror,
        "export async function addMember(name: string, user: string) {",
        "  await store.listAdd(`team:${name}:members`, user);",
        "  cache.delete(`team:${name}:members`);",
        "}",
      ),
    },
    {
      name: "a count cached under a key of its own is not a copy of the store's key",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        'import * as store from "./kv-store";',
        "const cache = new LRUCache<string, number>({ max: 1000 });",
        "export async function sizeOf(name: string) {",
        "  const hit = cache.get(`team:${name}:size`);",
        "  if (hit !== undefined) return hit;",
        "  const size = (await store.getListItems(`team:${name}:members`)).length;",
        "  cache.set(`team:${name}:size`, size);",
        "  return size;",
        "}",
        "export async function addMember(name: string, user: string) {",
        "  await store.listAdd(`team:${name}:members`, user);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a delete of the store keys leaves the cached copy of one of them",
      filename: FILENAME,
      code: lines(
        ...membersMirror,
        "export async function archive(name: string) {",
        "  await store.deleteKeys([`team:${name}`, `team:${name}:members`]);",
        "}",
      ),
      errors: [{ messageId: "missingStoreInvalidation", line: 12 }],
    },
  ],
});

/** One level of sub-teams as the store keeps them, cached under the store's own key by a helper. */
const childrenMirror = [
  'import { LRUCache } from "lru-cache";',
  'import * as store from "./kv-store";',
  "const cache = new LRUCache<string, string[]>({ max: 1000 });",
  "export async function childrenOf(key: string) {",
  "  const hit = cache.get(key);",
  "  if (hit) return hit;",
  "  const children: string[] = await store.getListItems(key);",
  "  cache.set(key, children);",
  "  return children;",
  "}",
  "export const topLevel = () => childrenOf('team:root:children');",
];

/** Every team below one, gathered level by level: the fill, under `key(team)`. */
const allBelow = (key: string) => [
  "export async function allBelow(team: string) {",
  `  const hit = cache.get(${key});`,
  "  if (hit) return hit;",
  "  const found: string[] = [];",
  "  async function walk(keys: string | string[]): Promise<void> {",
  "    const level: string[] = await store.getListItems(keys);",
  "    if (!level.length) return;",
  "    found.push(...level);",
  "    await walk(level.map((name) => `team:${name}:children`));",
  "  }",
  "  await walk(`team:${team}:children`);",
  `  cache.set(${key}, found);`,
  "  return found;",
  "}",
];

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "the gathered teams under a key of their own",
      filename: FILENAME,
      code: lines(...childrenMirror, ...allBelow("`all:team:${team}:children`")),
    },
  ],
  invalid: [
    {
      name: "the gathered teams under the key whose other fill is the store's own list",
      filename: FILENAME,
      code: lines(...childrenMirror, ...allBelow("`team:${team}:children`")),
      errors: [{ messageId: "sharedWithStoreMirror", line: 23 }],
    },
  ],
});
