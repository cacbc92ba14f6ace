// The per-file state the site readers (sites/) write into: the cache sites, key gaps and entity accesses
// found so far, and the lookups they share (enclosing function, owning transaction, key parameter).
import type * as TS from "typescript";
import { PARAMETER_ARGUMENT, type CacheSite, type EntityAccess, type KeyGap } from "../model/cache-model";
import type { ExtractionHost } from "./host";
import type { InstanceResolver } from "./instances";
import { CallGraphCollector } from "./call-graph";
import { nameFunction } from "./functions";
import type { EntityExtractor } from "./entities/entity-extractor";
import type { DescribedAccess } from "./entities/entity-helpers";
import type { KeyCoverage } from "./key-coverage";
import type { PurityAnalyzer } from "./purity";
import type { Resolver } from "./resolver";
import { walkTree } from "./walk";
import { findTtlGuard } from "./sites/ttl-guards";
import { describeErrorHandling } from "./error-handling";
import { findStoreErrors } from "../libraries/registry";

/** What a cache call sets on its site; the rest (span, scope, owner) comes from the node. */
export type SiteFields = Pick<CacheSite, "library" | "kind" | "operation" | "method"> &
  Partial<
    Pick<
      CacheSite,
      | "instance"
      | "key"
      | "ttl"
      | "batchId"
      | "memoize"
      | "framework"
      | "ttlInsertion"
      | "tags"
      | "runsAfterBody"
      | "setIfAbsent"
      | "droppedTtl"
      | "heldEntities"
    >
  >;

/** What extraction builds once per program and shares across its files. */
export interface ProgramContext {
  resolver: Resolver;
  instances: InstanceResolver;
  purity: PurityAnalyzer;
  keyCoverage: KeyCoverage;
  entities: EntityExtractor;
  /** Names of the project's functions and methods: the call graph resolves only calls to these. */
  declaredFunctionNames: Set<string>;
  /** Functions assigned as `Obj.method = function …`, by `Obj.method`: CommonJS mixins the checker cannot follow. */
  assignedMethods: Map<string, TS.FunctionLikeDeclaration[]>;
  /** Some file mentions an identity-keyed cache (React, reselect, WeakMap): a cheap text check that spares resolving every call with an object argument. */
  usesIdentityCaches: boolean;
  /** Some file names a remote store's module (`memjs`, `memcached`): a cheap text check that spares resolving every `replace` and `add`. */
  usesRemoteStores: boolean;
}

/** One source file's extraction state, passed to every site reader. */
export class SiteBuilder {
  readonly ts: ExtractionHost["ts"];
  readonly resolver: Resolver;
  readonly instances: InstanceResolver;
  readonly sites: CacheSite[] = [];
  readonly keyGaps: KeyGap[] = [];
  readonly entityAccesses: EntityAccess[] = [];
  readonly callGraph: CallGraphCollector;
  /** The call behind each site, for analyses that run once all sites are known. */
  readonly siteCalls = new Map<CacheSite, TS.CallExpression>();

  constructor(
    host: ExtractionHost,
    readonly context: ProgramContext,
    readonly sourceFile: TS.SourceFile,
  ) {
    this.ts = host.ts;
    this.resolver = context.resolver;
    this.instances = context.instances;
    this.callGraph = new CallGraphCollector(
      context.resolver,
      context.declaredFunctionNames,
      sourceFile,
      context.assignedMethods,
    );
  }

