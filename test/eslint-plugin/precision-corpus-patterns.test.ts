// Patterns met while judging the accuracy corpus (bench/accuracy), each written in our own words: a negative that
// must stay silent beside a positive twin that must stay reported.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

const IOREDIS = ['import { Redis } from "ioredis";', "const redis = new Redis();"];

// ---------------------------------------------------------------------------------------------------------------
// require-cache-bound: module-level Maps that are not unbounded caches.

/** A Map of rate-limit windows whose entries carry their own deadline, used by `check(key)`; `keyOf` builds the key. */
function windowMap(keyOf: string, parameter: string): string {
  return lines(
    "const windows = new Map<string, { hits: number; resetAt: number }>();",
    "function allow(key: string, max: number): boolean {",
    "  const now = Date.now();",
    "  const open = windows.get(key);",
    "  if (!open || now > open.resetAt) {",
    "    windows.set(key, { hits: 1, resetAt: now + 60_000 });",
    "    return true;",
    "  }",
    "  open.hits += 1;",
    "  return open.hits <= max;",
    "}",
    `export function guard(${parameter}: string) {`,
    `  return allow(${keyOf}, 20);`,
    "}",
  );
}

/** A class method caching by its parameter, with a deadline per entry; the caller passes a plain variable. */
function deadlineCache(parameter: string): string {
  return lines(
    "const toolsCache = new Map<string, { tools: string[]; expiresAt: number }>();",
    "declare function loadTools(id: string): Promise<string[]>;",
    "export class ToolsController {",
    `  async tools(${parameter}: string) {`,
    `    const cached = toolsCache.get(${parameter});`,
    "    if (cached && cached.expiresAt > Date.now()) return cached.tools;",
    `    const tools = await loadTools(${parameter});`,
    `    toolsCache.set(${parameter}, { tools, expiresAt: Date.now() + 60_000 });`,
    "    return tools;",
    "  }",
    `  async handle(${parameter}: string) {`,
    `    return this.tools(${parameter});`,
    "  }",
    "}",
  );
}

