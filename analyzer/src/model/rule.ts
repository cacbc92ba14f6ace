// Plain data: a rule's metadata and its pure check function. Hosts adapt this one
// definition to ESLint (`eslint-plugin/src/to-eslint-rule.ts`) and to the CLI.
import type { FileCacheModel, Span } from "./cache-model";
import type { ProgramModel } from "./program-model";
import type { Finding, Severity } from "./finding";

/** A JSON schema for one options object (the subset cachewise uses). */
export interface OptionsSchema {
  type: "object";
  properties: Record<string, PropertySchema>;
  additionalProperties: false;
}

export type PropertySchema =
  | { type: "boolean"; description: string }
  | { type: "number"; description: string; minimum?: number; maximum?: number }
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

export interface RuleDefinition<Options extends object = Record<string, unknown>> {
  id: string;
  /** One sentence; the docs test checks the rule's doc says the same. */
  description: string;
  /** Severity in the recommended configuration. */
  recommended: Severity;
  messages: Record<string, string>;
  schema: OptionsSchema;
  defaultOptions: Options;
  hasSuggestions: boolean;
  /** Checks options beyond what the schema says (object-valued options); returns the first problem. */
  validateOptions?(options: Partial<Options>): string | undefined;
  check(model: FileCacheModel, context: RuleContext<Options>): Finding[];
}

/** Fills `{{name}}` placeholders the way ESLint does. */
export function formatMessage(template: string, data: Record<string, string>): string {
  return template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, name: string) => (name in data ? data[name]! : whole));
}
