// The escapers every reporter and the editor use for text from outside: every code point of the
// dangerous ranges is made visible, ordinary text of any script is left alone, Markdown code spans
// and text read back (by CommonMark's own rules) as the escaped text.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeMarkdownText, escapeText, formatMarkdownCode } from "../../analyzer/src/format/escape";

/** The ranges the escaper must make visible, spelled out here independently of its regular expression. */
const DANGEROUS: Array<[number, number, string]> = [
  [0x0000, 0x001f, "C0 controls"],
  [0x007f, 0x007f, "DEL"],
  [0x0080, 0x009f, "C1 controls"],
  [0x00ad, 0x00ad, "soft hyphen"],
  [0x061c, 0x061c, "Arabic letter mark"],
  [0x200b, 0x200d, "zero-width space and joiners"],
  [0x200e, 0x200f, "left-to-right and right-to-left marks"],
  [0x2028, 0x2029, "line and paragraph separators"],
  [0x202a, 0x202e, "bidi embeddings and overrides"],
  [0x2060, 0x2065, "word joiner, invisible operators"],
  [0x2066, 0x2069, "bidi isolates"],
  [0x206a, 0x206f, "deprecated format characters"],
  [0xfeff, 0xfeff, "byte order mark"],
  [0xfff9, 0xfffb, "interlinear annotation"],
];

const isDangerous = (code: number) => DANGEROUS.some(([from, to]) => code >= from && code <= to);
const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

function expectedEscape(code: number): string {
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** A deterministic generator, so that a failure names the same string every run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Strings mixing every kind of character the escapers care about. */
function generateStrings(count: number, seed: number): string[] {
  const random = createRandom(seed);
  const pieces = [
    "a",
    "Z",
    "0",
    " ",
    "`",
    "``",
    "|",
    "\\",
    "*",
    "_",
    "[",
    "]",
    "(",
    "<",
    "&",
    "#",
    "-",
    "1.",
    "\n",
    "\r",
    "\t",
    "\u001b[2J",
    "\u001b]0;x\u0007",
    "\u009b",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\ud800",
    "\udc00",
    "é",
    "用",
    "🚀",
    "ключ",
  ];
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = Math.floor(random() * 12);
    let text = "";
    for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)];
    strings.push(text);
  }
  return strings;
}

/** Any code unit the escaper should have removed: a dangerous code point or a lone surrogate. */
function findUnsafe(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isDangerous(code)) return `U+${code.toString(16)} at ${i}`;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return `lone high surrogate at ${i}`;
    } else if (code >= 0xdc00 && code <= 0xdfff) return `lone low surrogate at ${i}`;
  }
  return undefined;
}

/**
 * Reads a string that is one CommonMark code span back to its content, by the specification's rules
 * (https://spec.commonmark.org/0.31.2/#code-spans): an opening run of n backticks, a closing run of
 * exactly n, no run of exactly n between them, line endings as spaces, and one space stripped from
 * each side when both sides have one and the content is not all spaces.
 */