  addSite(node: TS.Node, calleeNode: TS.Node, fields: SiteFields): void {
    const site = this.createSite(node, calleeNode, fields);
    this.sites.push(site);
    if (this.ts.isCallExpression(node)) {
      this.siteCalls.set(site, node);
      this.describeStoreFailure(site, node);
      if (site.key && fields.operation !== "memoize") site.keyParameter = this.findKeyParameter(node);
      if (site.ttl.kind === "set" && site.ttl.ms === undefined) {
        const ttlParameter = this.findTtlParameter(node, site.ttl.text);
        if (ttlParameter !== undefined) site.ttlParameter = ttlParameter;
      }
      if (site.operation === "write" && site.ttl.kind === "none" && site.keyParameter !== undefined) {
        const owner = this.callGraph.findOwner(node);
        const guard = findTtlGuard(
          this.ts,
          this.resolver,
          node,
          owner && this.ts.isFunctionLike(owner) ? (owner as TS.FunctionLikeDeclaration) : undefined,
        );
        if (guard) site.ttlGuard = guard;
      }
    }
  }

  /**
   * A second site at a call that already has one (the other keys of `MGET a b`, the read half of a read-through
   * layer): the same place, an id of its own (`suffix`), its key's wrapper parameter given by the caller.
   */
  addSiblingSite(
    node: TS.Node,
    calleeNode: TS.Node,
    fields: SiteFields,
    suffix: string,
    keyParameter: number | undefined,
  ): void {
    const site = this.createSite(node, calleeNode, fields);
    site.id = `${site.id}${suffix}`;
    site.keyParameter = keyParameter;
    this.sites.push(site);
    if (this.ts.isCallExpression(node)) this.describeStoreFailure(site, node);
  }

  /**
   * A read or write that throws when its store fails (its library's adapter says so): how the code around it handles
   * that error. A pipeline's commands fail at its `exec`, not here: they are left out.
   */
  private describeStoreFailure(site: CacheSite, call: TS.CallExpression): void {
    if ((site.operation !== "read" && site.operation !== "write") || site.batchId !== undefined) return;
    const errors = findStoreErrors(site.library, this.instances.installedMajor);
    if (errors[site.operation] !== "throws") return;
    site.storeFailure = describeErrorHandling(this.resolver, call, this.callGraph.findOwner(call));
  }

  createSite(node: TS.Node, calleeNode: TS.Node, fields: SiteFields): CacheSite {
    const r = this.resolver;
    const span = r.makeSpan(node);
    const scope = this.findOwningFunction(node);
    return {
      id: `${span.file}:${span.start}`,
      span,
      calleeSpan: r.makeSpan(calleeNode),
      key: fields.key,
      ttl: fields.ttl ?? { kind: "none" },
      instance: fields.instance,
      enclosingFunction: scope.name,
      scopeStart: scope.start,
      scopeEnd: scope.end,
      batchId: fields.batchId,
      memoize: fields.memoize,
      framework: fields.framework,
      ttlInsertion: fields.ttlInsertion,
      library: fields.library,
      kind: fields.kind,
      operation: fields.operation,
      method: fields.method,
      tags: fields.tags ?? [],
      functionId: scope.id,
      transactionId: this.findTransaction(node),
      valueSources: undefined,
      keyParameter: undefined,
      ...(fields.runsAfterBody ? { runsAfterBody: true as const } : {}),
      ...(fields.setIfAbsent ? { setIfAbsent: true as const } : {}),
      ...(fields.droppedTtl ? { droppedTtl: fields.droppedTtl } : {}),
      ...(fields.heldEntities ? { heldEntities: fields.heldEntities } : {}),
      ...(this.isInLoop(node) ? { inLoop: true as const } : {}),
    };
  }

  /** The node runs once per element of a collection in its function: in a loop's body, or in a callback of `forEach`/`map`…. */
  private isInLoop(node: TS.Node): boolean {
    const { ts } = this;
    const owner = this.callGraph.findOwner(node);
    let current: TS.Node = node;
    while (current.parent && current !== owner && !ts.isSourceFile(current)) {
      const parent: TS.Node = current.parent;
      if (
        (ts.isForStatement(parent) || ts.isForOfStatement(parent) || ts.isForInStatement(parent)) &&
        parent.statement === current
      )
        return true;
      if ((ts.isWhileStatement(parent) || ts.isDoStatement(parent)) && parent.statement === current) return true;
      if (
        (ts.isArrowFunction(current) || ts.isFunctionExpression(current)) &&
        ts.isCallExpression(parent) &&
        parent.arguments.includes(current) &&
        ts.isPropertyAccessExpression(parent.expression) &&
        ITERATING_METHODS.has(parent.expression.name.text)
      )
        return true;
      current = parent;
    }
    return false;
  }

