// Purity of functions, for memoization: what a function's result depends on besides its
// arguments, and what it does besides returning a value. Summaries are computed once per
// function declaration per Program and followed through calls into the project's own
// functions (across files). This module imports `typescript` for types only.
import type * as TS from "typescript";
import type { Impurity, ImpurityKind } from "../model/cache-model";
import { findEnclosingFunction, nameFunction } from "./functions";
import type { Resolver } from "./resolver";
import { walkTree } from "./walk";

/** How many calls deep summaries follow; rules filter further with their own option. */
export const MAX_PURITY_DEPTH = 6;

/** Array and promise methods that run their callback while the caller evaluates. */
const EAGER_CALLBACK_METHODS = new Set([
  "map",
  "filter",
  "reduce",
  "reduceRight",
  "forEach",
  "some",
  "every",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "flatMap",
  "sort",
  "toSorted",
  "then",
  "catch",
  "finally",
  "from",
  "replace",
  "replaceAll",
]);

/** Methods that change the array they are called on. */
export const ARRAY_MUTATING_METHODS = new Set([
  "push",
  "pop",
  "shift",
  "unshift",
  "splice",
  "sort",
  "reverse",
  "fill",
  "copyWithin",
]);
/** Keyed-collection writes: indexed as writes (a reader then sees mutable state) but not reported as side effects, since a memoized function populating a Map is usually a second-level cache. */
const COLLECTION_WRITE_METHODS = new Set(["set", "add", "delete", "clear"]);

const IO_MODULES = new Set([
  "fs",
  "fs/promises",
  "child_process",
  "net",
  "http",
  "https",
  "http2",
  "dgram",
  "dns",
  "dns/promises",
  "tls",
  "readline",
]);
/** Packages whose calls are I/O (network, database). */
const IO_PACKAGES = new Set([
  "axios",
  "got",
  "node-fetch",
  "undici",
  "ky",
  "pg",
  "pg-pool",
  "mysql",
  "mysql2",
  "mongodb",
  "mongoose",
  "better-sqlite3",
  "sqlite3",
  "@prisma/client",
  ".prisma",
  "typeorm",
  "knex",
  "kysely",
  "drizzle-orm",
  "sequelize",
  "@mikro-orm/core",
  "postgres",
  "ioredis",
  "redis",
  "@redis/client",
  "@upstash/redis",
  "@aws-sdk/client-s3",
  "@aws-sdk/client-dynamodb",
]);
const LOGGING_PACKAGES = new Set(["pino", "winston", "bunyan", "log4js", "loglevel", "debug", "consola", "signale"]);
/** Random generators by module; `uuid`'s v3/v5 are name-based and deterministic. */
const RANDOM_EXPORTS: Record<string, Set<string>> = {
  crypto: new Set(["randomUUID", "randomBytes", "randomInt", "getRandomValues", "randomFillSync", "randomFill"]),
  uuid: new Set(["v1", "v4", "v6", "v7"]),
  nanoid: new Set(["nanoid", "customAlphabet"]),
};
const TIME_PROCESS_MEMBERS = new Set(["hrtime", "uptime", "cpuUsage", "memoryUsage"]);

type FunctionNode = TS.FunctionLikeDeclaration;

/** A fact before it is turned into plain data: nodes and symbols still attached. */
interface RawFact {
  kind: ImpurityKind | "parameter-mutation" | "this-read" | "this-write";
  subject: string;
  node: TS.Node;
  /** Functions called on the way, outermost first. */
  chain: FunctionNode[];
  /** The variable or property concerned, to drop facts about the caller's own locals. */
  symbol?: TS.Symbol;
  /** Where the state read is written. */
  write?: WriteSite;
  parameterIndex?: number;
}

interface WriteSite {
  node: TS.Node;
  /** The function the write is in; undefined at module top level (initialisation). */
  fn: FunctionNode | undefined;
  /** A constructor or a field initialiser: the object is still being built. */
  duringConstruction: boolean;
}

type Root =
  | { kind: "this" }
  | { kind: "parameter"; index: number }
  | { kind: "outer"; symbol: TS.Symbol; name: string }
  | { kind: "local" }
  | { kind: "unknown" };

