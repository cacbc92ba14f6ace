// Plain data: a rule's metadata and its pure check function. Hosts adapt this one
// definition to ESLint (`eslint-plugin/src/to-eslint-rule.ts`) and to the CLI.
import type { FileCacheModel, Span } from "./cache-model";
import type { ProgramModel } from "./program-model";
import type { Finding, Severity, TextEdit } from "./finding";

/** A JSON schema for one options object (the subset cachewise uses). */
export interface OptionsSchema {
  type: "object";
  properties: Record<string, PropertySchema>;
  additionalProperties: false;
}

export type PropertySchema =
  | { type: "boolean"; description: string }
  | { type: "number"; description: string; minimum?: number; maximum?: number }
  /** A count (`depth`): a whole number. */
  | { type: "integer"; description: string; minimum?: number; maximum?: number }
  | { type: "string"; description: string; enum?: string[] }
  | { type: "array"; description: string; items: { type: "string" } | { type: "object" } }
  | { type: "object"; description: string };

export interface RuleContext<Options> {
  options: Options;
  /** Renders a span as `path:line` relative to the working directory, for messages. */
  formatLocation(span: Span): string;
  /** The whole-program model (families, call graph), built once per program on first use. */
  getProgramModel(): ProgramModel;
}

/** Message templates by message id; `{{name}}` placeholders are filled from a finding's `data`. */
export type RuleMessages = Readonly<Record<string, string>>;

/** The `{{name}}` placeholders of a message template, as a union of names (`never` for a template without any). */
export type MessagePlaceholders<Template extends string> = Template extends `${string}{{${infer Name}}}${infer Rest}`
  ? Name | MessagePlaceholders<Rest>
  : never;

/** The data a message needs: a string for each of its placeholders. */
export type MessageData<Template extends string> = { [Name in MessagePlaceholders<Template>]: string };

/** A suggestion as a rule writes it: one of the rule's own message ids, with that message's data. */
export type SuggestionReport<Messages extends RuleMessages> = {
  [Id in keyof Messages & string]: { messageId: Id; data: MessageData<Messages[Id]>; edits: TextEdit[] };
}[keyof Messages & string];

/**
 * A finding as a rule writes it: one of the rule's own message ids, with exactly the data that
 * message's placeholders need (a typo in either fails to compile). `defineRule` adds the rule id.
 */
export type RuleReport<Messages extends RuleMessages> = {
  [Id in keyof Messages & string]: {
    messageId: Id;
    data: MessageData<Messages[Id]>;
    span: Span;
    suggestions?: Array<SuggestionReport<Messages>>;
    /** The cache families the finding is about, when the rule knows them. */
    familyIds?: string[];
  };
}[keyof Messages & string];

/** What every rule has, whatever its messages: the hosts, the configuration and the docs test read this. */
export interface RuleDefinition<Options extends object = Record<string, unknown>, MessageId extends string = string> {
  id: string;
  /** One sentence; the docs test checks the rule's doc says the same. */
  description: string;
  /** Severity in the recommended configuration. */
  recommended: Severity;
  messages: Readonly<Record<MessageId, string>>;
  schema: OptionsSchema;
  defaultOptions: Options;
  hasSuggestions: boolean;
  /** Checks options beyond what the schema says (object-valued options); returns the first problem. */
  validateOptions?(options: Partial<Options>): string | undefined;
  check(model: FileCacheModel, context: RuleContext<Options>): Array<Finding<MessageId>>;
}

/** A rule as its file writes it: `check` returns reports typed by the rule's own messages. */
export interface RuleSpec<Options extends object, Messages extends RuleMessages> extends Omit<
  RuleDefinition<Options, keyof Messages & string>,
  "messages" | "check"
> {
  messages: Messages;
  check(model: FileCacheModel, context: RuleContext<Options>): Iterable<RuleReport<Messages>>;
}

/**
 * Defines a rule, typed end to end like typescript-eslint's `createRule<Options, MessageId>`:
 * `Messages` is the type of the rule's message table (declare it `as const`), so a report can
 * only name one of its ids and must fill that message's placeholders.
 */
export function defineRule<Options extends object, Messages extends RuleMessages>(
  spec: RuleSpec<Options, Messages>,
): RuleDefinition<Options, keyof Messages & string> {
  return {
    ...spec,
    check: (model, context) => Array.from(spec.check(model, context), (report) => toFinding(spec.id, report)),
  };
}

/**
 * A finding constructor for helpers that build many findings of one rule:
 * `const finding = findingOf(messages)`, then `finding(span, "firstArgumentOnly", { … })`.
 */
export function findingOf<Messages extends RuleMessages>(_messages: Messages) {
  return <Id extends keyof Messages & string>(
    span: Span,
    messageId: Id,
    data: MessageData<Messages[Id]>,
    more: { suggestions?: Array<SuggestionReport<Messages>>; familyIds?: string[] } = {},
  ): RuleReport<Messages> =>
    // Safe: `messageId` and `data` are typed together above; TypeScript cannot match a generic id to one member of the union.
    ({ messageId, data, span, ...more }) as RuleReport<Messages>;
}

function toFinding<Messages extends RuleMessages>(
  ruleId: string,
  report: RuleReport<Messages>,
): Finding<keyof Messages & string> {
  const finding: Finding<keyof Messages & string> = {
    ruleId,
    messageId: report.messageId,
    data: report.data,
    span: report.span,
    suggestions: report.suggestions ?? [],
  };
  if (report.familyIds) finding.familyIds = report.familyIds;
  return finding;
}

/** Fills `{{name}}` placeholders the way ESLint does. */
export function formatMessage(template: string, data: Record<string, string>): string {
  return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, name: string) => (name in data ? data[name]! : whole));
}
