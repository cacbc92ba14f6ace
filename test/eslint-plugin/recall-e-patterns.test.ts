// A database collection used as a cache (bench/accuracy/notes/recall-e-pass4.md), in our own words: a document read
// by key and returned in place of a value the function otherwise computes, then written back under the same key. The
// key must cover the computed value's inputs; a find-or-create and a default row stored on first use are not caches.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** A model layer: collections of documents addressed by id (no cache library anywhere). */
const STORE = [
  "interface Doc { id: string; body: string }",
  "interface Collection<T> {",
  "  findById(id: string): Promise<T | null>;",
  "  put(id: string, body: string): Promise<void>;",
  "  insert(id: string, doc: T): Promise<T>;",
  "}",
  "declare const db: { pageCache: Collection<Doc>; pages: Collection<Doc>; profiles: Collection<Doc> };",
  "declare function renderPage(slug: string, locale: string): Promise<string>;",
];

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "a stored render keyed by every input of the render",
      filename: FILENAME,
      code: lines(
        ...STORE,
        "export async function page(slug: string, locale: string) {",
        "  const id = `${slug}/${locale}`;",
        "  const hit = await db.pageCache.findById(id);",
        "  if (hit) return hit.body;",
        "  const html = await renderPage(slug, locale);",
        "  await db.pageCache.put(id, html);",
        "  return html;",
        "}",
      ),
    },
    {
      name: "a find-or-create: the write makes the document, nothing is computed beside it",
      filename: FILENAME,
      code: lines(
        ...STORE,
        "export async function ensurePage(slug: string, locale: string) {",
        "  const found = await db.pages.findById(slug);",
        "  if (found) return found;",
        "  return db.pages.insert(slug, { id: slug, body: locale });",
        "}",
      ),
    },
    {
      name: "a default document stored on first use, kept as structured data and not named a cache",
      filename: FILENAME,
      code: lines(
        ...STORE,
        "declare function defaultProfile(userId: string, locale: string): Doc;",
        "export async function profile(userId: string, locale: string) {",
        "  const found = await db.profiles.findById(userId);",
        "  if (found) return found;",
        "  const initial = defaultProfile(userId, locale);",
        "  await db.profiles.insert(userId, initial);",
        "  return initial;",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a page cache collection keyed by the slug alone, though the render depends on the locale",
      filename: FILENAME,
      code: lines(
        ...STORE,
        "export async function page(slug: string, locale: string) {",
        "  const hit = await db.pageCache.findById(slug);",
        "  if (hit) return hit.body;",
        "  const html = await renderPage(slug, locale);",
        "  await db.pageCache.put(slug, html);",
        "  return html;",
        "}",
      ),
      errors: [
        {
          messageId: "inputMissingFromKey",
          line: 13,
          column: 22,
          data: { cache: "db.pageCache:{slug}", inputs: "locale", them: "it" },
        },
      ],
    },
  ],
});