ruleTester.run("require-cache-bound", rules["require-cache-bound"]!, {
  valid: [
    {
      name: "entries with their own deadline, keyed per currency: one entry per currency, bounded by the data",
      filename: FILENAME,
      code: windowMap("`fx:${currency}`", "currency"),
    },
    {
      name: "entries with their own deadline keyed per team, passed on by a caller as a plain variable",
      filename: FILENAME,
      code: deadlineCache("teamId"),
    },
    {
      name: "a registry filled by a decorator as classes are defined (keyed by the decorated classes)",
      filename: FILENAME,
      code: lines(
        "const auditedFields = new Map<object, string[]>();",
        "export function Audited() {",
        "  return (target: object, property: string) => {",
        "    const fields = auditedFields.get(target);",
        "    if (fields) fields.push(property);",
        "    else auditedFields.set(target, [property]);",
        "  };",
        "}",
      ),
    },
    {
      name: "a map in a browser module (`use client`) lives as long as the tab",
      filename: FILENAME,
      code: lines(
        '"use client";',
        "const shown = new Map<string, boolean>();",
        "export function showOnce(accountId: string): boolean {",
        "  if (shown.get(accountId)) return false;",
        "  shown.set(accountId, true);",
        "  return true;",
        "}",
      ),
    },
    {
      name: "a pool of clients the code constructs, one per queue name",
      filename: FILENAME,
      code: lines(
        "class QueueClient { constructor(readonly name: string) {} }",
        "const clients = new Map<string, QueueClient>();",
        "export function clientFor(queueName: string): QueueClient {",
        "  const existing = clients.get(queueName);",
        "  if (existing) return existing;",
        "  const client = new QueueClient(queueName);",
        "  clients.set(queueName, client);",
        "  return client;",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "entries with their own deadline, keyed per client IP: a new entry for every address, never removed",
      filename: FILENAME,
      code: windowMap("`lookup:${clientIp}`", "clientIp"),
      errors: [{ messageId: "expiringMapGrows", line: 1 }],
    },
    {
      name: "entries with their own deadline keyed per share token, passed on by a caller as a plain variable",
      filename: FILENAME,
      code: deadlineCache("shareToken"),
      errors: [{ messageId: "expiringMapGrows", line: 1 }],
    },
    {
      name: "a module-level Map keyed by a free-form string with no deadline and no eviction",
      filename: FILENAME,
      code: lines(
        "const results = new Map<string, string[]>();",
        "export function search(query: string): string[] {",
        "  const hit = results.get(query);",
        "  if (hit) return hit;",
        "  const found = query.split(' ');",
        "  results.set(query, found);",
        "  return found;",
        "}",
      ),
      errors: [{ messageId: "unboundedMapCache", line: 1 }],
    },
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// require-cache-ttl: data kept where the request put it, and keys that outlive their siblings.

ruleTester.run("require-cache-ttl", rules["require-cache-ttl"]!, {
  valid: [
    {
      name: "a record of what a request sent (req.body) is kept, not copied: no expiry to add",
      filename: FILENAME,
      code: lines(
        ...IOREDIS,
        "interface ApiRequest { body: { postId: string; reason: string } }",
        "export async function report(req: ApiRequest) {",
        "  const { postId, reason } = req.body;",
        "  await redis.hset(`flags:post:${postId}`, { reason });",
        "}",
        "export async function flagsOf(postId: string) {",
        "  return redis.hgetall(`flags:post:${postId}`);",
        "}",
      ),
    },
    {
      name: "a store keyed like a family of another namespace that expires: not siblings",
      filename: FILENAME,
      code: lines(
        ...IOREDIS,
        "export async function saveNotes(accountId: string, notes: string) {",
        "  await redis.set(`notes:${accountId}`, notes);",
        "}",
        "export async function notesOf(accountId: string) {",
        "  return redis.get(`notes:${accountId}`);",
        "}",
        "export async function countLabels(accountId: string, count: string) {",
        "  await redis.set(`labels:${accountId}`, count, 'EX', 60);",
        "}",
        "export async function labelsOf(accountId: string) {",
        "  return redis.get(`labels:${accountId}`);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a key that outlives its sibling: probe:data:{id} has no expiry while probe:base:{id} expires after 7 d",
      filename: FILENAME,
      code: lines(
        ...IOREDIS,
        "export async function saveBase(id: string, url: string) {",
        "  await redis.hset(`probe:base:${id}`, { url });",
        "  await redis.expire(`probe:base:${id}`, 7 * 24 * 3600);",
        "}",
        "export async function saveResult(id: string, result: string) {",
        "  await redis.sadd(`probe:data:${id}`, result);",
        "}",
        "export async function readProbe(id: string) {",
        "  return [await redis.hgetall(`probe:base:${id}`), await redis.smembers(`probe:data:${id}`)];",
        "}",
      ),
      errors: [{ messageId: "redisOutlivesSibling", line: 8 }],
    },
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// require-invalidation-on-write: a Prisma client with no types, and columns a write declares.

/** A Prisma client generated into the repository and not generated yet: its import does not resolve. */
const UNTYPED_PRISMA = [
  "// @ts-ignore: the generated client is not there until `prisma generate`",
  'import { PrismaClient } from "./generated/prisma/client";',
  'import { Redis } from "ioredis";',
  "const db = { client: new PrismaClient() };",
  "const redis = new Redis();",
  "export async function getSite(siteId: string) {",
  "  const hit = await redis.get(`site:${siteId}`);",
  "  if (hit) return JSON.parse(hit);",
  "  const site = await db.client.site.findUnique({ where: { id: siteId }, select: { domain: true } });",
  "  await redis.set(`site:${siteId}`, JSON.stringify(site?.domain), 'EX', 86_400);",
  "  return site?.domain;",
  "}",
];

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "a write whose data is declared with an object type names its columns: none is the cached one",
      filename: FILENAME,
      code: lines(
        ...UNTYPED_PRISMA,
        "export async function setFlags(siteId: string, on: boolean) {",
        "  const data: { tracking?: boolean; banner?: boolean } = {};",
        "  data.tracking = on;",
        "  await db.client.site.update({ where: { id: siteId }, data });",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "an untyped Prisma client is read by its call shape: moving the domain stales site:{siteId}",
      filename: FILENAME,
      code: lines(
        ...UNTYPED_PRISMA,
        "export async function moveSite(siteId: string, domain: string) {",
        "  await db.client.site.update({ where: { id: siteId }, data: { domain } });",
        "}",
      ),
      errors: [{ messageId: "missingInvalidation", line: 14 }],
    },
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// no-impure-memoization: a clock that only sets a query's window, in a cache that expires.

ruleTester.run("no-impure-memoization", rules["no-impure-memoization"]!, {
  valid: [
    {
      name: "a sliding window computed inside a cache revalidated every 30 s is refreshed on purpose",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        "declare function countReports(serviceId: number, since: Date): Promise<number>;",
        "export const recentReports = unstable_cache(",
        "  async (serviceId: number) => {",
        "    const since = new Date(Date.now() - 3_600_000);",
        "    return countReports(serviceId, since);",
        "  },",
        '  ["recent-reports"],',
        "  { revalidate: 30 },",
        ");",
      ),
    },
  ],
  invalid: [
    {
      name: "the same window with no expiry: the first call's hour is served forever",
      filename: FILENAME,
      code: lines(
        'import { unstable_cache } from "next/cache";',
        "declare function countReports(serviceId: number, since: Date): Promise<number>;",
        "export const recentReports = unstable_cache(",
        "  async (serviceId: number) => {",
        "    const since = new Date(Date.now() - 3_600_000);",
        "    return countReports(serviceId, since);",
        "  },",
        '  ["recent-reports"],',
        ");",
      ),
      errors: [{ messageId: "readsTime", line: 5 }],
    },
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// require-complete-cache-key: an input stored beside the value is a field the reader compares.

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "the in-flight entry keeps its source beside the promise: the reader compares it",
      filename: FILENAME,
      code: lines(
        "declare function render(source: string): Promise<string>;",
        "const inFlight = new Map<string, { source: string; promise: Promise<string> }>();",
        "export function prepare(id: string, source: string): Promise<string> {",
        "  const running = inFlight.get(id);",
        "  if (running && running.source === source) return running.promise;",
        "  const promise = render(source);",
        "  inFlight.set(id, { source, promise });",
        "  return promise;",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "the same cache storing only the result: callers that differ by source get the first one's",
      filename: FILENAME,
      code: lines(
        "declare function render(source: string): Promise<string>;",
        "const rendered = new Map<string, Promise<string>>();",
        "export function prepare(id: string, source: string): Promise<string> {",
        "  const running = rendered.get(id);",
        "  if (running) return running;",
        "  const promise = render(source);",
        "  rendered.set(id, promise);",
        "  return promise;",
        "}",
      ),
      errors: [{ messageId: "inputMissingFromKey", line: 7 }],
    },
  ],
});
