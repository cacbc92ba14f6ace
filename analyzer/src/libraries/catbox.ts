// @hapi/catbox: `new Client(engine, options)` over a storage engine (catbox-memory is bounded by `maxByteSize`,
// 100 MB by default) and `new Policy({ expiresIn, expiresAt, staleIn, generateFunc }, client, segment)`.
// `client.set({ segment, id }, value, ttl)` and `policy.set(id, value, ttl?)` take milliseconds, and a TTL of 0 or
// none is "not cachable": nothing is stored, so a write never lives forever. `drop` deletes.
import type { Ttl } from "../model/cache-model";
import { methods, type ArgumentReader, type InProcessAdapter } from "./adapter";
import { construction, readTtlArgument } from "./in-process-methods";

/** A policy's expiry: `expiresIn` (ms) or `expiresAt` (a time of day); without either, nothing is cached. */
function readPolicyTtl(read: ArgumentReader): Ttl {
  const options = read.options(0);
  const expiresIn = options.get("expiresIn");
  if (expiresIn) return read.ttl(expiresIn, "ms");
  return { kind: "unknown" };
}

export const catbox = {
  id: "catbox",
  displayName: "@hapi/catbox",
  kind: "in-process",
  packages: {
    "@hapi/catbox": { Client: { role: "cache-class" }, Policy: { role: "cache-class", variant: "policy" } },
  },
  construct(read) {
    if (read.exportName === "Policy") {
      const segment = read.args[2] ? read.string(read.args[2]) : undefined;
      return construction({
        optionsOpaque: read.options(0).opaque,
        defaultTtl: readPolicyTtl(read),
        bound: { kind: "unknown" },
        keyPrefix: segment === undefined ? undefined : `${segment}:`,
      });
    }
    // A client's writes carry their own TTL (none: not stored); its engine decides the bound.
    return construction({ defaultTtl: { kind: "unknown" }, bound: { kind: "unknown" } });
  },
  storesReferencesWhenUnknown: false,
  methods: {
    read: methods(["get"]),
    write: methods(["set"]),
    delete: methods(["drop"]),
    clear: methods([]),
  },
  writeTtl: (read) => ({ ttl: readTtlArgument(read, 2, "ms", true) }),
  // A client's key is `{ segment, id }`; a policy's is the id.
  callShape(read) {
    const key = read.args[0];
    if (!key || !read.isObjectLiteral(key)) return {};
    const id = read.optionsOf(key).get("id");
    return id ? { key: id } : {};
  },
  tagService: undefined,
  backsDecoratorCaches: false,
  namespaceMethod: undefined,
  // catbox: the adapter reads get/set/drop of a Client; Policy.getOrGenerate (which dedupes) is not modelled.
  coalescedReadThrough: methods([]),
  requestScoped: false,
  storeErrors: {
    // Not installed here: the engine (memory, Redis…) decides what a failing get does.
    read: "depends",
    write: "depends",
    checked: "@hapi/catbox is not installed: not checked",
  },
  fixes: {
    ttl: { notApplicable: "catbox does not store a write without a TTL (0 or none is not cachable)" },
    bound: { notApplicable: "the engine decides the bound (catbox-memory's `maxByteSize` is 100 MB by default)" },
  },
} satisfies InProcessAdapter;
