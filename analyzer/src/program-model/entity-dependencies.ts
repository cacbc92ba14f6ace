// Program model pass: the entities each family depends on, read by the function that computes the
// cached value (through its callees, or through the data flow into the value).
import type { EntityAccess, FileCacheModel, Span, ValueSources } from "../model/cache-model";
import { EXISTS_FIELD, PARAMETER_ARGUMENT, TESTED_PREFIX } from "../model/cache-model";
import { selectArgumentSources } from "../extract/value-sources";
import { READ_THROUGH_METHODS, type Populator } from "./assign-families";
import { collectReachable, MAX_CALL_DEPTH, type CallIndex } from "./call-index";
import { isTestFile } from "./file-kinds";
import { splitPattern, normalizePattern } from "./key-patterns";

/** Reads of one row found by criteria rather than by its id (Prisma `findFirst`, TypeORM and Mongoose `findOne`). */
const FIRST_ROW_READS = new Set(["findFirst", "findFirstOrThrow", "findOne", "findOneBy"]);

/** Reads that return collections or aggregates, which a new row changes (a single-row read cannot be made stale by a create). */
const COLLECTION_READS = new Set([
  "findMany",
  "count",
  "aggregate",
  "groupBy",
  "find",
  "findBy",
  "findAll",
  "findAndCount",
  "findAndCountBy",
  "findAndCountAll",
  "countBy",
  "countDocuments",
  "estimatedDocumentCount",
  "distinct",
  "max",
  "min",
  "sum",
]);

export interface EntityIndex {
  /** Entity reads by the id of the function they sit in. */
  readsByFunction: Map<string, EntityAccess[]>;
  /** Reads by the position of their call (`file:start`). */
  readsByCall: Map<string, EntityAccess[]>;
  writes: EntityAccess[];
}

export function indexEntityAccesses(models: readonly FileCacheModel[]): EntityIndex {
  const entityReadsByFunction = new Map<string, EntityAccess[]>();
  const entityReadsByCall = new Map<string, EntityAccess[]>();
  const entityWrites: EntityAccess[] = [];
  for (const model of models) {
    for (const access of model.entityAccesses) {
      if (access.operation === "write") entityWrites.push(access);
      else {
        const list = entityReadsByFunction.get(access.functionId) ?? [];
        list.push(access);
        entityReadsByFunction.set(access.functionId, list);
        const key = `${access.span.file}:${access.span.start}`;
        entityReadsByCall.set(key, [...(entityReadsByCall.get(key) ?? []), access]);
      }
    }
  }
  return { readsByFunction: entityReadsByFunction, readsByCall: entityReadsByCall, writes: entityWrites };
}

/**
 * Whether a populating site fills a cache of the source of truth that a later request reads: not a
 * per-call memoizer, a script's or a test's cache, an in-flight table, or a key nothing reads back.
 */
export function isSourceOfTruthCache({ family, site }: Populator): boolean {
  // A memoizer that lives for one call or one request (React `cache`) cannot serve a later request stale data;
  // a cache filled by a script, a migration or a test is not the service's cache.
  if (site.memoize?.lifetime === "local" || isTestFile(site.span.file)) return false;
  // An in-flight table (`pending.set(k, p); p.finally(() => pending.delete(k))`): every entry is removed by
  // the function that adds it, so it lives for one call and cannot serve a later request stale data.
  if (
    family.kind === "in-process" &&
    family.writes.length > 0 &&
    family.writes.every((write) =>
      family.invalidations.some((ref) => ref.operation === "delete" && ref.functionId === write.functionId),
    )
  )
    return false;
  // A key family nothing reads back is a marker, a buffer or a log, not a cache of the source of truth.
  // (A read-through call, `wrap`/`getOrSet`/`fetch`, reads as it writes.)
  if (
    (family.kind === "redis" || family.kind === "remote-kv" || family.kind === "in-process") &&
    family.reads.length === 0 &&
    !family.writes.some((w) => READ_THROUGH_METHODS.has(w.method))
  )
    return false;
  return true;
}

/** A populator's family, with whether the value loads anything from the source of truth. */
export interface FedPopulator {
  populator: Populator;
  loadsFromSource: boolean;
}

/**
 * Entity dependencies: what the function computing the value reads before writing it, through its
 * callees. A wrapper's `set(id, value)` receives the value from its callers: when it reads nothing
 * itself, look at what each caller reads before calling it.
 */
