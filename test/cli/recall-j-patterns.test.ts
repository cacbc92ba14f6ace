// An auth library's own store of sessions, met while measuring recall on real bug-fix commits (bench/accuracy/recall,
// notes in bench/accuracy/notes/recall-j-pass5.md), written in our own words: Better Auth with `secondaryStorage`
// keeps each session with its user's row, and a profile write that goes straight to the ORM leaves those copies
// stale. Checked through the CLI and through ESLint on the same project (the packages are absent, so identity comes
// from the import specifiers): both hosts report the same findings, and each twin stays silent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STRICT_TSCONFIG, expectBothHosts, writeProject } from "../helpers";

async function checkProject(name: string, files: Record<string, string>, expected: string[]): Promise<string> {
  const dir = writeProject(name, { "tsconfig.json": STRICT_TSCONFIG, ...files });
  return (await expectBothHosts(dir, expected)).stdout;
}

const database = [
  'import { PrismaClient } from "@prisma/client";',
  "export const database = new PrismaClient();",
  "",
].join("\n");

const tokens = [
  "const entries = new Map<string, string>();",
  "export const tokenStore = {",
  "  read: async (key: string) => entries.get(key) ?? null,",
  "  write: async (key: string, value: string) => void entries.set(key, value),",
  "  drop: async (key: string) => void entries.delete(key),",
  "};",
  "",
].join("\n");

/** The auth configuration; `storage` is the `secondaryStorage` option's text (undefined: left out), `session` the session options. */
const authConfig = (storage: string | undefined, session = "{ expiresIn: 14 * 24 * 60 * 60 }") =>
  [
    'import { betterAuth } from "better-auth";',
    'import { prismaAdapter } from "better-auth/adapters/prisma";',
    'import { database } from "./database.js";',
    'import { tokenStore } from "./tokens.js";',
    "export const identity = betterAuth({",
    '  database: prismaAdapter(database, { provider: "postgresql" }),',
    '  user: { additionalFields: { region: { type: "string" } } },',
    ...(storage === undefined ? [] : [`  secondaryStorage: ${storage},`]),
    `  session: ${session},`,
    "});",
    "",
  ].join("\n");

const STORE = "{ get: tokenStore.read, set: tokenStore.write, delete: tokenStore.drop }";

/** The page header shows the member's display name and region from the session. */
const header = [
  'import { identity } from "./auth.js";',
  "export async function headerFor(requestHeaders: Headers) {",
  "  const signedIn = await identity.api.getSession({ headers: requestHeaders });",
  "  if (!signedIn) return undefined;",
  "  return { title: signedIn.user.name, region: signedIn?.user?.region };",
  "}",
  "",
].join("\n");

/** Profile settings: a rename and a last-seen stamp written with the ORM, and a rename through the auth API. */
const settings = [
  'import { database } from "./database.js";',
  'import { identity } from "./auth.js";',
  "export async function renameMember(memberId: string, displayName: string) {",
  "  await database.user.update({ where: { id: memberId }, data: { name: displayName } });",
  "}",
  "export async function stampVisit(memberId: string) {",
  "  await database.user.update({ where: { id: memberId }, data: { lastVisitAt: new Date() } });",
  "}",
  "export async function patchMember(memberId: string, changes: Record<string, string>) {",
  "  await database.user.update({ where: { id: memberId }, data: changes });",
  "}",
  "export async function closeAccount(memberId: string) {",
  "  await database.user.delete({ where: { id: memberId } });",
  "}",
  "export async function renameThroughIdentity(displayName: string, requestHeaders: Headers) {",
  "  await identity.api.updateUser({ body: { name: displayName }, headers: requestHeaders });",
  "}",
  "",
].join("\n");

const project = (auth: string, shown = header) => ({
  "src/database.ts": database,
  "src/tokens.ts": tokens,
  "src/auth.ts": auth,
  "src/header.ts": shown,
  "src/settings.ts": settings,
});

describe("recall: an auth library's stored sessions written around", () => {
  it("a rename written with the ORM while sessions live in a secondary store: reported at the write", async () => {
    const out = await checkProject("auth-sessions-stale", project(authConfig(STORE)), [
      "require-invalidation-on-write src/settings.ts:4:9",
    ]);
    assert.match(out, /writes `name` of `user` directly, but `betterAuth\(\) sessions` keeps copies of that row/);
    assert.match(out, /for up to 14 d/);
    assert.match(out, /auth\.api\.updateUser/);
  });

  it("the twins are silent: no secondary store, a cookie cache alone, a store given as undefined", async () => {
    await checkProject("auth-sessions-no-store", project(authConfig(undefined)), []);
    await checkProject(
      "auth-sessions-cookie-only",
      project(authConfig(undefined, "{ cookieCache: { enabled: true, maxAge: 5 * 60 } }")),
      [],
    );
    await checkProject("auth-sessions-store-undefined", project(authConfig("undefined")), []);
  });

  it("silent when the code never reads the written field off a session", async () => {
    const idOnly = header.replace("title: signedIn.user.name, region: signedIn?.user?.region", "id: signedIn.user.id");
    await checkProject("auth-sessions-unread", project(authConfig(STORE), idOnly), []);
  });
});