  addEntityAccesses(node: TS.CallExpression | TS.TaggedTemplateExpression, accesses: DescribedAccess[]): void {
    if (accesses.length === 0) return;
    const r = this.resolver;
    const scope = this.findOwningFunction(node);
    const transactionId = this.findTransaction(node);
    const argumentNames = collectArgumentNames(this.resolver, node);
    for (const access of accesses) {
      this.entityAccesses.push({
        ...access,
        argumentNames,
        span: r.makeSpan(node),
        enclosingFunction: scope.name,
        scopeStart: scope.start,
        scopeEnd: scope.end,
        transactionId,
        functionId: scope.id,
      });
    }
  }

  /**
   * The function that runs a node, as the call graph sees it (an inline callback runs inside its caller): its
   * `FunctionFacts` id and name, and its extent. The one notion of "the same function" for sites and entity accesses.
   */
  findOwningFunction(node: TS.Node): { id: string; name: string; start: number; end: number } {
    const owner = this.callGraph.findOwner(node);
    return owner
      ? {
          id: this.callGraph.idOf(owner),
          name: nameFunction(this.ts, owner),
          start: owner.getStart(),
          end: owner.getEnd(),
        }
      : { id: this.callGraph.findOwnerId(node), name: "<module>", start: 0, end: this.sourceFile.getEnd() };
  }

  /** The `$transaction(async (tx) => …)` / `transaction(async (manager) => …)` call whose callback contains the node. */
  private findTransaction(node: TS.Node): string | undefined {
    const { ts } = this;
    let current: TS.Node = node;
    while (current.parent && !ts.isSourceFile(current.parent)) {
      const parent = current.parent;
      if (
        ts.isCallExpression(parent) &&
        parent.arguments.includes(current as TS.Expression) &&
        (ts.isArrowFunction(current) || ts.isFunctionExpression(current))
      ) {
        const callee = this.resolver.skipOuter(parent.expression);
        const name = ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : ts.isIdentifier(callee)
            ? callee.text
            : "";
        if (name === "$transaction" || name === "transaction")
          return `${this.sourceFile.fileName}:${parent.getStart()}`;
      }
      current = parent;
    }
    return undefined;
  }

  /** A wrapper's TTL: an argument (or an options property) that is a parameter of the function the call is in. */
  findTtlParameter(call: TS.CallExpression, text: string): number | undefined {
    const { ts } = this;
    const candidates = call.arguments.flatMap((argument) => {
      const node = this.resolver.skipOuter(argument);
      if (!ts.isObjectLiteralExpression(node)) return [node];
      return node.properties.flatMap((p) =>
        ts.isPropertyAssignment(p)
          ? [this.resolver.skipOuter(p.initializer)]
          : ts.isShorthandPropertyAssignment(p)
            ? [p.name]
            : [],
      );
    });
    const owner = this.callGraph.findOwner(call);
    for (const candidate of candidates) {
      if (!ts.isIdentifier(candidate) || candidate.text !== text) continue;
      const declaration = findDeclaration(this.resolver, candidate);
      if (declaration && ts.isParameter(declaration) && declaration.parent === owner)
        return declaration.parent.parameters.indexOf(declaration);
    }
    return undefined;
  }

  /** A generic wrapper: the key argument is a parameter of the function the call is in. */
  findKeyParameter(call: TS.CallExpression): number | undefined {
    const { ts } = this;
    const key = call.arguments[0] && this.resolver.skipOuter(call.arguments[0]);
    if (!key || !ts.isIdentifier(key)) return undefined;
    const declaration = this.resolver.checker.getSymbolAtLocation(key)?.valueDeclaration;
    if (!declaration || !ts.isParameter(declaration)) return undefined;
    const fn = declaration.parent;
    if (fn !== this.callGraph.findOwner(call)) return undefined;
    return fn.parameters.indexOf(declaration);
  }
}