export class PurityAnalyzer {
  private readonly ts: Resolver["ts"];
  private readonly checker: TS.TypeChecker;
  private readonly summaries = new Map<FunctionNode, RawFact[]>();
  private readonly inProgress = new Set<FunctionNode>();
  private writeCandidates: Map<string, Array<{ target: TS.Expression; node: TS.Node }>> | undefined;
  private readonly writesBySymbol = new Map<TS.Symbol, WriteSite[]>();

  constructor(private readonly resolver: Resolver) {
    this.ts = resolver.ts;
    this.checker = resolver.checker;
  }

  /** The impurities of a memoized function, as plain data. */
  describeImpurities(fn: FunctionNode): Impurity[] {
    const facts = this.summarize(fn);
    const result: Impurity[] = [];
    const seen = new Set<string>();
    for (const fact of facts) {
      const converted = this.convertTopLevel(fact, fn);
      if (!converted) continue;
      const key = `${converted.kind}|${converted.subject}|${converted.chain.map((s) => s.name).join(">")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push(converted);
    }
    return result;
  }

  private convertTopLevel(fact: RawFact, fn: FunctionNode): Impurity | undefined {
    let kind: ImpurityKind;
    switch (fact.kind) {
      case "parameter-mutation":
        kind = "argument-mutation";
        break;
      case "this-read":
        // A memoized method reading a field written after construction; a free function's `this` is unknown.
        if (!this.hasInstanceThis(fn)) return undefined;
        kind = "mutable-state";
        break;
      case "this-write":
        if (!this.hasInstanceThis(fn)) return undefined;
        kind = "outer-write";
        break;
      default:
        kind = fact.kind;
    }
    const r = this.resolver;
    return {
      kind,
      subject: fact.subject,
      span: r.makeSpan(fact.node),
      chain: fact.chain.map((step) => ({
        name: nameFunction(this.ts, step, "chain"),
        span: r.makeSpan(step.name ?? step),
      })),
      writtenIn: fact.write
        ? {
            name: fact.write.fn ? nameFunction(this.ts, fact.write.fn, "chain") : "<module>",
            span: r.makeSpan(fact.write.node),
            how:
              this.ts.isCallExpression(fact.write.node) || this.ts.isDeleteExpression(fact.write.node)
                ? "modified"
                : "reassigned",
          }
        : undefined,
      ...(fact.kind === "time" && fact.chain.length === 0 && this.isQueryInput(fact.node) ? { queryInput: true } : {}),
    };
  }

  /**
   * A clock read that only sets a query's time window (`const since = new Date(Date.now() - WINDOW)` passed to a
   * query), as opposed to one that reaches the result (`return { at: Date.now() }`): held in a variable or passed
   * to a call before anything returns it.
   */
  private isQueryInput(node: TS.Node): boolean {
    const { ts } = this;
    for (let current = node; current.parent; current = current.parent) {
      const parent = current.parent;
      if (ts.isReturnStatement(parent) || ts.isArrowFunction(parent) || ts.isPropertyAssignment(parent)) return false;
      if (ts.isVariableDeclaration(parent)) return true;
      if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && current !== parent.expression) {
        // `new Date(Date.now() - x)` keeps the clock value: look further up.
        if (ts.isNewExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === "Date")
          continue;
        return true;
      }
      if (ts.isBlock(parent) || ts.isSourceFile(parent)) return false;
    }
    return false;
  }

  /** `this` is a class instance: a method, or an arrow function in a field initialiser, constructor or method. */
  private hasInstanceThis(fn: FunctionNode): boolean {
    const { ts } = this;
    let current: TS.Node = fn;
    while (ts.isArrowFunction(current)) {
      current = current.parent;
      while (
        !ts.isSourceFile(current) &&
        !ts.isFunctionLike(current) &&
        !ts.isPropertyDeclaration(current) &&
        !ts.isClassLike(current)
      )
        current = current.parent;
    }
    if (ts.isPropertyDeclaration(current)) return !(ts.getCombinedModifierFlags(current) & ts.ModifierFlags.Static);
    return (
      ts.isMethodDeclaration(current) || ts.isGetAccessorDeclaration(current) || ts.isConstructorDeclaration(current)
    );
  }

  // ---- summaries -------------------------------------------------------------

  private summarize(fn: FunctionNode): RawFact[] {
    const cached = this.summaries.get(fn);
    if (cached) return cached;
    // Recursion: the function's own facts are collected by the outer call.
    if (this.inProgress.has(fn)) return [];
    this.inProgress.add(fn);
    const facts: RawFact[] = [];
    try {
      this.walkEvaluated(fn, facts);
    } finally {
      this.inProgress.delete(fn);
    }
    this.summaries.set(fn, facts);
    return facts;
  }

  /** Visits the code that runs while `fn` evaluates: its parameters and body, minus callbacks it only creates. */
  private walkEvaluated(fn: FunctionNode, facts: RawFact[]): void {
    const { ts } = this;
    // A callback it only creates is left out; one it calls in place (`items.map(…)`) runs now: its children are walked.
    const visit = (child: TS.Node): boolean => {
      if (child !== fn && ts.isFunctionLike(child)) return this.isEvaluatedCallback(child);
      if (
        ts.isClassLike(child) ||
        ts.isTypeNode(child) ||
        ts.isInterfaceDeclaration(child) ||
        ts.isTypeAliasDeclaration(child)
      )
        return false;
      this.inspectNode(fn, child, facts);
      return true;
    };
    if (fn.body) {
      for (const parameter of fn.parameters) walkTree(ts, parameter, visit);
      walkTree(ts, fn.body, visit);
    }
  }

  /** An IIFE, a callback of an eager array/promise method, or a Promise executor runs now. */
  private isEvaluatedCallback(node: TS.SignatureDeclaration): boolean {
    const { ts } = this;
    if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return false;
    let current: TS.Node = node;
    while (ts.isParenthesizedExpression(current.parent)) current = current.parent;
    const parent = current.parent;
    if (ts.isCallExpression(parent)) {
      if (parent.expression === current) return true;
      const callee = parent.expression;
      if (ts.isPropertyAccessExpression(callee) && EAGER_CALLBACK_METHODS.has(callee.name.text)) return true;
      return false;
    }
    if (ts.isNewExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === "Promise")
      return this.isGlobal(parent.expression);
    return false;
  }

  private inspectNode(fn: FunctionNode, node: TS.Node, facts: RawFact[]): void {
    const { ts } = this;
    if (ts.isCallExpression(node)) this.inspectCall(fn, node, facts);
    else if (ts.isNewExpression(node)) this.inspectNew(fn, node, facts);
    else if (ts.isBinaryExpression(node) && this.isAssignment(node.operatorToken.kind))
      this.inspectWrite(fn, node.left, node, facts);
    else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      this.inspectWrite(fn, node.operand, node, facts);
    } else if (ts.isDeleteExpression(node)) this.inspectWrite(fn, node.expression, node, facts);
    else if (ts.isPropertyAccessExpression(node)) this.inspectPropertyRead(fn, node, facts);
    else if (ts.isIdentifier(node)) this.inspectIdentifierRead(fn, node, facts);
  }

  // ---- calls -----------------------------------------------------------------

  private inspectCall(fn: FunctionNode, call: TS.CallExpression, facts: RawFact[]): void {
    const { ts } = this;
    const callee = this.resolver.skipOuter(call.expression);
    const direct = this.classifyLibraryCall(callee);
    if (direct) {
      facts.push({ kind: direct.kind, subject: direct.subject, node: call, chain: [] });
      return;
    }
    // Mutations through methods: `arg.push(x)`, `state.items.sort()`, `Object.assign(target, …)`.
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if (ARRAY_MUTATING_METHODS.has(method) && this.isArrayLike(callee.expression))
        this.inspectWrite(fn, callee.expression, call, facts);
      if (
        method === "assign" &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === "Object" &&
        call.arguments[0]
      ) {
        this.inspectWrite(fn, call.arguments[0], call, facts);
      }
    }
    this.followCall(fn, call, callee, facts);
  }

  private inspectNew(fn: FunctionNode, node: TS.NewExpression, facts: RawFact[]): void {
    const { ts } = this;
    if (
      ts.isIdentifier(node.expression) &&
      node.expression.text === "Date" &&
      (node.arguments?.length ?? 0) === 0 &&
      this.isGlobal(node.expression)
    ) {
      facts.push({ kind: "time", subject: "new Date()", node, chain: [] });
      return;
    }
    this.followCall(fn, node, node.expression, facts);
  }

  /** What a call to a platform or library function is, by identity (globals from the default library, import origins, declaring packages). */
  private classifyLibraryCall(callee: TS.Expression): { kind: ImpurityKind; subject: string } | undefined {
    const { ts } = this;
    const text = (node: TS.Node) => node.getText().replace(/\s+/g, "");
    if (ts.isIdentifier(callee)) {
      if (callee.text === "Date" && this.isGlobal(callee)) return { kind: "time", subject: "Date()" };
      if (callee.text === "fetch" && this.isGlobal(callee)) return { kind: "io", subject: "fetch()" };
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const member = callee.name.text;
      const base = this.resolver.skipOuter(callee.expression);
      if (ts.isIdentifier(base) && this.isGlobal(base)) {
        if (base.text === "Date" && member === "now") return { kind: "time", subject: "Date.now()" };
        if (base.text === "performance" && member === "now") return { kind: "time", subject: "performance.now()" };
        if (base.text === "Math" && member === "random") return { kind: "random", subject: "Math.random()" };
        if (base.text === "crypto" && RANDOM_EXPORTS.crypto!.has(member))
          return { kind: "random", subject: `crypto.${member}()` };
        if (base.text === "process" && TIME_PROCESS_MEMBERS.has(member))
          return { kind: "time", subject: `process.${member}()` };
        if (base.text === "console") return { kind: "logging", subject: `console.${member}()` };
      }
      // `process.hrtime.bigint()`
      if (
        ts.isPropertyAccessExpression(base) &&
        ts.isIdentifier(base.expression) &&
        base.expression.text === "process" &&
        base.name.text === "hrtime" &&
        this.isGlobal(base.expression)
      ) {
        return { kind: "time", subject: "process.hrtime.bigint()" };
      }
    }
    const origin = this.resolver.findImportOrigin(callee);
    if (origin) {
      const module = origin.module.replace(/^node:/, "");
      const exported = origin.path.filter((p) => p !== "*" && p !== "default");
      const first = exported[0];
      if (module === "perf_hooks" && exported.includes("now")) return { kind: "time", subject: text(callee) + "()" };
      if (module === "process" && first && TIME_PROCESS_MEMBERS.has(first))
        return { kind: "time", subject: text(callee) + "()" };
      const random = RANDOM_EXPORTS[module];
      if (random && exported.some((name) => random.has(name))) return { kind: "random", subject: text(callee) + "()" };
      if (IO_MODULES.has(module) || IO_PACKAGES.has(origin.module)) return { kind: "io", subject: text(callee) + "()" };
      if (LOGGING_PACKAGES.has(origin.module)) return { kind: "logging", subject: text(callee) + "()" };
    }
    // Methods on objects whose type a database, network, Redis or logging package declares.
    if (ts.isPropertyAccessExpression(callee)) {
      const packageName = this.resolver.findDeclaringPackage(callee.expression);
      if (
        packageName &&
        (IO_PACKAGES.has(packageName) || packageName.startsWith("@prisma/") || packageName.startsWith("@aws-sdk/"))
      ) {
        return { kind: "io", subject: text(callee) + "()" };
      }
      if (packageName && LOGGING_PACKAGES.has(packageName)) return { kind: "logging", subject: text(callee) + "()" };
      if (packageName === "@nestjs/common" && this.typeName(callee.expression) === "Logger")
        return { kind: "logging", subject: text(callee) + "()" };
    }
    return undefined;
  }

  /** Follows a call into a function of the project and lifts its facts into the caller. */
  private followCall(
    fn: FunctionNode,
    call: TS.CallExpression | TS.NewExpression,
    callee: TS.Expression,
    facts: RawFact[],
  ): void {
    const { ts } = this;
    const target = this.findCallTarget(call);
    if (!target || target === fn) return;
    const calleeFacts = this.summarize(target);
    if (calleeFacts.length === 0) return;
    const isConstructor = ts.isConstructorDeclaration(target);
    const receiver = ts.isPropertyAccessExpression(callee)
      ? this.findRoot(fn, callee.expression)
      : ts.isIdentifier(callee)
        ? ({ kind: "local" } as Root)
        : ({ kind: "unknown" } as Root);
    for (const fact of calleeFacts) {
      if (fact.chain.length + 1 > MAX_PURITY_DEPTH) continue;
      // State declared inside the caller is the caller's own: a callback or helper writing it is local work.
      if (fact.symbol && this.isDeclaredWithin(fact.symbol, fn)) continue;
      const chain = [target, ...fact.chain];
      switch (fact.kind) {
        case "parameter-mutation": {
          const argument = call.arguments?.[fact.parameterIndex ?? -1];
          if (!argument) continue;
          const lifted = this.liftMutation(fn, argument, fact, chain);
          if (lifted) facts.push(lifted);
          continue;
        }
        case "this-read":
        case "this-write": {
          // A constructor builds a new object; the facts concern the receiver otherwise.
          if (isConstructor) continue;
          if (receiver.kind === "this") facts.push({ ...fact, chain });
          else if (receiver.kind === "outer") {
            facts.push({
              ...fact,
              kind: fact.kind === "this-read" ? "mutable-state" : "outer-write",
              subject: `${receiver.name}.${fact.subject.replace(/^this\./, "")}`,
              chain,
            });
          } else if (receiver.kind === "parameter" && fact.kind === "this-write") {
            facts.push({ ...fact, kind: "parameter-mutation", parameterIndex: receiver.index, chain });
          }
          continue;
        }
        default:
          facts.push({ ...fact, chain });
      }
    }
  }

  private liftMutation(
    fn: FunctionNode,
    argument: TS.Expression,
    fact: RawFact,
    chain: FunctionNode[],
  ): RawFact | undefined {
    const root = this.findRoot(fn, argument);
    const subject = argument.getText();
    if (root.kind === "parameter")
      return { ...fact, kind: "parameter-mutation", parameterIndex: root.index, subject, chain };
    if (root.kind === "outer") return { ...fact, kind: "outer-write", symbol: root.symbol, subject, chain };
    if (root.kind === "this") return { ...fact, kind: "this-write", subject, chain };
    return undefined;
  }

  /** Parameters a function mutates itself (not through further calls), by index, with what it does. */
  findMutatedParameters(fn: FunctionNode): Map<number, TS.Node> {
    const result = new Map<number, TS.Node>();
    for (const fact of this.summarize(fn)) {
      if (
        fact.kind === "parameter-mutation" &&
        fact.chain.length === 0 &&
        fact.parameterIndex !== undefined &&
        !result.has(fact.parameterIndex)
      )
        result.set(fact.parameterIndex, fact.node);
    }
    return result;
  }

  /** The project function a call runs, resolved through the checker. */
  findCallTarget(call: TS.CallExpression | TS.NewExpression): FunctionNode | undefined {
    const { ts } = this;
    const declaration = this.resolver.tryChecker(() => this.checker.getResolvedSignature(call)?.declaration, undefined);
    if (!declaration || !ts.isFunctionLike(declaration)) return undefined;
    const target = declaration as FunctionNode;
    if (!target.body) return undefined;
    const file = target.getSourceFile();
    if (file.isDeclarationFile || file.fileName.includes("/node_modules/")) return undefined;
    return target;
  }

  // ---- writes and reads ------------------------------------------------------

  private inspectWrite(fn: FunctionNode, target: TS.Expression, node: TS.Node, facts: RawFact[]): void {
    const { ts } = this;
    const root = this.findRoot(fn, target);
    let subject = target.getText().replace(/\s+/g, " ");
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      subject =
        ts.isPropertyAccessExpression(callee) && callee.expression === target
          ? `${subject}.${callee.name.text}()`
          : `${callee.getText()}(${subject}, …)`;
    }
    if (root.kind === "parameter") {
      // Reassigning the parameter variable itself is local; changing what it points to is not.
      if (ts.isIdentifier(this.resolver.skipOuter(target)) && !ts.isCallExpression(node)) return;
      facts.push({ kind: "parameter-mutation", subject, node, chain: [], parameterIndex: root.index });
    } else if (root.kind === "outer") {
      facts.push({ kind: "outer-write", subject, node, chain: [], symbol: root.symbol });
    } else if (root.kind === "this") {
      facts.push({ kind: "this-write", subject, node, chain: [] });
    }
  }

  private inspectIdentifierRead(fn: FunctionNode, node: TS.Identifier, facts: RawFact[]): void {
    const { ts } = this;
    const parent = node.parent;
    // Only value reads: not declarations, not property names, not write targets.
    if (
      (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
      (ts.isPropertyAssignment(parent) && parent.name === node)
    )
      return;
    if ((parent as { name?: TS.Node }).name === node) return;
    if (
      ts.isBinaryExpression(parent) &&
      parent.left === node &&
      parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
    )
      return;
    if (
      ts.isShorthandPropertyAssignment(parent) &&
      ts.isObjectLiteralExpression(parent.parent) &&
      ts.isBinaryExpression(parent.parent.parent) &&
      parent.parent.parent.left === parent.parent
    )
      return;
    if (
      ts.isTypeReferenceNode(parent) ||
      ts.isTypeQueryNode(parent) ||
      ts.isQualifiedName(parent) ||
      ts.isExpressionWithTypeArguments(parent)
    )
      return;
    if (node.text === "undefined") return;
    const symbol = this.resolver.getDeclaredSymbol(node);
    // `process.env` at call time.
    if (
      node.text === "process" &&
      ts.isPropertyAccessExpression(parent) &&
      parent.name.text === "env" &&
      this.isGlobalSymbol(symbol, node)
    ) {
      facts.push({ kind: "environment", subject: this.describeEnvRead(parent), node: parent, chain: [] });
      return;
    }
    if (!symbol || symbol.flags & ts.SymbolFlags.Function || symbol.flags & ts.SymbolFlags.Class) return;
    const declaration = symbol.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration)) return;
    if (this.isDeclaredWithin(symbol, fn)) return;
    const list = declaration.parent;
    if (!ts.isVariableDeclarationList(list) || list.flags & ts.NodeFlags.Const) {
      // A const binding: the value may still be a container that is changed elsewhere (`rates.set(…)`).
      // Only plain containers: a client or cache instance with a `set` method is not state the result depends on.
      const write = this.findLaterWrite(symbol, fn);
      if (write && this.isPlainContainer(node))
        facts.push({ kind: "mutable-state", subject: node.text, node, chain: [], symbol, write });
      return;
    }
    const write = this.findLaterWrite(symbol, fn);
    if (!write || this.isLateInitialization(declaration, symbol)) return;
    facts.push({ kind: "mutable-state", subject: node.text, node, chain: [], symbol, write });
  }

  /**
   * `let config: Config;` assigned in exactly one place (`initConfig(c) { config = c; }`): set up
   * once before use, not state that changes under the memoizer.
   */
  private isLateInitialization(declaration: TS.VariableDeclaration, symbol: TS.Symbol): boolean {
    const initializer = declaration.initializer && this.resolver.skipOuter(declaration.initializer);
    const uninitialized = !initializer || this.resolver.isNullish(initializer);
    if (!uninitialized) return false;
    const writes = this.getWrites(symbol);
    return writes.filter((write) => write.fn !== undefined).length === 1;
  }

  private inspectPropertyRead(fn: FunctionNode, node: TS.PropertyAccessExpression, facts: RawFact[]): void {
    const { ts } = this;
    const parent = node.parent;
    // The write itself, or a method call (the callee is handled as a call).
    if (ts.isBinaryExpression(parent) && parent.left === node && this.isAssignment(parent.operatorToken.kind)) return;
    if (ts.isCallExpression(parent) && parent.expression === node) return;
    if (
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === node &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent &&
      ARRAY_MUTATING_METHODS.has(parent.name.text)
    )
      return;
    const root = this.findRoot(fn, node.expression);
    if (root.kind !== "this" && root.kind !== "outer") return;
    const symbol = this.checker.getSymbolAtLocation(node.name);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.Property)) return;
    const write = this.findLaterWrite(symbol, fn);
    if (!write) return;
    if (root.kind === "this")
      facts.push({ kind: "this-read", subject: `this.${node.name.text}`, node, chain: [], write });
    else
      facts.push({
        kind: "mutable-state",
        subject: node.getText().replace(/\s+/g, ""),
        node,
        chain: [],
        symbol: root.symbol,
        write,
      });
  }

  private describeEnvRead(envAccess: TS.PropertyAccessExpression): string {
    const { ts } = this;
    const outer = envAccess.parent;
    if (ts.isPropertyAccessExpression(outer) && outer.expression === envAccess) return `process.env.${outer.name.text}`;
    if (
      ts.isElementAccessExpression(outer) &&
      outer.expression === envAccess &&
      ts.isStringLiteralLike(outer.argumentExpression)
    )
      return `process.env.${outer.argumentExpression.text}`;
    return "process.env";
  }

  /** Where an expression's value comes from: `this`, a parameter, state outside the function, or a local. */
  private findRoot(fn: FunctionNode, expression: TS.Expression): Root {
    const { ts } = this;
    let node = this.resolver.skipOuter(expression);
    while (
      ts.isPropertyAccessExpression(node) ||
      ts.isElementAccessExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isParenthesizedExpression(node)
    ) {
      node = this.resolver.skipOuter(node.expression);
    }
    if (node.kind === ts.SyntaxKind.ThisKeyword) return { kind: "this" };
    if (!ts.isIdentifier(node)) return { kind: "unknown" };
    const symbol = this.resolver.getDeclaredSymbol(node);
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!symbol || !declaration) return { kind: "unknown" };
    const parameter = this.findParameter(declaration);
    if (parameter && parameter.parent === fn) return { kind: "parameter", index: fn.parameters.indexOf(parameter) };
    if (this.isDeclaredWithin(symbol, fn)) return { kind: "local" };
    if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Enum | ts.SymbolFlags.Module))
      return { kind: "unknown" };
    if (declaration.getSourceFile().isDeclarationFile) return { kind: "unknown" };
    return { kind: "outer", symbol, name: node.text };
  }

  private findParameter(declaration: TS.Node): TS.ParameterDeclaration | undefined {
    const { ts } = this;
    let current: TS.Node | undefined = declaration;
    while (
      current &&
      (ts.isBindingElement(current) || ts.isObjectBindingPattern(current) || ts.isArrayBindingPattern(current))
    )
      current = current.parent;
    return current && ts.isParameter(current) ? current : undefined;
  }

  private isDeclaredWithin(symbol: TS.Symbol, fn: FunctionNode): boolean {
    const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (!declaration || declaration.getSourceFile() !== fn.getSourceFile()) return false;
    return declaration.pos >= fn.pos && declaration.end <= fn.end;
  }

  /** A write to the symbol in some function other than `fn` that is not part of building the object. */
  private findLaterWrite(symbol: TS.Symbol, fn: FunctionNode): WriteSite | undefined {
    const writes = this.getWrites(symbol);
    return writes.find(
      (write) =>
        write.fn !== undefined &&
        !write.duringConstruction &&
        !(write.node.pos >= fn.pos && write.node.end <= fn.end && write.node.getSourceFile() === fn.getSourceFile()),
    );
  }

  /**
   * Every write to a variable or property in the project, by symbol: assignments, `++`/`--`,
   * `delete`, and mutating method calls on a variable. The program is scanned once, syntactically,
   * into candidates by name; symbols are resolved only for the names asked about.
   */
  private getWrites(symbol: TS.Symbol): WriteSite[] {
    const cached = this.writesBySymbol.get(symbol);
    if (cached) return cached;
    const candidates = this.getWriteCandidates().get(symbol.getName()) ?? [];
    const writes: WriteSite[] = [];
    for (const candidate of candidates) {
      if (this.resolveWriteTarget(candidate.target) !== symbol) continue;
      // A class field initialiser runs while the object is built.
      const fn = findEnclosingFunction(this.ts, candidate.node, { stopAtClassField: true });
      writes.push({
        node: candidate.node,
        fn,
        duringConstruction: fn !== undefined && this.ts.isConstructorDeclaration(fn),
      });
    }
    this.writesBySymbol.set(symbol, writes);
    return writes;
  }

  private resolveWriteTarget(target: TS.Expression): TS.Symbol | undefined {
    const { ts } = this;
    const inner = this.resolver.skipOuter(target);
    if (ts.isIdentifier(inner)) return this.resolver.getDeclaredSymbol(inner);
    if (ts.isPropertyAccessExpression(inner)) return this.checker.getSymbolAtLocation(inner.name);
    if (ts.isElementAccessExpression(inner) && ts.isIdentifier(this.resolver.skipOuter(inner.expression)))
      return this.resolver.getDeclaredSymbol(this.resolver.skipOuter(inner.expression));
    return undefined;
  }

  private getWriteCandidates(): Map<string, Array<{ target: TS.Expression; node: TS.Node }>> {
    if (this.writeCandidates) return this.writeCandidates;
    const { ts } = this;
    const index = new Map<string, Array<{ target: TS.Expression; node: TS.Node }>>();
    const record = (target: TS.Expression, node: TS.Node) => {
      const inner = this.resolver.skipOuter(target);
      let name: string | undefined;
      if (ts.isIdentifier(inner)) name = inner.text;
      else if (ts.isPropertyAccessExpression(inner)) name = inner.name.text;
      else if (ts.isElementAccessExpression(inner)) {
        const base = this.resolver.skipOuter(inner.expression);
        if (ts.isIdentifier(base)) name = base.text;
      }
      if (name === undefined) return;
      const list = index.get(name);
      if (list) list.push({ target, node });
      else index.set(name, [{ target, node }]);
    };
    const visit = (node: TS.Node): void => {
      if (ts.isBinaryExpression(node) && this.isAssignment(node.operatorToken.kind)) {
        if (ts.isObjectLiteralExpression(node.left) || ts.isArrayLiteralExpression(node.left))
          this.recordDestructuring(node.left, node, record);
        else record(node.left, node);
      } else if (
        (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
        (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
      ) {
        record(node.operand, node);
      } else if (ts.isDeleteExpression(node)) {
        record(node.expression, node);
      } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        if (ARRAY_MUTATING_METHODS.has(method) || COLLECTION_WRITE_METHODS.has(method))
          record(node.expression.expression, node);
      }
    };
    for (const file of this.resolver.program.getSourceFiles()) {
      if (file.isDeclarationFile || file.fileName.includes("/node_modules/")) continue;
      walkTree(ts, file, visit);
    }
    this.writeCandidates = index;
    return index;
  }

  private recordDestructuring(
    pattern: TS.ObjectLiteralExpression | TS.ArrayLiteralExpression,
    node: TS.Node,
    record: (target: TS.Expression, node: TS.Node) => void,
  ): void {
    const { ts } = this;
    const elements = ts.isArrayLiteralExpression(pattern)
      ? pattern.elements
      : pattern.properties.map((p) =>
          ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined,
        );
    for (const element of elements) {
      if (!element) continue;
      const target = ts.isSpreadElement(element) ? element.expression : element;
      record(ts.isBinaryExpression(target) ? target.left : target, node);
    }
  }

  // ---- identity helpers ------------------------------------------------------

  /** True for a global from the default library or @types/node, not a local of the same name. Unknown globals (no types) count as global. */
  private isGlobal(identifier: TS.Identifier): boolean {
    const symbol = this.checker.getSymbolAtLocation(identifier);
    return this.isGlobalSymbol(symbol, identifier);
  }

  private isGlobalSymbol(symbol: TS.Symbol | undefined, identifier: TS.Identifier): boolean {
    // No symbol at all: a global whose types are not installed (a local always has one).
    if (!symbol) return identifier.text.length > 0;
    if (symbol.flags & this.ts.SymbolFlags.Alias) return false;
    const declarations = symbol.declarations ?? [];
    return declarations.length > 0 && declarations.every((d) => d.getSourceFile().isDeclarationFile);
  }

  private typeName(expression: TS.Expression): string | undefined {
    return this.resolver.tryChecker(() => this.checker.getTypeAtLocation(expression).getSymbol()?.getName(), undefined);
  }

  /** An array, a Map/Set of the default library, or an object literal type. */
  private isPlainContainer(expression: TS.Expression): boolean {
    const { ts } = this;
    const type = this.resolver.tryChecker(() => this.checker.getTypeAtLocation(expression), undefined);
    if (!type) return false;
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) return true;
    const symbol = type.getSymbol();
    const declaration = symbol?.declarations?.[0];
    if (!symbol || !declaration) return false;
    if (symbol.flags & ts.SymbolFlags.ObjectLiteral) return true;
    return (
      ["Map", "Set"].includes(symbol.getName()) &&
      this.resolver.program.isSourceFileDefaultLibrary(declaration.getSourceFile())
    );
  }

  private isArrayLike(expression: TS.Expression): boolean {
    const { checker } = this;
    return this.resolver.tryChecker(() => {
      const type = checker.getTypeAtLocation(expression);
      return checker.isArrayType(type) || checker.isTupleType(type) || (type.flags & this.ts.TypeFlags.Any) !== 0;
    }, false);
  }

  private isAssignment(kind: TS.SyntaxKind): boolean {
    return kind >= this.ts.SyntaxKind.FirstAssignment && kind <= this.ts.SyntaxKind.LastAssignment;
  }
}