function readCodeSpan(markdown: string): string {
  const fence = /^`+/.exec(markdown)?.[0];
  assert.ok(fence, `no opening fence in ${JSON.stringify(markdown)}`);
  assert.ok(
    markdown.endsWith(fence) && !markdown.endsWith("`" + fence),
    `no closing fence of ${fence.length} in ${JSON.stringify(markdown)}`,
  );
  let content = markdown.slice(fence.length, markdown.length - fence.length);
  for (const run of content.match(/`+/g) ?? [])
    assert.notEqual(run.length, fence.length, `a run inside closes early: ${JSON.stringify(markdown)}`);
  content = content.replace(/\r\n|\r|\n/g, " ");
  if (content.length >= 2 && content.startsWith(" ") && content.endsWith(" ") && !/^ +$/.test(content))
    content = content.slice(1, -1);
  return content;
}

describe("escapeText", () => {
  it("escapes every code point of the dangerous ranges, alone and between letters", () => {
    let checked = 0;
    for (const [from, to, name] of DANGEROUS) {
      for (let code = from; code <= to; code++) {
        const char = String.fromCharCode(code);
        assert.equal(escapeText(char), expectedEscape(code), `${name}: U+${code.toString(16)}`);
        assert.equal(escapeText(`a${char}b`), `a${expectedEscape(code)}b`, `${name}: U+${code.toString(16)}`);
        checked++;
      }
    }
    assert.equal(checked, 32 + 1 + 32 + 1 + 1 + 3 + 2 + 2 + 5 + 6 + 4 + 6 + 1 + 3);
  });

  it("leaves every other code point of the Basic Multilingual Plane unchanged", () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (isDangerous(code) || isSurrogate(code)) continue;
      const char = String.fromCharCode(code);
      if (escapeText(char) !== char) assert.fail(`U+${code.toString(16)} was changed to ${escapeText(char)}`);
    }
  });

  it("leaves characters beyond it (surrogate pairs) unchanged", () => {
    for (let code = 0x10000; code <= 0x10ffff; code += 251) {
      const char = String.fromCodePoint(code);
      if (escapeText(char) !== char) assert.fail(`U+${code.toString(16)} was changed to ${escapeText(char)}`);
    }
  });

  it("leaves ordinary keys of every script, and emoji, as they are", () => {
    for (const text of [
      "user:42:profile",
      "café:ünï",
      "用户:资料",
      "ключ:пользователь",
      "مفتاح:مستخدم",
      "מפתח",
      "कुंजी",
      "🚀:launch",
      "👍🏽",
      "🇫🇷",
      "❤️",
      'tab-free "quotes", back\\slash and {braces}',
    ])
      assert.equal(escapeText(text), text);
  });

  it("escapes lone surrogates, and the joiner inside an emoji sequence (it is zero-width)", () => {
    assert.equal(escapeText("\ud800"), "\\ud800");
    assert.equal(escapeText("x\udc00y"), "x\\udc00y");
    assert.equal(escapeText("end\ud83d"), "end\\ud83d");
    assert.equal(escapeText("\ude80\ud83d"), "\\ude80\\ud83d");
    assert.equal(escapeText("\ud83d\ude80"), "🚀");
    assert.equal(escapeText("👩\u200d💻"), "👩\\u200d💻");
  });

  it("turns terminal sequences into visible text", () => {
    assert.equal(escapeText("\u001b]0;pwned\u0007"), "\\x1b]0;pwned\\x07");
    assert.equal(escapeText("\u001b[2J\u001b[31mred"), "\\x1b[2J\\x1b[31mred");
    assert.equal(escapeText("\u009b31m"), "\\u009b31m");
    assert.equal(escapeText("a\r\nb"), "a\\x0d\\x0ab");
    assert.equal(escapeText("exe.\u202etxt"), "exe.\\u202etxt");
  });

  it("returns text with nothing left to escape, so that escaping twice changes nothing", () => {
    for (const text of generateStrings(2000, 1)) {
      const once = escapeText(text);
      assert.equal(findUnsafe(once), undefined, JSON.stringify(text));
      assert.equal(escapeText(once), once, JSON.stringify(text));
    }
  });
});

describe("formatMarkdownCode", () => {
  it("reads back as the escaped text, whatever backticks, spaces and pipes it holds", () => {
    for (const text of [...generateStrings(3000, 2), "`", "``", " ", "  ", " a", "a ", "` a `", "|"]) {
      const span = formatMarkdownCode(text);
      assert.ok(!/[\r\n]/.test(span), JSON.stringify(span));
      assert.equal(findUnsafe(span), undefined, JSON.stringify(span));
      if (text === "") continue;
      assert.equal(readCodeSpan(span), escapeText(text), `${JSON.stringify(text)} → ${JSON.stringify(span)}`);
    }
  });

  it("in a table, escapes pipes (GFM gives `\\|` back as `|` inside a code span) and keeps the row on one line", () => {
    for (const text of generateStrings(3000, 3)) {
      if (text === "") continue;
      const span = formatMarkdownCode(text, "table");
      assert.ok(!/(^|[^\\])\|/.test(span), `an unescaped pipe ends the cell: ${JSON.stringify(span)}`);
      assert.ok(!/[\r\n]/.test(span), JSON.stringify(span));
      const cell = span.replace(/\\\|/g, "|");
      assert.equal(readCodeSpan(cell), escapeText(text), `${JSON.stringify(text)} → ${JSON.stringify(span)}`);
    }
  });

  it("uses a longer fence than any backtick run, and pads a span that starts or ends with one", () => {
    assert.equal(formatMarkdownCode("user:{id}"), "`user:{id}`");
    assert.equal(formatMarkdownCode("tick``code"), "```tick``code```");
    assert.equal(formatMarkdownCode("`start"), "`` `start ``");
    assert.equal(formatMarkdownCode("a|b", "table"), "`a\\|b`");
    assert.equal(formatMarkdownCode("a|b"), "`a|b`");
    assert.equal(formatMarkdownCode("line\nbreak"), "`line\\x0abreak`");
    assert.equal(formatMarkdownCode(""), "` `");
  });
});

describe("escapeMarkdownText", () => {
  it("leaves no character that starts Markdown syntax unescaped, and reads back as the escaped text", () => {
    for (const text of generateStrings(3000, 4)) {
      const markdown = escapeMarkdownText(text);
      assert.equal(findUnsafe(markdown), undefined, JSON.stringify(markdown));
      // CommonMark: a backslash before ASCII punctuation is that character, as text.
      const withoutEscapes = markdown.replace(/\\[!-/:-@[-`{-~]/g, "");
      assert.ok(!/[\\`*_~[\]<>&|\r\n]/.test(withoutEscapes), `${JSON.stringify(text)} → ${JSON.stringify(markdown)}`);
      assert.ok(!/^(?:[#+\-=]|\d{1,9}[.)](?:[ \t]|$))/.test(markdown), `a block starts: ${JSON.stringify(markdown)}`);
      assert.equal(markdown.replace(/\\([!-/:-@[-`{-~])/g, "$1"), escapeText(text), JSON.stringify(text));
    }
  });

  it("keeps ordinary prose readable", () => {
    assert.equal(escapeMarkdownText("in-process (lru-cache)"), "in-process (lru-cache)");
    assert.equal(escapeMarkdownText("1.5 h"), "1.5 h");
    assert.equal(escapeMarkdownText("a_b*[c](d)"), "a\\_b\\*\\[c\\](d)");
    assert.equal(escapeMarkdownText("<b>prod</b>"), "\\<b\\>prod\\</b\\>");
    assert.equal(escapeMarkdownText("# title"), "\\# title");
    assert.equal(escapeMarkdownText("12. item"), "12\\. item");
    assert.equal(escapeMarkdownText("3)"), "3\\)");
    assert.equal(escapeMarkdownText("a|b\nc"), "a\\|b\\\\x0ac");
  });
});
