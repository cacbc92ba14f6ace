// require-cache-family-owner through ESLint: typed RuleTester cases.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const rule = rules["require-cache-family-owner"]!;
const ruleTester = createRuleTester();

const REDIS = ['import { Redis } from "ioredis";', "const redis = new Redis();"];
const WRITE = "export const f = (id: string) => redis.set(`user:${id}`, 'v', 'EX', 60);";

ruleTester.run("require-cache-family-owner", rule, {
  valid: [
    {
      name: "declared with an owner",
      filename: FILENAME,
      options: [{ families: [{ match: "user:*", owner: "accounts" }], requireRunbook: false }],
      code: lines(...REDIS, WRITE),
    },
    {
      name: "declared with an owner and a runbook",
      filename: FILENAME,
      options: [
        {
          families: [{ match: "user:*", owner: "accounts", runbook: "https://runbooks.example.com/user-cache" }],
          requireRunbook: true,
        },
      ],
      code: lines(...REDIS, WRITE),
    },
    {
      name: "a file without cache writes",
      filename: FILENAME,
      options: [{ families: [], requireRunbook: false }],
      code: lines("export const f = (id: string) => id;"),
    },
  ],
  invalid: [
    {
      name: "an undeclared family",
      filename: FILENAME,
      options: [{ families: [{ match: "team:*", owner: "teams" }], requireRunbook: false }],
      code: lines(...REDIS, WRITE),
      errors: [
        {
          messageId: "undeclared",
          line: 3,
          column: 40,
          endLine: 3,
          endColumn: 43,
          data: { family: "user:{id}", suggestion: "user:*" },
        },
      ],
    },
    {
      name: "declared without an owner",
      filename: FILENAME,
      options: [{ families: [{ match: "user:*" }], requireRunbook: false }],
      code: lines(...REDIS, WRITE),
      errors: [{ messageId: "missingOwner", line: 3, column: 40, endLine: 3, endColumn: 43 }],
    },
    {
      name: "a runbook is required",
      filename: FILENAME,
      options: [{ families: [{ match: "user:*", owner: "accounts" }], requireRunbook: true }],
      code: lines(...REDIS, WRITE),
      errors: [{ messageId: "missingRunbook", line: 3, column: 40, endLine: 3, endColumn: 43 }],
    },
  ],
});
