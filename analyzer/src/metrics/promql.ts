// Strings from outside (family labels from the analysed code, owners and runbooks from the configuration)
// on their way into PromQL and into a Prometheus rule file. Pure.

/**
 * Replaces lone surrogates (half a character) with U+FFFD, as UTF-8 encoding does: a label value in Prometheus
 * is UTF-8, so this is the value such a string has once it reaches Prometheus (the exporter encodes it so).
 */
export function toWellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/**
 * A PromQL double-quoted string literal whose value is `text`: backslash and quote escaped, control
 * characters as `\n`, `\t` or `\xNN` (PromQL reads Go's escapes), everything else as it is.
 */
export function formatPromqlString(text: string): string {
  const body = toWellFormed(text).replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    if (c === "\\" || c === '"') return `\\${c}`;
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
  return `"${body}"`;
}

/** `{name="value"}`: an equality matcher on one label. */
export function formatLabelMatcher(name: string, value: string): string {
  return `${name}=${formatPromqlString(value)}`;
}

/**
 * A YAML double-quoted scalar whose value is `text`: backslash and quote escaped, and every character that
 * YAML forbids or reads as a line break, and every invisible or reordering one (as `escapeText` lists them),
 * as `\xNN` or `\uNNNN`, so that the rule file shows what it holds. Letters of every script stay as they are.
 */
export function formatYamlString(text: string): string {
  const body = toWellFormed(text).replace(
    /[\\"\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]/g,
    (c) => {
      if (c === "\\" || c === '"') return `\\${c}`;
      const code = c.charCodeAt(0);
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
  return `"${body}"`;
}

/**
 * Text that Prometheus's template expansion of alert labels and annotations gives back unchanged: each `{{`
 * (which would open a Go template action) written as the action `{{ "{{" }}`, which prints it.
 */
export function escapeTemplateText(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}
