// no-ambiguous-ttl-unit through ESLint: typed RuleTester cases.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["no-ambiguous-ttl-unit"]!;
const ruleTester = createRuleTester();

ruleTester.run("no-ambiguous-ttl-unit", rule, {
  valid: [
    {
      name: "milliseconds written as such",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "export const c = new LRUCache<string, string>({ max: 10, ttl: 60_000 });",
      ),
    },
    {
      name: "a sub-second TTL that is not a round count of seconds",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "export const c = new LRUCache<string, string>({ max: 10, ttl: 250 });",
      ),
    },
    {
      name: "seconds given to a seconds API",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export const f = (id: string) => redis.set(`k:${id}`, 'v', 'EX', 3600);",
      ),
    },
    {
      name: "a large but plausible seconds value",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export const f = (id: string) => redis.set(`k:${id}`, 'v', 'EX', 604800);",
      ),
    },
  ],
  invalid: [
    {
      name: "60 given to lru-cache, which takes milliseconds",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "export const c = new LRUCache<string, string>({ max: 10, ttl: 60 });",
      ),
      errors: [
        {
          messageId: "secondsToMilliseconds",
          line: 2,
          column: 22,
          endLine: 2,
          endColumn: 30,
          data: {
            text: "60",
            api: "`new lru-cache` (lru-cache)",
            asWritten: "60 ms",
            intended: "1 min",
            fix: "60 * 1000",
          },
        },
      ],
    },
    {
      name: "an hour in milliseconds given to Redis EX, folded from a constant in the file",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const ONE_HOUR = 3_600_000;",
        "const redis = new Redis();",
        "export const f = (id: string) => redis.set(`k:${id}`, 'v', 'EX', ONE_HOUR);",
      ),
      errors: [{ messageId: "millisecondsToSeconds", line: 4, column: 40, endLine: 4, endColumn: 43 }],
    },
  ],
});
