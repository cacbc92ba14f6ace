// Key inputs a guard around the write fixes to one value (`if (size === 64) cache.set(account, svg)`): every entry
// written holds that value, so the key needs no part for it. A guard that fixes one input leaves the others checked.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

const BADGES = [
  'import { LRUCache } from "lru-cache";',
  "interface Query { accountId: string; size: number; theme?: string }",
  "declare function drawBadge(accountId: string, size: number, theme?: string): Promise<string>;",
  "const badges = new LRUCache<string, string>({ max: 100, ttl: 10_000 });",
];

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "only the default size without a theme is cached, under the account",
      filename: FILENAME,
      code: lines(
        ...BADGES,
        "export async function badge(query: Query) {",
        "  const { accountId, size, theme } = query;",
        "  const usual = size === 64 && theme === undefined;",
        "  if (usual) {",
        "    const hit = badges.get(accountId);",
        "    if (hit !== undefined) return hit;",
        "  }",
        "  const svg = await drawBadge(accountId, size, theme);",
        "  if (usual) badges.set(accountId, svg);",
        "  return svg;",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "the guard fixes the size, but badges of every theme share the account's entry",
      filename: FILENAME,
      code: lines(
        ...BADGES,
        "export async function badge(query: Query) {",
        "  const { accountId, size, theme } = query;",
        "  const hit = badges.get(accountId);",
        "  if (hit !== undefined) return hit;",
        "  const svg = await drawBadge(accountId, size, theme);",
        "  if (size === 64) badges.set(accountId, svg);",
        "  return svg;",
        "}",
      ),
      errors: [
        { messageId: "inputMissingFromKey", line: 10, data: { cache: "{accountId}", inputs: "theme", them: "it" } },
      ],
    },
  ],
});
