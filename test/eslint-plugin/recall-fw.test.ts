// Framework and library configuration met while measuring recall on real bug-fix commits (bench/accuracy/recall,
// notes in bench/accuracy/notes/recall-fw.md), written in our own words: a positive that must be reported beside a
// negative twin that must stay silent. The packages are not installed: they are known by import specifier.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** The adapter's fix text, as the message names it. */
const APOLLO_FIX =
  '`cache: "bounded"` to the server\'s options (Apollo Server 3.9+; on 2.x a `new InMemoryLRUCache({ maxSize })`), or `persistedQueries: false`: automatic persisted queries let any client add entries to the default unbounded cache';

/** A library that builds its Apollo Server from a defaults helper and spreads the caller's overrides in. */
const gateway = (...defaults: string[]) =>
  lines(
    'import { ApolloServer } from "apollo-server-koa";',
    "interface GatewayOptions { schema: unknown; overrides?: Record<string, unknown> }",
    "function serverDefaults(options: GatewayOptions) {",
    "  return {",
    "    schema: options.schema,",
    ...defaults,
    "    ...options.overrides,",
    "  };",
    "}",
    "export function startGateway(options: GatewayOptions) {",
    "  return new ApolloServer({ ...serverDefaults(options), context: () => ({}) });",
    "}",
  );

ruleTester.run("require-cache-bound", rules["require-cache-bound"]!, {
  valid: [
    {
      name: 'Apollo Server 2/3 whose defaults say `cache: "bounded"`',
      filename: FILENAME,
      code: gateway('    cache: "bounded",'),
    },
    {
      name: "Apollo Server 2/3 with automatic persisted queries off: clients cannot add entries",
      filename: FILENAME,
      code: gateway("    persistedQueries: false,"),
    },
    {
      name: "Apollo Server 4 (`@apollo/server`) is bounded by default",
      filename: FILENAME,
      code: lines(
        'import { ApolloServer } from "@apollo/server";',
        "const typeDefs = `type Query { ping: String }`;",
        "export const server = new ApolloServer({ typeDefs, resolvers: {} });",
      ),
    },
    {
      name: "options built elsewhere: whether they set a cache cannot be seen",
      filename: FILENAME,
      code: lines(
        'import { ApolloServer } from "apollo-server";',
        'import { loadServerConfig } from "./config";',
        "export const server = new ApolloServer(loadServerConfig());",
      ),
    },
  ],
  invalid: [
    {
      name: "Apollo Server 2/3 built in a factory from a defaults helper without `cache`: the helper's literal",
      filename: FILENAME,
      code: gateway("    introspection: false,"),
      errors: [
        {
          messageId: "unboundedCache",
          line: 4,
          column: 10,
          data: {
            name: "apollo-server",
            library: "apollo-server",
            option: APOLLO_FIX,
          },
        },
      ],
    },
    {
      name: "a module-level Apollo Server 2/3 with inline options and no `cache`",
      filename: FILENAME,
      code: lines(
        'import { ApolloServer } from "apollo-server-express";',
        "const typeDefs = `type Query { ping: String }`;",
        "export const server = new ApolloServer({ typeDefs, resolvers: {} });",
      ),
      errors: [
        {
          messageId: "unboundedCache",
          line: 3,
          column: 40,
          data: { name: "server", library: "apollo-server", option: APOLLO_FIX },
        },
      ],
    },
  ],
});

/** A page whose data is cached for a day, inside a page cached with `profile` (file-level 'use cache'). */
const statsPage = (profile: string) =>
  lines(
    '"use cache";',
    'import { cacheLife } from "next/cache";',
    "async function countVotes(): Promise<number> {",
    '  "use cache";',
    '  cacheLife("days");',
    '  const response = await fetch("https://stats.example.test/votes");',
    "  return (await response.json()) as number;",
    "}",
    "export default async function StatsPage() {",
    `  cacheLife(${profile});`,
    "  const votes = await countVotes();",
    "  return `${votes} votes this month`;",
    "}",
  );

ruleTester.run("consistent-cache-ttl", rules["consistent-cache-ttl"]!, {
  valid: [
    {
      name: "a page refreshed as often as the cached data it shows",
      filename: FILENAME,
      code: statsPage('"days"'),
    },
    {
      name: "a page with a shorter lifetime than its data",
      filename: FILENAME,
      code: statsPage('"hours"'),
    },
    {
      name: "a lifetime given as an object with a shorter `revalidate` (seconds)",
      filename: FILENAME,
      code: statsPage("{ revalidate: 3600, expire: 86400 }"),
    },
    {
      name: "a function with `cacheLife` but no 'use cache' is not a cache (Next.js rejects the call)",
      filename: FILENAME,
      code: lines(
        'import { cacheLife } from "next/cache";',
        "async function countVotes(): Promise<number> {",
        '  "use cache";',
        '  cacheLife("minutes");',
        "  return 1;",
        "}",
        "export async function statsText() {",
        '  cacheLife("max");',
        "  return String(await countVotes());",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: 'a page cached with "max" around data cached for a day: the outer lifetime wins, the counts freeze for 30 days',
      filename: FILENAME,
      code: statsPage('"max"'),
      errors: [
        {
          messageId: "nestedLifetimeOverride",
          line: 10,
          column: 3,
          data: {
            outer: "StatsPage",
            profile: '"max"',
            outerTime: "30 d",
            inner: "countVotes",
            where: "file.ts:5",
            innerProfile: '"days"',
            innerTime: "24 h",
          },
        },
      ],
    },
    {
      name: "a lifetime given as an object with a longer `revalidate`",
      filename: FILENAME,
      code: statsPage("{ revalidate: 604800 }"),
      errors: [{ messageId: "nestedLifetimeOverride", line: 10 }],
    },
  ],
});
