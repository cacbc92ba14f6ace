// Patterns met while measuring recall on TypeScript services (bench/accuracy/notes/recall-ts.md), each written in our
// own words: a positive that must be reported beside a negative twin that must stay silent.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** A callback Redis client whose commands are bound promise functions, and accounts cached by e-mail. */
const ACCOUNT_CACHE = [
  'import { promisify } from "node:util";',
  'import redis from "redis";',
  'import knex from "knex";',
  "interface Account { id: number; email: string; plan: string }",
  "const db = knex({ client: 'pg' });",
  "const client = redis.createClient();",
  "const get = promisify(client.get).bind(client);",
  "const set = promisify(client.set).bind(client);",
  "const del = promisify(client.del).bind(client);",
  "const accountKey = (emailOrToken: string) => `acct:${emailOrToken}`;",
  "export async function findAccount(emailOrToken: string) {",
  "  const hit = await get(accountKey(emailOrToken));",
  "  if (hit) return JSON.parse(hit) as Account;",
  "  const account = await db<Account>('accounts').where({ email: emailOrToken }).first();",
  "  if (account) await set(accountKey(emailOrToken), JSON.stringify(account), 'EX', 600);",
  "  return account;",
  "}",
];

ruleTester.run("no-unmatched-invalidation", rules["no-unmatched-invalidation"]!, {
  valid: [
    {
      name: "a delete of the key built from the row's field",
      filename: FILENAME,
      code: lines(
        ...ACCOUNT_CACHE,
        "export async function closeAccount(account: Account) {",
        "  await db<Account>('accounts').where({ id: account.id }).delete();",
        "  await del(accountKey(account.email));",
        "}",
      ),
    },
    {
      name: "a delete of a field that holds a key someone built",
      filename: FILENAME,
      code: lines(
        ...ACCOUNT_CACHE,
        "export async function forget(entry: { cacheKey: string }) {",
        "  await del(entry.cacheKey);",
        "}",
      ),
    },
    {
      name: "a bare value where a family of the store is keyed by bare values",
      filename: FILENAME,
      code: lines(
        ...ACCOUNT_CACHE,
        "export async function tokenOwner(token: string) {",
        "  const hit = await get(token);",
        "  if (hit) return hit;",
        "  const row = await db<{ token: string; email: string }>('tokens').where({ token }).first();",
        "  if (row) await set(token, row.email, 'EX', 60);",
        "  return row?.email;",
        "}",
        "export async function revoke(account: Account) {",
        "  await del(account.email);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a delete of the row's bare e-mail where the family wraps it in a key",
      filename: FILENAME,
      code: lines(
        ...ACCOUNT_CACHE,
        "export async function changePlan(account: Account, plan: string) {",
        "  await db<Account>('accounts').where({ id: account.id }).update({ plan });",
        "  await del(account.email);",
        "}",
      ),
      errors: [
        {
          messageId: "bareValue",
          line: 20,
          column: 9,
          endLine: 20,
          endColumn: 12,
          data: {
            what: "del",
            value: "account.email",
            family: "acct:{emailOrToken}",
            writtenAt: "file.ts:15",
          },
        },
      ],
    },
  ],
});

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "a module variable kept with the input it was built from, and compared with it",
      filename: FILENAME,
      code: lines(
        "interface Theme { name: string; dark: boolean }",
        "let theme: Theme | undefined;",
        "export function themeFor(name: string): Theme {",
        "  if (theme && theme.name === name) return theme;",
        "  theme = { name, dark: false };",
        "  return theme;",
        "}",
      ),
    },
    {
      name: "a lazy singleton built from the environment, not from the call",
      filename: FILENAME,
      code: lines(
        "let settings: { region: string } | undefined;",
        "export function appSettings(): { region: string } {",
        "  if (settings) return settings;",
        "  settings = { region: process.env.REGION ?? 'eu' };",
        "  return settings;",
        "}",
      ),
    },
    {
      name: "an index built once with the tools a request context hands over",
      filename: FILENAME,
      code: lines(
        "interface Ctx { db: unknown; userId: string }",
        "declare function buildIndex(ctx: Ctx): Promise<string[]>;",
        "let index: Promise<string[]> | null = null;",
        "export function ensureIndex(ctx: Ctx): Promise<string[]> {",
        "  if (index) return index;",
        "  index = buildIndex(ctx);",
        "  return index;",
        "}",
      ),
    },
    {
      name: "a constant module variable is not a slot a call fills",
      filename: FILENAME,
      code: lines(
        "const fallback = { name: 'plain' };",
        "export function themeOr(name?: string) {",
        "  if (fallback) return fallback;",
        "  return { name };",
        "}",
      ),
    },
    {
      name: "a promisified client's cache keyed by every filter of its query",
      filename: FILENAME,
      code: lines(
        ...ACCOUNT_CACHE,
        "const getAsync = promisify(client.get).bind(client);",
        "const setAsync = promisify(client.set).bind(client);",
        "export async function seat(team: number, email: string) {",
        "  const key = `seat:${team}:${email}`;",
        "  const hit = await getAsync(key);",
        "  if (hit) return JSON.parse(hit) as unknown;",
        "  const row = await db('seats').where({ team, email }).first();",
        "  await setAsync(key, JSON.stringify(row), 'EX', 60);",
        "  return row;",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a module variable filled from the call's options and returned to every later call",
      filename: FILENAME,
      code: lines(
        "interface Theme { name: string; dark: boolean }",
        "let theme: Theme | undefined;",
        "export function themeFor(options: { name: string; dark: boolean }): Theme {",
        "  if (theme) return theme;",
        "  theme = { name: options.name, dark: options.dark };",
        "  return theme;",
        "}",
      ),
      errors: [
        {
          messageId: "singleSlotIgnoresInput",
          line: 5,
          column: 3,
          data: { cache: "theme", inputs: "options", them: "it" },
        },
      ],
    },
    {
      name: "a module variable shared by every instance of a plugin, built from the options of the first",
      filename: FILENAME,
      code: lines(
        "class Uploader { constructor(readonly options: { bucket: string }) {} }",
        "let uploader: Uploader | null = null;",
        "export const uploads = (options: { bucket: string }) => () => {",
        "  const client = () => {",
        "    if (uploader) return uploader;",
        "    uploader = new Uploader(options);",
        "    return uploader;",
        "  };",
        "  return client();",
        "};",
      ),
      errors: [
        { messageId: "singleSlotIgnoresInput", line: 6, data: { cache: "uploader", inputs: "options", them: "it" } },
      ],
    },
    {
      name: "a promisified client's cache whose key leaves out a filter of its query",
      filename: FILENAME,
      code: lines(
        ...ACCOUNT_CACHE,
        "const getAsync = promisify(client.get).bind(client);",
        "const setAsync = promisify(client.set).bind(client);",
        "export async function seat(team: number, email?: string) {",
        "  const key = `seat:${team}`;",
        "  const hit = await getAsync(key);",
        "  if (hit) return JSON.parse(hit) as unknown;",
        "  const row = await db('seats').where({ team, ...(email ? { email } : {}) }).first();",
        "  await setAsync(key, JSON.stringify(row), 'EX', 60);",
        "  return row;",
        "}",
      ),
      errors: [{ messageId: "inputMissingFromKey", line: 25 }],
    },
  ],
});
