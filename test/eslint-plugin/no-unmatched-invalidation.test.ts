// no-unmatched-invalidation through ESLint: typed RuleTester cases, each report next to a twin that stays silent.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, USER_CACHE_ASIDE, createRuleTester, lines } from "./rule-tester";

const rule = rules["no-unmatched-invalidation"]!;
const ruleTester = createRuleTester();

/** Redis: `member:{id}` filled after a miss. */
const MEMBER_CACHE = [
  'import { Redis } from "ioredis";',
  "const redis = new Redis();",
  "declare function loadMember(id: string): Promise<unknown>;",
  "export async function getMember(id: string) {",
  "  const hit = await redis.get(`member:${id}`);",
  "  if (hit) return JSON.parse(hit) as unknown;",
  "  const member = await loadMember(id);",
  "  await redis.set(`member:${id}`, JSON.stringify(member), 'EX', 600);",
  "  return member;",
  "}",
];

/** Next.js: a cached function tagged `team-events`. */
const TEAM_EVENTS = [
  'import { unstable_cache, revalidateTag } from "next/cache";',
  "declare function loadEvents(teamId: string): Promise<unknown[]>;",
  "export const getTeamEvents = unstable_cache(loadEvents, ['team-events'], { tags: ['team-events'], revalidate: 3600 });",
];

/** Next.js 'use cache' with a per-team tag. */
const USE_CACHE_TEAM = [
  'import { cacheTag, updateTag } from "next/cache";',
  "declare function loadTeam(id: string): Promise<unknown>;",
  "export async function getTeam(id: string) {",
  "  'use cache';",
  "  cacheTag(`team:${id}`);",
  "  return loadTeam(id);",
  "}",
];

/** bentocache: an entry tagged `products`. */
const BENTO = [
  'import { BentoCache, bentostore } from "bentocache";',
  'import { memoryDriver } from "bentocache/drivers/memory";',
  "declare function loadProduct(id: string): Promise<unknown>;",
  "const bento = new BentoCache({ default: 'memory', stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 1000 })) } });",
  "export async function getProduct(id: string) {",
  "  return bento.getOrSet({ key: `product:${id}`, ttl: '1h', tags: ['products'], factory: () => loadProduct(id) });",
  "}",
];

/** NestJS: a controller whose response the CacheInterceptor stores under `products`. */
const NEST_CACHE = [
  'import { CacheKey, CacheTTL, Cache } from "@nestjs/cache-manager";',
  "declare function listProducts(): Promise<unknown[]>;",
  "export class ProductsController {",
  "  constructor(private readonly cacheManager: Cache) {}",
  "  @CacheKey('products')",
  "  @CacheTTL(600000)",
  "  async list() {",
  "    return listProducts();",
  "  }",
];

