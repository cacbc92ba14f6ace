// Text from outside (keys and names from the analysed source, key names from Redis, paths, server
// replies) on its way to a reader: the one place that decides what is made visible. `escapeText`
// is for plain text (a terminal, a tree label, a tooltip, a CodeLens title), `formatMarkdownCode`
// and `escapeMarkdownText` for Markdown (`families --format markdown`, hovers). JSON and SARIF
// keep the raw strings: their own escaping is enough. Pure.

/**
 * Characters that act instead of showing, or show as nothing:
 * - C0 controls, DEL and C1 controls (ESC and CSI start terminal sequences, a newline fakes a report line);
 * - U+00AD soft hyphen, U+200B–U+200D zero-width space and joiners, U+2060–U+2064 word joiner and
 *   invisible operators, U+FEFF byte order mark, U+FFF9–U+FFFB interlinear annotation: invisible;
 * - U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069 bidirectional marks, embeddings, overrides
 *   and isolates (they reorder what follows them), U+206A–U+206F deprecated format characters;
 * - U+2028 and U+2029 line and paragraph separators (a line break to some readers);
 * - a lone surrogate (half a character: not valid text).
 * A surrogate pair (an emoji) is left as is; so are letters of every script.
 */
const UNSAFE_SOURCE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
    .source;
const UNSAFE = new RegExp(UNSAFE_SOURCE);
const UNSAFE_ALL = new RegExp(UNSAFE_SOURCE, "g");

/**
 * Plain text safe to print: every character above made visible as `\xNN` (ASCII: `\x1b`, `\x0a`)
 * or `\uNNNN` (the rest: `\u009b`, `\u202e`), everything else unchanged (`café`, `用户`, `🚀`).
 * Backslashes are kept: the point is that nothing can act on the terminal or hide, not that the
 * text can be read back (a Redis key's display form doubles its backslashes for that, see
 * `formatKeyForDisplay`). The result has no character to escape, so escaping it again changes nothing.
 */
export function escapeText(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_ALL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Where a Markdown code span goes: running text, or a cell of a GFM table (where `|` ends the cell). */
export type MarkdownContext = "text" | "table";

/**
 * A Markdown code span showing `text` literally: control and invisible characters made visible as
 * by `escapeText` (so no newline ends the line or the table row), a fence of one backtick more than
 * the longest run of backticks inside (so none closes it early), a space on each side when the
 * text starts or ends with a backtick or a space (CommonMark strips one), and in a table `\|` for
 * `|` (GFM splits cells before it reads code spans, and gives `\|` back as `|`).
 */
export function formatMarkdownCode(text: string, context: MarkdownContext = "text"): string {
  const visible = escapeText(text);
  if (visible === "") return "` `";
  const body = context === "table" ? visible.replace(/\|/g, "\\|") : visible;
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const isAllSpaces = /^ +$/.test(body);
  const pad = !isAllSpaces && /^[` ]|[` ]$/.test(body) ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * Markdown text that renders as `escapeText(text)` reads, in running text or a table cell: control
 * and invisible characters made visible as by `escapeText`, then backslash-escaped every character that
 * starts inline syntax (code, emphasis, strikethrough, links and images, HTML, autolinks, entities,
 * table cells: `` \ ` * _ ~ [ ] < > & | ``) and, at the start, one that starts a block (a heading,
 * a list item, a setext underline: `# + - =`, `1. `). The rest stays readable as it is (`in-process
 * (lru-cache)`, `1.5 h`). A bare URL may still be linked by a renderer that linkifies text: a
 * hover that trusts commands must trust only its own.
 */
export function escapeMarkdownText(text: string): string {
  return escapeText(text)
    .replace(/[\\`*_~[\]<>&|]/g, (c) => `\\${c}`)
    .replace(/^[#+\-=]/, (c) => `\\${c}`)
    .replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, "$1\\$2");
}
