// no-ambiguous-ttl-unit in the ESLint host (issue 13, recall pass 5 H): a counter kept in an in-process cache whose
// TTL is computed from the limit the count is compared with reads a number of events as a number of seconds. Each
// positive has a twin that stays silent (bench/accuracy/notes/recall-h-pass5.md).
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

const LIMITS = ['import { LRUCache } from "lru-cache";', "const limits = { maxUploads: 10, uploadWindowSeconds: 60 };"];

ruleTester.run("no-ambiguous-ttl-unit", rules["no-ambiguous-ttl-unit"]!, {
  valid: [
    {
      name: "the counter's TTL comes from the window, not from the limit",
      filename: FILENAME,
      code: lines(
        ...LIMITS,
        "const uploads = new LRUCache<string, number>({ max: 1000, ttl: limits.uploadWindowSeconds * 1000 });",
        "export function allow(ip: string, files: number): boolean {",
        "  const count = (uploads.get(ip) ?? 0) + files;",
        "  if (count > limits.maxUploads) return false;",
        "  uploads.set(ip, count);",
        "  return true;",
        "}",
      ),
    },
    {
      name: "a time stamp compared with the window its TTL also uses",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const COOLDOWN_MS = 30_000;",
        "const lastPost = new LRUCache<string, number>({ max: 1000, ttl: COOLDOWN_MS });",
        "export function mayPost(user: string): boolean {",
        "  const last = lastPost.get(user) ?? 0;",
        "  if (Date.now() - last < COOLDOWN_MS) return false;",
        "  lastPost.set(user, Date.now());",
        "  return true;",
        "}",
      ),
    },
    {
      name: "a stored value that does not count (a fresh value, not the entry plus something)",
      filename: FILENAME,
      code: lines(
        ...LIMITS,
        "const sizes = new LRUCache<string, number>({ max: 1000, ttl: limits.maxUploads * 1000 });",
        "export function remember(ip: string, size: number): boolean {",
        "  const total = size + 1;",
        "  if (total > limits.maxUploads) return false;",
        "  sizes.set(ip, total);",
        "  return true;",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "the construction's TTL is the limit in seconds",
      filename: FILENAME,
      code: lines(
        ...LIMITS,
        "const uploads = new LRUCache<string, number>({ max: 1000, ttl: limits.maxUploads * 1000 });",
        "export function allow(ip: string, files: number): boolean {",
        "  const count = (uploads.get(ip) ?? 0) + files;",
        "  if (count > limits.maxUploads) return false;",
        "  uploads.set(ip, count);",
        "  return true;",
        "}",
      ),
      errors: [{ messageId: "countAsDuration", line: 3 }],
    },
    {
      name: "the write's own TTL is the limit in seconds",
      filename: FILENAME,
      code: lines(
        'import { LRUCache } from "lru-cache";',
        "const MAX_TRIES = 5;",
        "const tries = new LRUCache<string, number>({ max: 1000 });",
        "export function attempt(account: string): boolean {",
        "  const failed = (tries.peek(account) || 0) + 1;",
        "  tries.set(account, failed, { ttl: MAX_TRIES * 60 * 1000 });",
        "  return failed <= MAX_TRIES;",
        "}",
      ),
      errors: [{ messageId: "countAsDuration", line: 6 }],
    },
  ],
});
