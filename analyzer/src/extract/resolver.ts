// Symbol-level resolution shared by every extractor: where an identifier was imported
// from, what a constant folds to, what a key expression looks like as a template.
// Everything here goes through the checker, so it works across files.
import type * as TS from "typescript";
import type { KeyPart, KeyTemplate, Span } from "../model/cache-model";
import type { ExtractionHost } from "./host";
import type { ExportRole } from "../libraries/adapter";
import {
  findLibraryByModule,
  findLibraryByPackage,
  findPackageOfDeclarationFile,
  type LibraryEntry,
} from "../libraries/registry";
import { ORM_PACKAGES } from "./entities/entity-context";
import { walkTree } from "./walk";

/** A module an ORM's queries are read from (`@prisma/client`, `drizzle-orm/pg-core`, `typeorm`…). */
function isOrmModule(module: string): boolean {
  return Object.values(ORM_PACKAGES).some((matches) => matches(module));
}

/** Where a value comes from: a module and the chain of exports/properties read from it. */
export interface ImportOrigin {
  module: string;
  /** `default`, `*`, or a named export, followed by property names read from it. */
  path: string[];
  /** True when the module could not be resolved (no node_modules): identity came from the specifier only. */
  unresolved: boolean;
}

export interface ResolvedExport {
  entry: LibraryEntry;
  role: ExportRole;
  exportName: string;
  /** Property names read after the export (`moize.maxAge` → [] with exportName `maxAge`). */
  rest: string[];
  unresolved: boolean;
}

const MAX_DEPTH = 6;

const CASE_METHODS = new Set(["toLowerCase", "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase", "trim"]);

/** Methods that turn a value into the text of a key part: a hole named after the value (`id.toString()` → `id`). */
const VALUE_CONVERSION_METHODS = new Set([
  ...CASE_METHODS,
  "toString",
  "toFixed",
  "toISOString",
  "valueOf",
  "trimStart",
  "trimEnd",
  "replace",
  "replaceAll",
  "slice",
  "substring",
  "padStart",
  "padEnd",
  "normalize",
  "join",
]);

/** Functions that convert their one argument into text: a hole named after the argument (`String(id)` → `id`). */
const VALUE_CONVERSION_FUNCTIONS = new Set(["String", "Number", "encodeURIComponent", "encodeURI"]);

/** A hole named `text` (as the heuristics that read hole names know it), with a readable label when it differs. */
function withLabel(text: string, label: string): KeyPart {
  return label === text ? { kind: "hole", text } : { kind: "hole", text, label };
}

/** The largest finite domain a hole's type is counted to; past it, the hole is as open as a `string`. */
const MAX_HOLE_DOMAIN = 256;

/** How many values a type admits when it is a union of literals, an enum or a boolean; undefined when open. */
function countTypeValues(ts: ExtractionHost["ts"], type: TS.Type): number | undefined {
  const unitFlags =
    ts.TypeFlags.BooleanLiteral |
    ts.TypeFlags.EnumLiteral |
    ts.TypeFlags.StringLiteral |
    ts.TypeFlags.NumberLiteral |
    ts.TypeFlags.BigIntLiteral |
    ts.TypeFlags.Undefined |
    ts.TypeFlags.Null;
  const members = type.isUnion() ? type.types : [type];
  if (members.some((member) => (member.flags & unitFlags) === 0 || member.isUnion())) {
    // `boolean` alone is `true | false`.
    if (!type.isUnion() && type.flags & ts.TypeFlags.Boolean) return 2;
    return undefined;
  }
  return members.length <= MAX_HOLE_DOMAIN ? members.length : undefined;
}

/** The longest source text a hole's label is. */
const MAX_HOLE_TEXT = 32;