export function addEntityDependencies(
  populators: readonly Populator[],
  calls: CallIndex,
  entities: EntityIndex,
  sessionUserReads: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): FedPopulator[] {
  const { functions, callers } = calls;
  const fed: FedPopulator[] = [];
  for (const populator of populators) {
    const { family, functionId, site, within } = populator;
    if (site.heldEntities) {
      addHeldEntities(populator, sessionUserReads.get(site.id));
      fed.push({ populator, loadsFromSource: family.entities.length > 0 });
      continue;
    }
    let reads: FeedingRead[];
    if (site.valueSources) {
      // Data flow: only reads whose results reach the stored value (a flag or a counter depends on nothing).
      reads = collectSourceReads(site.valueSources, calls, entities);
      // A wrapper's `set(id, value)`: the value comes from its callers' arguments.
      for (const index of site.valueSources.parameters) {
        for (const caller of callers.get(functionId) ?? []) {
          for (const call of functions.get(caller)?.calls ?? []) {
            const argument = call.target === functionId ? call.arguments[index] : undefined;
            if (argument)
              reads = reads.concat(
                collectSourceReads(
                  selectArgumentSources(argument, site.valueSources.parameterFields[index]),
                  calls,
                  entities,
                ),
              );
          }
        }
      }
    } else {
      // An inline function is part of the code around it, unless the call graph made it a node of its own (a callback
      // registered at module scope): then its reads are its own.
      const ownId = within ? `${within.file}:${within.start}` : undefined;
      const owner = ownId && ownId !== functionId && entities.readsByFunction.has(ownId) ? ownId : functionId;
      reads = collectReads(owner, within, within ? undefined : site.span, calls, entities).map((read) => ({
        read,
        fields: read.fields,
      }));
    }
    const holes = keyHoleNames(site.key?.pattern);
    for (const { read, fields } of reads) {
      if (isTestFile(read.span.file)) continue;
      // The first row of a table in some order, with no filter, under a fixed key (the instance's licence, the latest
      // release): a new row can be that row, so a create changes it as it changes a list.
      const collection =
        COLLECTION_READS.has(read.action) ||
        (FIRST_ROW_READS.has(read.action) &&
          !read.argumentNames.some((name) => name === "where" || name === PARAMETER_ARGUMENT) &&
          (holes?.size ?? 0) === 0);
      const readByKey = isReadByKey(read, holes);
      const known = family.entities.find((e) => e.entity === read.entity);
      if (!known)
        family.entities.push({
          entity: read.entity,
          displayName: read.displayName,
          span: read.span,
          orm: read.orm,
          ...(read.unidentifiedDriver ? { unidentifiedDriver: true as const } : {}),
          collection,
          fields,
          readByKey,
        });
      else {
        if (readByKey && !known.readByKey) {
          known.readByKey = true;
          known.span = read.span;
        }
        if (collection) known.collection = true;
        known.fields = known.fields && fields ? [...new Set([...known.fields, ...fields])].sort() : undefined;
      }
    }
    addMirroredStore(populator);
    fed.push({ populator, loadsFromSource: reads.length > 0 });
  }
  return fed;
}

/**
 * A library's own cache of rows (`CacheSite.heldEntities`): it holds a copy of each, read by its key. Only the fields
 * the program reads off what the library serves count (`read`); a row none of whose held fields is read is left out.
 */
function addHeldEntities({ family, site }: Populator, read: ReadonlySet<string> | undefined): void {
  for (const held of site.heldEntities ?? []) {
    const fields = held.fields?.filter((field) => read?.has(field.toLowerCase()));
    if (!fields || fields.length === 0) continue;
    if (family.entities.some((known) => known.entity === held.entity)) continue;
    family.entities.push({
      entity: held.entity,
      displayName: held.displayName,
      writeThrough: held.writeThrough,
      span: site.calleeSpan,
      orm: held.orm ?? "sql",
      collection: false,
      fields,
      readByKey: true,
    });
  }
}

/**
 * A write that stores what a project key-value store holds under the same key: the family depends on that store's
 * key, as an entity (`<store>|group:{}:members`), which every write of the key changes.
 */
function addMirroredStore({ family, site }: Populator): void {
  const mirror = site.mirrorsStore;
  if (!mirror || !site.key) return;
  const entity = keyValueEntity(mirror.store, site.key.pattern);
  if (family.entities.some((known) => known.entity === entity)) return;
  family.entities.push({
    entity,
    displayName: `${mirror.read} ${site.key.label ?? site.key.pattern}`,
    span: mirror.span,
    orm: "key-value",
    collection: true,
    fields: undefined,
    readByKey: true,
  });
}

/** The entity of a key-value store's key: the store and the key with its holes unnamed. */
export function keyValueEntity(store: string, pattern: string): string {
  return `${store}|${normalizePattern(pattern)}`;
}

/**
 * The names a key's holes use (`link:{params.slug}` → `params`, `slug`); undefined when the key is unknown. Names
 * too generic to tell one input from another are left out.
 */
function keyHoleNames(pattern: string | undefined): Set<string> | undefined {
  if (pattern === undefined) return undefined;
  const names = new Set<string>();
  for (const hole of splitPattern(pattern).holes) {
    for (const name of hole.match(/[A-Za-z_$][\w$]*/g) ?? []) {
      if (!GENERIC_NAMES.has(name)) names.add(name.toLowerCase());
    }
  }
  return names;
}

