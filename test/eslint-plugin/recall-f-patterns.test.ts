// Helpers hung on a Redis client (bench/accuracy/notes/recall-f-pass5.md), in our own words: the client's factory
// assigns `client.encoded = { get(key) {…}, set(key, value, options) {…}, … }`, each method forwarding its key to the
// client's own command. Calls through `store.encoded` are the client's commands: a SET through it without an expiry
// is judged as the client's SET, and an MSET through it handed `{ EX }` writes keys that never expire (MSET takes no
// expiry; the helper does not even take the option). Helpers over another store are not the client's.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** A node-redis client built in a factory, with an object of encoding helpers over its commands. */
function clientWith(...helpers: string[]): string[] {
  return [
    'import { createClient, type RedisClientType, type SetOptions } from "redis";',
    "declare function encode(value: unknown): string;",
    "declare function decode<T>(raw: string): T;",
    "interface Helpers {",
    "  get<T>(key: string): Promise<T | null>;",
    "  set<T>(key: string, value: T, options?: SetOptions): Promise<void>;",
    "  mSet(entries: Record<string, unknown>, options?: SetOptions): Promise<void>;",
    "  del(key: string): Promise<void>;",
    "}",
    "interface StoreClient extends RedisClientType { encoded: Helpers }",
    "function connect() {",
    "  const base = createClient({ disableOfflineQueue: true, commandOptions: { timeout: 2000 } });",
    "  void base.connect();",
    "  return base;",
    "}",
    "function buildClient(): StoreClient {",
    "  const client = connect() as unknown as StoreClient;",
    "  client.encoded = {",
    "    async get<T>(key: string) {",
    "      const raw = await client.get(key);",
    "      return raw ? decode<T>(raw) : null;",
    "    },",
    "    async set<T>(key: string, value: T, options?: SetOptions) {",
    "      await client.set(key, encode(value), options);",
    "    },",
    "    async del(key: string) {",
    "      await client.del(key);",
    "    },",
    ...helpers,
    "  } as Helpers;",
    "  return client;",
    "}",
    "const store = buildClient();",
    "declare function loadProfile(id: string): Promise<{ id: string; name: string }>;",
  ];
}

/** The MSET helper: it takes the entries only. */
const MSET_HELPER = [
  "    async mSet(entries: Record<string, unknown>) {",
  "      await client.mSet(Object.entries(entries).map(([k, v]) => [k, encode(v)] as [string, string]));",
  "    },",
];
const WITH_MSET = clientWith(...MSET_HELPER);
/** The line of the helper's own `client.mSet` (reported whatever its callers do). */
const HELPER_MSET_LINE = WITH_MSET.findIndex((line) => line.includes("await client.mSet")) + 1;
const PLAIN = clientWith();
/** The same helpers, but a SET helper that takes the key and the value only (the interface still offers options). */
const TWO_ARGUMENT_SET = PLAIN.map((line) =>
  line
    .replace("async set<T>(key: string, value: T, options?: SetOptions)", "async set<T>(key: string, value: T)")
    .replace("client.set(key, encode(value), options)", "client.set(key, encode(value))"),
);

