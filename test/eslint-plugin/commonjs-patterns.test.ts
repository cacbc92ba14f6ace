// Patterns of JavaScript services met while measuring recall (bench/accuracy/notes/recall-js.md), each written in our
// own words, in one file each: a cache method replaced by a function that drops the caller's TTL, a facade object whose
// methods pass their key on to lru-cache, and two caches built by one factory. A positive beside a twin that stays
// silent. The cross-module forms (`require` of a `module.exports` factory) are in test/parity/commonjs.test.ts.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** A factory whose `set` replacement takes `size` parameters: two drops the per-entry options, three passes them on. */
const factoryReplacingSet = (parameters: "key, value" | "key, value, options") => [
  'import { LRUCache } from "lru-cache";',
  "export function makeCache(max: number) {",
  "  const cache: any = new LRUCache<string, object>({ max });",
  "  const originalSet = cache.set;",
  `  cache.set = function (${parameters}: any) {`,
  `    return originalSet.call(cache, ${parameters});`,
  "  };",
  "  return cache;",
  "}",
  "const reports = makeCache(500);",
];

ruleTester.run("require-cache-ttl", rules["require-cache-ttl"]!, {
  valid: [
    {
      name: "a replaced set that passes the per-entry options on keeps the caller's TTL",
      filename: FILENAME,
      code: lines(
        ...factoryReplacingSet("key, value, options"),
        "export function saveReport(report: object) {",
        "  reports.set('report:weekly', report, { ttl: 600_000 });",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a replaced set of two parameters drops the TTL its caller passes",
      filename: FILENAME,
      code: lines(
        ...factoryReplacingSet("key, value"),
        "export function saveReport(report: object) {",
        "  reports.set('report:weekly', report, { ttl: 600_000 });",
        "}",
      ),
      errors: [{ messageId: "inProcessTtlDropped", line: 12 }],
    },
  ],
});

/** A facade over lru-cache built by a factory: `get`, `set` and `del` pass their key on. */
const facadeFactory = [
  'import { LRUCache } from "lru-cache";',
  "function createFacade(max: number) {",
  "  const inner = new LRUCache<string, any>({ max });",
  "  const facade: any = {};",
  "  facade.get = function (key: string) { return inner.get(key); };",
  "  facade.set = function (key: string, value: any, ttl?: number) { inner.set(key, value, ttl ? { ttl } : {}); };",
  "  facade.del = function (key: string) { inner.delete(key); };",
  "  return facade;",
  "}",
  "const routes = createFacade(1000);",
];

ruleTester.run("no-mutated-cached-value", rules["no-mutated-cached-value"]!, {
  valid: [
    {
      name: "an array read through a facade is copied before it is shifted",
      filename: FILENAME,
      code: lines(
        ...facadeFactory,
        "export function nextHop(id: string) {",
        "  const { hops } = routes.get(`route:${id}`);",
        "  return hops.slice().shift();",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "an array read through a facade over lru-cache is the cached one: shifting it changes the cache",
      filename: FILENAME,
      code: lines(
        ...facadeFactory,
        "export function nextHop(id: string) {",
        "  const { hops } = routes.get(`route:${id}`);",
        "  return hops.shift();",
        "}",
      ),
      errors: [{ messageId: "mutatedCacheEntry", line: 13 }],
    },
  ],
});

ruleTester.run("consistent-cache-ttl", rules["consistent-cache-ttl"]!, {
  valid: [
    {
      name: "two caches built by one factory are two caches: one with a TTL, the other without, on the same key",
      filename: FILENAME,
      code: lines(
        ...facadeFactory,
        "const drafts = createFacade(100);",
        "export function remember(id: string, session: object) {",
        "  routes.set(`session:${id}`, session, 3_600_000);",
        "}",
        "export function keepDraft(id: string, draft: object) {",
        "  drafts.set(`session:${id}`, draft);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "one cache behind a facade, written with a TTL in one place and without in another",
      filename: FILENAME,
      code: lines(
        ...facadeFactory,
        "export function remember(id: string, session: object) {",
        "  routes.set(`session:${id}`, session, 3_600_000);",
        "}",
        "export function rememberForever(id: string, session: object) {",
        "  routes.set(`session:${id}`, session);",
        "}",
      ),
      errors: [{ messageId: "missingTtl", line: 15 }],
    },
  ],
});
