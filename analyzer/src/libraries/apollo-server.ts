// Apollo Server 2 and 3 (`apollo-server`, `apollo-server-express`, `-micro`, `-koa`, `-fastify`, `-hapi`, `-lambda`,
// `-cloud-functions`, `-azure-functions`, `-cloudflare`, and `ApolloServerBase` of `apollo-server-core`): the server
// keeps an in-memory cache, and automatic persisted queries (on by default) store every query hash a client sends in
// it. Without a `cache` option that cache is unbounded (2.x: `InMemoryLRUCache` with `maxSize: Infinity`; 3.x warns
// and documents `cache: "bounded"`, from 3.9), so clients can grow the server's memory without limit. Apollo Server 4
// (`@apollo/server`) is bounded by default and is not listed here.
//
// The packages are recognised by import specifier and the `new ApolloServer(options)` shape, without their types (they
// are not dependencies of cachewise). The options are often assembled (`{ ...defaultConfig(), context }` with the
// user's overrides spread in): they are read through same-file helpers, and the finding lands on the literal that
// configures the schema, where the missing option belongs. Only that literal's own reading decides: a spread that
// cannot be read (the user's `apolloConfig`) may add `cache`, but the default the code ships is what is reported.
// Silent when `cache` is given (any value: "bounded", a Keyv or Redis cache) or `persistedQueries: false`, and when
// no literal that sets the schema is visible (options from elsewhere: cachewise cannot tell).
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { construction } from "./in-process-methods";

const SERVER = { ApolloServer: { role: "cache-class" } } as const;
/** The options that say what the server serves: the literal holding one of them is the server's configuration. */
const SCHEMA_OPTIONS = ["schema", "typeDefs", "modules", "gateway", "resolvers"];

export const apolloServer = {
  id: "apollo-server",
  displayName: "Apollo Server 2/3",
  kind: "in-process",
  packages: {
    "apollo-server": SERVER,
    "apollo-server-express": SERVER,
    "apollo-server-micro": SERVER,
    "apollo-server-koa": SERVER,
    "apollo-server-fastify": SERVER,
    "apollo-server-hapi": SERVER,
    "apollo-server-lambda": SERVER,
    "apollo-server-cloud-functions": SERVER,
    "apollo-server-azure-functions": SERVER,
    "apollo-server-cloudflare": SERVER,
    "apollo-server-core": { ApolloServerBase: { role: "cache-class" } },
  },
  construct(read) {
    const options = read.assembledOptions(0);
    const configuration = options.literals.find((literal) =>
      literal.names.some((name) => SCHEMA_OPTIONS.includes(name)),
    );
    const persistedQueries = options.get("persistedQueries");
    const value = persistedQueries && read.optionValue(persistedQueries);
    const bounded = options.has("cache") || (value?.kind === "boolean" && !value.value);
    return construction({
      // Options whose schema is not in sight come from elsewhere: whether they set a cache is unknown.
      optionsOpaque: configuration === undefined,
      defaultTtl: { kind: "none" },
      bound: bounded ? { kind: "unknown" } : { kind: "none" },
      storesReferences: false,
      servesProcess: true,
      optionsAt: configuration?.at,
    });
  },
  storesReferencesWhenUnknown: false,
  // The server is not a cache the code reads or writes: its calls (`start`, `applyMiddleware`) are not cache calls.
  methods: { read: methods([]), write: methods([]), delete: methods([]), clear: methods([]) },
  writeTtl: () => ({ ttl: { kind: "none" } }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: { notApplicable: "the code never writes to Apollo Server's cache: its bound is the issue, not a TTL" },
    bound:
      '`cache: "bounded"` to the server\'s options (Apollo Server 3.9+; on 2.x a `new InMemoryLRUCache({ maxSize })`), or `persistedQueries: false`: automatic persisted queries let any client add entries to the default unbounded cache',
  },
} satisfies InProcessAdapter;