ruleTester.run("no-unmatched-invalidation", rule, {
  valid: [
    {
      name: "the key the cache writes",
      filename: FILENAME,
      code: lines(
        ...MEMBER_CACHE,
        "export async function forget(id: string) {",
        "  await redis.del(`member:${id}`);",
        "}",
      ),
    },
    {
      name: "a literal key of the family's pattern",
      filename: FILENAME,
      code: lines(...MEMBER_CACHE, "export async function forgetAdmin() {", "  await redis.del('member:admin');", "}"),
    },
    {
      name: "a key of another namespace: another service's",
      filename: FILENAME,
      code: lines(
        ...MEMBER_CACHE,
        "export async function logout(id: string) {",
        "  await redis.del(`session:${id}`);",
        "}",
      ),
    },
    {
      name: "another segment of the namespace (a Lua script or another service writes it)",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function saveStatus(id: string, status: string) {",
        "  await redis.set(`digest:status:${id}`, status, 'EX', 600);",
        "}",
        "export async function release(id: string) {",
        "  await redis.zrem(`digest:summary-limit:${id}`, id);",
        "}",
      ),
    },
    {
      name: "a short namespace one letter away is another word",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function saveOrg(id: string, org: string) {",
        "  await redis.set(`org:${id}`, org, 'EX', 600);",
        "}",
        "export async function forgetCode(id: string) {",
        "  await redis.del(`otp:${id}`);",
        "}",
      ),
    },
    {
      name: "a key with no literal text",
      filename: FILENAME,
      code: lines(...MEMBER_CACHE, "export async function forget(key: string) {", "  await redis.del(key);", "}"),
    },
    {
      name: "a key the program reads but does not write (another service writes it)",
      filename: FILENAME,
      code: lines(
        ...MEMBER_CACHE,
        "export async function getMembers(id: string) {",
        "  return redis.get(`members:${id}`);",
        "}",
        "export async function forget(id: string) {",
        "  await redis.del(`members:${id}`);",
        "}",
      ),
    },
    {
      name: "a pattern delete that covers the family",
      filename: FILENAME,
      code: lines(
        ...MEMBER_CACHE,
        "async function deleteMatching(pattern: string) {",
        "  const keys = await redis.keys(pattern);",
        "  if (keys.length > 0) await redis.del(...keys);",
        "}",
        "export async function forgetAll() {",
        "  await deleteMatching('member:*');",
        "}",
      ),
    },
    {
      name: "a key the family's hole covers",
      filename: FILENAME,
      code: lines(
        ...MEMBER_CACHE,
        "export async function forget(id: string) {",
        "  await redis.del(`member:${id}:profile`);",
        "}",
      ),
    },
    {
      name: "the segment the family writes",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function saveProfile(id: string, profile: string) {",
        "  await redis.set(`user:${id}:profile`, profile, 'EX', 600);",
        "}",
        "export async function forget(userId: string) {",
        "  await redis.del(`user:${userId}:profile`);",
        "}",
      ),
    },
    {
      name: "a key with a hole where the family has text",
      filename: FILENAME,
      code: lines(
        ...MEMBER_CACHE,
        "export async function forget(kind: string, id: string) {",
        "  await redis.del(`member:${kind}`);",
        "  await redis.del(`${kind}:${id}`);",
        "}",
      ),
    },
    {
      name: "in a test file",
      filename: "cache.test.ts",
      code: lines(
        ...MEMBER_CACHE,
        "export async function forget(id: string) {",
        "  await redis.del(`members:${id}`);",
        "}",
      ),
    },
    {
      name: "revalidateTag of the tag the cached function carries",
      filename: FILENAME,
      code: lines(...TEAM_EVENTS, "export function onEventSaved() {", "  revalidateTag('team-events');", "}"),
    },
    {
      name: "revalidateTag when a cached function's tags cannot be read",
      filename: FILENAME,
      code: lines(
        ...TEAM_EVENTS,
        "declare function tagsOf(teamId: string): string[];",
        "export const getTeamEvent = (id: string) => unstable_cache(loadEvents, [id], { tags: tagsOf(id) })(id);",
        "export function onEventSaved(id: string) {",
        "  revalidateTag('team-event:' + id);",
        "}",
      ),
    },
    {
      name: "revalidateTag of a tag of another namespace (a fetch or a CDN tag)",
      filename: FILENAME,
      code: lines(
        ...TEAM_EVENTS,
        "export function onDomainSaved(domain: string) {",
        "  revalidateTag(`static:${domain}`);",
        "}",
      ),
    },
    {
      name: "revalidatePath: routes are not cache families",
      filename: FILENAME,
      code: lines(
        'import { revalidatePath } from "next/cache";',
        ...TEAM_EVENTS.slice(1),
        "export function onEventSaved() {",
        "  revalidatePath('/team-event');",
        "}",
      ),
    },
    {
      name: "updateTag of the 'use cache' function's tag",
      filename: FILENAME,
      code: lines(...USE_CACHE_TEAM, "export async function rename(id: string) {", "  updateTag(`team:${id}`);", "}"),
    },
    {
      name: "bentocache deleteByTag of the entry's tag",
      filename: FILENAME,
      code: lines(
        ...BENTO,
        "export async function onSaved() {",
        "  await bento.deleteByTag({ tags: ['products'] });",
        "}",
      ),
    },
    {
      name: "cacheManager.del of the @CacheKey (NestJS)",
      filename: FILENAME,
      code: lines(...NEST_CACHE, "  async create() {", "    await this.cacheManager.del('products');", "  }", "}"),
    },
    {
      name: "the cache-aside setup alone",
      filename: FILENAME,
      code: lines(...USER_CACHE_ASIDE),
    },
  ],
  invalid: [
    {
      name: "a plural namespace where the family's is singular",
      filename: FILENAME,
      code: lines(
        ...MEMBER_CACHE,
        "export async function forget(id: string) {",
        "  await redis.del(`members:${id}`);",
        "}",
      ),
      errors: [
        {
          messageId: "unmatchedKey",
          line: 12,
          column: 15,
          endLine: 12,
          endColumn: 18,
          data: {
            what: "del",
            key: "members:{id}",
            family: "member:{id}",
            writtenAt: "file.ts:8",
            difference: "whose namespace is `member`, not `members`",
          },
        },
      ],
    },
    {
      name: "a segment spelled otherwise than the family's",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function saveProfile(id: string, profile: string) {",
        "  await redis.set(`user:${id}:profile`, profile, 'EX', 600);",
        "}",
        "export async function forget(id: string) {",
        "  await redis.del(`user:${id}:profiles`);",
        "}",
      ),
      errors: [
        {
          messageId: "unmatchedKey",
          line: 7,
          data: {
            what: "del",
            key: "user:{id}:profiles",
            family: "user:{id}:profile",
            writtenAt: "file.ts:4",
            difference: "which has `profile` after `user:{id}` where this key has `profiles`",
          },
        },
      ],
    },
    {
      name: "a typo in a long namespace",
      filename: FILENAME,
      code: lines(
        'import { Redis } from "ioredis";',
        "const redis = new Redis();",
        "export async function saveSettings(id: string, settings: string) {",
        "  await redis.set(`notification-settings:${id}`, settings, 'EX', 600);",
        "}",
        "export async function forget(id: string) {",
        "  await redis.del(`notifcation-settings:${id}`);",
        "}",
      ),
      errors: [{ messageId: "unmatchedKey", line: 7 }],
    },
    {
      name: "revalidateTag of a singular tag where the cached function carries the plural",
      filename: FILENAME,
      code: lines(
        ...TEAM_EVENTS,
        "export function onEventSaved(id: string) {",
        "  revalidateTag('team-event:' + id);",
        "}",
      ),
      errors: [
        {
          messageId: "unmatchedTag",
          line: 5,
          column: 3,
          data: {
            what: "revalidateTag",
            tag: "team-event:{id}",
            closest: "team-events",
            family: "getTeamEvents() unstable_cache",
            taggedAt: "file.ts:3",
            difference: "whose namespace is `team-events`, not `team-event`",
          },
        },
      ],
    },
    {
      name: "updateTag of a tag the 'use cache' function does not carry",
      filename: FILENAME,
      code: lines(...USE_CACHE_TEAM, "export async function rename(id: string) {", "  updateTag(`teams:${id}`);", "}"),
      errors: [{ messageId: "unmatchedTag", line: 9 }],
    },
    {
      name: "bentocache deleteByTag of a tag no entry carries",
      filename: FILENAME,
      code: lines(
        ...BENTO,
        "export async function onSaved() {",
        "  await bento.deleteByTag({ tags: ['product'] });",
        "}",
      ),
      errors: [{ messageId: "unmatchedTag", line: 9 }],
    },
    {
      name: "cacheManager.del of a key the interceptor does not write (NestJS)",
      filename: FILENAME,
      code: lines(...NEST_CACHE, "  async create() {", "    await this.cacheManager.del('product');", "  }", "}"),
      errors: [{ messageId: "unmatchedKey", line: 11 }],
    },
  ],
});