/** Array methods that run their callback once per element. */
const ITERATING_METHODS = new Set(["forEach", "map", "flatMap", "filter", "reduce", "some", "every", "each"]);

/** The variable or parameter a name refers to (for a shorthand property `{ id }`, the variable `id`). */
function findDeclaration(r: Resolver, identifier: TS.Identifier): TS.Declaration | undefined {
  const { ts } = r;
  const symbol =
    ts.isShorthandPropertyAssignment(identifier.parent) && identifier.parent.name === identifier
      ? r.tryChecker(() => r.checker.getShorthandAssignmentValueSymbol(identifier.parent), undefined)
      : r.tryChecker(() => r.getDeclaredSymbol(identifier), undefined);
  return symbol?.valueDeclaration;
}

/** Columns a SQL text filters by: `WHERE slug = ?`, `id IN (…)`, `key = $1`. */
const SQL_FILTER_COLUMN = /(\w+)\s*(?:=|\bin\b|\bIN\b)\s*[?$:@(]/g;

/** Names used by the arguments of a call and of the calls in its builder chain (at most 64). */
function collectArgumentNames(r: Resolver, node: TS.CallExpression | TS.TaggedTemplateExpression): string[] {
  const { ts } = r;
  const names = new Set<string>();
  const followed = new Set<TS.Node>();
  const addColumns = (sql: string) => {
    for (const [, column] of sql.matchAll(SQL_FILTER_COLUMN)) names.add(column!);
  };
  const visitNode = (child: TS.Node, also: (node: TS.Node) => void): boolean => {
    if (names.size >= 64) return false;
    if (ts.isIdentifier(child)) {
      names.add(child.text);
      // `findUnique(args)` with `const args = { where: { hashedKey } }` in the same file: the names it holds.
      const declaration = findDeclaration(r, child);
      if (
        declaration &&
        ts.isVariableDeclaration(declaration) &&
        declaration.initializer &&
        declaration.getSourceFile() === child.getSourceFile() &&
        !followed.has(declaration) &&
        followed.size < 8
      ) {
        followed.add(declaration);
        also(declaration.initializer);
      }
    } else if (ts.isPrivateIdentifier(child)) names.add(child.text);
    else if (ts.isStringLiteral(child) || ts.isNoSubstitutionTemplateLiteral(child)) {
      // A property name (`"user_id": id`), or the columns a SQL text filters by (`WHERE slug = ?`).
      if (ts.isPropertyAssignment(child.parent) && child.parent.name === child) names.add(child.text);
      else addColumns(child.text);
    } else if (ts.isTemplateExpression(child)) {
      addColumns(child.head.text + child.templateSpans.map((span) => ` ? ${span.literal.text}`).join(""));
    }
    return true;
  };
  const visit = (root: TS.Node) => walkTree(ts, root, visitNode);
  let current: TS.Node = node;
  for (let depth = 0; depth < 16; depth++) {
    if (ts.isCallExpression(current)) {
      for (const argument of current.arguments) {
        // `findUnique(criteria)` where `criteria` is the function's parameter: the caller chooses the rows.
        const declaration = ts.isIdentifier(argument) ? findDeclaration(r, argument) : undefined;
        if (declaration && ts.isParameter(declaration)) names.add(PARAMETER_ARGUMENT);
        visit(argument);
      }
      current = current.expression;
    } else if (ts.isTaggedTemplateExpression(current)) {
      if (ts.isTemplateExpression(current.template))
        current.template.templateSpans.forEach((span) => visit(span.expression));
      current = current.tag;
    } else if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
      current = current.expression;
    } else if (ts.isAwaitExpression(current) || ts.isParenthesizedExpression(current)) {
      current = current.expression;
    } else break;
  }
  return [...names];
}
