// An auth library's own store of sessions (Better Auth with `secondaryStorage`), met while measuring recall on real
// bug-fix commits (notes in bench/accuracy/notes/recall-j-pass5.md), written in our own words: a profile write that
// goes straight to the ORM beside its silent twins. The packages are not installed: they are known by import specifier.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

const FIX =
  "Write the user through the auth API (`auth.api.updateUser`), which refreshes the stored sessions and the session cookie.";

/** One module: the auth configuration (`storage` is the `secondaryStorage` option), a session read, and `write`. */
const module = (storage: string | undefined, shown: string, ...write: string[]) =>
  lines(
    'import { PrismaClient } from "@prisma/client";',
    'import { betterAuth } from "better-auth";',
    "const orm = new PrismaClient();",
    "const slots = new Map<string, string>();",
    "export const accounts = betterAuth({",
    ...(storage === undefined ? [] : [`  secondaryStorage: ${storage},`]),
    "  session: { expiresIn: 3 * 24 * 60 * 60, cookieCache: { enabled: true } },",
    "});",
    "export async function badge(requestHeaders: Headers) {",
    "  const current = await accounts.api.getSession({ headers: requestHeaders });",
    `  return current ? ${shown} : "guest";`,
    "}",
    ...write,
  );

const STORE =
  "{ get: async (key: string) => slots.get(key) ?? null, set: async (key: string, value: string) => void slots.set(key, value), delete: async (key: string) => void slots.delete(key) }";

const changeAvatar = [
  "export async function changeAvatar(memberId: string, picture: string | null) {",
  "  await orm.user.update({ where: { id: memberId }, data: { image: picture } });",
  "}",
];

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "a cookie cache alone serves a session for minutes, the lag the project chose: not reported",
      filename: FILENAME,
      code: module(undefined, "current.user.image", ...changeAvatar),
    },
    {
      name: "a secondary store given as undefined is no store",
      filename: FILENAME,
      code: module("undefined", "current.user.image", ...changeAvatar),
    },
    {
      name: "the avatar is never read off a session: its stored copy is never shown",
      filename: FILENAME,
      code: module(STORE, "current.user.email", ...changeAvatar),
    },
    {
      name: "the write goes through the auth API, which refreshes the stored sessions",
      filename: FILENAME,
      code: module(
        STORE,
        "current.user.image",
        "export async function changeAvatar(picture: string | null, requestHeaders: Headers) {",
        "  await accounts.api.updateUser({ body: { image: picture }, headers: requestHeaders });",
        "}",
      ),
    },
    {
      name: "a generic update helper whose columns cannot be read may never touch what sessions carry",
      filename: FILENAME,
      code: module(
        STORE,
        "current.user.image",
        "export async function patchMember(memberId: string, changes: Record<string, unknown>) {",
        "  await orm.user.update({ where: { id: memberId }, data: changes });",
        "}",
      ),
    },
    {
      name: "removing the row is a revocation question, not a stale copy",
      filename: FILENAME,
      code: module(
        STORE,
        "current.user.image",
        "export async function closeAccount(memberId: string) {",
        "  await orm.user.delete({ where: { id: memberId } });",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "an avatar written with the ORM while sessions with their user live in a secondary store",
      filename: FILENAME,
      code: module(STORE, "current.user.image", ...changeAvatar),
      errors: [
        {
          messageId: "bypassedLibraryCache",
          line: 14,
          column: 9,
          data: {
            action: "user.update",
            fields: "`image` of ",
            entity: "`user`",
            family: "betterAuth() sessions",
            populatedAt: "file.ts:6",
            staleness: "for up to 3 d",
            fix: FIX,
          },
        },
      ],
    },
  ],
});
