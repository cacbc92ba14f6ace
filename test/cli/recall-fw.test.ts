// Framework and library configuration met while measuring recall on real bug-fix commits (bench/accuracy/recall,
// notes in bench/accuracy/notes/recall-fw.md), each written in our own words, through the CLI and through ESLint on
// the same project (the packages are absent, so identity comes from the import specifiers): both hosts report the
// same findings at the expected places, and stay silent on each case's twin.
import { describe, it } from "node:test";
import { STRICT_TSCONFIG, expectBothHosts, writeProject } from "../helpers";

/** Checks a project in both hosts: the same (rule, file, line, column) set, and that set is `expected`. */
async function checkProject(name: string, files: Record<string, string>, expected: string[]): Promise<void> {
  await expectBothHosts(writeProject(name, files), expected);
}

/** Checks a one-file project in both hosts. */
async function checkBothHosts(name: string, source: string[], expected: string[]): Promise<void> {
  await checkProject(name, { "tsconfig.json": STRICT_TSCONFIG, "src/server.ts": `${source.join("\n")}\n` }, expected);
}

/** A library that builds its GraphQL server from a defaults helper and the caller's overrides. */
const gateway = (defaults: string[]) => [
  'import { ApolloServer } from "apollo-server-express";',
  "interface GatewayOptions { schema: unknown; overrides?: Record<string, unknown> }",
  "function serverDefaults(options: GatewayOptions) {",
  "  return {",
  "    schema: options.schema,",
  "    introspection: false,",
  ...defaults.map((line) => `    ${line}`),
  "    ...options.overrides,",
  "  };",
  "}",
  "export function startGateway(options: GatewayOptions) {",
  "  const config = serverDefaults(options);",
  "  return new ApolloServer({ ...config, context: () => ({}) });",
  "}",
];

describe("recall: framework and library configuration", () => {
  it("Apollo Server 2/3 built from a defaults helper without `cache`: reported on the helper's literal", async () => {
    await checkBothHosts("apollo-defaults", gateway([]), ["require-cache-bound src/server.ts:4:10"]);
  });

  it('the same helper with `cache: "bounded"`, or with persisted queries off, is silent', async () => {
    await checkBothHosts("apollo-bounded", gateway(['cache: "bounded" as const,']), []);
    await checkBothHosts("apollo-no-apq", gateway(["persistedQueries: false as const,"]), []);
  });

  it("a module-level server with inline options is reported on its options; a v4 server and foreign options are not", async () => {
    await checkBothHosts(
      "apollo-inline",
      [
        'import { ApolloServer } from "apollo-server";',
        'import { ApolloServer as ApolloServer4 } from "@apollo/server";',
        'import { loadServerConfig } from "./config";',
        "const typeDefs = `type Query { ping: String }`;",
        'const resolvers = { Query: { ping: () => "pong" } };',
        "export const server = new ApolloServer({ typeDefs, resolvers });",
        "export const modern = new ApolloServer4({ typeDefs, resolvers });",
        "export const configured = new ApolloServer(loadServerConfig());",
      ],
      ["require-cache-bound src/server.ts:6:40"],
    );
  });

  it("Next.js: a page cached for weeks that renders a component whose data is cached for hours", async () => {
    const tsconfig = JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        jsx: "preserve",
        strict: true,
      },
      include: ["src"],
    });
    const page = (profile: string) =>
      [
        '"use cache";',
        'import { cacheLife } from "next/cache";',
        'import { SignupBanner } from "../components/signup-banner";',
        "export default async function Home() {",
        `  cacheLife("${profile}");`,
        "  return <main><SignupBanner /></main>;",
        "}",
        "export async function generateMetadata() {",
        '  cacheLife("max");',
        '  return { title: "Home" };',
        "}",
        "",
      ].join("\n");
    const files = {
      "tsconfig.json": tsconfig,
      "src/lib/stats.ts": [
        'import { cacheLife } from "next/cache";',
        "export async function countSignups(): Promise<number> {",
        '  "use cache";',
        '  cacheLife("hours");',
        '  const response = await fetch("https://stats.example.test/signups");',
        "  return (await response.json()) as number;",
        "}",
        "",
      ].join("\n"),
      "src/components/signup-banner.tsx": [
        'import { countSignups } from "../lib/stats";',
        "export async function SignupBanner() {",
        "  const signups = await countSignups();",
        "  return <p>{signups} people signed up</p>;",
        "}",
        "",
      ].join("\n"),
    };
    // The outer lifetime wins: the banner's hourly count is frozen in the page for a week. `generateMetadata` does
    // not render the banner, so its "max" is fine.
    await checkProject("next-nested-life", { ...files, "src/app/page.tsx": page("weeks") }, [
      "consistent-cache-ttl src/app/page.tsx:5:3",
    ]);
    // The twin: the page refreshed as often as the data it shows.
    await checkProject("next-nested-life-twin", { ...files, "src/app/page.tsx": page("hours") }, []);
  });
});
