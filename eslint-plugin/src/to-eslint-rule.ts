// Adapts one rule definition (pure: model → findings) to an ESLint rule. The model is
// built once per Program/SourceFile and shared by every cachewise rule.
// Nothing is imported from @typescript-eslint/utils at run time (types only): a plain JavaScript
// project can load the plugin, and the rule shape is ESLint's own.
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
// The default import is the module object in ESM and CJS alike (a namespace import of the CommonJS
// `typescript` package loses `version` in ESM on TypeScript releases whose exports Node cannot detect).
import ts from "typescript";
import { createLocationFormatter, formatAnalysisError, isHostMismatch } from "../../analyzer/src/analyze/analyze-files";
import { extractFileModel } from "../../analyzer/src/extract/extract-file";
import type { ExtractionHost } from "../../analyzer/src/extract/host";
import { buildProgramModel } from "../../analyzer/src/program-model/build-program-model";
import type { FileCacheModel } from "../../analyzer/src/model/cache-model";
import type { ProgramModel } from "../../analyzer/src/model/program-model";
import type { RuleDefinition } from "../../analyzer/src/model/rule";
import type { CacheLayer } from "../../analyzer/src/model/cache-layers";
import { readCacheLayers } from "../../analyzer/src/config/cache-layers";

/** A file's model, or the error that kept cachewise from extracting it (that file's problem only). */
type Extraction = { model: FileCacheModel; error?: undefined } | { model: undefined; error: unknown };

const models = new WeakMap<ts.Program, WeakMap<ts.SourceFile, Extraction>>();

/**
 * Extracts a file's model once per program, whichever rule asks first. A failure on the file (a bug of ours, the
 * checker failing on a construct) is kept as its result: the file gets one message and the other files are linted.
 * A compiler of the wrong version is not one file's problem: that still throws.
 */
export function getFileModel(
  program: ts.Program,
  sourceFile: ts.SourceFile,
  cacheLayers: readonly CacheLayer[] = [],
): Extraction {
  let perFile = models.get(program);
  if (!perFile) {
    perFile = new WeakMap();
    models.set(program, perFile);
  }
  let extraction = perFile.get(sourceFile);
  if (!extraction) {
    const host: ExtractionHost = { ts, program, checker: program.getTypeChecker(), cacheLayers };
    try {
      extraction = { model: extractFileModel(host, sourceFile) };
    } catch (error) {
      if (isHostMismatch(error)) throw error;
      extraction = { model: undefined, error };
    }
    perFile.set(sourceFile, extraction);
  }
  return extraction;
}

const programModels = new WeakMap<ts.Program, ProgramModel>();

/**
 * The whole-program model, once per Program: typescript-eslint's program is the whole project,
 * so every project file is extracted (each only once, shared with the file-scope rules). A file
 * that could not be extracted is left out (and reported when it is linted).
 */
export function getProgramModel(program: ts.Program, cacheLayers: readonly CacheLayer[] = []): ProgramModel {
  let model = programModels.get(program);
  if (!model) {
    const files = program
      .getSourceFiles()
      .filter(
        (file) =>
          !file.isDeclarationFile &&
          !file.fileName.includes("/node_modules/") &&
          !program.isSourceFileFromExternalLibrary(file),
      );
    model = buildProgramModel(files.flatMap((file) => getFileModel(program, file, cacheLayers).model ?? []));
    programModels.set(program, model);
  }
  return model;
}

/**
 * `settings.cachewise.cacheLayers`: the configuration file's `cacheLayers`, with paths relative to ESLint's working
 * directory. A wrong entry stops the run with the same message the CLI gives.
 */
function readSettingsLayers(settings: Record<string, unknown>, cwd: string): CacheLayer[] {
  const own = settings.cachewise as { cacheLayers?: unknown } | undefined;
  const read = readCacheLayers(own?.cacheLayers, cwd);
  if ("problem" in read) throw new Error(`cachewise: settings.cachewise.${read.problem}`);
  return read.layers;
}

/** The repository that holds each rule's doc (package.json `repository.url`; the docs test checks they agree). */
export const REPOSITORY_URL = "https://github.com/cachewise/cachewise";

