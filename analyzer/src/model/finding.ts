// Plain data: what rules return and hosts report.
import type { Span } from "./cache-model";

export type Severity = "off" | "warn" | "error";

/** An edit inside the reported file, by offsets. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A suggested edit the user applies on purpose (never an autofix: it holds a placeholder). */
export interface Suggestion<MessageId extends string = string> {
  messageId: MessageId;
  data: Record<string, string>;
  edits: TextEdit[];
}

/** One rule violation. */
export interface Finding<MessageId extends string = string> {
  ruleId: string;
  messageId: MessageId;
  /** Values for the message template's `{{name}}` placeholders. */
  data: Record<string, string>;
  span: Span;
  suggestions: Array<Suggestion<MessageId>>;
  /**
   * Ids of the cache families the finding is about, when the rule knows them (the rules that
   * read the program model do); `undefined` when it does not.
   */
  familyIds?: string[];
}
