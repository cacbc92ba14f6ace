// TEMPLATE for a new library adapter: copy to `<id>.ts`, fill every field, then
//   1. add the id to `LibraryId` in analyzer/src/model/cache-model.ts;
//   2. register the adapter in `LIBRARY_ADAPTERS` (registry.ts): the type check fails until you do;
//   3. add the package as an exact devDependency, and RuleTester cases (a positive and its negative
//      twin) in test/eslint-plugin/ for each rule the library touches;
//   4. add a row to the library table of each rule doc it affects (eslint-plugin/docs/rules/*.md) and
//      name it in the README's list of libraries.
// Choose the interface by kind: RedisProtocolAdapter (speaks Redis: reuse redis-protocol.ts),
// RemoteStoreAdapter (a shared store that is not Redis), InProcessAdapter, MemoizerAdapter, FrameworkAdapter.
// Every fix text is a sentence, or `{ notApplicable: "why the rule does not apply" }`: never leave a rule
// silently off. Read options only through `read` (this folder never imports TypeScript).
import type { InProcessAdapter } from "./adapter";
import { IN_PROCESS_STORE, methods } from "./adapter";
import { COMMON_CACHE_METHODS, construction, readTtlOption } from "./in-process-methods";

export const templateLibrary = {
  // The new id, once added to LibraryId (the template borrows `map` so that it type-checks).
  id: "map",
  displayName: "template-library",
  kind: "in-process",
  // Module specifier → export → role. Subpaths (`pkg/sub`) are listed explicitly.
  packages: { "template-library": { default: { role: "cache-class" }, TemplateCache: { role: "cache-class" } } },
  construct(read) {
    const options = read.options(0);
    const ttl = options.get("ttl");
    const max = options.get("max");
    return construction({
      optionsOpaque: options.opaque,
      defaultTtl: ttl ? read.ttl(ttl, "ms") : { kind: "none" },
      bound: max ? read.entries(max) : { kind: "none" },
      storesReferences: true,
    });
  },
  storesReferencesWhenUnknown: true,
  methods: COMMON_CACHE_METHODS,
  writeTtl: (read) => ({ ttl: readTtlOption(read, 2, "ttl", "ms") }),
  callShape: () => ({}),
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // Which read-through methods coalesce concurrent misses: read the installed version's source, and say which.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: IN_PROCESS_STORE,
  fixes: {
    ttl: "Add `ttl` (milliseconds) to its options, or `{ ttl }` to this call.",
    bound: "`max`",
  },
} satisfies InProcessAdapter;
