// Renders a bounded value preview as text for a read-only editor tab. Pure: binary shown as a hex
// dump, control characters and invalid UTF-8 escaped, JSON pretty-printed.
import { formatKeyForDisplay } from "../../../analyzer/src/keyspace/key-format";
import type { ValuePreview } from "../../../analyzer/src/keyspace/key-inspector";

/** Text for a value preview. */
export function renderValue(displayKey: string, preview: ValuePreview, maxBytes: number): string {
  const header = [`# key: ${displayKey}`, `# type: ${preview.type === "other" ? preview.redisType : preview.type}`];
  if (preview.type === "none") return [...header, "# the key does not exist (expired or deleted)"].join("\n");
  if (preview.type === "other") return [...header, "# no generic reader for this type: nothing is read"].join("\n");
  header.push(
    `# length: ${preview.length}${preview.truncated ? ` (truncated: preview limited to ${maxBytes} bytes per value)` : ""}`,
    "",
  );
  const body: string[] = [];
  switch (preview.type) {
    case "string":
      body.push(...renderBytes(preview.value));
      break;
    case "hash":
      for (const [field, value] of preview.fields) body.push(`${renderInline(field)}: ${renderInline(value)}`);
      break;
    case "list":
      preview.items.forEach((item, i) => body.push(`[${i}] ${renderInline(item)}`));
      break;
    case "set":
      for (const member of preview.members) body.push(renderInline(member));
      break;
    case "zset":
      for (const { member, score } of preview.members) body.push(`${score}\t${renderInline(member)}`);
      break;
    case "stream":
      for (const entry of preview.entries)
        body.push(`${entry.id}\t${entry.fields.map(([f, v]) => `${renderInline(f)}=${renderInline(v)}`).join(" ")}`);
      break;
  }
  if (preview.truncated) body.push("", "… (truncated)");
  return [...header, ...body].join("\n");
}

/** Printable UTF-8 as is (pretty-printed when it is JSON); binary as a hex dump. */
function renderBytes(value: Buffer): string[] {
  if (isPrintable(value)) {
    const text = value.toString("utf8");
    try {
      return JSON.stringify(JSON.parse(text), null, 2).split("\n");
    } catch {
      return text.split("\n");
    }
  }
  const lines: string[] = ["# binary value, shown as hex"];
  for (let offset = 0; offset < value.length; offset += 16) {
    const chunk = value.subarray(offset, offset + 16);
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines;
}

/** One line: control characters and invalid UTF-8 escaped. */
function renderInline(value: Buffer): string {
  return formatKeyForDisplay(value).replace(/\n/g, "\\n");
}

function isPrintable(value: Buffer): boolean {
  const text = value.toString("utf8");
  if (Buffer.compare(Buffer.from(text, "utf8"), value) !== 0) return false;
  return !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
}
