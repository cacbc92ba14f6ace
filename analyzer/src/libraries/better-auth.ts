// Better Auth (`betterAuth(options)` of `better-auth`): the session it serves carries the signed-in user's row. With
// `secondaryStorage` (a key-value store: Redis, a KV) the library keeps every active session with its user in that
// store for the session's lifetime (`session.expiresIn`, default 7 days) and serves sessions from it. It rewrites those
// copies when the row changes through its own API (`auth.api.updateUser`); a write of the user table that goes
// straight through the ORM (`prisma.user.update`) is not seen, and sessions keep the old name, email or image.
// cachewise records such a configuration as a cache family that holds the user row (`CacheSite.heldEntities`), limited
// to the fields the code reads off the sessions (`(await auth.api.getSession(…)).user.name`), so
// `require-invalidation-on-write` reports direct writes of what the project shows from a session.
//
// A cookie cache alone (`session.cookieCache`) is not reported: it serves a session for its `maxAge` (5 minutes by
// default), the lag the project chose by turning it on. A removed row is not reported either (revoking the sessions of
// a deleted account is another question than a stale copy).
//
// Recognised by import specifier and the call's options, without the library's types (not a dependency of
// cachewise). Silent when the options are not an object literal in sight, when `secondaryStorage` is absent (or
// `undefined`/`null`/`false`), and when no code in the program reads a user field off the instance's sessions.
import type { FrameworkAdapter } from "./adapter";
import type { Orm } from "../model/cache-model";

export const betterAuth = {
  id: "better-auth",
  displayName: "Better Auth (session cookie cache, `secondaryStorage`)",
  kind: "framework",
  packages: { "better-auth": { betterAuth: { role: "auth-session-cache" } } },
  memoize: undefined,
  decoratorFamilies: false,
  requestScoped: false,
  globalTags: false,
  labelByMethod: false,
  refillsOnce: false,
} satisfies FrameworkAdapter;

/** The user table's model name when `user.modelName` does not say otherwise. */
export const BETTER_AUTH_USER_MODEL = "user";

/**
 * The user columns every session carries and a user can change: the core schema's (`id`, `createdAt` and
 * `updatedAt` are not changed by a profile write). `user.additionalFields` add theirs.
 */
export const BETTER_AUTH_SESSION_USER_FIELDS = ["name", "email", "emailVerified", "image"] as const;

/** How the server reads a session: `auth.api.getSession(…)`, whose result's `user` is the cached row. */
export const BETTER_AUTH_SESSION_READ = { namespace: "api", method: "getSession" } as const;

/** `session.expiresIn` when not given: 7 days; sessions in `secondaryStorage` live as long. */
export const BETTER_AUTH_SESSION_EXPIRES_IN_SECONDS = 7 * 24 * 60 * 60;

/** The database adapters of `better-auth/adapters/*`, by export name: the ORM the library writes the user through. */
export const BETTER_AUTH_DATABASE_ADAPTERS: Readonly<Record<string, Orm>> = {
  prismaAdapter: "prisma",
  drizzleAdapter: "drizzle",
};

/** The sentence `require-invalidation-on-write` ends with for this cache: what to call instead of the ORM. */
export const BETTER_AUTH_INVALIDATION_FIX =
  "Write the user through the auth API (`auth.api.updateUser`), which refreshes the stored sessions and the session cookie.";
