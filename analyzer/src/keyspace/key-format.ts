// Pure helpers for Redis keys, which are bytes: a readable form for display and grouping,
// and glob escaping for SCAN MATCH. No ioredis here.
import { escapeText } from "../format/escape";

/**
 * A readable form of a key, safe to print: valid UTF-8 as is, but backslashes doubled and control,
 * bidirectional and invisible characters escaped by `escapeText` (`\x1b`, `\u202e`); any byte that is
 * not valid UTF-8 as `\xNN`. Two different keys never print the same: `\xNN` above 7f only ever
 * stands for an invalid byte (a character from U+0080 on is `\uNNNN`), and a backslash in the key
 * prints as `\\`. Grouping and family matching work on this form (see `createKeyMatcher`).
 */
export function formatKeyForDisplay(key: Buffer | Uint8Array | string): string {
  if (typeof key === "string") return escapeControls(key);
  const buffer = Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  // Fast path for the usual printable-ASCII key (no backslash): nothing to escape or validate.
  if (isPlainAscii(buffer)) return buffer.toString("latin1");
  // Valid UTF-8 survives a decode/encode round trip unchanged; anything else is escaped byte by byte.
  const decoded = buffer.toString("utf8");
  return isRoundTrip(buffer, decoded) ? escapeControls(decoded) : escapeBytes(buffer);
}

function isPlainAscii(buffer: Buffer): boolean {
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i];
    if (byte < 0x20 || byte >= 0x7f || byte === 0x5c) return false;
  }
  return true;
}

function isRoundTrip(buffer: Buffer, decoded: string): boolean {
  return Buffer.from(decoded, "utf8").equals(buffer);
}

function escapeControls(text: string): string {
  // Backslashes are doubled so that a literal "\xff" in a key stays distinguishable from byte 0xff.
  return escapeText(text.replace(/\\/g, "\\\\"));
}

/** Decodes byte by byte: valid UTF-8 sequences stay, every invalid byte becomes `\xNN`. */
function escapeBytes(buffer: Buffer): string {
  let out = "";
  let i = 0;
  while (i < buffer.length) {
    const length = readUtf8SequenceLength(buffer, i);
    if (length === 0) {
      out += `\\x${buffer[i].toString(16).padStart(2, "0")}`;
      i += 1;
    } else {
      out += escapeControls(buffer.toString("utf8", i, i + length));
      i += length;
    }
  }
  return out;
}

/** Length of a valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function readUtf8SequenceLength(buffer: Buffer, i: number): number {
  const b0 = buffer[i];
  if (b0 < 0x80) return 1;
  const isContinuation = (j: number) => j < buffer.length && (buffer[j] & 0xc0) === 0x80;
  if (b0 >= 0xc2 && b0 <= 0xdf) return isContinuation(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (!isContinuation(i + 1) || !isContinuation(i + 2)) return 0;
    const b1 = buffer[i + 1];
    if (b0 === 0xe0 && b1 < 0xa0) return 0; // overlong
    if (b0 === 0xed && b1 >= 0xa0) return 0; // surrogates
    return 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (!isContinuation(i + 1) || !isContinuation(i + 2) || !isContinuation(i + 3)) return 0;
    const b1 = buffer[i + 1];
    if (b0 === 0xf0 && b1 < 0x90) return 0;
    if (b0 === 0xf4 && b1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}

/** Escapes the glob characters SCAN MATCH understands (`* ? [ ] \`), byte-exact. */
export function escapeGlob(prefix: Buffer | string): Buffer {
  const input = typeof prefix === "string" ? Buffer.from(prefix, "utf8") : prefix;
  const out: number[] = [];
  for (const byte of input) {
    // * ? [ ] \
    if (byte === 0x2a || byte === 0x3f || byte === 0x5b || byte === 0x5d || byte === 0x5c) out.push(0x5c);
    out.push(byte);
  }
  return Buffer.from(out);
}