/** The doc of a rule, on the repository's default branch. */
export function getRuleDocUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/eslint-plugin/docs/rules/${ruleId}.md`;
}

interface CachewiseDocs {
  description: string;
  /** Whether `cachewise/recommended` turns the rule on. */
  recommended: boolean;
  requiresTypeChecking: true;
  url: string;
}

/** Reported once per file, by whichever cachewise rule runs first, when the parser gave no program. */
export const NO_TYPES_MESSAGE_ID = "cachewiseNoTypeInformation";
const NO_TYPES_MESSAGE =
  "cachewise cannot analyse this file: it has no type information. Lint it with typescript-eslint's parser and " +
  "`parserOptions.projectService` (or `project`), or turn the cachewise rules off for it with " +
  "`cachewise.configs.disableTypeChecked`.";

/**
 * The files that already carry their file-level message, the no-types one or the analysis error (a file has a
 * program or not, so never both), keyed by ESLint's SourceCode: one per file and run, from the first rule to run.
 */
const reportedFileMessage = new WeakSet<object>();

/** Whether this rule is the first to give the file its file-level message (and marks it given). */
function isFirstFileMessage(sourceCode: object): boolean {
  if (reportedFileMessage.has(sourceCode)) return false;
  reportedFileMessage.add(sourceCode);
  return true;
}

/**
 * Reported once per file, by whichever cachewise rule runs first, when cachewise failed to extract the file:
 * `Analysis error (extracting): …`, as the CLI words it. A rule that fails on a file reports it itself.
 */
export const ANALYSIS_ERROR_MESSAGE_ID = "cachewiseAnalysisError";

interface ParserServicesLike {
  program?: ts.Program | null;
  esTreeNodeToTSNodeMap?: { get(node: unknown): unknown };
}

/** typescript-eslint's parser services when they carry a program; `sourceCode.parserServices` on ESLint ≥ 8.40. */
function readProgram(context: TSESLint.RuleContext<string, unknown[]>): ParserServicesLike | undefined {
  const services = (context.sourceCode.parserServices ?? context.parserServices) as ParserServicesLike | undefined;
  return services?.program ? services : undefined;
}

export type CachewiseRuleModule<MessageId extends string, Options extends object> = TSESLint.RuleModule<
  MessageId,
  [Options],
  CachewiseDocs
> & { defaultOptions: [Options] };

export function toEslintRule<Options extends object, MessageId extends string>(
  definition: RuleDefinition<Options, MessageId>,
): CachewiseRuleModule<MessageId, Options> {
  const defaultOptions: [Options] = [definition.defaultOptions];
  return {
    defaultOptions,
    meta: {
      type: "problem",
      docs: {
        description: definition.description,
        recommended: definition.recommended !== "off",
        requiresTypeChecking: true,
        url: getRuleDocUrl(definition.id),
      },
      messages: {
        ...definition.messages,
        [NO_TYPES_MESSAGE_ID]: NO_TYPES_MESSAGE,
        [ANALYSIS_ERROR_MESSAGE_ID]: "{{message}}",
      },
      schema: [definition.schema as never],
      // ESLint ≥ 9.15 merges these into `context.options`; `create` merges them itself for older hosts.
      defaultOptions,
      hasSuggestions: definition.hasSuggestions || undefined,
    } as TSESLint.RuleMetaData<MessageId, CachewiseDocs, [Options]>,
    create(context) {
      const options = context.options[0] as Partial<Options> | undefined;
      const services = readProgram(context);
      if (!services) {
        // No program (espree, or typescript-eslint without a project): one message for the file, not a crash of the run.
        return {
          Program(node) {
            if (!isFirstFileMessage(context.sourceCode)) return;
            context.report({ node, loc: { line: 1, column: 0 }, messageId: NO_TYPES_MESSAGE_ID as MessageId });
          },
        };
      }
      const program = services.program as ts.Program;
      const sourceFile =
        program.getSourceFile(context.filename) ??
        (services.esTreeNodeToTSNodeMap?.get(context.sourceCode.ast) as ts.SourceFile | undefined);
      const formatLocation = createLocationFormatter(context.cwd);
      const cacheLayers = readSettingsLayers(context.settings, context.cwd);
      const reportAnalysisError = (node: TSESTree.Program, message: string) =>
        context.report({
          node,
          loc: { line: 1, column: 0 },
          messageId: ANALYSIS_ERROR_MESSAGE_ID as MessageId,
          data: { message } as Record<string, string>,
        });
      return {
        Program(node) {
          if (!sourceFile) return;
          const { model, error } = getFileModel(program, sourceFile, cacheLayers);
          if (!model) {
            if (!isFirstFileMessage(context.sourceCode)) return;
            reportAnalysisError(node, formatAnalysisError("extracting", error));
            return;
          }
          // A rule that fails on this file loses its own findings here, not the run.
          let findings;
          try {
            findings = [
              ...definition.check(model, {
                options: { ...definition.defaultOptions, ...options },
                formatLocation,
                getProgramModel: () => getProgramModel(program, cacheLayers),
              }),
            ];
          } catch (failure) {
            reportAnalysisError(node, formatAnalysisError(`rule ${definition.id}`, failure));
            return;
          }
          for (const finding of findings) {
            const sourceCode = context.sourceCode;
            context.report({
              loc: {
                start: sourceCode.getLocFromIndex(finding.span.start),
                end: sourceCode.getLocFromIndex(finding.span.end),
              },
              messageId: finding.messageId,
              data: finding.data,
              suggest: finding.suggestions.map((suggestion) => ({
                messageId: suggestion.messageId,
                data: suggestion.data,
                fix: (fixer: TSESLint.RuleFixer) =>
                  suggestion.edits.map((edit) => fixer.replaceTextRange([edit.start, edit.end], edit.text)),
              })),
            });
          }
        },
      };
    },
  };
}