const GENERIC_NAMES = new Set(["String", "Number", "JSON", "stringify", "toString", "join", "args", "params", "input"]);

/**
 * Whether a read selects its rows by the key's holes: the family holds a copy of those rows. A key without holes
 * (one key for the whole table or list), an unknown key, or a read whose arguments we do not see counts as by key.
 */
function isReadByKey(read: EntityAccess, holes: Set<string> | undefined): boolean {
  if (!holes || holes.size === 0 || read.argumentNames.length === 0) return true;
  // The read's criteria come whole from its caller: which rows it reads is decided there, not known here.
  if (read.argumentNames.includes(PARAMETER_ARGUMENT)) return true;
  const names = read.argumentNames.map((name) => name.toLowerCase());
  for (const hole of holes) {
    // `user:{userId}` ← `where: { id: userId }`; `link:{slug}` ← `where: { slug }`; `{user.id}` ← `{ id: user.id }`;
    // `product:{slug}` ← `WHERE slug = ?` with `[workspaceSlug]` (one name ends with the other).
    if (
      names.some(
        (name) =>
          name === hole || (hole.length >= 3 && name.length >= 3 && (name.endsWith(hole) || hole.endsWith(name))),
      )
    )
      return true;
  }
  return false;
}

/** Reads feeding a value, each with the fields of its row that reach the value (undefined: the whole row). */
type FeedingRead = { read: EntityAccess; fields: string[] | undefined };

/**
 * Entity reads of a function and its callees that can feed a value produced at `before`: reads
 * (and calls) earlier in the function. With `within`, only code inside that span (an inline callback).
 */
function collectReads(
  functionId: string,
  within: Span | undefined,
  before: Span | undefined,
  { functions }: CallIndex,
  { readsByFunction: entityReadsByFunction }: EntityIndex,
): EntityAccess[] {
  const inside = (span: Span) =>
    (!within || (span.file === within.file && span.start >= within.start && span.end <= within.end)) &&
    (!before || span.file !== before.file || span.start < before.start);
  const direct = (entityReadsByFunction.get(functionId) ?? []).filter((read) => inside(read.span));
  const calls = (functions.get(functionId)?.calls ?? []).filter((call) => inside(call.span));
  const reached = calls.flatMap((call) => collectReachable(call.target, functions, MAX_CALL_DEPTH - 1));
  return [...direct, ...[...new Set(reached)].flatMap((id) => entityReadsByFunction.get(id) ?? [])];
}

/** Reads feeding a value: direct reads among the value's source calls, and what the source calls to project functions reach. */
function collectSourceReads(
  sources: ValueSources,
  { functions, callsByPosition: projectCallsByPosition }: CallIndex,
  { readsByFunction: entityReadsByFunction, readsByCall: entityReadsByCall }: EntityIndex,
): FeedingRead[] {
  const starts = [...new Set(sources.calls.map((span) => `${span.file}:${span.start}`))];
  const direct = starts.flatMap((key) => entityReadsByCall.get(key) ?? []);
  const calls = starts.flatMap((key) => projectCallsByPosition.get(key) ?? []);
  const feeding: FeedingRead[] = direct.map((read) => ({
    read,
    fields: toColumns(sources.callFields[`${read.span.file}:${read.span.start}`], read) ?? read.fields,
  }));
  for (const call of calls) {
    // What a called function returns is not traced. When the value takes only some properties of
    // its result (`(await getCustomer(id)).name`), they stand for the row's columns: a function
    // that returns the row, or a copy of it, keeps their names.
    const used = toColumns(sources.callFields[`${call.span.file}:${call.span.start}`], undefined);
    for (const id of collectReachable(call.target, functions, MAX_CALL_DEPTH - 1)) {
      for (const read of entityReadsByFunction.get(id) ?? []) feeding.push({ read, fields: used ?? read.fields });
    }
  }
  return feeding;
}

/** Result envelopes of SQL drivers around the rows (`const { rows } = await pool.query(…)`). */
const SQL_ENVELOPES = new Set(["rows", "recordset", "recordsets"]);

/**
 * The columns of a row that property paths read (`rows.plan` → `plan`, `profile.name` → `profile`),
 * or undefined when some path takes the row whole.
 */
function toColumns(paths: readonly string[] | undefined, read: EntityAccess | undefined): string[] | undefined {
  if (!paths) return undefined;
  const columns = new Set<string>();
  for (const path of paths) {
    if (path === EXISTS_FIELD) {
      columns.add(path);
      continue;
    }
    const tested = path.startsWith(TESTED_PREFIX);
    const segments = (tested ? path.slice(TESTED_PREFIX.length) : path).split(".");
    if (read && read.action === "SELECT" && SQL_ENVELOPES.has(segments[0]!)) segments.shift();
    if (segments.length > 0) columns.add(segments[0]!);
    else if (tested) columns.add(EXISTS_FIELD);
    else return undefined;
  }
  return [...columns].sort();
}