ruleTester.run("require-cache-ttl", rules["require-cache-ttl"]!, {
  valid: [
    {
      name: "a cache-aside through the helpers, handing the helper an expiry it forwards",
      filename: FILENAME,
      code: lines(
        ...PLAIN,
        "export async function cardOf(id: string) {",
        "  const hit = await store.encoded.get<{ id: string }>(`card:${id}`);",
        "  if (hit) return hit;",
        "  const card = await loadProfile(id);",
        "  await store.encoded.set(`card:${id}`, card, { EX: 600 });",
        "  return card;",
        "}",
      ),
    },
    {
      name: "helpers on the client whose methods use a Map of the process are not the client",
      filename: FILENAME,
      code: lines(
        'import { createClient, type RedisClientType } from "redis";',
        "interface Labelled extends RedisClientType {",
        "  labels: { get(name: string): string | undefined; set(name: string, text: string): void };",
        "}",
        "const names = new Map<string, string>();",
        "function build(): Labelled {",
        "  const client = createClient({ disableOfflineQueue: true }) as unknown as Labelled;",
        "  client.labels = {",
        "    get: (name: string) => names.get(name),",
        "    set: (name: string, text: string) => void names.set(name, text),",
        "  };",
        "  return client;",
        "}",
        "const labelled = build();",
        "export function label(id: string, text: string) {",
        "  labelled.labels.set(`label:${id}`, text);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a cache-aside through the helpers without an expiry: the helper's SET is the client's",
      filename: FILENAME,
      code: lines(
        ...PLAIN,
        "export async function profileOf(id: string) {",
        "  const hit = await store.encoded.get<{ id: string }>(`profile:${id}`);",
        "  if (hit) return hit;",
        "  const profile = await loadProfile(id);",
        "  await store.encoded.set(`profile:${id}`, profile);",
        "  return profile;",
        "}",
      ),
      errors: [
        {
          messageId: "redisWithoutTtl",
          line: PLAIN.length + 5,
          // The helper forwards a third argument to SET: the expiry is added at the call.
          suggestions: [
            {
              messageId: "suggestRedisTtl",
              data: { placeholder: "TTL_SECONDS" },
              output: lines(
                ...PLAIN,
                "export async function profileOf(id: string) {",
                "  const hit = await store.encoded.get<{ id: string }>(`profile:${id}`);",
                "  if (hit) return hit;",
                "  const profile = await loadProfile(id);",
                '  await store.encoded.set(`profile:${id}`, profile, { expiration: { type: "EX", value: TTL_SECONDS } });',
                "  return profile;",
                "}",
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a SET helper that takes the key and the value only, handed an expiry: the key never expires",
      filename: FILENAME,
      code: lines(
        ...TWO_ARGUMENT_SET,
        "export async function remember(id: string, seen: string) {",
        "  await store.encoded.set(`seen:${id}`, seen, { EX: 60 });",
        "}",
      ),
      errors: [
        {
          messageId: "redisTtlDropped",
          line: TWO_ARGUMENT_SET.length + 2,
          data: {
            command: "SET",
            ttl: "{ EX: 60 }",
            name: "store.encoded",
            method: "set",
            where: `file.ts:${TWO_ARGUMENT_SET.findIndex((line) => line.includes("async set<T>")) + 1}`,
            what: "`seen:{id}` is",
            fix: "Pass the options on to the command in the helper.",
          },
        },
      ],
    },
    {
      name: "flags written in one MSET through the helper, with an expiry the helper drops",
      filename: FILENAME,
      code: lines(
        ...WITH_MSET,
        "export async function rememberMissing(ids: number[]) {",
        "  const entries: Record<string, string> = {};",
        "  for (const id of ids) entries[`exists:${id}`] = 'false';",
        "  await store.encoded.mSet(entries, { EX: 300 });",
        "}",
      ),
      errors: [
        { messageId: "redisMultiWithoutTtl", line: HELPER_MSET_LINE },
        {
          messageId: "redisTtlDropped",
          line: WITH_MSET.length + 4,
          data: {
            command: "MSET",
            ttl: "{ EX: 300 }",
            name: "store.encoded",
            method: "mSet",
            where: `file.ts:${HELPER_MSET_LINE - 1}`,
            what: "the keys are",
            fix: "MSET cannot take an expiry: expire each key afterwards, or write them with SET and EX in a pipeline.",
          },
        },
      ],
    },
    {
      name: "the same flags, each expired after the MSET: only the helper's own MSET is reported",
      filename: FILENAME,
      code: lines(
        ...WITH_MSET,
        "export async function rememberChecked(ids: number[]) {",
        "  const entries: Record<string, string> = {};",
        "  for (const id of ids) entries[`exists:${id}`] = 'true';",
        "  await store.encoded.mSet(entries);",
        "  await Promise.all(Object.keys(entries).map((key) => store.expire(key, 300)));",
        "}",
      ),
      errors: [{ messageId: "redisMultiWithoutTtl", line: HELPER_MSET_LINE }],
    },
  ],
});

/** A read-through helper storing the time of each fill, and a helper marking an entry stale (keeps value and expiry). */
const READ_THROUGH = [
  ...PLAIN,
  "interface Entry<T> { data: T; storedAt: number }",
  "async function readThrough<T>(key: string, load: () => Promise<T>, ttlSeconds = 60): Promise<T> {",
  "  const entry = await store.encoded.get<Entry<T>>(key);",
  "  if (entry && Date.now() - entry.storedAt < ttlSeconds * 1000) return entry.data;",
  "  const data = await load();",
  "  await store.encoded.set(key, { data, storedAt: Date.now() }, { EX: ttlSeconds * 2 });",
  "  return data;",
  "}",
  "async function markStale(key: string): Promise<void> {",
  "  const entry = await store.encoded.get<Entry<unknown>>(key);",
  "  if (!entry) return;",
  "  const stale: Entry<unknown> = { data: entry.data, storedAt: 0 };",
  "  await store.encoded.set(key, stale, { KEEPTTL: true });",
  "}",
  'const QUOTA_KEYS = { used: "quota:used" } as const;',
  "declare function countUsage(team: string): Promise<number>;",
  "export function usedBy(team: string) {",
  "  return readThrough(`${QUOTA_KEYS.used}:${team}`, () => countUsage(team));",
  "}",
];
const USED_FILLED_AT = READ_THROUGH.findIndex((line) => line.includes("return readThrough(")) + 1;

ruleTester.run("no-unmatched-invalidation", rules["no-unmatched-invalidation"]!, {
  valid: [
    {
      name: "the team's entry marked stale, as the read-through stores it",
      filename: FILENAME,
      code: lines(
        ...READ_THROUGH,
        "export async function refreshUsage(team: string) {",
        "  await markStale(`${QUOTA_KEYS.used}:${team}`);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "the bare prefix marked stale, though the values are stored per team",
      filename: FILENAME,
      code: lines(
        ...READ_THROUGH,
        "export async function refreshAllUsage() {",
        "  await markStale(QUOTA_KEYS.used);",
        "}",
      ),
      errors: [
        {
          messageId: "unmatchedKey",
          line: READ_THROUGH.length + 2,
          data: {
            what: "set",
            key: "quota:used",
            family: "quota:used:{team}",
            writtenAt: `file.ts:${USED_FILLED_AT}`,
            difference: "which goes on after `quota:used` with `:{team}`",
          },
        },
      ],
    },
  ],
});
