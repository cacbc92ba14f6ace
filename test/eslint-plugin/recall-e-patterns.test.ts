// A database collection used as a cache (bench/accuracy/notes/recall-e-pass4.md), in our own words: a document read
// by key and returned in place of a value the function otherwise computes, then written back under the same key. The
// key must cover the computed value's inputs; a find-or-create and a default row stored on first use are not caches.
// When the key is a field of the options the function is handed, the function that builds the options must make the
// key decide the fields the value is computed from.
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

/** A page cache keyed by a field of the options it is handed, rendered from their other fields. */
const OPTIONS_CACHE = [
  ...STORE,
  "interface PageOptions { id: string; slug: string; locale: string }",
  "declare function resolveLink(linkId: string): Promise<{ slug: string; locale?: string }>;",
  "export async function cachedPage(options: PageOptions) {",
  "  const hit = await db.pageCache.findById(options.id);",
  "  if (hit) return hit.body;",
  "  const html = await renderPage(options.slug, options.locale);",
  "  await db.pageCache.put(options.id, html);",
  "  return html;",
  "}",
];

ruleTester.run("require-complete-cache-key", rules["require-complete-cache-key"]!, {
  valid: [
    {
      name: "options whose key carries the locale taken from the request",
      filename: FILENAME,
      code: lines(
        ...OPTIONS_CACHE,
        "async function optionsFor(linkId: string, acceptLanguage: string): Promise<PageOptions> {",
        "  const link = await resolveLink(linkId);",
        "  const locale = link.locale ?? acceptLanguage;",
        "  return { id: `${linkId}:${locale}`, slug: link.slug, locale };",
        "}",
        "export async function serve(linkId: string, acceptLanguage: string) {",
        "  const options = await optionsFor(linkId, acceptLanguage);",
        "  return cachedPage(options);",
        "}",
      ),
    },
    {
      name: "options read off the one row the key finds",
      filename: FILENAME,
      code: lines(
        ...OPTIONS_CACHE,
        "async function optionsFor(linkId: string, acceptLanguage: string): Promise<PageOptions> {",
        "  const link = await resolveLink(linkId);",
        "  return { id: linkId, slug: link.slug, locale: link.locale ?? 'en' };",
        "}",
        "export async function serve(linkId: string, acceptLanguage: string) {",
        "  const options = await optionsFor(linkId, acceptLanguage);",
        "  return cachedPage(options);",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "options keyed by the bare link id, though the locale may come from the request",
      filename: FILENAME,
      code: lines(
        ...OPTIONS_CACHE,
        "async function optionsFor(linkId: string, acceptLanguage: string): Promise<PageOptions> {",
        "  const link = await resolveLink(linkId);",
        "  const locale = link.locale ?? acceptLanguage;",
        "  return { id: linkId, slug: link.slug, locale };",
        "}",
        "export async function serve(linkId: string, acceptLanguage: string) {",
        "  const options = await optionsFor(linkId, acceptLanguage);",
        "  return cachedPage(options);",
        "}",
      ),
      errors: [
        {
          messageId: "inputMissingFromKey",
          line: 21,
          column: 12,
          data: { cache: "db.pageCache:{id}", inputs: "locale", them: "it" },
        },
      ],
    },
  ],
});

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
