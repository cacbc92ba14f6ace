// no-cached-rejection through ESLint: typed RuleTester cases on real library imports.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["no-cached-rejection"]!;
const ruleTester = createRuleTester();

const LOAD =
  "async function load(id: string): Promise<{ id: string }> {\n  const response = await fetch(`https://api.example.com/users/${id}`);\n  return (await response.json()) as { id: string };\n}";

ruleTester.run("no-cached-rejection", rule, {
  valid: [
    {
      name: "p-memoize drops rejected promises",
      filename: FILENAME,
      code: lines('import pMemoize from "p-memoize";', LOAD, "export const getUser = pMemoize(load);"),
    },
    {
      name: "memoizee in promise mode",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        LOAD,
        "export const getUser = memoizee(load, { promise: true, maxAge: 60_000 });",
      ),
    },
    {
      name: "moize.promise",
      filename: FILENAME,
      code: lines('import moize from "moize";', LOAD, "export const getUser = moize.promise(load);"),
    },
    {
      name: "moize with isPromise",
      filename: FILENAME,
      code: lines(
        'import moize from "moize";',
        LOAD,
        "export const getUser = moize(load, { isPromise: true, maxSize: 100 });",
      ),
    },
    {
      name: "micro-memoize 5 with async: true",
      filename: FILENAME,
      code: lines(
        'import { memoize } from "micro-memoize";',
        LOAD,
        "export const getUser = memoize(load, { async: true, maxSize: 100 });",
      ),
    },
    {
      name: "lodash with the entry deleted when the promise rejects",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        LOAD,
        "export const getUser = memoize((id: string) =>",
        "  load(id).catch((error: unknown) => {",
        "    getUser.cache.delete(id);",
        "    throw error;",
        "  }),",
        ");",
      ),
    },
    {
      name: "a function that catches every failure and returns a fallback",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        LOAD,
        "export const getUser = memoize(async (id: string) => {",
        "  try {",
        "    return await load(id);",
        "  } catch {",
        "    return undefined;",
        "  }",
        "});",
      ),
    },
    {
      name: "a promise chain ending in a catch that does not rethrow",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        LOAD,
        "export const getUser = memoize((id: string) => load(id).catch(() => null));",
      ),
    },
    {
      name: "a synchronous function",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        "export const slug = memoize((title: string) => title.toLowerCase());",
      ),
    },
    {
      name: "Next.js unstable_cache stores nothing when the function throws",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        LOAD,
        "export const getUser = unstable_cache(load, ['user'], { revalidate: 60 });",
      ),
    },
    {
      name: "@type-cacheable stores only resolved values",
      filename: FILENAME,
      code: lines(
        'import { Cacheable } from "@type-cacheable/core";',
        LOAD,
        "export class Users {",
        "  @Cacheable({ ttlSeconds: 60 })",
        "  async get(id: string) {",
        "    return load(id);",
        "  }",
        "}",
      ),
    },
    {
      name: "a memoizer created per call",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        LOAD,
        "export async function handle(ids: string[]) {",
        "  const get = memoize(load);",
        "  return Promise.all(ids.map(get));",
        "}",
      ),
    },
    {
      name: "an expiring memoizer when checkExpiring is off",
      filename: FILENAME,
      options: [{ checkExpiring: false }],
      code: lines(
        'import memoizee from "memoizee";',
        LOAD,
        "export const getUser = memoizee(load, { maxAge: 60_000 });",
      ),
    },
  ],
  invalid: [
    {
      name: "lodash memoize of an async function",
      filename: FILENAME,
      code: lines('import memoize from "lodash/memoize.js";', LOAD, "export const getUser = memoize(load);"),
      errors: [
        {
          messageId: "rejectionKept",
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 31,
          data: {
            name: "getUser",
            library: "lodash",
            until: "until the process restarts",
            fix: "Delete the entry when the promise rejects (e.g. `.catch` that calls `fn.cache.delete(key)` or `fn.clear()`), or use p-memoize, which drops rejections.",
            // One defect, one finding: the missing bound is folded into this message, not reported again.
            also: " It also keeps a result for every argument it has seen, with no bound and no expiry, so the cache grows with each new argument: add a bounded cache, or use a memoizer with a size limit (moize, memoizee `max`).",
          },
        },
      ],
    },
    {
      name: "memoizee without promise mode, with a max age",
      filename: FILENAME,
      code: lines(
        'import memoizee from "memoizee";',
        LOAD,
        "export const getUser = memoizee(load, { maxAge: 60_000 });",
      ),
      errors: [
        {
          messageId: "rejectionKept",
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 32,
          data: {
            name: "getUser",
            library: "memoizee",
            until: "until the entry expires",
            fix: "Pass `promise: true`, which drops rejected promises.",
            also: "",
          },
        },
      ],
    },
    {
      name: "memoize (formerly mem) caches whatever the function returned",
      filename: FILENAME,
      code: lines('import memoize from "memoize";', LOAD, "export const getUser = memoize(load, { maxAge: 1000 });"),
      errors: [{ messageId: "rejectionKept", line: 6, column: 24, endLine: 6, endColumn: 31 }],
    },
    {
      name: "moize without isPromise",
      filename: FILENAME,
      code: lines('import moize from "moize";', LOAD, "export const getUser = moize(load, { maxSize: 100 });"),
      errors: [{ messageId: "rejectionKept", line: 6, column: 24, endLine: 6, endColumn: 29 }],
    },
    {
      name: "micro-memoize 5 ignores isPromise (its option is async)",
      filename: FILENAME,
      code: lines(
        'import { memoize } from "micro-memoize";',
        LOAD,
        "export const getUser = memoize(load, { isPromise: true, maxSize: 100 });",
      ),
      errors: [
        {
          messageId: "rejectionKept",
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 31,
          data: {
            name: "getUser",
            library: "micro-memoize",
            until: "until the process restarts",
            fix: "Pass `async: true`, which drops rejected promises.",
            also: " It also serves each result forever, with no expiry. Add `expires` (milliseconds).",
          },
        },
      ],
    },
    {
      name: "typescript-memoize on an async method",
      filename: FILENAME,
      code: lines(
        'import { Memoize } from "typescript-memoize";',
        LOAD,
        "export class Users {",
        "  @Memoize()",
        "  async get(id: string) {",
        "    return load(id);",
        "  }",
        "}",
      ),
      errors: [{ messageId: "rejectionKept", line: 7, column: 4, endLine: 7, endColumn: 11 }],
    },
    {
      name: "a catch that rethrows does not make the function safe",
      filename: FILENAME,
      code: lines(
        'import memoize from "lodash/memoize.js";',
        LOAD,
        "export const getUser = memoize(async (id: string) => {",
        "  try {",
        "    return await load(id);",
        "  } catch (error) {",
        "    throw new Error('failed', { cause: error });",
        "  }",
        "});",
      ),
      errors: [{ messageId: "rejectionKept", line: 6, column: 24, endLine: 6, endColumn: 31 }],
    },
  ],
});
