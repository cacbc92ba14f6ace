// require-cache-bound through ESLint: typed RuleTester cases on real library imports.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["require-cache-bound"]!;
const ruleTester = createRuleTester();

/** A module-level Map read and written inside a function, with `extra` lines appended. */
const mapCache = (declaration: string, ...extra: string[]) =>
  lines(
    declaration,
    "export function getUser(id: string) {",
    "  const hit = cache.get(id);",
    "  if (hit !== undefined) return hit;",
    "  const user = { id };",
    "  cache.set(id, user);",
    "  return user;",
    "}",
    ...extra,
  );

ruleTester.run("require-cache-bound", rule, {
  valid: [
    {
      name: "memoizing a zero-argument function",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const loadConfig = memoize(() => ({ startedAt: Date.now() }));",
      ),
    },
    {
      name: "memoizing a function of a boolean",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const byFlag = memoize((flag: boolean) => (flag ? 1 : 0));",
      ),
    },
    {
      name: "memoizing a function of a string literal union",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        'export const byKind = memoize((kind: "a" | "b") => kind.toUpperCase());',
      ),
    },
    {
      name: "memoizing a function of an enum",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "enum Color {",
        "  Red,",
        "  Green,",
        "}",
        "export const byColor = memoize((color: Color) => String(color));",
      ),
    },
    {
      name: "moize keeps one entry by default",
      filename: FILENAME,
      code: lines('import moize from "moize";', "export const loadUser = moize((id: string) => ({ id }));"),
    },
    {
      name: "micro-memoize keeps one entry by default",
      filename: FILENAME,
      code: lines(
        'import { memoize } from "micro-memoize";',
        "export const loadUser = memoize((id: string) => ({ id }));",
      ),
    },
    {
      name: "memoize-one keeps the last call only",
      filename: FILENAME,
      code: lines(
        'import memoizeOne from "memoize-one";',
        "export const loadUser = memoizeOne((id: string) => ({ id }));",
      ),
    },
    {
      name: "memoizee with max",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        "export const loadUser = memoizee((id: string) => ({ id }), { max: 1000 });",
      ),
    },
    {
      name: "memoizee with maxAge",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        "export const loadUser = memoizee((id: string) => ({ id }), { maxAge: 60_000 });",
      ),
    },
    {
      name: "a memoizer created inside a function",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export function render(ids: string[]) {",
        "  const load = memoize((id: string) => ({ id }));",
        "  return ids.map((id) => load(id));",
        "}",
      ),
    },
    {
      name: "node-cache with maxKeys",
      filename: FILENAME,
      code: lines('import NodeCache from "node-cache";', "export const sessions = new NodeCache({ maxKeys: 100 });"),
    },
    {
      name: "node-cache with stdTTL",
      filename: FILENAME,
      code: lines('import NodeCache from "node-cache";', "export const sessions = new NodeCache({ stdTTL: 60 });"),
    },
    {
      name: "lru-cache is always bounded at runtime",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "export const users = new LRUCache<string, string>({ max: 500 });",
      ),
    },
    {
      name: "keyv with ttl",
      filename: FILENAME,
      code: lines('import Keyv from "keyv";', "export const store = new Keyv({ ttl: 60_000 });"),
    },
    {
      name: "a DataLoader created per request",
      filename: FILENAME,
      code: lines(
        'import DataLoader from "dataloader";',
        "export function createLoaders() {",
        "  return { users: new DataLoader(async (ids: readonly string[]) => ids.map((id) => ({ id }))) };",
        "}",
      ),
    },
    {
      name: "a module-level DataLoader with its cache off",
      filename: FILENAME,
      code: lines(
        'import DataLoader from "dataloader";',
        "export const users = new DataLoader(async (ids: readonly string[]) => ids.map((id) => ({ id })), { cache: false });",
      ),
    },
    {
      name: "a Map that is deleted from",
      filename: FILENAME,
      code: mapCache(
        "const cache = new Map<string, { id: string }>();",
        "export function forget(id: string) {",
        "  cache.delete(id);",
        "}",
      ),
    },
    {
      name: "a Map that is cleared",
      filename: FILENAME,
      code: mapCache(
        "const cache = new Map<string, { id: string }>();",
        "export function reset() {",
        "  cache.clear();",
        "}",
      ),
    },
    {
      name: "a Map whose size is checked",
      filename: FILENAME,
      code: lines(
        "const cache = new Map<string, number>();",
        "export function get(id: string) {",
        "  const hit = cache.get(id);",
        "  if (hit !== undefined) return hit;",
        "  if (cache.size > 1000) return id.length;",
        "  cache.set(id, id.length);",
        "  return id.length;",
        "}",
      ),
    },
    {
      name: "a Map with a finite key type",
      filename: FILENAME,
      code: lines(
        'const cache = new Map<"a" | "b", number>();',
        'export function get(kind: "a" | "b") {',
        "  const hit = cache.get(kind);",
        "  if (hit !== undefined) return hit;",
        "  cache.set(kind, kind.length);",
        "  return kind.length;",
        "}",
      ),
    },
    {
      name: "an exported Map (others may evict)",
      filename: FILENAME,
      code: mapCache("export const cache = new Map<string, { id: string }>();"),
    },
    {
      name: "a local class named Map",
      filename: FILENAME,
      code:
        lines(
          "class Map<K, V> {",
          "  set(_key: K, _value: V): void {}",
          "  get(_key: K): V | undefined {",
          "    return undefined;",
          "  }",
          "}",
        ) + mapCache("const cache = new Map<string, { id: string }>();"),
    },
    {
      name: "checkMemoizers: false",
      filename: FILENAME,
      options: [{ checkMemoizers: false }],
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const loadUser = memoize((id: string) => ({ id }));",
      ),
    },
    {
      name: "checkInProcessCaches: false",
      filename: FILENAME,
      options: [{ checkInProcessCaches: false }],
      code: lines('import NodeCache from "node-cache";', "export const sessions = new NodeCache();"),
    },
    {
      name: "checkMapCaches: false",
      filename: FILENAME,
      options: [{ checkMapCaches: false }],
      code: mapCache("const cache = new Map<string, { id: string }>();"),
    },
    {
      name: "checkDataLoaders: false",
      filename: FILENAME,
      options: [{ checkDataLoaders: false }],
      code: lines(
        'import DataLoader from "dataloader";',
        "export const users = new DataLoader(async (ids: readonly string[]) => ids.map((id) => ({ id })));",
      ),
    },
  ],
  invalid: [
    {
      name: "module-level lodash memoize of a string function",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const loadUser = memoize((id: string) => ({ id, name: id.toUpperCase() }));",
      ),
      errors: [{ messageId: "unboundedMemoizer", line: 2, column: 25, endLine: 2, endColumn: 32 }],
    },
    {
      name: "lodash memoize in a class field",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export class UserService {",
        "  readonly load = memoize((id: string) => ({ id }));",
        "}",
      ),
      errors: [{ messageId: "unboundedMemoizer", line: 3, column: 19, endLine: 3, endColumn: 26 }],
    },
    {
      name: "memoizee without max",
      filename: FILENAME,
      code: lines('import memoizee from "memoizee";', "export const loadUser = memoizee((id: string) => ({ id }));"),
      errors: [{ messageId: "unboundedMemoizer", line: 2, column: 25, endLine: 2, endColumn: 33 }],
    },
    {
      name: "moize.infinite",
      filename: FILENAME,
      code: lines('import moize from "moize";', "export const loadUser = moize.infinite((id: string) => ({ id }));"),
      errors: [{ messageId: "unboundedMemoizer", line: 2, column: 25, endLine: 2, endColumn: 39 }],
    },
    {
      name: "moize with maxSize: Infinity",
      filename: FILENAME,
      code: lines(
        'import moize from "moize";',
        "export const loadUser = moize((id: string) => ({ id }), { maxSize: Infinity });",
      ),
      errors: [{ messageId: "unboundedMemoizer", line: 2, column: 25, endLine: 2, endColumn: 30 }],
    },
    {
      name: "micro-memoize with maxSize: Infinity",
      filename: FILENAME,
      code: lines(
        'import { memoize } from "micro-memoize";',
        "export const loadUser = memoize((id: string) => ({ id }), { maxSize: Infinity });",
      ),
      errors: [{ messageId: "unboundedMemoizer", line: 2, column: 25, endLine: 2, endColumn: 32 }],
    },
    {
      name: "module-level node-cache without maxKeys or stdTTL",
      filename: FILENAME,
      code: lines(
        'import NodeCache from "node-cache";',
        "const sessions = new NodeCache();",
        "export const getSession = (id: string) => sessions.get(id);",
      ),
      errors: [{ messageId: "unboundedCache", line: 2, column: 22, endLine: 2, endColumn: 31 }],
    },
    {
      name: "module-level keyv without a store or ttl",
      filename: FILENAME,
      code: lines(
        'import Keyv from "keyv";',
        "const store = new Keyv();",
        "export const getValue = (id: string) => store.get(id);",
      ),
      errors: [{ messageId: "unboundedCache", line: 2, column: 19, endLine: 2, endColumn: 23 }],
    },
    {
      name: "module-level tiny-lru class without max",
      filename: FILENAME,
      code: lines('import { LRU } from "tiny-lru";', "export const cache = new LRU<string>();"),
      errors: [{ messageId: "unboundedCache", line: 2, column: 26, endLine: 2, endColumn: 29 }],
    },
    {
      name: "module-level DataLoader",
      filename: FILENAME,
      code: lines(
        'import DataLoader from "dataloader";',
        "export const users = new DataLoader(async (ids: readonly string[]) => ids.map((id) => ({ id })));",
      ),
      errors: [{ messageId: "sharedDataLoader", line: 2, column: 26, endLine: 2, endColumn: 36 }],
    },
    {
      name: "module-level Map with get-then-set and no eviction",
      filename: FILENAME,
      code: lines("interface User {", "  id: string;", "}") + mapCache("const cache = new Map<string, User>();"),
      errors: [{ messageId: "unboundedMapCache", line: 4, column: 7, endLine: 4, endColumn: 38 }],
    },
  ],
});
