// ESLint's inline disable comments, read by the CLI and the editor so that one suppression works in every
// host: `// eslint-disable-next-line cachewise/require-cache-ttl -- reason`, `// eslint-disable-line`,
// `/* eslint-disable … */` … `/* eslint-enable … */`. The semantics are ESLint's: a comment without rule
// names covers every rule; `disable`/`enable` are block comments only; `-- ` starts the justification.
// Only cachewise rules are read (other plugins' names are not ours to judge). ESLint applies them itself.
import type * as TS from "typescript";
import type { TsModule } from "../extract/host";
import { walkTree } from "../extract/walk";

export type DirectiveKind = "disable" | "enable" | "disable-line" | "disable-next-line";

export interface DisableDirective {
  kind: DirectiveKind;
  /** Bare cachewise rule ids, or undefined for every rule. */
  rules: string[] | undefined;
  /** Where the comment starts (`disable`/`enable` apply from there on). */
  start: number;
  /** The 1-based line a `disable-line` or `disable-next-line` covers. */
  line: number;
  justification: string;
}

const LABEL = /^(eslint-disable|eslint-enable|eslint-disable-line|eslint-disable-next-line)(?:\s|$)/;

/** The disable comments of a file, in source order (none when the text mentions no `eslint-`). */
export function readDisableDirectives(ts: TsModule, sourceFile: TS.SourceFile): DisableDirective[] {
  const text = sourceFile.text;
  if (!/eslint-(?:disable|enable)/.test(text)) return [];
  const directives: DisableDirective[] = [];
  for (const comment of collectComments(ts, sourceFile)) {
    const isLine = comment.kind === ts.SyntaxKind.SingleLineCommentTrivia;
    const raw = text.slice(comment.pos + 2, isLine ? comment.end : comment.end - 2);
    const separator = /\s-{2,}\s/.exec(raw);
    const directivePart = (separator ? raw.slice(0, separator.index) : raw).trim();
    const justification = separator ? raw.slice(separator.index + separator[0].length).trim() : "";
    const match = LABEL.exec(directivePart);
    if (!match) continue;
    const kind = match[1]!.slice("eslint-".length) as DirectiveKind;
    // Like ESLint: `disable` and `enable` only in block comments; a `disable-line` must stay on one line.
    if (isLine && (kind === "disable" || kind === "enable")) continue;
    const startLine = sourceFile.getLineAndCharacterOfPosition(comment.pos).line + 1;
    const endLine = sourceFile.getLineAndCharacterOfPosition(comment.end).line + 1;
    if (kind === "disable-line" && startLine !== endLine) continue;
    const names = directivePart
      .slice(match[1]!.length)
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name.length > 0);
    const rules =
      names.length === 0 ? undefined : names.flatMap((name) => (name.startsWith("cachewise/") ? [name.slice(10)] : []));
    // A list that names only other plugins' rules says nothing about cachewise's.
    if (rules && rules.length === 0) continue;
    directives.push({
      kind,
      rules,
      start: comment.pos,
      line: kind === "disable-next-line" ? endLine + 1 : startLine,
      justification,
    });
  }
  return directives;
}

/** The directive that suppresses a finding of `ruleId` starting at `start` on `line`, if any. */
export function findSuppression(
  directives: readonly DisableDirective[],
  ruleId: string,
  start: number,
  line: number,
): DisableDirective | undefined {
  const names = (directive: DisableDirective) => directive.rules === undefined || directive.rules.includes(ruleId);
  for (const directive of directives)
    if (
      (directive.kind === "disable-line" || directive.kind === "disable-next-line") &&
      directive.line === line &&
      names(directive)
    )
      return directive;
  // Block directives in order up to the finding: the last one that speaks about this rule decides.
  let disabledBy: DisableDirective | undefined;
  for (const directive of directives) {
    if (directive.start > start) break;
    if (!names(directive)) continue;
    if (directive.kind === "disable") disabledBy = directive;
    else if (directive.kind === "enable") disabledBy = undefined;
  }
  return disabledBy;
}

interface CommentRange {
  pos: number;
  end: number;
  kind: TS.CommentKind;
}

/** Every comment of the file, found as the trivia before and after each node (so that comment-like text in strings, templates and JSX is not read). */
function collectComments(ts: TsModule, sourceFile: TS.SourceFile): CommentRange[] {
  const text = sourceFile.text;
  const seen = new Map<number, CommentRange>();
  const add = (ranges: TS.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) if (!seen.has(range.pos)) seen.set(range.pos, range);
  };
  walkTree(ts, sourceFile, (node) => {
    if (node.kind !== ts.SyntaxKind.JsxText) {
      add(ts.getLeadingCommentRanges(text, node.pos));
      add(ts.getTrailingCommentRanges(text, node.end));
    }
    // `{/* eslint-disable-line … */}` in JSX: the comment is the whole expression container.
    if (ts.isJsxExpression(node) && !node.expression)
      add(ts.getLeadingCommentRanges(text, node.getStart(sourceFile) + 1));
  });
  add(ts.getLeadingCommentRanges(text, sourceFile.endOfFileToken.pos));
  return [...seen.values()].sort((a, b) => a.pos - b.pos);
}
