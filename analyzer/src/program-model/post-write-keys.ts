// Invalidations whose key is built from the rows as they are after an update: the rows the update returned, or
// rows read again after it. When the update may change a field the key is built from (an e-mail, an address), the
// delete removes the entry under the new key, which was never written, and the entry under the old key stays.
import type { EntityAccess, Span, ValueSources } from "../model/cache-model";
import type { CacheFamily, FamilySiteRef, ProgramModel } from "../model/program-model";

/** A write that changes rows in place; creates and deletes leave no row whose key fields changed. */
const UPDATE_ACTION = /update|upsert/i;

/** Names of row identities, which updates do not change: a key built from them alone is the same after the write. */
const IDENTITY_FIELDS = new Set(["id", "_id", "uuid", "pk"]);

/** An invalidation on a write's path whose key comes from the rows after the write. */
export interface PostWriteInvalidation {
  family: CacheFamily;
  /** The delete, or the call of the helper that deletes (`rows.forEach(removeFromCache)`). */
  span: Span;
  /** The key's fields that the write may change, as the key reads them (`email`, `apikey`). */
  fields: string[];
  /** Where the rows come from: the update itself, or a read after it. */
  rows: { kind: "returned" } | { kind: "read-again"; span: Span };
  /** The helper that deletes, when the delete is not in the writing function. */
  via: string | undefined;
}

interface Reach {
  ref: FamilySiteRef;
  family: CacheFamily;
  /** What the key is made of in the writing function. */
  sources: ValueSources;
  /** The fields the key reads from those sources, by call (`file:start`) or for the whole argument. */
  fieldsOf: (callKey: string) => string[] | undefined;
  span: Span;
  via: string | undefined;
}

const byProgram = new WeakMap<ProgramModel, Map<string, Array<{ ref: FamilySiteRef; family: CacheFamily }>>>();

/** Deletes of each function, with their families. */
function indexDeletes(program: ProgramModel): Map<string, Array<{ ref: FamilySiteRef; family: CacheFamily }>> {
  let index = byProgram.get(program);
  if (index) return index;
  index = new Map();
  for (const family of program.families) {
    for (const ref of family.invalidations) {
      if (ref.wildcard || ref.operation !== "delete") continue;
      const list = index.get(ref.functionId) ?? [];
      list.push({ ref, family });
      index.set(ref.functionId, list);
    }
  }
  byProgram.set(program, index);
  return index;
}

const keyOf = (span: Span) => `${span.file}:${span.start}`;

/**
 * The invalidations on the path of `write` (in its function, or in a helper it calls with the rows) whose key is
 * built from the rows after the write, for fields the write may change, when nothing on that path deletes the family
 * with values from before the write.
 */
export function findPostWriteInvalidations(program: ProgramModel, write: EntityAccess): PostWriteInvalidation[] {
  if (!UPDATE_ACTION.test(write.action)) return [];
  const facts = program.functions.get(write.functionId);
  const deletes = indexDeletes(program);
  // The rows after the write: what it returned, and reads of the same entity that run after it in the same function.
  const after = new Map<string, PostWriteInvalidation["rows"]>([[keyOf(write.span), { kind: "returned" }]]);
  for (const read of program.entityReadsByFunction.get(write.functionId) ?? []) {
    if (read.operation === "read" && read.entity === write.entity && read.span.start > write.span.end)
      after.set(keyOf(read.span), { kind: "read-again", span: read.span });
  }
  const reaches: Reach[] = [];
  for (const { ref, family } of deletes.get(write.functionId) ?? []) {
    const sources = ref.keySources ?? { calls: [], parameters: [], callFields: {}, parameterFields: {} };
    reaches.push({ ref, family, sources, fieldsOf: (key) => sources.callFields[key], span: ref.span, via: undefined });
  }
  for (const call of facts?.calls ?? []) {
    if (call.target === write.functionId) continue;
    for (const { ref, family } of deletes.get(call.target) ?? []) {
      const keyed = ref.keySources;
      // A helper's key built from its parameter's fields (`del(keys.user(user.email))`): the caller's argument is the row.
      const parameter = keyed?.parameters.find((index) => keyed.parameterFields[index] !== undefined);
      const argument = parameter === undefined ? undefined : call.arguments[parameter];
      const sources = argument ?? { calls: [], parameters: [0], callFields: {}, parameterFields: {} };
      const fields = parameter === undefined ? undefined : keyed!.parameterFields[parameter];
      reaches.push({
        ref,
        family,
        sources,
        // The helper's fields are the row's when the argument is the row itself (`rows.forEach(remove)`, `remove(row)`),
        // not a value taken from it (`remove(link.owner)`).
        fieldsOf: (key) => (argument?.callFields[key] === undefined ? fields : undefined),
        span: call.span,
        via: call.targetName,
      });
    }
  }
  const findings: PostWriteInvalidation[] = [];
  const covered = new Set<string>();
  for (const reach of reaches) {
    if (!reach.sources.calls.some((span) => after.has(keyOf(span)))) covered.add(reach.family.id);
  }
  const seen = new Map<string, PostWriteInvalidation>();
  for (const reach of reaches) {
    if (covered.has(reach.family.id)) continue;
    if (!reach.family.entities.some((entity) => entity.entity === write.entity)) continue;
    const row = reach.sources.calls.find((span) => after.has(keyOf(span)));
    if (!row) continue;
    const fields = (reach.fieldsOf(keyOf(row)) ?? []).map((path) => path.split(".")[0]!).filter(Boolean);
    const changed = fields.filter((field) => mayChange(write, field));
    if (changed.length === 0) continue;
    const id = `${reach.family.id}|${keyOf(reach.span)}`;
    const known = seen.get(id);
    if (known) {
      known.fields = [...new Set([...known.fields, ...changed])];
      continue;
    }
    const finding = {
      family: reach.family,
      span: reach.span,
      fields: [...new Set(changed)],
      rows: after.get(keyOf(row))!,
      via: reach.via,
    };
    seen.set(id, finding);
    findings.push(finding);
  }
  return findings;
}

/** The write may change the field: it names it, or its data cannot be read (`{ ...changes }`) and the field is no identity. */
function mayChange(write: EntityAccess, field: string): boolean {
  const name = normalize(field);
  if (write.fields) return write.fields.some((written) => normalize(written) === name);
  if (IDENTITY_FIELDS.has(name)) return false;
  // A field the write also filters or builds its data by name (`where: { email }`) is likely its identity here.
  return !write.argumentNames.some((argument) => normalize(argument) === name);
}

function normalize(field: string): string {
  return field.replace(/["'`_]/g, "").toLowerCase();
}