/** Source text as a hole's label: on one line, short, without braces; undefined otherwise. */
function writtenAsHole(text: string): string | undefined {
  const compact = text.replace(/\s+/g, " ");
  return compact.length <= MAX_HOLE_TEXT && !/[{}`]/.test(compact) ? compact : undefined;
}

/** The names of Node's global object, whose properties are free names in every module. */
const GLOBAL_OBJECTS = new Set(["global", "globalThis"]);
const GLOBAL_ASSIGNMENT_TEXT = /\b(?:global|globalThis)\b[\s\S]{0,20}?\.\s*[A-Za-z_$][\w$]*\s*=[^=]/;

export class Resolver {
  readonly ts: ExtractionHost["ts"];
  readonly checker: TS.TypeChecker;
  readonly program: TS.Program;
  /** Module specifiers of cache libraries that did not resolve. */
  readonly unresolvedModules = new Set<string>();
  /** How many checker queries threw (see `tryChecker`) and fell back: a sign that type information was partial. */
  checkerFailures = 0;
  /**
   * The arguments a factory was called with, while the value it returns is read (`createClient("tr:")` building
   * `new Redis({ keyPrefix: prefix })`): constants fold through its parameters. Empty outside such a read.
   */
  private readonly bindings = new Map<TS.Declaration, TS.Expression>();
  /** See `findGlobalAssignments`. */
  private globalAssignments: Map<string, TS.Expression[]> | undefined;

  /** Runs `read` with the function's parameters bound to a call's arguments (spread and rest parameters stay unbound). */
  withArguments<T>(declaration: TS.SignatureDeclaration, args: readonly TS.Expression[], read: () => T): T {
    const { ts } = this;
    const added: TS.Declaration[] = [];
    declaration.parameters.forEach((parameter, index) => {
      const argument = args[index];
      if (!argument || parameter.dotDotDotToken || ts.isSpreadElement(argument) || this.bindings.has(parameter)) return;
      if (args.slice(0, index).some((a) => ts.isSpreadElement(a))) return;
      this.bindings.set(parameter, argument);
      added.push(parameter);
    });
    try {
      return read();
    } finally {
      for (const parameter of added) this.bindings.delete(parameter);
    }
  }

  /** True while a factory's arguments are bound: results then depend on the call and must not be memoized. */
  get hasBindings(): boolean {
    return this.bindings.size > 0;
  }

  /** What a name stands for when folding: a constant's initializer, or the argument its parameter is bound to. */
  private findKnownValue(symbol: TS.Symbol | undefined): TS.Expression | undefined {
    const declaration = symbol?.valueDeclaration;
    return this.getConstInitializer(symbol) ?? (declaration ? this.bindings.get(declaration) : undefined);
  }

  constructor(host: ExtractionHost) {
    this.ts = host.ts;
    this.checker = host.checker;
    this.program = host.program;
  }

  // ---- checker -----------------------------------------------------------

  /**
   * Runs a checker query, returning `fallback` when it throws. On an incomplete program (missing
   * declarations, syntax errors mid-edit) the checker can fail an internal assertion ("Debug Failure."),
   * read a property of a missing node (TypeError) or recurse too deep (RangeError): all `Error`s,
   * counted in `checkerFailures`. Anything else (TypeScript's `OperationCanceledException`, which is
   * not an `Error`) is rethrown. Keep `query` to the checker call itself, so that a bug of ours is not
   * taken for a checker failure.
   */
  tryChecker<T, F>(query: () => T, fallback: F): T | F {
    try {
      return query();
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      this.checkerFailures++;
      return fallback;
    }
  }

  // ---- spans -------------------------------------------------------------

  makeSpan(node: TS.Node, endNode: TS.Node = node): Span {
    const sourceFile = node.getSourceFile();
    const start = node.getStart(sourceFile);
    const end = endNode.getEnd();
    const startLc = sourceFile.getLineAndCharacterOfPosition(start);
    const endLc = sourceFile.getLineAndCharacterOfPosition(end);
    return {
      file: sourceFile.fileName,
      start,
      end,
      line: startLc.line + 1,
      column: startLc.character + 1,
      endLine: endLc.line + 1,
      endColumn: endLc.character + 1,
    };
  }

  // ---- expressions -------------------------------------------------------

  /** What a spread in an object literal may add: `...(cond && x)` → x, `...(c ? a : b)` → a, b, `...x` → x (outer syntax stripped). */
  listSpreadParts(expression: TS.Expression): TS.Expression[] {
    const { ts } = this;
    const spread = this.skipOuter(expression);
    if (ts.isBinaryExpression(spread) && spread.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)
      return [spread.right];
    if (ts.isConditionalExpression(spread)) return [spread.whenTrue, spread.whenFalse];
    return [spread];
  }

  /** Strips parentheses, type assertions, `!`, `satisfies` and `await`. */
  skipOuter(expression: TS.Expression): TS.Expression {
    const { ts } = this;
    let current = expression;
    for (;;) {
      if (
        ts.isParenthesizedExpression(current) ||
        ts.isAsExpression(current) ||
        ts.isNonNullExpression(current) ||
        ts.isTypeAssertionExpression(current) ||
        ts.isSatisfiesExpression(current) ||
        ts.isAwaitExpression(current)
      ) {
        current = current.expression;
      } else {
        return current;
      }
    }
  }

  /** The symbol of an identifier or property name, following import aliases to the declaration. */
  getDeclaredSymbol(node: TS.Node): TS.Symbol | undefined {
    const { ts, checker } = this;
    let symbol = checker.getSymbolAtLocation(node);
    if (!symbol) return undefined;
    if (symbol.flags & ts.SymbolFlags.Alias) {
      const aliased = checker.getAliasedSymbol(symbol);
      // An unresolved import aliases to the `unknown` symbol, which has no declarations.
      if (aliased.declarations?.length) symbol = aliased;
    }
    return symbol;
  }

  /** The initializer of a `const` (or a never-reassigned `let`) a symbol declares, across files. */
  getConstInitializer(symbol: TS.Symbol | undefined): TS.Expression | undefined {
    const { ts } = this;
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!declaration) return undefined;
    if (ts.isVariableDeclaration(declaration) && declaration.initializer && ts.isIdentifier(declaration.name)) {
      const list = declaration.parent;
      if (ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) return declaration.initializer;
      return undefined;
    }
    if (ts.isPropertyAssignment(declaration)) return declaration.initializer;
    if (ts.isEnumMember(declaration)) return declaration.initializer;
    if (ts.isPropertyDeclaration(declaration) && declaration.initializer) {
      const readonly = ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly;
      return readonly ? declaration.initializer : undefined;
    }
    return undefined;
  }

  // ---- import origins ------------------------------------------------------

  /** Traces an expression to the module export it reads, e.g. `_.memoize` → lodash `memoize`. */
  findImportOrigin(expression: TS.Expression, depth = 0): ImportOrigin | undefined {
    const { ts, checker } = this;
    if (depth > MAX_DEPTH) return undefined;
    const node = this.skipOuter(expression);
    if (ts.isPropertyAccessExpression(node)) {
      const base = this.findImportOrigin(node.expression, depth + 1);
      return base ? { ...base, path: [...base.path, node.name.text] } : undefined;
    }
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      const base = this.findImportOrigin(node.expression, depth + 1);
      return base ? { ...base, path: [...base.path, node.argumentExpression.text] } : undefined;
    }
    const required = this.getRequiredSpecifier(node);
    if (required) return { module: required.text, path: ["*"], unresolved: false };
    if (!ts.isIdentifier(node)) return undefined;
    const symbol = checker.getSymbolAtLocation(node);
    if (!symbol) return undefined;
    return this.findSymbolOrigin(symbol, depth);
  }

  findSymbolOrigin(symbol: TS.Symbol, depth: number): ImportOrigin | undefined {
    const { ts, checker } = this;
    if (depth > MAX_DEPTH) return undefined;
    const declaration = symbol.declarations?.[0];
    if (!declaration) return undefined;
    if (symbol.flags & ts.SymbolFlags.Alias) {
      const local = this.readImportDeclaration(declaration);
      if (local) {
        if (this.isBareSpecifier(local.module)) {
          // An unresolved module specifier has no symbol.
          const moduleSymbol = checker.getSymbolAtLocation(local.specifier);
          const resolved = moduleSymbol !== undefined;
          if (!resolved && (findLibraryByModule(local.module) || isOrmModule(local.module)))
            this.unresolvedModules.add(local.module);
          // A workspace package of the project (`@acme/redis` re-exporting `ioredis`): follow it into its sources.
          const followed =
            moduleSymbol && !findLibraryByModule(local.module)
              ? this.followProjectPackage(symbol, moduleSymbol, local.path, depth)
              : undefined;
          return followed ?? { module: local.module, path: local.path, unresolved: !resolved };
        }
      }
      // A project module re-exporting something: follow one alias step at a time.
      const next = checker.getImmediateAliasedSymbol(symbol);
      if (next && next !== symbol) {
        const origin = this.findSymbolOrigin(next, depth + 1);
        if (origin) return origin;
      }
      if (local && !this.isBareSpecifier(local.module)) {
        const aliased = checker.getAliasedSymbol(symbol);
        if (aliased !== symbol && aliased.declarations?.length) return this.findSymbolOrigin(aliased, depth + 1);
      }
      return undefined;
    }
    // `export const memo = memoize` or `const { memoize } = require("lodash")`.
    if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
      if (ts.isIdentifier(declaration.name)) {
        const list = declaration.parent;
        if (ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) {
          const initializer = this.skipOuter(declaration.initializer);
          if (
            ts.isIdentifier(initializer) ||
            ts.isPropertyAccessExpression(initializer) ||
            this.getRequiredSpecifier(initializer)
          ) {
            return this.findImportOrigin(initializer, depth + 1);
          }
        }
      }
    }
    if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
      const variable = declaration.parent.parent;
      if (ts.isVariableDeclaration(variable) && variable.initializer) {
        const base = this.findImportOrigin(variable.initializer, depth + 1);
        const name = declaration.propertyName ?? declaration.name;
        if (base && ts.isIdentifier(name)) return { ...base, path: [...base.path, name.text] };
      }
    }
    return undefined;
  }

  /**
   * Where an import of a project package (a workspace package resolved to its sources) comes from: the
   * declaration it aliases, or, when the library behind it is not installed, the `export * from "ioredis"` or
   * `export { Redis } from "ioredis"` that re-exports it.
   */
  private followProjectPackage(
    symbol: TS.Symbol,
    moduleSymbol: TS.Symbol,
    path: string[],
    depth: number,
  ): ImportOrigin | undefined {
    const sourceFile = moduleSymbol.valueDeclaration ?? moduleSymbol.declarations?.[0];
    if (!sourceFile || !this.ts.isSourceFile(sourceFile) || !this.isProjectSource(sourceFile)) return undefined;
    const next = this.checker.getImmediateAliasedSymbol(symbol);
    if (next && next !== symbol && next.declarations?.length) {
      const origin = this.findSymbolOrigin(next, depth + 1);
      if (origin) return origin;
    }
    return this.findReexport(sourceFile, path, depth + 1);
  }

  /** A file of TypeScript's default library (`lib.es2015.collection.d.ts`), ts-morph's in-memory copies included. */
  isDefaultLibraryFile(sourceFile: TS.SourceFile): boolean {
    return this.program.isSourceFileDefaultLibrary(sourceFile) || sourceFile.fileName.includes("/typescript/lib/lib.");
  }

  private isProjectSource(sourceFile: TS.SourceFile): boolean {
    return !sourceFile.isDeclarationFile && !sourceFile.fileName.includes("/node_modules/");
  }

  /** The library a module re-exports `path[0]` from, through `export *` and `export { … } from`, across files. */
  private findReexport(sourceFile: TS.SourceFile, path: string[], depth: number): ImportOrigin | undefined {
    const { ts, checker } = this;
    if (depth > MAX_DEPTH || path.length === 0) return undefined;
    const [name, ...rest] = path as [string, ...string[]];
    for (const statement of sourceFile.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
      if (!ts.isStringLiteralLike(statement.moduleSpecifier)) continue;
      const module = statement.moduleSpecifier.text;
      let exported: string[] | undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (name !== "default") exported = path;
      } else if (ts.isNamespaceExport(clause)) {
        if (clause.name.text === name) exported = ["*", ...rest];
      } else {
        const specifier = clause.elements.find((element) => element.name.text === name);
        if (specifier) exported = [(specifier.propertyName ?? specifier.name).text, ...rest];
      }
      if (!exported) continue;
      if (findLibraryByModule(module)) {
        const resolved = checker.getSymbolAtLocation(statement.moduleSpecifier) !== undefined;
        if (!resolved) this.unresolvedModules.add(module);
        return { module, path: exported, unresolved: !resolved };
      }
      const target = checker.getSymbolAtLocation(statement.moduleSpecifier);
      const targetFile = target?.valueDeclaration ?? target?.declarations?.[0];
      if (targetFile && ts.isSourceFile(targetFile) && this.isProjectSource(targetFile)) {
        const origin = this.findReexport(targetFile, exported, depth + 1);
        if (origin) return origin;
      }
    }
    return undefined;
  }

  /** The module an import-like declaration binds, with its specifier node and the export path read. */
  private readImportDeclaration(
    declaration: TS.Declaration,
  ): { module: string; specifier: TS.StringLiteralLike; path: string[] } | undefined {
    const { ts } = this;
    const from = (specifier: TS.Expression | undefined, path: string[]) =>
      specifier && ts.isStringLiteralLike(specifier) ? { module: specifier.text, specifier, path } : undefined;
    if (ts.isImportSpecifier(declaration)) {
      return from(declaration.parent.parent.parent.moduleSpecifier, [
        (declaration.propertyName ?? declaration.name).text,
      ]);
    }
    if (ts.isImportClause(declaration)) return from(declaration.parent.moduleSpecifier, ["default"]);
    if (ts.isNamespaceImport(declaration)) return from(declaration.parent.parent.moduleSpecifier, ["*"]);
    if (ts.isImportEqualsDeclaration(declaration) && ts.isExternalModuleReference(declaration.moduleReference)) {
      return from(declaration.moduleReference.expression, ["*"]);
    }
    // JavaScript: `const X = require("m")` and `const { a } = require("m")` are aliases too.
    if (ts.isVariableDeclaration(declaration)) return from(this.getRequiredSpecifier(declaration.initializer), ["*"]);
    if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
      const variable = declaration.parent.parent;
      const name = declaration.propertyName ?? declaration.name;
      if (ts.isVariableDeclaration(variable) && ts.isIdentifier(name))
        return from(this.getRequiredSpecifier(variable.initializer), ["*", name.text]);
    }
    if (ts.isExportSpecifier(declaration)) {
      return from(declaration.parent.parent.moduleSpecifier, [(declaration.propertyName ?? declaration.name).text]);
    }
    return undefined;
  }

  /**
   * A name bound to a module of the project itself (`const db = require("../database")`, `import db from "./db"`):
   * that module's file, or the specifier resolved against the importing file when the compiler cannot resolve it,
   * with the export path read (`/src/database.js#*`). Undefined for packages and for anything else.
   */
  findProjectModuleBinding(expression: TS.Expression): string | undefined {
    const { ts } = this;
    const node = this.skipOuter(expression);
    if (!ts.isIdentifier(node)) return undefined;
    const declaration = this.tryChecker(() => this.checker.getSymbolAtLocation(node), undefined)?.declarations?.[0];
    const local = declaration && this.readImportDeclaration(declaration);
    if (!local || this.isBareSpecifier(local.module)) return undefined;
    const target = this.tryChecker(() => this.checker.getSymbolAtLocation(local.specifier), undefined);
    const targetFile = target?.valueDeclaration ?? target?.declarations?.[0];
    const file =
      targetFile && ts.isSourceFile(targetFile)
        ? targetFile.fileName
        : joinModulePath(node.getSourceFile().fileName, local.module);
    return `${file}#${local.path.join(".")}`;
  }

  isRequireCall(node: TS.CallExpression): boolean {
    return this.getRequiredSpecifier(node) !== undefined;
  }

  /** `require("m")` → the `"m"` literal; anything else → undefined. */
  private getRequiredSpecifier(node: TS.Node | undefined): TS.StringLiteralLike | undefined {
    const { ts } = this;
    if (
      !node ||
      !ts.isCallExpression(node) ||
      !ts.isIdentifier(node.expression) ||
      node.expression.text !== "require" ||
      node.arguments.length !== 1
    )
      return undefined;
    const argument = node.arguments[0]!;
    return ts.isStringLiteralLike(argument) ? argument : undefined;
  }

  private isBareSpecifier(specifier: string): boolean {
    return !specifier.startsWith(".") && !specifier.startsWith("/");
  }

  /** Matches an origin against the library table. */
  resolveExport(origin: ImportOrigin | undefined): ResolvedExport | undefined {
    if (!origin) return undefined;
    const entry = findLibraryByModule(origin.module);
    if (!entry) return undefined;
    const path = [...origin.path];
    // `import * as x` / `require()` / a default import of a CommonJS namespace: the next name is the export.
    const candidates: Array<{ name: string; rest: string[] }> = [];
    candidates.push({ name: path[0]!, rest: path.slice(1) });
    if ((path[0] === "*" || path[0] === "default") && path.length > 1) {
      candidates.unshift({ name: path[1]!, rest: path.slice(2) });
    }
    for (const candidate of candidates) {
      // Own keys only: `constructor` or `toString` read from a library's namespace are not its exports.
      const role = Object.hasOwn(entry.exports, candidate.name) ? entry.exports[candidate.name] : undefined;
      if (role) return { entry, role, exportName: candidate.name, rest: candidate.rest, unresolved: origin.unresolved };
    }
    // `import * as` treated as default for CJS packages (`import * as NodeCache from "node-cache"`).
    if (path[0] === "*" && path.length === 1) {
      const role = entry.exports.default;
      if (role) return { entry, role, exportName: "default", rest: [], unresolved: origin.unresolved };
    }
    return undefined;
  }

  /** Library of a value from the package its type is declared in (when types are installed). */
  findLibraryFromType(expression: TS.Expression): LibraryEntry | undefined {
    const packageName = this.findDeclaringPackage(expression, (name) => findLibraryByPackage(name) !== undefined);
    return packageName === undefined ? undefined : findLibraryByPackage(packageName);
  }

  /**
   * The package that declares the type of `expression`, from the path of the declaration file under
   * node_modules (`@types/x` counts as `x`); undefined when the project declares it or the checker fails.
   * Without `accept`: the first declaration of the type's alias (`type Db = Pool` in the project → undefined),
   * or of its symbol when it has no alias. With `accept`: every declaration of the alias, then of the symbol,
   * until one comes from a package `accept` takes (the library table: an alias declared in the project
   * still finds the library type it names).
   */
  findDeclaringPackage(
    expression: TS.Expression,
    accept?: (packageName: string, declaration: TS.Declaration) => boolean,
  ): string | undefined {
    const type = this.tryChecker(() => this.checker.getTypeAtLocation(expression), undefined);
    if (!type) return undefined;
    if (!accept) {
      const declaration = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0];
      return declaration ? findPackageOfDeclarationFile(declaration.getSourceFile().fileName) : undefined;
    }
    for (const symbol of [type.aliasSymbol, type.getSymbol()]) {
      for (const declaration of symbol?.declarations ?? []) {
        const packageName = findPackageOfDeclarationFile(declaration.getSourceFile().fileName);
        if (packageName !== undefined && accept(packageName, declaration)) return packageName;
      }
    }
    return undefined;
  }

  // ---- constant folding --------------------------------------------------

  /** Folds a numeric expression, following constants across files. */
  foldNumber(expression: TS.Expression, depth = 0): number | undefined {
    const { ts } = this;
    if (depth > MAX_DEPTH) return undefined;
    const node = this.skipOuter(expression);
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (ts.isPrefixUnaryExpression(node)) {
      const value = this.foldNumber(node.operand, depth + 1);
      if (value === undefined) return undefined;
      if (node.operator === ts.SyntaxKind.MinusToken) return -value;
      if (node.operator === ts.SyntaxKind.PlusToken) return value;
      return undefined;
    }
    if (ts.isBinaryExpression(node)) {
      const left = this.foldNumber(node.left, depth + 1);
      const right = this.foldNumber(node.right, depth + 1);
      if (left === undefined || right === undefined) return undefined;
      switch (node.operatorToken.kind) {
        case ts.SyntaxKind.AsteriskToken:
          return left * right;
        case ts.SyntaxKind.PlusToken:
          return left + right;
        case ts.SyntaxKind.MinusToken:
          return left - right;
        case ts.SyntaxKind.SlashToken:
          return right === 0 ? undefined : left / right;
        case ts.SyntaxKind.AsteriskAsteriskToken:
          return left ** right;
        default:
          return undefined;
      }
    }
    if (ts.isIdentifier(node)) {
      if (node.text === "Infinity") return Infinity;
      return this.foldNumberSymbol(this.getDeclaredSymbol(node), depth);
    }
    if (ts.isPropertyAccessExpression(node)) {
      if (ts.isIdentifier(node.expression) && node.expression.text === "Number") {
        if (node.name.text === "POSITIVE_INFINITY" || node.name.text === "MAX_SAFE_INTEGER")
          return node.name.text === "POSITIVE_INFINITY" ? Infinity : Number.MAX_SAFE_INTEGER;
      }
      return this.foldNumberSymbol(this.getDeclaredSymbol(node.name), depth);
    }
    return undefined;
  }

  private foldNumberSymbol(symbol: TS.Symbol | undefined, depth: number): number | undefined {
    if (!symbol) return undefined;
    const initializer = this.findKnownValue(symbol);
    if (initializer) return this.foldNumber(initializer, depth + 1);
    // A numeric literal type (`const x: 60 = 60`, enum members without initializers).
    const declaration = symbol.valueDeclaration;
    if (declaration && this.ts.isEnumMember(declaration)) {
      const value = this.checker.getConstantValue(declaration);
      return typeof value === "number" ? value : undefined;
    }
    return undefined;
  }

  /** Folds a string expression, following constants across files. */
  foldString(expression: TS.Expression, depth = 0): string | undefined {
    const { ts } = this;
    if (depth > MAX_DEPTH) return undefined;
    const node = this.skipOuter(expression);
    if (ts.isStringLiteralLike(node)) return node.text;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.foldString(node.left, depth + 1);
      const right = this.foldString(node.right, depth + 1);
      return left !== undefined && right !== undefined ? left + right : undefined;
    }
    if (ts.isTemplateExpression(node)) {
      let text = node.head.text;
      for (const span of node.templateSpans) {
        const value =
          this.foldString(span.expression, depth + 1) ?? this.foldNumber(span.expression, depth + 1)?.toString();
        if (value === undefined) return undefined;
        text += value + span.literal.text;
      }
      return text;
    }
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const symbol = this.getDeclaredSymbol(ts.isIdentifier(node) ? node : node.name);
      const initializer = this.findKnownValue(symbol);
      if (initializer) return this.foldString(initializer, depth + 1);
      const declaration = symbol?.valueDeclaration;
      if (declaration && ts.isEnumMember(declaration)) {
        const value = this.checker.getConstantValue(declaration);
        return typeof value === "string" ? value : undefined;
      }
    }
    return undefined;
  }

  /** Reads an object literal, following a `const` identifier to its initializer. */
  readObjectLiteral(expression: TS.Expression | undefined, depth = 0): TS.ObjectLiteralExpression | undefined {
    const { ts } = this;
    if (!expression || depth > MAX_DEPTH) return undefined;
    const node = this.skipOuter(expression);
    if (ts.isObjectLiteralExpression(node)) return node;
    if (ts.isIdentifier(node)) {
      const symbol = this.getDeclaredSymbol(node);
      const initializer = this.findKnownValue(symbol);
      return initializer ? this.readObjectLiteral(initializer, depth + 1) : undefined;
    }
    return undefined;
  }

  /** The array literal an expression is, directly or through a constant (`const stores = [a, b]`). */
  readArrayLiteral(expression: TS.Expression | undefined, depth = 0): TS.ArrayLiteralExpression | undefined {
    const { ts } = this;
    if (!expression || depth > MAX_DEPTH) return undefined;
    const node = this.skipOuter(expression);
    if (ts.isArrayLiteralExpression(node)) return node;
    if (ts.isIdentifier(node)) {
      const initializer = this.findKnownValue(this.getDeclaredSymbol(node));
      return initializer ? this.readArrayLiteral(initializer, depth + 1) : undefined;
    }
    return undefined;
  }

  /**
   * Reads the properties of an options object. `opaque` is true when some property cannot
   * be known statically (a spread, a computed name, a non-literal object).
   */
  readOptions(expression: TS.Expression | undefined): {
    props: Map<string, TS.Expression>;
    opaque: boolean;
    literal: TS.ObjectLiteralExpression | undefined;
  } {
    const { ts } = this;
    const props = new Map<string, TS.Expression>();
    if (!expression) return { props, opaque: false, literal: undefined };
    const literal = this.readObjectLiteral(expression);
    if (!literal) {
      const node = this.skipOuter(expression);
      // `undefined` / `{}`-typed absent options are not opaque.
      if (ts.isIdentifier(node) && node.text === "undefined") return { props, opaque: false, literal: undefined };
      return { props, opaque: true, literal: undefined };
    }
    let opaque = false;
    for (const property of literal.properties) {
      if (ts.isPropertyAssignment(property)) {
        const name = this.getPropertyName(property.name);
        if (name === undefined) opaque = true;
        else props.set(name, property.initializer);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        props.set(property.name.text, property.name);
      } else if (ts.isSpreadAssignment(property)) {
        const inner = this.readOptions(property.expression);
        if (inner.opaque) opaque = true;
        for (const [key, value] of inner.props) props.set(key, value);
      } else if (ts.isMethodDeclaration(property)) {
        const name = this.getPropertyName(property.name);
        if (name !== undefined) props.set(name, property as unknown as TS.Expression);
      } else {
        opaque = true;
      }
    }
    return { props, opaque, literal };
  }

  /**
   * Reads an options object the way a configuration is often assembled: object literals, `const`s, spreads, and calls
   * to a function of the same file whose one `return` is an object literal (`{ ...defaults(), context }`). Returns the
   * properties set, the literals that were read (outermost first), and the spreads that could not be read (a
   * user-supplied object whose properties may override or add to the ones seen).
   */
  readAssembledOptions(
    expression: TS.Expression | undefined,
    depth = 0,
  ): { props: Map<string, TS.Expression>; literals: TS.ObjectLiteralExpression[]; unread: TS.Expression[] } {
    const { ts } = this;
    const result = {
      props: new Map<string, TS.Expression>(),
      literals: [] as TS.ObjectLiteralExpression[],
      unread: [] as TS.Expression[],
    };
    if (!expression) return result;
    const literal = depth > MAX_DEPTH ? undefined : this.readAssembledLiteral(expression, depth);
    if (!literal) {
      result.unread.push(expression);
      return result;
    }
    result.literals.push(literal);
    for (const property of literal.properties) {
      if (ts.isPropertyAssignment(property)) {
        const name = this.getPropertyName(property.name);
        if (name === undefined) result.unread.push(property.name as unknown as TS.Expression);
        else result.props.set(name, property.initializer);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        result.props.set(property.name.text, property.name);
      } else if (ts.isSpreadAssignment(property)) {
        const inner = this.readAssembledOptions(property.expression, depth + 1);
        for (const [key, value] of inner.props) result.props.set(key, value);
        result.literals.push(...inner.literals);
        result.unread.push(...inner.unread);
      } else if (ts.isMethodDeclaration(property)) {
        const name = this.getPropertyName(property.name);
        if (name !== undefined) result.props.set(name, property as unknown as TS.Expression);
      }
    }
    return result;
  }

  /** The object literal an expression is: directly, through a `const`, or returned by a same-file function it calls. */
  private readAssembledLiteral(expression: TS.Expression, depth: number): TS.ObjectLiteralExpression | undefined {
    const { ts } = this;
    const direct = this.readObjectLiteral(expression);
    if (direct) return direct;
    let node = this.skipOuter(expression);
    if (ts.isIdentifier(node)) {
      const initializer = this.findKnownValue(this.getDeclaredSymbol(node));
      if (!initializer) return undefined;
      node = this.skipOuter(initializer);
    }
    if (!ts.isCallExpression(node) || depth > MAX_DEPTH) return undefined;
    const declaration = this.findFunctionDeclaration(node.expression);
    if (!declaration?.body || declaration.getSourceFile() !== node.getSourceFile()) return undefined;
    const returned: TS.Expression[] = [];
    if (ts.isBlock(declaration.body)) {
      const visit = (child: TS.Node): void => {
        if (ts.isFunctionLike(child)) return;
        if (ts.isReturnStatement(child) && child.expression) returned.push(child.expression);
        ts.forEachChild(child, visit);
      };
      ts.forEachChild(declaration.body, visit);
    } else returned.push(declaration.body);
    if (returned.length !== 1) return undefined;
    const value = this.skipOuter(returned[0]!);
    return ts.isObjectLiteralExpression(value) ? value : undefined;
  }

  getPropertyName(name: TS.PropertyName): string | undefined {
    const { ts } = this;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name))
      return name.text;
    if (ts.isComputedPropertyName(name)) return this.foldString(name.expression);
    return undefined;
  }

  /** True for `undefined`, `null`, `0`, `false`: option values that mean "off". */
  isNullish(expression: TS.Expression): boolean {
    const { ts } = this;
    const node = this.skipOuter(expression);
    return (ts.isIdentifier(node) && node.text === "undefined") || node.kind === ts.SyntaxKind.NullKeyword;
  }

  // ---- key templates -----------------------------------------------------

  /** Builds a key template: static text with holes for runtime values. */
  buildKeyTemplate(expression: TS.Expression): KeyTemplate {
    const parts = this.collectKeyParts(expression, 0, new Map());
    const merged: KeyPart[] = [];
    for (const part of parts) {
      const last = merged[merged.length - 1];
      if (part.kind === "text" && last?.kind === "text") last.value += part.value;
      else merged.push({ ...part });
    }
    const pattern = merged.map((part) => (part.kind === "text" ? part.value : `{${part.text}}`)).join("");
    const label = merged.map((part) => (part.kind === "text" ? part.value : `{${part.label ?? part.text}}`)).join("");
    return label === pattern
      ? { parts: merged, pattern, text: expression.getText() }
      : { parts: merged, pattern, text: expression.getText(), label };
  }

  private collectKeyParts(
    expression: TS.Expression,
    depth: number,
    substitutions: Map<TS.Symbol, TS.Expression>,
  ): KeyPart[] {
    const { ts } = this;
    const node = this.skipOuter(expression);
    const folded = depth > MAX_DEPTH ? undefined : this.foldString(node);
    if (folded !== undefined) return [{ kind: "text", value: folded }];
    if (depth > MAX_DEPTH) return [{ kind: "hole", text: this.nameHole(node) }];
    if (ts.isTemplateExpression(node)) {
      const parts: KeyPart[] = [{ kind: "text", value: node.head.text }];
      for (const span of node.templateSpans) {
        parts.push(...this.collectKeyParts(span.expression, depth + 1, substitutions));
        parts.push({ kind: "text", value: span.literal.text });
      }
      return parts;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return [
        ...this.collectKeyParts(node.left, depth + 1, substitutions),
        ...this.collectKeyParts(node.right, depth + 1, substitutions),
      ];
    }
    if (ts.isIdentifier(node)) {
      const symbol = this.checker.getSymbolAtLocation(node);
      const substituted = symbol ? substitutions.get(symbol) : undefined;
      if (substituted) return this.collectKeyParts(substituted, depth + 1, new Map());
      const initializer = this.getConstInitializer(this.getDeclaredSymbol(node));
      const value = initializer && this.skipOuter(initializer);
      // `const key = userKey(id)`: follow a key builder's call, but no other call (its result is a runtime value).
      if (value && (!ts.isCallExpression(value) || this.findSingleReturnFunction(value.expression))) {
        const parts = this.collectKeyParts(value, depth + 1, substitutions);
        // `const ip = forwarded ? forwarded.split(",")[0] : remote`: a value with no text of its own is labelled by its variable.
        const [only] = parts;
        return parts.length === 1 && only?.kind === "hole" ? [withLabel(only.text, node.text)] : parts;
      }
      return [this.withDomain({ kind: "hole", text: node.text }, node)];
    }
    // `\`link:${domain}:${key}\`.toLowerCase()`: case and whitespace changes keep the template's shape.
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.arguments.length === 0 &&
      CASE_METHODS.has(node.expression.name.text)
    ) {
      const method = node.expression.name.text;
      return this.collectKeyParts(node.expression.expression, depth + 1, substitutions).map((part) =>
        part.kind === "text"
          ? {
              kind: "text",
              value: method.includes("Lower")
                ? part.value.toLowerCase()
                : method.includes("Upper")
                  ? part.value.toUpperCase()
                  : part.value.trim(),
            }
          : part,
      );
    }
    // A key builder from the project: `userKey(id)` → its returned template with `id` substituted.
    if (ts.isCallExpression(node)) {
      const builder = this.findSingleReturnFunction(node.expression);
      if (builder) {
        const map = new Map<TS.Symbol, TS.Expression>();
        builder.parameters.forEach((parameter, index) => {
          const argument = node.arguments[index];
          const symbol = ts.isIdentifier(parameter.name) ? this.checker.getSymbolAtLocation(parameter.name) : undefined;
          if (symbol && argument) map.set(symbol, argument);
        });
        return this.collectKeyParts(builder.returned, depth + 1, map);
      }
    }
    return [this.withDomain(withLabel(this.nameHole(node), this.labelHole(node)), node)];
  }

  /** A hole with the number of values its type admits, when that is a small finite set (literals, an enum, a boolean). */
  private withDomain(part: KeyPart, node: TS.Expression): KeyPart {
    const domain = this.tryChecker(() => countTypeValues(this.ts, this.checker.getTypeAtLocation(node)), undefined);
    return domain === undefined || part.kind !== "hole" ? part : { ...part, domain };
  }

  private nameHole(node: TS.Expression): string {
    const { ts } = this;
    if (ts.isIdentifier(node)) return node.text;
    if (ts.isPropertyAccessExpression(node)) return node.name.text;
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && node.arguments.length === 0) return this.nameHole(callee.expression);
      return ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : "expr";
    }
    const text = node.getText();
    return text.length <= 24 ? text : "expr";
  }

  /**
   * A readable name for a hole, for labels, never with braces (holes are unnamed in a family's identity): the
   * variable or property, the value a conversion starts from (`id.toString()` → `id`, `String(id)` → `id`), else
   * the call as written (`hash(email)`, `JSON.stringify(params)`, `getDomain(…)` when long).
   */
  private labelHole(node: TS.Expression): string {
    const { ts } = this;
    if (ts.isIdentifier(node)) return node.text;
    if (ts.isPropertyAccessExpression(node)) return node.name.text;
    if (ts.isCallExpression(node)) {
      const callee = this.skipOuter(node.expression);
      if (
        ts.isPropertyAccessExpression(callee) &&
        VALUE_CONVERSION_METHODS.has(callee.name.text) &&
        node.arguments.every(
          (argument) =>
            ts.isRegularExpressionLiteral(argument) ||
            this.foldString(argument) !== undefined ||
            this.foldNumber(argument) !== undefined,
        )
      )
        return this.labelHole(this.skipOuter(callee.expression));
      const [argument] = node.arguments;
      if (
        ts.isIdentifier(callee) &&
        VALUE_CONVERSION_FUNCTIONS.has(callee.text) &&
        node.arguments.length === 1 &&
        argument
      )
        return this.labelHole(this.skipOuter(argument));
      const call = writtenAsHole(node.getText());
      if (call) return call;
      const name = writtenAsHole(callee.getText());
      return name ? `${name}(…)` : "expr";
    }
    return writtenAsHole(node.getText()) ?? "expr";
  }

  /** A function from the project whose body is a single returned expression (a key builder). */
  findSingleReturnFunction(
    callee: TS.Expression,
  ): { parameters: readonly TS.ParameterDeclaration[]; returned: TS.Expression } | undefined {
    const declaration = this.findFunctionDeclaration(callee);
    if (!declaration || !declaration.body) return undefined;
    const { ts } = this;
    if (!ts.isBlock(declaration.body)) return { parameters: declaration.parameters, returned: declaration.body };
    const statements = declaration.body.statements;
    if (statements.length === 1 && ts.isReturnStatement(statements[0]!) && statements[0].expression) {
      return { parameters: declaration.parameters, returned: statements[0].expression };
    }
    return undefined;
  }

  /** Resolves a callee or function reference to a function-like declaration in the program. */
  findFunctionDeclaration(expression: TS.Expression): TS.FunctionLikeDeclaration | undefined {
    const { ts } = this;
    const node = this.skipOuter(expression);
    if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) return node;
    const nameNode = ts.isPropertyAccessExpression(node) ? node.name : ts.isIdentifier(node) ? node : undefined;
    if (!nameNode) return undefined;
    const symbol = this.getDeclaredSymbol(nameNode);
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!declaration || declaration.getSourceFile().isDeclarationFile) return undefined;
    if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return declaration;
    // A callback parameter of a factory being read with its arguments (`singleton(name, () => createClient())`).
    const bound = ts.isParameter(declaration) ? this.bindings.get(declaration) : undefined;
    if (bound) {
      const callback = this.skipOuter(bound);
      return ts.isArrowFunction(callback) || ts.isFunctionExpression(callback) ? callback : undefined;
    }
    if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
      const initializer = this.skipOuter(declaration.initializer);
      if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) return initializer;
    }
    if (ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) {
      const initializer = declaration.initializer && this.skipOuter(declaration.initializer);
      if (initializer && (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer))) return initializer;
    }
    // CommonJS: `module.exports = function (opts) {…}` reached by `require`, `exports.load = async (id) => …`.
    const assigned = this.findAssignedValue(declaration);
    const value = assigned && this.skipOuter(assigned);
    if (value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value))) return value;
    return undefined;
  }

  /**
   * The values the program assigns to a property of the global object (`global.kv = kv`, `globalThis.cache = new
   * LRUCache(…)`), by name: what a free name no declaration binds (`kv.get(key)` in another file) holds at run time.
   * Indexed once per program, from the files whose text has such an assignment.
   */
  findGlobalAssignments(name: string): readonly TS.Expression[] {
    if (!this.globalAssignments) {
      const { ts } = this;
      const index = new Map<string, TS.Expression[]>();
      this.globalAssignments = index;
      for (const sourceFile of this.program.getSourceFiles()) {
        if (sourceFile.isDeclarationFile || !GLOBAL_ASSIGNMENT_TEXT.test(sourceFile.text)) continue;
        walkTree(ts, sourceFile, (node) => {
          if (
            !ts.isBinaryExpression(node) ||
            node.operatorToken.kind !== ts.SyntaxKind.EqualsToken ||
            !ts.isPropertyAccessExpression(node.left)
          )
            return;
          // `global.kv = kv`, `(globalThis as any).kv = kv`.
          const object = this.skipOuter(node.left.expression);
          if (!ts.isIdentifier(object) || !GLOBAL_OBJECTS.has(object.text)) return;
          const values = index.get(node.left.name.text) ?? [];
          values.push(node.right);
          index.set(node.left.name.text, values);
        });
      }
    }
    return this.globalAssignments.get(name) ?? [];
  }

  /**
   * The value a declaration made by an assignment holds, in JavaScript files: `module.exports = X` (what `require`
   * of the module gives), `exports.name = X`, and a method set on an object, `store.get = function (key) {…}`.
   */
  findAssignedValue(declaration: TS.Node): TS.Expression | undefined {
    const { ts } = this;
    const assignment = ts.isBinaryExpression(declaration)
      ? declaration
      : (ts.isPropertyAccessExpression(declaration) || ts.isElementAccessExpression(declaration)) &&
          ts.isBinaryExpression(declaration.parent) &&
          declaration.parent.left === declaration
        ? declaration.parent
        : undefined;
    if (!assignment || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
    return assignment.right;
  }
}

/** `/src/groups/delete.js` + `../database` → `/src/database` (a specifier the compiler could not resolve, kept as written). */
function joinModulePath(from: string, specifier: string): string {
  const parts = specifier.startsWith("/") ? [] : from.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== "." && segment !== "") parts.push(segment);
  }
  return parts.join("/").replace(/^(?!\/)/, specifier.startsWith("/") || from.startsWith("/") ? "/" : "");
}
