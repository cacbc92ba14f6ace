#!/usr/bin/env node
// Deterministic generator for the cachewise analyzer benchmark.
//
// Writes a synthetic TypeScript backend service (domains with types, repositories,
// services, controllers, validators, utils and event buses) of roughly `--lines`
// lines. About 10–20 % of the files contain realistic cache call sites (ioredis,
// node-redis, lru-cache, node-cache, lodash memoize, p-memoize, keyv). Shared cache
// instances live in src/infra/redis.ts and src/infra/cache.ts and key builders in
// src/cache/keys.ts, so cross-file resolution is exercised.
//
// The project has no node_modules of its own: it is written inside the repository (bench/.generated/) so
// Node module resolution walks up to the repository's node_modules.
//
// Usage: node bench/analyzer/generate-project.mjs [--lines 100000] [--out DIR] [--seed 1]

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..");
const MARKER = ".cachewise-bench-project.json";
export const GENERATOR_VERSION = 1;

// ---------------------------------------------------------------------------
// Deterministic PRNG (mulberry32)
// ---------------------------------------------------------------------------

class Rng {
  constructor(seed) {
    this.state = seed >>> 0;
  }
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }
  shuffle(items) {
    const copy = items.slice();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }
  sample(items, n) {
    return this.shuffle(items).slice(0, n);
  }
}

// ---------------------------------------------------------------------------
// Naming helpers
// ---------------------------------------------------------------------------

const cap = (s) => s[0].toUpperCase() + s.slice(1);
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
const upperSnake = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
const words = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
const pascalStatus = (s) => s.split("_").map(cap).join("");
function plural(word) {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
const indent = (text, n) =>
  text
    .split("\n")
    .map((line) => (line.length > 0 ? " ".repeat(n) + line : line))
    .join("\n");
const lineCount = (text) => text.split("\n").length;

const NOUNS = [
  "account",
  "address",
  "alert",
  "approval",
  "article",
  "asset",
  "audit",
  "booking",
  "branch",
  "budget",
  "campaign",
  "card",
  "cart",
  "category",
  "certificate",
  "channel",
  "checkout",
  "claim",
  "comment",
  "contract",
  "coupon",
  "course",
  "customer",
  "delivery",
  "department",
  "device",
  "discount",
  "document",
  "employee",
  "enrollment",
  "expense",
  "feedback",
  "invoice",
  "issue",
  "job",
  "lead",
  "ledger",
  "license",
  "listing",
  "location",
  "membership",
  "message",
  "milestone",
  "notification",
  "order",
  "organization",
  "partner",
  "payment",
  "payout",
  "permission",
  "plan",
  "policy",
  "portfolio",
  "product",
  "project",
  "promotion",
  "quote",
  "rating",
  "receipt",
  "refund",
  "reminder",
  "report",
  "reservation",
  "review",
  "role",
  "route",
  "schedule",
  "session",
  "shipment",
  "shift",
  "sku",
  "subscription",
  "supplier",
  "survey",
  "task",
  "team",
  "template",
  "ticket",
  "timesheet",
  "transaction",
  "transfer",
  "trip",
  "vehicle",
  "vendor",
  "voucher",
  "warehouse",
  "webhook",
  "workflow",
  "bundle",
  "carrier",
  "contact",
  "dispute",
  "forecast",
  "incident",
  "inventory",
  "mandate",
  "offer",
  "pricing",
  "quota",
  "segment",
  "settlement",
  "tariff",
];
const QUALIFIERS = [
  "billing",
  "partner",
  "internal",
  "regional",
  "legacy",
  "mobile",
  "retail",
  "wholesale",
  "premium",
  "scheduled",
  "external",
  "shared",
  "archived",
  "pending",
  "global",
  "local",
];
const STATUS_SETS = [
  ["draft", "active", "archived"],
  ["pending", "approved", "rejected", "cancelled"],
  ["open", "in_progress", "resolved", "closed"],
  ["new", "processing", "completed", "failed"],
  ["scheduled", "running", "done", "cancelled"],
  ["draft", "published", "retired"],
  ["requested", "confirmed", "fulfilled", "returned", "cancelled"],
];
const NUM_FIELDS = [
  "amount",
  "quantity",
  "priority",
  "score",
  "weight",
  "price",
  "balance",
  "rating",
  "capacity",
  "durationMinutes",
  "retryCount",
  "discountPercent",
  "revision",
  "sortOrder",
  "budgetCents",
];
const STR_FIELDS = [
  "reference",
  "description",
  "email",
  "region",
  "currency",
  "ownerId",
  "category",
  "externalId",
  "source",
  "locale",
  "code",
  "title",
  "notes",
  "channel",
];
const BOOL_FIELDS = ["isActive", "isPriority", "archived", "verified", "isPublic", "requiresApproval", "flagged"];

// ---------------------------------------------------------------------------
// Source file model
// ---------------------------------------------------------------------------

class TsFile {
  constructor(path) {
    this.path = path; // relative to project root, e.g. src/domains/x/x.service.ts
    this.imports = new Map();
    this.top = [];
    this.cls = null;
    this.bottom = [];
    this.cacheSites = 0;
  }
  use(spec, name, kind = "value") {
    let entry = this.imports.get(spec);
    if (!entry) {
      entry = { def: null, values: new Set(), types: new Set() };
      this.imports.set(spec, entry);
    }
    if (kind === "default") entry.def = name;
    else if (kind === "type") entry.types.add(name);
    else entry.values.add(name);
    return name;
  }
  types(spec, ...names) {
    for (const n of names) this.use(spec, n, "type");
  }
  values(spec, ...names) {
    for (const n of names) this.use(spec, n, "value");
  }
  klass(header) {
    this.cls = { header, fields: [], ctorParams: [], ctorBody: [], methods: [] };
    return this.cls;
  }
  method(code) {
    this.cls.methods.push(code);
  }
  resolveSpec(spec) {
    if (!spec.startsWith("@/")) return spec;
    let rel = posix.relative(posix.dirname(this.path), `src/${spec.slice(2)}`);
    if (!rel.startsWith(".")) rel = `./${rel}`;
    return `${rel}.js`;
  }
  renderImports() {
    const entries = [...this.imports.entries()].map(([spec, e]) => [this.resolveSpec(spec), e]);
    const rank = (s) => (s.startsWith("node:") ? 0 : s.startsWith(".") ? 2 : 1);
    entries.sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out = [];
    for (const [spec, e] of entries) {
      const onlyTypes = !e.def && e.values.size === 0;
      const names = [...new Set([...e.values, ...e.types])].sort((a, b) => a.localeCompare(b, "en"));
      const named = names.map((n) => (!onlyTypes && !e.values.has(n) ? `type ${n}` : n));
      const kw = onlyTypes ? "import type" : "import";
      let clause = "";
      if (e.def) clause = e.def;
      if (named.length > 0) {
        const single = `{ ${named.join(", ")} }`;
        const line = `${kw} ${clause ? `${clause}, ` : ""}${single} from "${spec}";`;
        if (line.length <= 100) {
          out.push(line);
          continue;
        }
        out.push(`${kw} ${clause ? `${clause}, ` : ""}{\n${named.map((n) => `  ${n},`).join("\n")}\n} from "${spec}";`);
        continue;
      }
      out.push(`${kw} ${clause} from "${spec}";`);
    }
    return out.join("\n");
  }
  renderClass() {
    const c = this.cls;
    const parts = [];
    if (c.fields.length > 0) parts.push(c.fields.map((f) => `  ${f}`).join("\n"));
    if (c.ctorParams.length > 0 || c.ctorBody.length > 0) {
      let params;
      if (c.ctorParams.length <= 1) params = `(${c.ctorParams.join("")})`;
      else params = `(\n${c.ctorParams.map((p) => `    ${p},`).join("\n")}\n  )`;
      const body = c.ctorBody.length > 0 ? ` {\n${c.ctorBody.map((l) => `    ${l}`).join("\n")}\n  }` : " {}";
      parts.push(`  constructor${params}${body}`);
    }
    for (const m of c.methods) parts.push(indent(m, 2));
    return `${c.header} {\n${parts.join("\n\n")}\n}`;
  }
  render() {
    const blocks = [];
    const imports = this.renderImports();
    if (imports) blocks.push(imports);
    blocks.push(...this.top);
    if (this.cls) blocks.push(this.renderClass());
    blocks.push(...this.bottom);
    return `${blocks.join("\n\n")}\n`;
  }
  lines() {
    return lineCount(this.render()) - 1;
  }
}

// Fill a file with (template, param) instances until it reaches its line target.
function fill(rng, file, D, templates, target, ctx = {}) {
  const instances = [];
  for (const t of templates) {
    if (t.when && !t.when(D, ctx)) continue;
    const params = t.each ? t.each(D, ctx) : [null];
    for (const p of params) instances.push([t, p]);
  }
  const used = [];
  for (const [t, p] of rng.shuffle(instances)) {
    if (file.lines() >= target) break;
    t.gen(file, D, p, ctx);
    used.push(p === null ? t.id : `${t.id}:${p.name ?? p}`);
  }
  return used;
}

// ---------------------------------------------------------------------------
// Static shared modules
// ---------------------------------------------------------------------------

function sharedFiles() {
  const files = {};
  files["src/shared/result.ts"] = `export type Ok<T> = { ok: true; value: T };
export type Err<E> = { ok: false; error: E };
export type Result<T, E = string> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

export function mapResult<T, U, E>(result: Result<T, E>, fn: (value: T) => U): Result<U, E> {
  return result.ok ? ok(fn(result.value)) : result;
}

export function unwrapOr<T, E>(result: Result<T, E>, fallback: T): T {
  return result.ok ? result.value : fallback;
}

export function collectResults<T, E>(results: ReadonlyArray<Result<T, E>>): Result<T[], E[]> {
  const values: T[] = [];
  const errors: E[] = [];
  for (const result of results) {
    if (result.ok) {
      values.push(result.value);
    } else {
      errors.push(result.error);
    }
  }
  return errors.length > 0 ? err(errors) : ok(values);
}
`;
  files["src/shared/errors.ts"] = `export class AppError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super(\`\${entity} \${id} was not found\`, "not_found", 404);
  }
}

export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message, "validation_failed", 400);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(message, "conflict", 409);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return \`\${error.name}: \${error.message}\`;
  }
  return typeof error === "string" ? error : "unknown error";
}
`;
  files["src/shared/db.ts"] = `export interface Row {
  id: string;
}

export class Table<T extends Row> {
  private readonly rows = new Map<string, T>();

  constructor(readonly name: string) {}

  get(id: string): Promise<T | null> {
    return Promise.resolve(this.rows.get(id) ?? null);
  }

  all(): Promise<T[]> {
    return Promise.resolve([...this.rows.values()]);
  }

  filter(predicate: (row: T) => boolean): Promise<T[]> {
    const out: T[] = [];
    for (const row of this.rows.values()) {
      if (predicate(row)) {
        out.push(row);
      }
    }
    return Promise.resolve(out);
  }

  count(predicate?: (row: T) => boolean): Promise<number> {
    if (!predicate) {
      return Promise.resolve(this.rows.size);
    }
    let total = 0;
    for (const row of this.rows.values()) {
      if (predicate(row)) {
        total += 1;
      }
    }
    return Promise.resolve(total);
  }

  put(row: T): Promise<T> {
    this.rows.set(row.id, row);
    return Promise.resolve(row);
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.rows.delete(id));
  }

  clear(): void {
    this.rows.clear();
  }
}

export class Database {
  private readonly tables = new Map<string, Table<Row>>();

  table<T extends Row>(name: string): Table<T> {
    let table = this.tables.get(name);
    if (!table) {
      table = new Table<Row>(name);
      this.tables.set(name, table);
    }
    return table as unknown as Table<T>;
  }

  tableNames(): string[] {
    return [...this.tables.keys()].sort();
  }

  transaction<T>(work: (db: Database) => Promise<T>): Promise<T> {
    return work(this);
  }
}
`;
  files["src/shared/pagination.ts"] = `export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
  hasNext: boolean;
}

export const MAX_PAGE_SIZE = 200;

export function clampPageSize(pageSize: number): number {
  if (!Number.isFinite(pageSize) || pageSize < 1) {
    return 1;
  }
  return Math.min(Math.floor(pageSize), MAX_PAGE_SIZE);
}

export function paginate<T>(items: readonly T[], page: number, pageSize: number): Page<T> {
  const size = clampPageSize(pageSize);
  const totalPages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(0, Math.floor(page)), totalPages - 1);
  const start = current * size;
  return {
    items: items.slice(start, start + size),
    page: current,
    pageSize: size,
    total: items.length,
    totalPages,
    hasNext: current < totalPages - 1,
  };
}

export function mapPage<T, U>(page: Page<T>, fn: (item: T) => U): Page<U> {
  return { ...page, items: page.items.map(fn) };
}
`;
  files["src/shared/validation.ts"] = `export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

export function toStringArray(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const out: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item === "string") {
      out.push(item);
    }
  }
  return out;
}

export function parseIntParam(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === "") {
    return fallback;
  }
  const parsed = Number.parseInt(value, 10);
  return Number.isNaN(parsed) ? fallback : parsed;
}

export function parseDateParam(value: string | undefined): Date | undefined {
  if (value === undefined) {
    return undefined;
  }
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

export function parseBooleanParam(value: string | undefined): boolean | undefined {
  if (value === "true" || value === "1") {
    return true;
  }
  if (value === "false" || value === "0") {
    return false;
  }
  return undefined;
}

const EMAIL_PATTERN = /^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/;

export function looksLikeEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}
`;
  files["src/shared/http.ts"] = `import { isAppError } from "./errors.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  path: string;
  params: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  handler: (req: HttpRequest) => Promise<HttpResponse>;
}

export function okResponse(body: unknown): HttpResponse {
  return { status: 200, body };
}

export function created(body: unknown): HttpResponse {
  return { status: 201, body };
}

export function noContent(): HttpResponse {
  return { status: 204, body: null };
}

export function badRequest(message: string): HttpResponse {
  return { status: 400, body: { error: "bad_request", message } };
}

export function notFound(message: string): HttpResponse {
  return { status: 404, body: { error: "not_found", message } };
}

export function tenantFrom(req: HttpRequest): string | undefined {
  const value = req.headers["x-tenant-id"];
  return value !== undefined && value.length > 0 ? value : undefined;
}

export function handleError(error: unknown): HttpResponse {
  if (isAppError(error)) {
    return { status: error.status, body: { error: error.code, message: error.message } };
  }
  const message = error instanceof Error ? error.message : "unexpected error";
  return { status: 500, body: { error: "internal", message } };
}

export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split("/").filter(Boolean);
  const pathParts = path.split("/").filter(Boolean);
  if (patternParts.length !== pathParts.length) {
    return null;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i++) {
    const expected = patternParts[i] ?? "";
    const actual = pathParts[i] ?? "";
    if (expected.startsWith(":")) {
      params[expected.slice(1)] = decodeURIComponent(actual);
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}
`;
  files["src/utils/strings.ts"] = `export function slugify(input: string): string {
  return input
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function truncate(input: string, max: number, suffix = "..."): string {
  if (input.length <= max) {
    return input;
  }
  return input.slice(0, Math.max(0, max - suffix.length)) + suffix;
}

export function capitalize(input: string): string {
  return input.length === 0 ? input : input.charAt(0).toUpperCase() + input.slice(1);
}

export function titleCase(input: string): string {
  return input
    .split(/\\s+/)
    .filter((word) => word.length > 0)
    .map((word) => capitalize(word.toLowerCase()))
    .join(" ");
}

export function normalizeWhitespace(input: string): string {
  return input.replace(/\\s+/g, " ").trim();
}

export function tokenize(input: string): string[] {
  return input
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 1);
}

export function normalizeTagList(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const normalized = slugify(tag);
    if (normalized.length > 0 && !seen.has(normalized)) {
      seen.add(normalized);
      out.push(normalized);
    }
  }
  return out.sort();
}

export function maskEmail(email: string): string {
  const at = email.indexOf("@");
  if (at <= 1) {
    return email;
  }
  return email.charAt(0) + "*".repeat(at - 1) + email.slice(at);
}

export function camelToKebab(input: string): string {
  return input.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

export function levenshtein(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
      current.push(Math.min((current[j - 1] ?? 0) + 1, (previous[j] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export function similarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}

export function escapeRegExp(input: string): string {
  return input.replace(/[.*+?^\${}()|[\\]\\\\]/g, "\\\\$&");
}

export function wordCount(input: string): number {
  return normalizeWhitespace(input).split(" ").filter(Boolean).length;
}

export function padColumns(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, index) => cell.padEnd(widths[index] ?? cell.length)).join("  ");
}
`;
  files["src/utils/numbers.ts"] = `export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) {
    total += value;
  }
  return total;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  const lower = sorted[middle - 1] ?? upper;
  return sorted.length % 2 === 0 ? (lower + upper) / 2 : upper;
}

export function stddev(values: readonly number[]): number {
  if (values.length < 2) {
    return 0;
  }
  const avg = mean(values);
  let acc = 0;
  for (const value of values) {
    acc += (value - avg) ** 2;
  }
  return Math.sqrt(acc / (values.length - 1));
}

export function percent(part: number, whole: number, digits = 1): number {
  return whole === 0 ? 0 : roundTo((part / whole) * 100, digits);
}

export function safeDivide(a: number, b: number, fallback = 0): number {
  return b === 0 ? fallback : a / b;
}

export function formatCurrency(amountCents: number, currency = "EUR"): string {
  const value = (amountCents / 100).toFixed(2);
  return \`\${value} \${currency.toUpperCase()}\`;
}

export function histogram(values: readonly number[], buckets: number): number[] {
  const counts = new Array<number>(Math.max(1, buckets)).fill(0);
  if (values.length === 0) {
    return counts;
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = (max - min) / counts.length || 1;
  for (const value of values) {
    const index = Math.min(counts.length - 1, Math.floor((value - min) / width));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}
`;
  files["src/utils/dates.ts"] = `export const DAY_MS = 86_400_000;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

export function startOfDay(date: Date): Date {
  const copy = new Date(date.getTime());
  copy.setUTCHours(0, 0, 0, 0);
  return copy;
}

export function diffInDays(from: Date, to: Date): number {
  return Math.floor((startOfDay(to).getTime() - startOfDay(from).getTime()) / DAY_MS);
}

export function isWeekend(date: Date): boolean {
  const day = date.getUTCDay();
  return day === 0 || day === 6;
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function parseIsoDate(value: string): Date | null {
  if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(value)) {
    return null;
  }
  const date = new Date(\`\${value}T00:00:00.000Z\`);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function maxDate(dates: readonly Date[]): Date | undefined {
  let best: Date | undefined;
  for (const date of dates) {
    if (!best || date.getTime() > best.getTime()) {
      best = date;
    }
  }
  return best;
}

export function businessDaysBetween(from: Date, to: Date): number {
  let count = 0;
  for (let cursor = startOfDay(from); cursor < to; cursor = addDays(cursor, 1)) {
    if (!isWeekend(cursor)) {
      count += 1;
    }
  }
  return count;
}
`;
  files["src/utils/collections.ts"] = `export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  const step = Math.max(1, Math.floor(size));
  for (let i = 0; i < items.length; i += step) {
    out.push(items.slice(i, i + step));
  }
  return out;
}

export function uniq<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

export function uniqBy<T, K>(items: readonly T[], key: (item: T) => K): T[] {
  const seen = new Set<K>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}

export function groupBy<T, K extends string>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const bucket = groups.get(k);
    if (bucket) {
      bucket.push(item);
    } else {
      groups.set(k, [item]);
    }
  }
  return groups;
}

export function partition<T>(items: readonly T[], predicate: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) {
    (predicate(item) ? yes : no).push(item);
  }
  return [yes, no];
}

export function keyBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    out.set(key(item), item);
  }
  return out;
}

export function sortBy<T>(items: readonly T[], score: (item: T) => number): T[] {
  return items.slice().sort((a, b) => score(a) - score(b));
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

export function intersect<T>(a: readonly T[], b: readonly T[]): T[] {
  const right = new Set(b);
  return a.filter((item) => right.has(item));
}

export function difference<T>(a: readonly T[], b: readonly T[]): T[] {
  const right = new Set(b);
  return a.filter((item) => !right.has(item));
}

export function topN<T>(items: readonly T[], n: number, score: (item: T) => number): T[] {
  return sortBy(items, (item) => -score(item)).slice(0, Math.max(0, n));
}
`;
  files["src/utils/async.ts"] = `export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RetryOptions {
  attempts: number;
  delayMs: number;
}

export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await work();
    } catch (error) {
      lastError = error;
      if (attempt < options.attempts) {
        await delay(options.delayMs * attempt);
      }
    }
  }
  throw lastError instanceof Error ? lastError : new Error("retry failed");
}

export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(\`timed out after \${ms}ms\`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function mapWithConcurrency<T, U>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<U>,
): Promise<U[]> {
  const results: U[] = new Array<U>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, limit) }, async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) {
        results[index] = await fn(item);
      }
    }
  });
  await Promise.all(workers);
  return results;
}
`;
  files["src/utils/ids.ts"] = `import { randomUUID } from "node:crypto";

export function generateId(prefix: string): string {
  return \`\${prefix}_\${randomUUID().replace(/-/g, "").slice(0, 20)}\`;
}

export function shortHash(input: string): string {
  let hash = 2166136261;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(36);
}

export function isGeneratedId(value: string, prefix: string): boolean {
  return value.startsWith(\`\${prefix}_\`) && value.length === prefix.length + 21;
}
`;
  files["src/utils/csv.ts"] = `export type CsvValue = string | number | boolean | null | undefined;

export function escapeCsv(value: CsvValue): string {
  if (value === null || value === undefined) {
    return "";
  }
  const text = typeof value === "string" ? value : String(value);
  if (/[",\\n]/.test(text)) {
    return \`"\${text.replace(/"/g, '""')}"\`;
  }
  return text;
}

export function toCsvLine(values: readonly CsvValue[]): string {
  return values.map(escapeCsv).join(",");
}

export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted) {
      if (ch === '"' && line.charAt(i + 1) === '"') {
        current += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        current += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      cells.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  cells.push(current);
  return cells;
}
`;
  files["src/infra/config.ts"] = `export interface AppConfig {
  env: "development" | "test" | "production";
  port: number;
  redisHost: string;
  redisPort: number;
  redisUrl: string;
  cachePrefix: string;
  logLevel: "debug" | "info" | "warn" | "error";
}

function readEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value !== undefined && value.length > 0 ? value : fallback;
}

function readPort(name: string, fallback: number): number {
  const parsed = Number.parseInt(readEnv(name, String(fallback)), 10);
  return Number.isInteger(parsed) && parsed > 0 && parsed < 65536 ? parsed : fallback;
}

export function loadConfig(): AppConfig {
  const env = readEnv("NODE_ENV", "development");
  const level = readEnv("LOG_LEVEL", "info");
  const redisHost = readEnv("REDIS_HOST", "127.0.0.1");
  const redisPort = readPort("REDIS_PORT", 6379);
  return {
    env: env === "production" || env === "test" ? env : "development",
    port: readPort("PORT", 3000),
    redisHost,
    redisPort,
    redisUrl: readEnv("REDIS_URL", \`redis://\${redisHost}:\${redisPort}\`),
    cachePrefix: readEnv("CACHE_PREFIX", "svc:"),
    logLevel: level === "debug" || level === "warn" || level === "error" ? level : "info",
  };
}
`;
  files["src/infra/logger.ts"] = `export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

class JsonLogger implements Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly bindings: Record<string, unknown>,
  ) {}

  debug(message: string, meta?: Record<string, unknown>): void {
    this.write("debug", message, meta);
  }

  info(message: string, meta?: Record<string, unknown>): void {
    this.write("info", message, meta);
  }

  warn(message: string, meta?: Record<string, unknown>): void {
    this.write("warn", message, meta);
  }

  error(message: string, meta?: Record<string, unknown>): void {
    this.write("error", message, meta);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new JsonLogger(this.level, { ...this.bindings, ...bindings });
  }

  private write(level: LogLevel, message: string, meta?: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.level]) {
      return;
    }
    const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...this.bindings, ...meta });
    process.stdout.write(\`\${line}\\n\`);
  }
}

export function createLogger(level: LogLevel = "info", bindings: Record<string, unknown> = {}): Logger {
  return new JsonLogger(level, bindings);
}
`;
  files["src/infra/redis.ts"] = `import { Redis } from "ioredis";
import { createClient } from "redis";
import { loadConfig } from "./config.js";

const config = loadConfig();

export const redis = new Redis({
  host: config.redisHost,
  port: config.redisPort,
  keyPrefix: config.cachePrefix,
  lazyConnect: true,
  maxRetriesPerRequest: 3,
});

export const redisClient = createClient({ url: config.redisUrl });

export type NodeRedisClient = typeof redisClient;

let connecting: Promise<unknown> | null = null;

export async function ensureRedisClient(): Promise<NodeRedisClient> {
  if (!redisClient.isOpen) {
    connecting ??= redisClient.connect();
    await connecting;
  }
  return redisClient;
}

export async function closeRedis(): Promise<void> {
  await redis.quit();
  if (redisClient.isOpen) {
    await redisClient.close();
  }
}

export async function flushNamespace(prefix: string): Promise<number> {
  let cursor = "0";
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", \`\${prefix}*\`, "COUNT", 200);
    cursor = next;
    if (keys.length > 0) {
      removed += await redis.del(...keys);
    }
  } while (cursor !== "0");
  return removed;
}
`;
  files["src/infra/cache.ts"] = `import Keyv from "keyv";
import { LRUCache } from "lru-cache";
import NodeCache from "node-cache";

export const entityCache = new LRUCache<string, object>({ max: 5_000, ttl: 5 * 60_000 });

export const responseCache = new LRUCache<string, string>({
  max: 1_000,
  maxSize: 5_000_000,
  sizeCalculation: (value) => value.length,
  ttl: 30_000,
});

export const localCache = new NodeCache({ stdTTL: 120, checkperiod: 60, useClones: false });

export const sessionCache = new NodeCache();

export const keyv = new Keyv<string>({ namespace: "svc", ttl: 300_000 });

export function cacheStats(): Record<string, number> {
  const local = localCache.getStats();
  return {
    entityEntries: entityCache.size,
    responseEntries: responseCache.size,
    responseBytes: responseCache.calculatedSize,
    localKeys: local.keys,
    localHits: local.hits,
    localMisses: local.misses,
    sessionKeys: sessionCache.keys().length,
  };
}

export function clearLocalCaches(): void {
  entityCache.clear();
  responseCache.clear();
  localCache.flushAll();
  sessionCache.flushAll();
}
`;
  return files;
}

// ---------------------------------------------------------------------------
// Domain model
// ---------------------------------------------------------------------------

function makeDomain(rng, index) {
  const noun = NOUNS[index % NOUNS.length];
  const round = Math.floor(index / NOUNS.length);
  const e = round === 0 ? noun : `${QUALIFIERS[(round - 1) % QUALIFIERS.length]}${cap(noun)}`;
  const statuses = rng.pick(STATUS_SETS);
  const nums = rng.sample(NUM_FIELDS, rng.int(2, 3)).map((name) => ({ name, type: "number" }));
  const strs = rng.sample(STR_FIELDS, rng.int(2, 3)).map((name) => ({ name, type: "string" }));
  const bools = rng.sample(BOOL_FIELDS, rng.int(1, 2)).map((name) => ({ name, type: "boolean" }));
  const fields = rng.shuffle([...nums, ...strs, ...bools]).map((f) => ({ ...f, P: cap(f.name) }));
  const D = {
    index,
    e,
    E: cap(e),
    es: plural(e),
    Es: cap(plural(e)),
    U: upperSnake(e),
    dir: kebab(e),
    label: words(e),
    route: kebab(plural(e)),
    idPrefix: e.replace(/[aeiou]/g, "").slice(0, 4) || e.slice(0, 3),
    statuses,
    fields,
    num: fields.find((f) => f.type === "number"),
    text: fields.find((f) => f.type === "string"),
    flag: fields.find((f) => f.type === "boolean"),
    cached: false,
    svc: new Set(),
  };
  const m = (kind) => `@/domains/${D.dir}/${D.dir}.${kind}`;
  D.mod = {
    types: m("types"),
    repo: m("repository"),
    service: m("service"),
    utils: m("utils"),
    validators: m("validators"),
    events: m("events"),
    controller: m("controller"),
  };
  return D;
}

const numFields = (D) => D.fields.filter((f) => f.type === "number");
const strFields = (D) => D.fields.filter((f) => f.type === "string");
const boolFields = (D) => D.fields.filter((f) => f.type === "boolean");
const defaultFor = (f) => (f.type === "number" ? "0" : f.type === "string" ? '""' : "false");
const TTLS = [30, 60, 120, 300, 600, 900, 3600];

function keysFor(file, D, ...names) {
  D.cached = true;
  for (const n of names) file.use("@/cache/keys", `${D.e}${n}`);
}

// ---------------------------------------------------------------------------
// types.ts
// ---------------------------------------------------------------------------

function genTypes(D) {
  const { E, e, U } = D;
  const f = new TsFile(`src/domains/${D.dir}/${D.dir}.types.ts`);
  const extra = D.fields.map((x) => `  ${x.name}: ${x.type};`).join("\n");
  const n = D.num.P;
  f.top.push(`export const ${U}_STATUSES = [${D.statuses.map((s) => JSON.stringify(s)).join(", ")}] as const;

export type ${E}Status = (typeof ${U}_STATUSES)[number];

export const DEFAULT_${U}_PAGE_SIZE = ${[10, 20, 25, 50][D.index % 4]};
export const MAX_${U}_NAME_LENGTH = ${[80, 120, 160, 200][D.index % 4]};`);
  f.top.push(`export interface ${E} {
  id: string;
  tenantId: string;
  name: string;
  status: ${E}Status;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
${extra}
}`);
  f.top.push(`export type ${E}Patch = Partial<Omit<${E}, "id" | "tenantId" | "createdAt">>;`);
  f.top.push(`export interface Create${E}Input {
  tenantId: string;
  name: string;
  tags?: string[];
${extra}
}`);
  f.top.push(`export type Update${E}Input = Partial<Omit<Create${E}Input, "tenantId">> & { status?: ${E}Status };`);
  f.top.push(`export interface ${E}Dto {
  id: string;
  tenantId: string;
  name: string;
  status: ${E}Status;
  tags: string[];
  createdAt: string;
  updatedAt: string;
${extra}
}`);
  f.top.push(`export interface ${E}Filter {
  status?: ${E}Status;
  search?: string;
  tag?: string;
  from?: Date;
  to?: Date;
}`);
  f.top.push(`export interface ${E}Stats {
  total: number;
  byStatus: Record<${E}Status, number>;
  total${n}: number;
  average${n}: number;
  max${n}: number;
  ${D.flag.name}Count: number;
}`);
  f.top.push(`export interface ${E}Summary {
  id: string;
  label: string;
  status: ${E}Status;
  score: number;
}`);
  f.top.push(`export type ${E}Event =
  | { type: "${e}.created"; id: string; tenantId: string; at: Date }
  | { type: "${e}.updated"; id: string; tenantId: string; changes: string[]; at: Date }
  | { type: "${e}.status_changed"; id: string; tenantId: string; from: ${E}Status; to: ${E}Status; at: Date }
  | { type: "${e}.deleted"; id: string; tenantId: string; at: Date };`);
  f.top.push(`export function is${E}Status(value: unknown): value is ${E}Status {
  return typeof value === "string" && (${U}_STATUSES as readonly string[]).includes(value);
}`);
  f.top.push(`export function empty${E}Stats(): ${E}Stats {
  return {
    total: 0,
    byStatus: { ${D.statuses.map((s) => `${s}: 0`).join(", ")} },
    total${n}: 0,
    average${n}: 0,
    max${n}: 0,
    ${D.flag.name}Count: 0,
  };
}`);
  f.top.push(`export const ${U}_DEFAULTS: Omit<Create${E}Input, "tenantId" | "name"> = {
  tags: [],
${D.fields.map((x) => `  ${x.name}: ${defaultFor(x)},`).join("\n")}
};`);
  return f;
}

// ---------------------------------------------------------------------------
// validators.ts
// ---------------------------------------------------------------------------

function fieldCheck(x) {
  if (x.type === "number") {
    return `const ${x.name} = input["${x.name}"];
if (typeof ${x.name} !== "number" || !Number.isFinite(${x.name})) {
  errors.push("${x.name} must be a finite number");
} else if (${x.name} < 0) {
  errors.push("${x.name} must not be negative");
}`;
  }
  if (x.type === "string") {
    const extra =
      x.name === "email"
        ? `\n} else if (${x.name}.length > 0 && !looksLikeEmail(${x.name})) {\n  errors.push("${x.name} must be a valid email address");`
        : "";
    return `const ${x.name} = input["${x.name}"];
if (typeof ${x.name} !== "string") {
  errors.push("${x.name} must be a string");
} else if (${x.name}.length > 500) {
  errors.push("${x.name} must be at most 500 characters");${extra}
}`;
  }
  return `const ${x.name} = input["${x.name}"];
if (typeof ${x.name} !== "boolean") {
  errors.push("${x.name} must be a boolean");
}`;
}

const VALIDATOR_EXTRAS = [
  {
    id: "fieldValid",
    each: strFields,
    gen(f, D, x) {
      f.bottom.push(`export function is${D.E}${x.P}Valid(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 500) {
    return false;
  }
  for (const ch of trimmed) {
    const code = ch.charCodeAt(0);
    if (code < 32 || code === 127) {
      return false;
    }
  }
  return true;
}`);
    },
  },
  {
    id: "invariants",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values(D.mod.types, `MAX_${D.U}_NAME_LENGTH`);
      const checks = D.fields
        .map((x) =>
          x.type === "number"
            ? `  if (entity.${x.name} < 0) {\n    issues.push("${x.name} is negative");\n  }`
            : x.type === "string"
              ? `  if (entity.${x.name}.length > 500) {\n    issues.push("${x.name} is too long");\n  }`
              : null,
        )
        .filter(Boolean)
        .join("\n");
      f.bottom.push(`export function check${D.E}Invariants(entity: ${D.E}): string[] {
  const issues: string[] = [];
  if (entity.name.trim().length === 0) {
    issues.push("name is empty");
  }
  if (entity.name.length > MAX_${D.U}_NAME_LENGTH) {
    issues.push("name is too long");
  }
  if (entity.updatedAt.getTime() < entity.createdAt.getTime()) {
    issues.push("updatedAt precedes createdAt");
  }
${checks}
  if (new Set(entity.tags).size !== entity.tags.length) {
    issues.push("tags contain duplicates");
  }
  return issues;
}`);
    },
  },
  {
    id: "sanitizeName",
    gen(f, D) {
      f.values(D.mod.types, `MAX_${D.U}_NAME_LENGTH`);
      f.values("@/utils/strings", "normalizeWhitespace", "truncate");
      f.bottom.push(`export function sanitize${D.E}Name(name: string): string {
  const cleaned = normalizeWhitespace(name).replace(/[<>]/g, "");
  return truncate(cleaned, MAX_${D.U}_NAME_LENGTH);
}`);
    },
  },
  {
    id: "assertStatus",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Status`);
      f.values(D.mod.types, `is${D.E}Status`, `${D.U}_STATUSES`);
      f.values("@/shared/errors", "ValidationError");
      f.bottom.push(`export function assert${D.E}Status(value: unknown): ${D.E}Status {
  if (!is${D.E}Status(value)) {
    throw new ValidationError(\`status must be one of \${${D.U}_STATUSES.join(", ")}\`);
  }
  return value;
}`);
    },
  },
  {
    id: "validateIds",
    gen(f, D) {
      f.values("@/shared/result", "err", "ok");
      f.types("@/shared/result", "Result");
      f.bottom.push(`export function validate${D.E}Ids(value: unknown, max = 100): Result<string[], string> {
  if (!Array.isArray(value)) {
    return err("ids must be an array");
  }
  const ids: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== "string" || !item.startsWith("${D.idPrefix}_")) {
      return err("ids must be ${D.label} identifiers");
    }
    ids.push(item);
  }
  if (ids.length > max) {
    return err(\`at most \${max} ids are allowed\`);
  }
  return ok([...new Set(ids)]);
}`);
    },
  },
];

function genValidators(rng, D, target) {
  const { E } = D;
  const f = new TsFile(`src/domains/${D.dir}/${D.dir}.validators.ts`);
  f.values("@/shared/result", "err", "ok");
  f.types("@/shared/result", "Result");
  f.values("@/shared/validation", "isRecord", "toStringArray");
  f.types(D.mod.types, `Create${E}Input`, `Update${E}Input`, `${E}Filter`);
  f.values(D.mod.types, `is${E}Status`, `MAX_${D.U}_NAME_LENGTH`);
  if (D.fields.some((x) => x.name === "email")) f.values("@/shared/validation", "looksLikeEmail");
  const narrow = D.fields.map((x) => `typeof ${x.name} !== "${x.type}"`).join(" ||\n    ");
  f.top.push(`export function validateCreate${E}Input(input: unknown): Result<Create${E}Input, string[]> {
  if (!isRecord(input)) {
    return err(["body must be an object"]);
  }
  const errors: string[] = [];
  const tenantId = input["tenantId"];
  if (typeof tenantId !== "string" || tenantId.length === 0) {
    errors.push("tenantId is required");
  }
  const name = input["name"];
  if (typeof name !== "string" || name.trim().length === 0) {
    errors.push("name is required");
  } else if (name.length > MAX_${D.U}_NAME_LENGTH) {
    errors.push(\`name must be at most \${MAX_${D.U}_NAME_LENGTH} characters\`);
  }
${indent(D.fields.map(fieldCheck).join("\n"), 2)}
  const tags = input["tags"];
  if (tags !== undefined && !Array.isArray(tags)) {
    errors.push("tags must be an array of strings");
  }
  if (
    errors.length > 0 ||
    typeof tenantId !== "string" ||
    typeof name !== "string" ||
    ${narrow}
  ) {
    return err(errors);
  }
  return ok({
    tenantId,
    name: name.trim(),
    tags: toStringArray(tags),
${D.fields.map((x) => `    ${x.name},`).join("\n")}
  });
}`);
  const patchChecks = D.fields
    .map((x) => {
      const cond =
        x.type === "number" ? `typeof value === "number" && Number.isFinite(value)` : `typeof value === "${x.type}"`;
      return `if (input["${x.name}"] !== undefined) {
  const value = input["${x.name}"];
  if (${cond}) {
    patch.${x.name} = value;
  } else {
    errors.push("${x.name} has an invalid type");
  }
}`;
    })
    .join("\n");
  f.top.push(`export function validateUpdate${E}Input(input: unknown): Result<Update${E}Input, string[]> {
  if (!isRecord(input)) {
    return err(["body must be an object"]);
  }
  const errors: string[] = [];
  const patch: Update${E}Input = {};
  if (input["name"] !== undefined) {
    const value = input["name"];
    if (typeof value === "string" && value.trim().length > 0) {
      patch.name = value.trim();
    } else {
      errors.push("name must be a non-empty string");
    }
  }
  if (input["status"] !== undefined) {
    const value = input["status"];
    if (is${E}Status(value)) {
      patch.status = value;
    } else {
      errors.push("status is not valid");
    }
  }
  if (input["tags"] !== undefined) {
    patch.tags = toStringArray(input["tags"]);
  }
${indent(patchChecks, 2)}
  return errors.length > 0 ? err(errors) : ok(patch);
}`);
  f.values("@/shared/validation", "parseDateParam");
  f.top
    .push(`export function validate${E}Filter(query: Record<string, string | undefined>): Result<${E}Filter, string[]> {
  const errors: string[] = [];
  const filter: ${E}Filter = {};
  const status = query["status"];
  if (status !== undefined) {
    if (is${E}Status(status)) {
      filter.status = status;
    } else {
      errors.push(\`unknown status \${status}\`);
    }
  }
  const search = query["q"];
  if (search !== undefined && search.trim().length > 0) {
    filter.search = search.trim();
  }
  const tag = query["tag"];
  if (tag !== undefined && tag.length > 0) {
    filter.tag = tag;
  }
  const from = parseDateParam(query["from"]);
  const to = parseDateParam(query["to"]);
  if (from && to && from.getTime() > to.getTime()) {
    errors.push("from must be before to");
  }
  filter.from = from;
  filter.to = to;
  return errors.length > 0 ? err(errors) : ok(filter);
}`);
  fill(rng, f, D, VALIDATOR_EXTRAS, target);
  return f;
}

// ---------------------------------------------------------------------------
// utils.ts
// ---------------------------------------------------------------------------

const UTIL_EXTRAS = [
  {
    id: "sortBy",
    each: numFields,
    gen(f, D, x) {
      f.types(D.mod.types, D.E);
      f.bottom
        .push(`export function sort${D.Es}By${x.P}(items: readonly ${D.E}[], direction: "asc" | "desc" = "desc"): ${D.E}[] {
  const factor = direction === "asc" ? 1 : -1;
  return items.slice().sort((a, b) => {
    const diff = (a.${x.name} - b.${x.name}) * factor;
    return diff !== 0 ? diff : a.name.localeCompare(b.name);
  });
}`);
    },
  },
  {
    id: "groupByStatus",
    gen(f, D) {
      f.types(D.mod.types, D.E, `${D.E}Status`);
      f.values(D.mod.types, `${D.U}_STATUSES`);
      f.bottom.push(`export function group${D.Es}ByStatus(items: readonly ${D.E}[]): Map<${D.E}Status, ${D.E}[]> {
  const groups = new Map<${D.E}Status, ${D.E}[]>();
  for (const status of ${D.U}_STATUSES) {
    groups.set(status, []);
  }
  for (const item of items) {
    groups.get(item.status)?.push(item);
  }
  return groups;
}`);
    },
  },
  {
    id: "diff",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      const checks = D.fields
        .map((x) => `  if (before.${x.name} !== after.${x.name}) {\n    changes.push("${x.name}");\n  }`)
        .join("\n");
      f.bottom.push(`export function diff${D.Es}(before: ${D.E}, after: ${D.E}): string[] {
  const changes: string[] = [];
  if (before.name !== after.name) {
    changes.push("name");
  }
  if (before.status !== after.status) {
    changes.push("status");
  }
  if (before.tags.join("|") !== after.tags.join("|")) {
    changes.push("tags");
  }
${checks}
  return changes;
}`);
    },
  },
  {
    id: "matchesFilter",
    gen(f, D) {
      f.types(D.mod.types, D.E, `${D.E}Filter`);
      f.bottom.push(`export function ${D.e}MatchesFilter(entity: ${D.E}, filter: ${D.E}Filter): boolean {
  if (filter.status !== undefined && entity.status !== filter.status) {
    return false;
  }
  if (filter.tag !== undefined && !entity.tags.includes(filter.tag)) {
    return false;
  }
  if (filter.from !== undefined && entity.createdAt.getTime() < filter.from.getTime()) {
    return false;
  }
  if (filter.to !== undefined && entity.createdAt.getTime() > filter.to.getTime()) {
    return false;
  }
  if (filter.search !== undefined) {
    const needle = filter.search.toLowerCase();
    return entity.name.toLowerCase().includes(needle) || entity.${D.text.name}.toLowerCase().includes(needle);
  }
  return true;
}`);
    },
  },
  {
    id: "searchText",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/strings", "tokenize");
      const parts = strFields(D)
        .map((x) => `entity.${x.name}`)
        .join(", ");
      f.bottom.push(`export function ${D.e}SearchTokens(entity: ${D.E}): string[] {
  const text = [entity.name, ${parts}, ...entity.tags].join(" ");
  return [...new Set(tokenize(text))];
}`);
    },
  },
  {
    id: "summarizeList",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/numbers", "mean", "roundTo");
      f.bottom.push(`export function describe${D.Es}(items: readonly ${D.E}[]): string {
  if (items.length === 0) {
    return "no ${D.label} records";
  }
  const values = items.map((item) => item.${D.num.name});
  const avg = roundTo(mean(values), 2);
  const names = items
    .slice(0, 3)
    .map((item) => item.name)
    .join(", ");
  const more = items.length > 3 ? \` and \${items.length - 3} more\` : "";
  return \`\${items.length} ${D.label} records (avg ${D.num.name} \${avg}): \${names}\${more}\`;
}`);
    },
  },
  {
    id: "partition",
    each: boolFields,
    gen(f, D, x) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/collections", "partition");
      f.bottom
        .push(`export function split${D.Es}By${x.P}(items: readonly ${D.E}[]): { matching: ${D.E}[]; rest: ${D.E}[] } {
  const [matching, rest] = partition(items, (item) => item.${x.name});
  return { matching, rest };
}`);
    },
  },
  {
    id: "tagCounts",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.bottom.push(`export function count${D.E}Tags(items: readonly ${D.E}[], limit = 10): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) {
    for (const tag of item.tags) {
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
}`);
    },
  },
  {
    id: "isStale",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/dates", "diffInDays");
      f.bottom
        .push(`export function is${D.E}Stale(entity: ${D.E}, maxAgeDays: number, now: Date = new Date()): boolean {
  if (entity.status === "${D.statuses[D.statuses.length - 1]}") {
    return false;
  }
  return diffInDays(entity.updatedAt, now) > maxAgeDays;
}`);
    },
  },
  {
    id: "compare",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values(D.mod.types, `${D.U}_STATUSES`);
      f.bottom.push(`export function compare${D.Es}(a: ${D.E}, b: ${D.E}): number {
  const statusDiff = ${D.U}_STATUSES.indexOf(a.status) - ${D.U}_STATUSES.indexOf(b.status);
  if (statusDiff !== 0) {
    return statusDiff;
  }
  const valueDiff = b.${D.num.name} - a.${D.num.name};
  if (valueDiff !== 0) {
    return valueDiff;
  }
  return a.createdAt.getTime() - b.createdAt.getTime();
}`);
    },
  },
  {
    id: "checksum",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/ids", "shortHash");
      const parts = D.fields.map((x) => `String(entity.${x.name})`).join(", ");
      f.bottom.push(`export function ${D.e}Checksum(entity: ${D.E}): string {
  const parts = [entity.id, entity.name, entity.status, entity.tags.join(","), ${parts}];
  return shortHash(parts.join("\\u0000"));
}`);
    },
  },
  {
    id: "index",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.bottom
        .push(`export function index${D.Es}(items: readonly ${D.E}[]): { byId: Map<string, ${D.E}>; byTenant: Map<string, ${D.E}[]> } {
  const byId = new Map<string, ${D.E}>();
  const byTenant = new Map<string, ${D.E}[]>();
  for (const item of items) {
    byId.set(item.id, item);
    const bucket = byTenant.get(item.tenantId);
    if (bucket) {
      bucket.push(item);
    } else {
      byTenant.set(item.tenantId, [item]);
    }
  }
  return { byId, byTenant };
}`);
    },
  },
  {
    id: "csvRow",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/csv", "toCsvLine");
      f.bottom
        .push(`export const ${D.U}_CSV_HEADER = ["id", "name", "status", ${D.fields.map((x) => `"${x.name}"`).join(", ")}] as const;

export function ${D.e}ToCsvRow(entity: ${D.E}): string {
  return toCsvLine([entity.id, entity.name, entity.status, ${D.fields.map((x) => `entity.${x.name}`).join(", ")}]);
}`);
    },
  },
  {
    id: "table",
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/strings", "padColumns", "truncate");
      f.bottom.push(`export function render${D.Es}Table(items: readonly ${D.E}[]): string {
  const rows = items.map((item) => [item.id, truncate(item.name, 32), item.status, String(item.${D.num.name})]);
  const header = ["id", "name", "status", "${D.num.name}"];
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const lines = [padColumns(header, widths), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of rows) {
    lines.push(padColumns(row, widths));
  }
  return lines.join("\\n");
}`);
    },
  },
  {
    id: "histogram",
    each: numFields,
    gen(f, D, x) {
      f.types(D.mod.types, D.E);
      f.values("@/utils/numbers", "histogram");
      f.bottom.push(`export function ${D.e}${x.P}Histogram(items: readonly ${D.E}[], buckets = 10): number[] {
  return histogram(
    items.map((item) => item.${x.name}),
    buckets,
  );
}`);
    },
  },
  {
    id: "mask",
    each: strFields,
    gen(f, D, x) {
      f.types(D.mod.types, D.E);
      f.bottom.push(`export function mask${D.E}${x.P}(entity: ${D.E}, visible = 4): string {
  const value = entity.${x.name};
  if (value.length <= visible) {
    return value;
  }
  return "*".repeat(value.length - visible) + value.slice(-visible);
}`);
    },
  },
  // cache sites
  {
    id: "memoizeName",
    cache: true,
    gen(f, D, _p, ctx) {
      useMemoize(f, ctx);
      f.cacheSites++;
      f.top.push(`export const normalize${D.E}Key = memoize((value: string): string =>
  value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-"),
);`);
    },
  },
  {
    id: "memoizeImpure",
    cache: true,
    gen(f, D, _p, ctx) {
      useMemoize(f, ctx);
      f.cacheSites++;
      f.top.push(
        `export const is${D.E}Recent = memoize((updatedAtMs: number): boolean => Date.now() - updatedAtMs < ${D.index % 2 === 0 ? "86_400_000" : "3_600_000"});`,
      );
    },
  },
  {
    id: "memoizeMultiArg",
    cache: true,
    gen(f, D, _p, ctx) {
      useMemoize(f, ctx);
      f.values("@/utils/numbers", "roundTo");
      f.cacheSites++;
      const resolver =
        D.index % 3 === 0 ? `,\n  (base: number, factor: number): string => \`\${base}:\${factor}\`,` : ",";
      f.top.push(`export const weighted${D.E}${D.num.P} = memoize(
  (base: number, factor: number): number => roundTo(base * factor, 2)${resolver}
);`);
    },
  },
  {
    id: "lruScore",
    cache: true,
    gen(f, D) {
      f.types(D.mod.types, D.E);
      f.use("lru-cache", "LRUCache");
      f.cacheSites++;
      const opts = D.index % 2 === 0 ? "{ max: 2_000 }" : "{ max: 2_000, ttl: 10 * 60_000 }";
      f.top.push(`const ${D.e}ScoreCache = new LRUCache<string, number>(${opts});`);
      f.bottom.push(`export function cached${D.E}Score(entity: ${D.E}): number {
  const hit = ${D.e}ScoreCache.get(entity.id);
  if (hit !== undefined) {
    return hit;
  }
  const score = ${D.e}Score(entity);
  ${D.e}ScoreCache.set(entity.id, score);
  return score;
}`);
    },
  },
];

function useMemoize(f, ctx) {
  if (ctx.memoFlavor === "lodash-es") f.use("lodash-es", "memoize");
  else f.use("lodash/memoize.js", "memoize", "default");
}

function genUtils(rng, D, target, withCache) {
  const { E, e } = D;
  const f = new TsFile(`src/domains/${D.dir}/${D.dir}.utils.ts`);
  f.types(D.mod.types, E, `${E}Dto`);
  const weights = numFields(D)
    .map((x, i) => `  score += entity.${x.name} * ${[0.5, 0.25, 0.1][i] ?? 0.05};`)
    .join("\n");
  f.top.push(`export function format${E}Label(entity: ${E}): string {
  const tagPart = entity.tags.length > 0 ? \` [\${entity.tags.slice(0, 3).join(", ")}]\` : "";
  return \`\${entity.name} (\${entity.status})\${tagPart}\`;
}`);
  f.top.push(`export function ${e}Score(entity: ${E}): number {
  let score = 0;
${weights}
  if (entity.${D.flag.name}) {
    score += 10;
  }
  score += Math.min(entity.tags.length, 5) * 2;
  const ageDays = (Date.now() - entity.createdAt.getTime()) / 86_400_000;
  score -= Math.min(ageDays, 365) / 30;
  return Math.round(score * 100) / 100;
}`);
  f.top.push(`export function to${E}Dto(entity: ${E}): ${E}Dto {
  return {
    id: entity.id,
    tenantId: entity.tenantId,
    name: entity.name,
    status: entity.status,
    tags: [...entity.tags],
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
${D.fields.map((x) => `    ${x.name}: entity.${x.name},`).join("\n")}
  };
}`);
  f.top.push(`export function from${E}Dto(dto: ${E}Dto): ${E} {
  return {
    ...dto,
    tags: [...dto.tags],
    createdAt: new Date(dto.createdAt),
    updatedAt: new Date(dto.updatedAt),
  };
}`);
  const ctx = { memoFlavor: rng.chance(0.4) ? "lodash-es" : "lodash" };
  const templates = UTIL_EXTRAS.filter((t) => !t.cache);
  if (withCache) {
    const caches = rng.sample(
      UTIL_EXTRAS.filter((t) => t.cache),
      rng.int(1, 2),
    );
    for (const t of caches) t.gen(f, D, null, ctx);
  }
  fill(rng, f, D, templates, target, ctx);
  return f;
}

// ---------------------------------------------------------------------------
// repository.ts
// ---------------------------------------------------------------------------

const REPO_EXTRAS = [
  {
    id: "findByStatus",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Status`);
      f.method(`findByStatus(tenantId: string, status: ${D.E}Status): Promise<${D.E}[]> {
  return this.table.filter((row) => row.tenantId === tenantId && row.status === status);
}`);
    },
  },
  {
    id: "findByField",
    each: strFields,
    gen(f, D, x) {
      f.method(`async findBy${x.P}(tenantId: string, value: string): Promise<${D.E}[]> {
  const needle = value.trim().toLowerCase();
  if (needle.length === 0) {
    return [];
  }
  const rows = await this.findAll(tenantId);
  return rows.filter((row) => row.${x.name}.toLowerCase() === needle);
}`);
    },
  },
  {
    id: "sumOf",
    each: numFields,
    gen(f, D, x) {
      f.method(`async sumOf${x.P}(tenantId: string): Promise<number> {
  const rows = await this.findAll(tenantId);
  let total = 0;
  for (const row of rows) {
    total += row.${x.name};
  }
  return total;
}`);
    },
  },
  {
    id: "countWhere",
    each: boolFields,
    gen(f, D, x) {
      f.method(`async countWhere${x.P}(tenantId: string, expected = true): Promise<number> {
  const rows = await this.findAll(tenantId);
  let count = 0;
  for (const row of rows) {
    if (row.${x.name} === expected) {
      count += 1;
    }
  }
  return count;
}`);
    },
  },
  {
    id: "countByStatus",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Status`);
      f.values(D.mod.types, `${D.U}_STATUSES`);
      f.method(`async countByStatus(tenantId: string): Promise<Record<${D.E}Status, number>> {
  const counts = Object.fromEntries(${D.U}_STATUSES.map((status) => [status, 0])) as Record<${D.E}Status, number>;
  const rows = await this.findAll(tenantId);
  for (const row of rows) {
    counts[row.status] += 1;
  }
  return counts;
}`);
    },
  },
  {
    id: "findRecent",
    gen(f, D) {
      f.method(`async findRecent(tenantId: string, limit = 20): Promise<${D.E}[]> {
  const rows = await this.findAll(tenantId);
  return rows
    .slice()
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, Math.max(0, limit));
}`);
    },
  },
  {
    id: "findPage",
    gen(f, D) {
      f.types("@/shared/pagination", "Page");
      f.values("@/shared/pagination", "paginate");
      f.values(D.mod.types, `DEFAULT_${D.U}_PAGE_SIZE`);
      f.method(`async findPage(tenantId: string, page: number, pageSize = DEFAULT_${D.U}_PAGE_SIZE): Promise<Page<${D.E}>> {
  const rows = await this.findAll(tenantId);
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return paginate(rows, page, pageSize);
}`);
    },
  },
  {
    id: "findInRange",
    gen(f, D) {
      f.method(`async findCreatedBetween(tenantId: string, from: Date, to: Date): Promise<${D.E}[]> {
  if (from.getTime() > to.getTime()) {
    throw new RangeError("from must not be after to");
  }
  const rows = await this.findAll(tenantId);
  return rows.filter((row) => {
    const at = row.createdAt.getTime();
    return at >= from.getTime() && at <= to.getTime();
  });
}`);
    },
  },
  {
    id: "bulkInsert",
    gen(f, D) {
      f.method(`async bulkInsert(entities: readonly ${D.E}[]): Promise<{ inserted: number; skipped: string[] }> {
  let inserted = 0;
  const skipped: string[] = [];
  for (const entity of entities) {
    const existing = await this.table.get(entity.id);
    if (existing) {
      skipped.push(entity.id);
      continue;
    }
    await this.table.put(entity);
    inserted += 1;
  }
  return { inserted, skipped };
}`);
    },
  },
  {
    id: "markStale",
    gen(f, D) {
      const last = D.statuses[D.statuses.length - 1];
      f.method(`async markStaleAs${pascalStatus(last)}(tenantId: string, cutoff: Date): Promise<number> {
  const rows = await this.findAll(tenantId);
  let changed = 0;
  for (const row of rows) {
    if (row.updatedAt.getTime() < cutoff.getTime() && row.status !== "${last}") {
      await this.update(row.id, { status: "${last}" });
      changed += 1;
    }
  }
  return changed;
}`);
    },
  },
  {
    id: "findByTag",
    gen(f, D) {
      f.method(`findByTag(tenantId: string, tag: string): Promise<${D.E}[]> {
  const normalized = tag.trim().toLowerCase();
  return this.table.filter(
    (row) => row.tenantId === tenantId && row.tags.some((candidate) => candidate.toLowerCase() === normalized),
  );
}`);
    },
  },
  {
    id: "search",
    gen(f, D) {
      f.method(`async search(tenantId: string, term: string, limit = 50): Promise<${D.E}[]> {
  const tokens = term
    .toLowerCase()
    .split(/\\s+/)
    .filter((token) => token.length > 1);
  if (tokens.length === 0) {
    return [];
  }
  const rows = await this.findAll(tenantId);
  const scored: Array<{ row: ${D.E}; score: number }> = [];
  for (const row of rows) {
    const haystack = \`\${row.name} \${row.${D.text.name}} \${row.tags.join(" ")}\`.toLowerCase();
    let score = 0;
    for (const token of tokens) {
      if (haystack.includes(token)) {
        score += token.length;
      }
    }
    if (score > 0) {
      scored.push({ row, score });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, limit).map((entry) => entry.row);
}`);
    },
  },
  {
    id: "exists",
    gen(f, D) {
      f.method(`async exists(id: string): Promise<boolean> {
  const row = await this.table.get(id);
  return row !== null;
}`);
    },
  },
  {
    id: "findManyByIds",
    gen(f, D) {
      f.method(`async findManyByIds(ids: readonly string[]): Promise<Map<string, ${D.E}>> {
  const result = new Map<string, ${D.E}>();
  for (const id of new Set(ids)) {
    const row = await this.table.get(id);
    if (row) {
      result.set(id, row);
    }
  }
  return result;
}`);
    },
  },
  {
    id: "findTopBy",
    each: numFields,
    gen(f, D, x) {
      f.method(`async findTopBy${x.P}(tenantId: string, limit = 10): Promise<${D.E}[]> {
  const rows = await this.findAll(tenantId);
  return rows.sort((a, b) => b.${x.name} - a.${x.name}).slice(0, limit);
}`);
    },
  },
  {
    id: "groupBy",
    each: strFields,
    gen(f, D, x) {
      f.method(`async groupBy${x.P}(tenantId: string): Promise<Map<string, ${D.E}[]>> {
  const rows = await this.findAll(tenantId);
  const groups = new Map<string, ${D.E}[]>();
  for (const row of rows) {
    const key = row.${x.name}.length > 0 ? row.${x.name} : "(none)";
    const bucket = groups.get(key);
    if (bucket) {
      bucket.push(row);
    } else {
      groups.set(key, [row]);
    }
  }
  return groups;
}`);
    },
  },
  {
    id: "findMatching",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Filter`);
      f.method(`async findMatching(tenantId: string, filter: ${D.E}Filter): Promise<${D.E}[]> {
  const rows = await this.findAll(tenantId);
  const search = filter.search?.trim().toLowerCase();
  return rows.filter((row) => {
    if (filter.status !== undefined && row.status !== filter.status) {
      return false;
    }
    if (filter.tag !== undefined && !row.tags.includes(filter.tag)) {
      return false;
    }
    if (filter.from !== undefined && row.createdAt < filter.from) {
      return false;
    }
    if (filter.to !== undefined && row.createdAt > filter.to) {
      return false;
    }
    if (search !== undefined && search.length > 0 && !row.name.toLowerCase().includes(search)) {
      return false;
    }
    return true;
  });
}`);
    },
  },
  {
    id: "purgeByStatus",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Status`);
      f.method(`async purgeByStatus(tenantId: string, status: ${D.E}Status): Promise<number> {
  const rows = await this.findAll(tenantId);
  let removed = 0;
  for (const row of rows) {
    if (row.status === status && (await this.table.delete(row.id))) {
      removed += 1;
    }
  }
  return removed;
}`);
    },
  },
  {
    id: "touch",
    gen(f, D) {
      f.method(`async touch(id: string): Promise<boolean> {
  const updated = await this.update(id, {});
  return updated !== null;
}`);
    },
  },
  {
    id: "countAll",
    gen(f, D) {
      f.method(`countForTenant(tenantId: string): Promise<number> {
  return this.table.count((row) => row.tenantId === tenantId);
}`);
    },
  },
];

const REPO_CACHE = [
  {
    id: "readThrough",
    gen(f, D, rng) {
      f.values("@/infra/redis", "redis");
      keysFor(f, D, "Key");
      f.method(`async findByIdCached(id: string): Promise<${D.E} | null> {
  const key = ${D.e}Key(id);
  const cached = await redis.get(key);
  if (cached !== null) {
    return JSON.parse(cached) as ${D.E};
  }
  const row = await this.findById(id);
  if (row) {
    await redis.set(key, JSON.stringify(row), "EX", ${rng.pick(TTLS)});
  }
  return row;
}`);
    },
  },
  {
    id: "noTtl",
    gen(f, D) {
      f.values("@/infra/redis", "redis");
      keysFor(f, D, "StatsKey");
      f.method(`async countCached(tenantId: string): Promise<number> {
  const key = ${D.e}StatsKey(tenantId);
  const cached = await redis.get(key);
  if (cached !== null) {
    return Number.parseInt(cached, 10);
  }
  const rows = await this.findAll(tenantId);
  await redis.set(key, String(rows.length));
  return rows.length;
}`);
    },
  },
  {
    id: "invalidate",
    gen(f, D) {
      f.values("@/infra/redis", "redis");
      f.types(D.mod.types, `${D.E}Patch`);
      keysFor(f, D, "Key", "StatsKey");
      f.method(`async updateAndInvalidate(id: string, patch: ${D.E}Patch): Promise<${D.E} | null> {
  const updated = await this.update(id, patch);
  if (updated) {
    await redis.del(${D.e}Key(id), ${D.e}StatsKey(updated.tenantId));
  }
  return updated;
}`);
    },
  },
  {
    id: "hash",
    gen(f, D, rng) {
      f.values("@/infra/redis", "redis");
      keysFor(f, D, "HashKey");
      const expire = rng.chance(0.7) ? `\n  await redis.expire(key, ${rng.pick(TTLS)});` : "";
      f.method(`async cacheSummaryHash(row: ${D.E}): Promise<void> {
  const key = ${D.e}HashKey(row.id);
  await redis.hset(key, {
    name: row.name,
    status: row.status,
    ${D.num.name}: String(row.${D.num.name}),
    updatedAt: row.updatedAt.toISOString(),
  });${expire}
}`);
      f.method(`readSummaryHash(id: string): Promise<Record<string, string>> {
  return redis.hgetall(${D.e}HashKey(id));
}`);
    },
  },
  {
    id: "pipeline",
    gen(f, D, rng) {
      f.values("@/infra/redis", "redis");
      keysFor(f, D, "Key");
      f.method(`async warmCache(ids: readonly string[]): Promise<number> {
  const pipeline = redis.pipeline();
  let queued = 0;
  for (const id of ids) {
    const row = await this.findById(id);
    if (!row) {
      continue;
    }
    pipeline.set(${D.e}Key(id), JSON.stringify(row), "EX", ${rng.pick(TTLS)});
    queued += 1;
  }
  if (queued > 0) {
    await pipeline.exec();
  }
  return queued;
}`);
    },
  },
  {
    id: "nodeRedis",
    gen(f, D, rng) {
      f.values("@/infra/redis", "ensureRedisClient");
      keysFor(f, D, "ListKey");
      f.method(`async findListCached(tenantId: string, page: number): Promise<${D.E}[]> {
  const client = await ensureRedisClient();
  const key = ${D.e}ListKey(tenantId, page);
  const cached = await client.get(key);
  if (cached) {
    return JSON.parse(cached) as ${D.E}[];
  }
  const rows = await this.findAll(tenantId);
  const slice = rows.slice(page * 50, (page + 1) * 50);
  await client.set(key, JSON.stringify(slice), { EX: ${rng.pick(TTLS)} });
  return slice;
}`);
    },
  },
];

function genRepository(rng, D, target, withCache) {
  const { E, es } = D;
  const f = new TsFile(`src/domains/${D.dir}/${D.dir}.repository.ts`);
  f.types("@/shared/db", "Database", "Table");
  f.types(D.mod.types, E, `${E}Patch`);
  const c = f.klass(`export class ${E}Repository`);
  c.fields.push(`private readonly table: Table<${E}>;`);
  c.ctorParams.push("db: Database");
  c.ctorBody.push(`this.table = db.table<${E}>("${es}");`);
  f.method(`findById(id: string): Promise<${E} | null> {
  return this.table.get(id);
}`);
  f.method(`findAll(tenantId: string): Promise<${E}[]> {
  return this.table.filter((row) => row.tenantId === tenantId);
}`);
  f.method(`async insert(entity: ${E}): Promise<${E}> {
  const existing = await this.table.get(entity.id);
  if (existing) {
    throw new Error(\`${D.label} \${entity.id} already exists\`);
  }
  return this.table.put(entity);
}`);
  f.method(`async update(id: string, patch: ${E}Patch): Promise<${E} | null> {
  const current = await this.table.get(id);
  if (!current) {
    return null;
  }
  const next: ${E} = { ...current, ...patch, updatedAt: new Date() };
  return this.table.put(next);
}`);
  f.method(`remove(id: string): Promise<boolean> {
  return this.table.delete(id);
}`);
  if (withCache) {
    for (const t of rng.sample(REPO_CACHE, rng.int(1, 3))) {
      t.gen(f, D, rng);
      f.cacheSites++;
    }
  }
  fill(rng, f, D, REPO_EXTRAS, target);
  return f;
}

// ---------------------------------------------------------------------------
// service.ts
// ---------------------------------------------------------------------------

function transitionsMap(D) {
  const s = D.statuses;
  const lines = s.map((status, i) => {
    const next = [];
    if (i + 1 < s.length) next.push(s[i + 1]);
    if (i + 2 < s.length && i + 2 === s.length - 1) next.push(s[s.length - 1]);
    return `  ${status}: [${next.map((x) => JSON.stringify(x)).join(", ")}],`;
  });
  return lines.join("\n");
}

const SERVICE_EXTRAS = [
  {
    id: "transition",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Status`);
      f.values("@/shared/errors", "ValidationError");
      f.top.push(`const ${D.U}_TRANSITIONS: Record<${D.E}Status, readonly ${D.E}Status[]> = {
${transitionsMap(D)}
};`);
      f.method(`async transition(id: string, next: ${D.E}Status): Promise<${D.E}> {
  const current = await this.get(id);
  const allowed = ${D.U}_TRANSITIONS[current.status];
  if (!allowed.includes(next)) {
    throw new ValidationError(\`cannot move ${D.label} \${id} from \${current.status} to \${next}\`);
  }
  this.logger.info("${D.label} status changed", { id, from: current.status, to: next });
  return this.update(id, { status: next });
}`);
    },
  },
  {
    id: "computeStats",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Stats`);
      f.values(D.mod.types, `empty${D.E}Stats`);
      f.values("@/utils/numbers", "roundTo");
      const n = D.num.P;
      f.method(`async computeStats(tenantId: string): Promise<${D.E}Stats> {
  const rows = await this.repository.findAll(tenantId);
  const stats = empty${D.E}Stats();
  for (const row of rows) {
    stats.total += 1;
    stats.byStatus[row.status] += 1;
    stats.total${n} += row.${D.num.name};
    if (row.${D.num.name} > stats.max${n}) {
      stats.max${n} = row.${D.num.name};
    }
    if (row.${D.flag.name}) {
      stats.${D.flag.name}Count += 1;
    }
  }
  stats.average${n} = stats.total === 0 ? 0 : roundTo(stats.total${n} / stats.total, 2);
  return stats;
}`);
    },
  },
  {
    id: "summarize",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Summary`);
      f.values(D.mod.utils, `format${D.E}Label`, `${D.e}Score`);
      f.method(`summarize(entity: ${D.E}): ${D.E}Summary {
  return {
    id: entity.id,
    label: format${D.E}Label(entity),
    status: entity.status,
    score: ${D.e}Score(entity),
  };
}`);
    },
  },
  {
    id: "bulkUpdateStatus",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Status`);
      f.method(`async bulkUpdateStatus(
  ids: readonly string[],
  status: ${D.E}Status,
): Promise<{ updated: string[]; failed: Array<{ id: string; reason: string }> }> {
  const updated: string[] = [];
  const failed: Array<{ id: string; reason: string }> = [];
  for (const id of ids) {
    try {
      await this.update(id, { status });
      updated.push(id);
    } catch (error) {
      failed.push({ id, reason: error instanceof Error ? error.message : "unknown error" });
    }
  }
  if (failed.length > 0) {
    this.logger.warn("bulk ${D.label} status update had failures", { failed: failed.length, status });
  }
  return { updated, failed };
}`);
    },
  },
  {
    id: "exportCsv",
    gen(f, D) {
      f.values("@/utils/csv", "toCsvLine");
      f.method(`async exportCsv(tenantId: string): Promise<string> {
  const rows = await this.repository.findAll(tenantId);
  const lines = [toCsvLine(["id", "name", "status", ${D.fields.map((x) => `"${x.name}"`).join(", ")}, "createdAt"])];
  for (const row of rows) {
    lines.push(
      toCsvLine([row.id, row.name, row.status, ${D.fields.map((x) => `row.${x.name}`).join(", ")}, row.createdAt.toISOString()]),
    );
  }
  return lines.join("\\n");
}`);
    },
  },
  {
    id: "rankBy",
    each: numFields,
    gen(f, D, x) {
      f.values("@/utils/collections", "sortBy");
      f.method(`async rankBy${x.P}(tenantId: string, limit = 10): Promise<Array<{ id: string; name: string; value: number; rank: number }>> {
  const rows = await this.repository.findAll(tenantId);
  const sorted = sortBy(rows, (row) => -row.${x.name});
  return sorted.slice(0, limit).map((row, index) => ({ id: row.id, name: row.name, value: row.${x.name}, rank: index + 1 }));
}`);
    },
  },
  {
    id: "findDuplicates",
    gen(f, D) {
      f.values("@/utils/strings", "normalizeWhitespace");
      f.method(`async findDuplicates(tenantId: string): Promise<string[][]> {
  const rows = await this.repository.findAll(tenantId);
  const byName = new Map<string, string[]>();
  for (const row of rows) {
    const key = normalizeWhitespace(row.name).toLowerCase();
    const ids = byName.get(key) ?? [];
    ids.push(row.id);
    byName.set(key, ids);
  }
  return [...byName.values()].filter((ids) => ids.length > 1);
}`);
    },
  },
  {
    id: "adjust",
    each: numFields,
    gen(f, D, x) {
      f.values("@/shared/errors", "ValidationError");
      f.values("@/utils/numbers", "roundTo");
      f.method(`async adjust${x.P}(id: string, percent: number): Promise<${D.E}> {
  if (!Number.isFinite(percent) || Math.abs(percent) > 100) {
    throw new ValidationError(\`invalid adjustment \${percent}%\`);
  }
  const current = await this.get(id);
  const next = roundTo(current.${x.name} * (1 + percent / 100), 2);
  this.logger.debug("adjusting ${D.label} ${x.name}", { id, from: current.${x.name}, to: next });
  return this.update(id, { ${x.name}: next });
}`);
    },
  },
  {
    id: "checkRules",
    gen(f, D) {
      f.values(D.mod.types, `MAX_${D.U}_NAME_LENGTH`);
      const checks = D.fields
        .filter((x) => x.type !== "boolean")
        .map((x) =>
          x.type === "number"
            ? `  if (entity.${x.name} < 0) {\n    issues.push("${x.name} must not be negative");\n  }`
            : `  if (entity.${x.name}.length > 500) {\n    issues.push("${x.name} is too long");\n  }`,
        )
        .join("\n");
      f.method(`checkRules(entity: ${D.E}): string[] {
  const issues: string[] = [];
  if (entity.name.length > MAX_${D.U}_NAME_LENGTH) {
    issues.push("name is too long");
  }
${checks}
  if (entity.updatedAt.getTime() < entity.createdAt.getTime()) {
    issues.push("updatedAt precedes createdAt");
  }
  return issues;
}`);
    },
  },
  {
    id: "mergeTags",
    gen(f, D) {
      f.values("@/utils/collections", "uniq");
      f.method(`async mergeTags(id: string, tags: readonly string[]): Promise<${D.E}> {
  const current = await this.get(id);
  const merged = uniq([...current.tags, ...tags.map((tag) => tag.trim().toLowerCase())]).filter((tag) => tag.length > 0);
  if (merged.length === current.tags.length) {
    return current;
  }
  return this.update(id, { tags: merged });
}`);
    },
  },
  {
    id: "toggle",
    each: boolFields,
    gen(f, D, x) {
      f.method(`async toggle${x.P}(id: string): Promise<${D.E}> {
  const current = await this.get(id);
  return this.update(id, { ${x.name}: !current.${x.name} });
}`);
    },
  },
  {
    id: "findStale",
    gen(f, D) {
      f.values("@/utils/dates", "diffInDays");
      f.method(`async findStale(tenantId: string, maxAgeDays = 30): Promise<${D.E}[]> {
  const now = new Date();
  const rows = await this.repository.findAll(tenantId);
  return rows.filter((row) => diffInDays(row.updatedAt, now) > maxAgeDays);
}`);
    },
  },
  {
    id: "reindex",
    gen(f, D) {
      f.values("@/utils/collections", "chunk");
      f.values("@/utils/strings", "normalizeTagList");
      f.method(`async reindex(tenantId: string, batchSize = 25): Promise<number> {
  const rows = await this.repository.findAll(tenantId);
  let processed = 0;
  for (const batch of chunk(rows, batchSize)) {
    await Promise.all(batch.map((row) => this.repository.update(row.id, { tags: normalizeTagList(row.tags) })));
    processed += batch.length;
  }
  this.logger.info("reindexed ${D.label} records", { tenantId, processed });
  return processed;
}`);
    },
  },
  {
    id: "getWithRetry",
    gen(f, D) {
      f.values("@/utils/async", "withRetry");
      f.values("@/shared/errors", "NotFoundError");
      f.method(`async getWithRetry(id: string): Promise<${D.E}> {
  const found = await withRetry(() => this.repository.findById(id), { attempts: 3, delayMs: 50 });
  if (!found) {
    throw new NotFoundError("${D.label}", id);
  }
  return found;
}`);
    },
  },
  {
    id: "search",
    gen(f, D) {
      f.types(D.mod.types, `${D.E}Summary`);
      f.values("@/utils/strings", "tokenize");
      f.values(D.mod.utils, `format${D.E}Label`, `${D.e}Score`);
      f.method(`async search(tenantId: string, query: string, limit = 20): Promise<${D.E}Summary[]> {
  const tokens = tokenize(query);
  const rows = await this.repository.findAll(tenantId);
  const matches = rows.filter((row) =>
    tokens.every((token) => row.name.toLowerCase().includes(token) || row.tags.includes(token)),
  );
  return matches
    .slice(0, limit)
    .map((row) => ({ id: row.id, label: format${D.E}Label(row), status: row.status, score: ${D.e}Score(row) }));
}`);
    },
  },
  {
    id: "duplicate",
    gen(f, D) {
      f.types(D.mod.types, `Create${D.E}Input`);
      f.method(`async duplicate(id: string, overrides: Partial<Create${D.E}Input> = {}): Promise<${D.E}> {
  const source = await this.get(id);
  return this.create({
    tenantId: source.tenantId,
    name: overrides.name ?? \`\${source.name} (copy)\`,
    tags: overrides.tags ?? [...source.tags],
${D.fields.map((x) => `    ${x.name}: overrides.${x.name} ?? source.${x.name},`).join("\n")}
  });
}`);
    },
  },
  {
    id: "linkTo",
    each: (D, ctx) => ctx.related,
    gen(f, D, O) {
      f.types(O.mod.types, O.E);
      f.method(`async linkTo${O.E}(id: string, related: ${O.E}): Promise<${D.E}> {
  const entity = await this.get(id);
  const tag = \`${O.e}:\${related.id}\`;
  if (entity.tags.includes(tag)) {
    return entity;
  }
  this.logger.debug("linking ${D.label} to ${O.label}", { id, related: related.id });
  return this.update(id, { tags: [...entity.tags, tag] });
}`);
    },
  },
  {
    id: "describeWith",
    each: (D, ctx) => ctx.related,
    gen(f, D, O) {
      f.types(O.mod.types, O.E);
      f.values(O.mod.utils, `format${O.E}Label`);
      f.values(D.mod.utils, `format${D.E}Label`);
      f.method(`describeWith${O.E}(entity: ${D.E}, related: ${O.E}): string {
  return \`\${format${D.E}Label(entity)} -> \${format${O.E}Label(related)}\`;
}`);
    },
  },
  {
    id: "processConcurrently",
    gen(f, D) {
      f.values("@/utils/async", "mapWithConcurrency");
      f.values(D.mod.utils, `${D.e}Score`);
      f.method(`async scoreAll(tenantId: string, concurrency = 4): Promise<Map<string, number>> {
  const rows = await this.repository.findAll(tenantId);
  const scores = await mapWithConcurrency(rows, concurrency, (row) => Promise.resolve(${D.e}Score(row)));
  const out = new Map<string, number>();
  rows.forEach((row, index) => {
    out.set(row.id, scores[index] ?? 0);
  });
  return out;
}`);
    },
  },
];

const SERVICE_CACHE = [
  {
    id: "lruLocal",
    gen(f, D, rng) {
      f.use("lru-cache", "LRUCache");
      f.types(D.mod.types, `${D.E}Summary`);
      f.values(D.mod.utils, `format${D.E}Label`, `${D.e}Score`);
      const opts = rng.pick([
        `{ max: ${rng.pick([200, 500, 1_000])}, ttl: ${rng.pick(["60_000", "5 * 60_000", "30_000"])} }`,
        `{ max: ${rng.pick([500, 1_000])} }`,
        `{ ttl: 120_000, ttlAutopurge: true }`,
      ]);
      f.top.push(`const ${D.e}SummaryCache = new LRUCache<string, ${D.E}Summary>(${opts});`);
      f.method(`async getSummary(id: string): Promise<${D.E}Summary> {
  const cached = ${D.e}SummaryCache.get(id);
  if (cached) {
    return cached;
  }
  const entity = await this.get(id);
  const summary: ${D.E}Summary = {
    id: entity.id,
    label: format${D.E}Label(entity),
    status: entity.status,
    score: ${D.e}Score(entity),
  };
  ${D.e}SummaryCache.set(id, summary);
  return summary;
}`);
    },
  },
  {
    id: "lruShared",
    gen(f, D) {
      f.values("@/infra/cache", "entityCache");
      keysFor(f, D, "Key");
      f.method(`async getCached(id: string): Promise<${D.E}> {
  const key = ${D.e}Key(id);
  const hit = entityCache.get(key) as ${D.E} | undefined;
  if (hit) {
    return hit;
  }
  const entity = await this.get(id);
  entityCache.set(key, entity);
  return entity;
}`);
    },
  },
  {
    id: "nodeCacheLocal",
    gen(f, D, rng) {
      f.use("node-cache", "NodeCache", "default");
      const opts = rng.chance(0.6) ? `{ stdTTL: ${rng.pick(TTLS)}, checkperiod: 120 }` : "";
      f.top.push(`const ${D.e}CountCache = new NodeCache(${opts});`);
      f.method(`async countForTenantCached(tenantId: string): Promise<number> {
  const cached = ${D.e}CountCache.get<number>(tenantId);
  if (cached !== undefined) {
    return cached;
  }
  const rows = await this.repository.findAll(tenantId);
  ${D.e}CountCache.set(tenantId, rows.length);
  return rows.length;
}`);
    },
  },
  {
    id: "nodeCacheShared",
    gen(f, D, rng) {
      f.values("@/infra/cache", "localCache");
      keysFor(f, D, "ListKey");
      const ttl = rng.chance(0.5) ? `, ${rng.pick(TTLS)}` : "";
      f.method(`async listCached(tenantId: string, page: number): Promise<${D.E}[]> {
  const key = ${D.e}ListKey(tenantId, page);
  const cached = localCache.get<${D.E}[]>(key);
  if (cached) {
    return cached;
  }
  const rows = await this.repository.findAll(tenantId);
  const slice = rows.slice(page * 25, (page + 1) * 25);
  localCache.set(key, slice${ttl});
  return slice;
}`);
    },
  },
  {
    id: "keyv",
    gen(f, D) {
      f.values("@/infra/cache", "keyv");
      f.values(D.mod.utils, `format${D.E}Label`);
      f.method(`async getLabelCached(id: string): Promise<string> {
  const key = \`${D.e}:label:\${id}\`;
  const cached = await keyv.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const entity = await this.get(id);
  const label = format${D.E}Label(entity);
  await keyv.set(key, label, 60_000);
  return label;
}`);
    },
  },
  {
    id: "pMemoizeCtor",
    gen(f, D, rng) {
      f.use("p-memoize", "pMemoize", "default");
      f.values("@/shared/errors", "NotFoundError");
      f.cls.fields.push(`private readonly loadCached: (id: string) => Promise<${D.E} | null>;`);
      const opts = rng.chance(0.5) ? ", { cacheKey: ([id]) => id }" : "";
      f.cls.ctorBody.push(`this.loadCached = pMemoize((id: string) => this.repository.findById(id)${opts});`);
      f.method(`async getMemoized(id: string): Promise<${D.E}> {
  const entity = await this.loadCached(id);
  if (!entity) {
    throw new NotFoundError("${D.label}", id);
  }
  return entity;
}`);
    },
  },
  {
    id: "pMemoizeTop",
    gen(f, D) {
      f.use("p-memoize", "pMemoize", "default");
      f.values("@/utils/async", "delay");
      f.values("@/utils/numbers", "roundTo");
      f.top.push(`const fetch${D.E}Rate = pMemoize(
  async (currency: string): Promise<number> => {
    await delay(5);
    return currency.length === 3 ? 1 + currency.charCodeAt(0) / 1000 : 1;
  },
  { cacheKey: ([currency]) => currency.toUpperCase() },
);`);
      f.method(`async valueIn(id: string, currency: string): Promise<number> {
  const entity = await this.get(id);
  const rate = await fetch${D.E}Rate(currency);
  return roundTo(entity.${D.num.name} * rate, 2);
}`);
    },
  },
  {
    id: "memoize",
    gen(f, D, rng, ctx) {
      useMemoize(f, ctx);
      f.top.push(
        `const normalize${D.E}Name = memoize((name: string): string => name.trim().toLowerCase().replace(/\\s+/g, " "));`,
      );
      f.method(`async findByNormalizedName(tenantId: string, name: string): Promise<${D.E} | undefined> {
  const target = normalize${D.E}Name(name);
  const rows = await this.repository.findAll(tenantId);
  return rows.find((row) => normalize${D.E}Name(row.name) === target);
}`);
    },
  },
  {
    id: "memoizeImpure",
    gen(f, D, rng, ctx) {
      useMemoize(f, ctx);
      f.top.push(
        `const ${D.e}IsFresh = memoize((updatedAtMs: number): boolean => Date.now() - updatedAtMs < 15 * 60_000);`,
      );
      f.method(`async listFresh(tenantId: string): Promise<${D.E}[]> {
  const rows = await this.repository.findAll(tenantId);
  return rows.filter((row) => ${D.e}IsFresh(row.updatedAt.getTime()));
}`);
    },
  },
  {
    id: "redisReadThrough",
    gen(f, D, rng) {
      f.values("@/infra/redis", "redis");
      keysFor(f, D, "Key");
      f.method(`async getViaRedis(id: string): Promise<${D.E}> {
  const key = ${D.e}Key(id);
  const cached = await redis.get(key);
  if (cached !== null) {
    return JSON.parse(cached) as ${D.E};
  }
  const entity = await this.get(id);
  await redis.set(key, JSON.stringify(entity), "EX", ${rng.pick(TTLS)});
  return entity;
}`);
    },
  },
  {
    id: "redisInvalidate",
    gen(f, D) {
      f.values("@/infra/redis", "redis");
      f.types(D.mod.types, `Update${D.E}Input`);
      keysFor(f, D, "Key");
      f.method(`async updateAndEvict(id: string, patch: Update${D.E}Input): Promise<${D.E}> {
  const updated = await this.update(id, patch);
  await redis.del(${D.e}Key(id));
  return updated;
}`);
    },
  },
  {
    id: "redisNoTtl",
    gen(f, D) {
      f.values("@/infra/redis", "redis");
      f.method(`async publishSnapshot(tenantId: string): Promise<number> {
  const rows = await this.repository.findAll(tenantId);
  await redis.set(\`${D.e}:snapshot:\${tenantId}\`, JSON.stringify(rows.map((row) => row.id)));
  return rows.length;
}`);
    },
  },
  {
    id: "nodeRedis",
    gen(f, D, rng) {
      f.values("@/infra/redis", "ensureRedisClient");
      f.method(`async rememberLastViewed(userId: string, id: string): Promise<void> {
  const client = await ensureRedisClient();
  await client.set(\`${D.e}:last-viewed:\${userId}\`, id, { EX: ${rng.pick(TTLS)} });
}`);
      f.method(`async lastViewed(userId: string): Promise<${D.E} | null> {
  const client = await ensureRedisClient();
  const id = await client.get(\`${D.e}:last-viewed:\${userId}\`);
  return id ? this.repository.findById(id) : null;
}`);
    },
  },
];

function genService(rng, D, target, withCache, related) {
  const { E } = D;
  const f = new TsFile(`src/domains/${D.dir}/${D.dir}.service.ts`);
  f.types("@/infra/logger", "Logger");
  f.types(D.mod.types, E, `Create${E}Input`, `Update${E}Input`);
  f.values("@/shared/errors", "NotFoundError");
  f.values("@/utils/ids", "generateId");
  f.use(D.mod.repo, `${E}Repository`, "type");
  const c = f.klass(`export class ${E}Service`);
  c.ctorParams.push(`private readonly repository: ${E}Repository`, "private readonly logger: Logger");
  f.method(`async get(id: string): Promise<${E}> {
  const found = await this.repository.findById(id);
  if (!found) {
    throw new NotFoundError("${D.label}", id);
  }
  return found;
}`);
  f.method(`list(tenantId: string): Promise<${E}[]> {
  return this.repository.findAll(tenantId);
}`);
  f.method(`async create(input: Create${E}Input): Promise<${E}> {
  const now = new Date();
  const entity: ${E} = {
    id: generateId("${D.idPrefix}"),
    tenantId: input.tenantId,
    name: input.name,
    status: "${D.statuses[0]}",
    tags: input.tags ?? [],
    createdAt: now,
    updatedAt: now,
${D.fields.map((x) => `    ${x.name}: input.${x.name},`).join("\n")}
  };
  const saved = await this.repository.insert(entity);
  this.logger.info("${D.label} created", { id: saved.id, tenantId: saved.tenantId });
  return saved;
}`);
  f.method(`async update(id: string, patch: Update${E}Input): Promise<${E}> {
  const updated = await this.repository.update(id, patch);
  if (!updated) {
    throw new NotFoundError("${D.label}", id);
  }
  this.logger.info("${D.label} updated", { id, fields: Object.keys(patch).join(",") });
  return updated;
}`);
  f.method(`async remove(id: string): Promise<void> {
  const removed = await this.repository.remove(id);
  if (!removed) {
    throw new NotFoundError("${D.label}", id);
  }
  this.logger.info("${D.label} removed", { id });
}`);
  const ctx = { related, memoFlavor: rng.chance(0.4) ? "lodash-es" : "lodash" };
  if (withCache) {
    for (const t of rng.sample(SERVICE_CACHE, rng.int(1, 3))) {
      t.gen(f, D, rng, ctx);
      D.svc.add(t.id);
      f.cacheSites++;
    }
  }
  for (const id of fill(rng, f, D, SERVICE_EXTRAS, target, ctx)) D.svc.add(id);
  return f;
}

// ---------------------------------------------------------------------------
// controller.ts
// ---------------------------------------------------------------------------

const CONTROLLER_EXTRAS = [
  {
    id: "stats",
    when: (D) => D.svc.has("computeStats"),
    route: ["GET", "/stats", "stats"],
    gen(f, D) {
      f.values("@/shared/http", "tenantFrom", "badRequest", "okResponse");
      f.method(`async stats(req: HttpRequest): Promise<HttpResponse> {
  const tenantId = tenantFrom(req);
  if (!tenantId) {
    return badRequest("missing x-tenant-id header");
  }
  try {
    return okResponse(await this.service.computeStats(tenantId));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "exportCsv",
    when: (D) => D.svc.has("exportCsv"),
    route: ["GET", "/export.csv", "exportCsv"],
    gen(f, D) {
      f.values("@/shared/http", "tenantFrom", "badRequest");
      f.method(`async exportCsv(req: HttpRequest): Promise<HttpResponse> {
  const tenantId = tenantFrom(req);
  if (!tenantId) {
    return badRequest("missing x-tenant-id header");
  }
  try {
    const csv = await this.service.exportCsv(tenantId);
    return { status: 200, body: csv, headers: { "content-type": "text/csv; charset=utf-8" } };
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "transition",
    when: (D) => D.svc.has("transition"),
    route: ["POST", "/:id/transition", "transition"],
    gen(f, D) {
      f.values("@/shared/http", "badRequest", "okResponse");
      f.values("@/shared/validation", "isRecord");
      f.values(D.mod.types, `is${D.E}Status`);
      f.values(D.mod.utils, `to${D.E}Dto`);
      f.method(`async transition(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  const body: Record<string, unknown> = isRecord(req.body) ? req.body : {};
  const status = body["status"];
  if (!id || !is${D.E}Status(status)) {
    return badRequest("id and a valid status are required");
  }
  try {
    const entity = await this.service.transition(id, status);
    return okResponse(to${D.E}Dto(entity));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "bulkStatus",
    when: (D) => D.svc.has("bulkUpdateStatus"),
    route: ["POST", "/bulk/status", "bulkStatus"],
    gen(f, D) {
      f.values("@/shared/http", "badRequest", "okResponse");
      f.values("@/shared/validation", "isRecord", "toStringArray");
      f.values(D.mod.types, `is${D.E}Status`);
      f.method(`async bulkStatus(req: HttpRequest): Promise<HttpResponse> {
  if (!isRecord(req.body)) {
    return badRequest("body must be an object");
  }
  const ids = toStringArray(req.body["ids"]);
  const status = req.body["status"];
  if (ids.length === 0 || !is${D.E}Status(status)) {
    return badRequest("ids and a valid status are required");
  }
  try {
    return okResponse(await this.service.bulkUpdateStatus(ids, status));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "search",
    when: (D) => D.svc.has("search"),
    route: ["GET", "/search", "search"],
    gen(f, D) {
      f.values("@/shared/http", "tenantFrom", "badRequest", "okResponse");
      f.values("@/shared/validation", "parseIntParam");
      f.method(`async search(req: HttpRequest): Promise<HttpResponse> {
  const tenantId = tenantFrom(req);
  const query = req.query["q"] ?? "";
  if (!tenantId || query.trim().length < 2) {
    return badRequest("tenant and a query of at least two characters are required");
  }
  const limit = Math.min(parseIntParam(req.query["limit"], 20), 100);
  try {
    return okResponse(await this.service.search(tenantId, query, limit));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "toggle",
    each: (D) => boolFields(D).filter((x) => D.svc.has(`toggle:${x.name}`)),
    routeFor: (x) => ["POST", `/:id/toggle-${kebab(x.name)}`, `toggle${x.P}`],
    gen(f, D, x) {
      f.values("@/shared/http", "badRequest", "okResponse");
      f.values(D.mod.utils, `to${D.E}Dto`);
      f.method(`async toggle${x.P}(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  if (!id) {
    return badRequest("missing id");
  }
  try {
    const entity = await this.service.toggle${x.P}(id);
    return okResponse(to${D.E}Dto(entity));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "summary",
    when: (D) => D.svc.has("summarize"),
    route: ["GET", "/:id/summary", "summary"],
    gen(f, D) {
      f.values("@/shared/http", "badRequest", "okResponse");
      f.method(`async summary(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  if (!id) {
    return badRequest("missing id");
  }
  try {
    const entity = await this.service.get(id);
    return okResponse(this.service.summarize(entity));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "cachedSummary",
    when: (D) => D.svc.has("lruLocal"),
    route: ["GET", "/:id/summary-cached", "cachedSummary"],
    gen(f, D) {
      f.values("@/shared/http", "badRequest", "okResponse");
      f.method(`async cachedSummary(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  if (!id) {
    return badRequest("missing id");
  }
  try {
    return okResponse(await this.service.getSummary(id));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "stale",
    when: (D) => D.svc.has("findStale"),
    route: ["GET", "/stale", "stale"],
    gen(f, D) {
      f.values("@/shared/http", "tenantFrom", "badRequest", "okResponse");
      f.values("@/shared/validation", "parseIntParam");
      f.values(D.mod.utils, `to${D.E}Dto`);
      f.method(`async stale(req: HttpRequest): Promise<HttpResponse> {
  const tenantId = tenantFrom(req);
  if (!tenantId) {
    return badRequest("missing x-tenant-id header");
  }
  const days = parseIntParam(req.query["days"], 30);
  try {
    const rows = await this.service.findStale(tenantId, days);
    return okResponse(rows.map(to${D.E}Dto));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "duplicate",
    when: (D) => D.svc.has("duplicate"),
    route: ["POST", "/:id/duplicate", "duplicate"],
    gen(f, D) {
      f.values("@/shared/http", "badRequest", "created");
      f.values(D.mod.utils, `to${D.E}Dto`);
      f.method(`async duplicate(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  if (!id) {
    return badRequest("missing id");
  }
  try {
    const copy = await this.service.duplicate(id);
    return created(to${D.E}Dto(copy));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
  {
    id: "filtered",
    route: ["GET", "/filtered", "filtered"],
    gen(f, D) {
      f.values("@/shared/http", "tenantFrom", "badRequest", "okResponse");
      f.values(D.mod.validators, `validate${D.E}Filter`);
      f.values(D.mod.utils, `to${D.E}Dto`);
      f.method(`async filtered(req: HttpRequest): Promise<HttpResponse> {
  const tenantId = tenantFrom(req);
  if (!tenantId) {
    return badRequest("missing x-tenant-id header");
  }
  const filter = validate${D.E}Filter(req.query);
  if (!filter.ok) {
    return badRequest(filter.error.join("; "));
  }
  try {
    const rows = await this.service.list(tenantId);
    const { status, tag, search } = filter.value;
    const matching = rows.filter(
      (row) =>
        (status === undefined || row.status === status) &&
        (tag === undefined || row.tags.includes(tag)) &&
        (search === undefined || row.name.toLowerCase().includes(search.toLowerCase())),
    );
    return okResponse(matching.map(to${D.E}Dto));
  } catch (error) {
    return handleError(error);
  }
}`);
    },
  },
];

function genController(rng, D, target) {
  const { E } = D;
  const f = new TsFile(`src/domains/${D.dir}/${D.dir}.controller.ts`);
  f.types("@/shared/http", "HttpRequest", "HttpResponse", "RouteDefinition");
  f.values("@/shared/http", "badRequest", "created", "handleError", "noContent", "okResponse", "tenantFrom");
  f.values("@/shared/pagination", "paginate");
  f.values("@/shared/validation", "parseIntParam");
  f.values(D.mod.types, `DEFAULT_${D.U}_PAGE_SIZE`);
  f.values(D.mod.utils, `to${E}Dto`);
  f.values(D.mod.validators, `validateCreate${E}Input`, `validateUpdate${E}Input`);
  f.use(D.mod.service, `${E}Service`, "type");
  const c = f.klass(`export class ${E}Controller`);
  c.ctorParams.push(`private readonly service: ${E}Service`);
  const routes = [
    ["GET", "/:id", "getOne"],
    ["GET", "", "list"],
    ["POST", "", "create"],
    ["PATCH", "/:id", "update"],
    ["DELETE", "/:id", "remove"],
  ];
  f.method(`async getOne(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  if (!id) {
    return badRequest("missing id");
  }
  try {
    const entity = await this.service.get(id);
    return okResponse(to${E}Dto(entity));
  } catch (error) {
    return handleError(error);
  }
}`);
  f.method(`async list(req: HttpRequest): Promise<HttpResponse> {
  const tenantId = tenantFrom(req);
  if (!tenantId) {
    return badRequest("missing x-tenant-id header");
  }
  const page = parseIntParam(req.query["page"], 0);
  const pageSize = Math.min(parseIntParam(req.query["pageSize"], DEFAULT_${D.U}_PAGE_SIZE), 100);
  try {
    const rows = await this.service.list(tenantId);
    return okResponse(paginate(rows.map(to${E}Dto), page, pageSize));
  } catch (error) {
    return handleError(error);
  }
}`);
  f.method(`async create(req: HttpRequest): Promise<HttpResponse> {
  const parsed = validateCreate${E}Input(req.body);
  if (!parsed.ok) {
    return badRequest(parsed.error.join("; "));
  }
  try {
    const entity = await this.service.create(parsed.value);
    return created(to${E}Dto(entity));
  } catch (error) {
    return handleError(error);
  }
}`);
  f.method(`async update(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  if (!id) {
    return badRequest("missing id");
  }
  const parsed = validateUpdate${E}Input(req.body);
  if (!parsed.ok) {
    return badRequest(parsed.error.join("; "));
  }
  try {
    const entity = await this.service.update(id, parsed.value);
    return okResponse(to${E}Dto(entity));
  } catch (error) {
    return handleError(error);
  }
}`);
  f.method(`async remove(req: HttpRequest): Promise<HttpResponse> {
  const id = req.params["id"];
  if (!id) {
    return badRequest("missing id");
  }
  try {
    await this.service.remove(id);
    return noContent();
  } catch (error) {
    return handleError(error);
  }
}`);
  // routes() is rendered last but counted up front (~3 lines per route).
  const instances = [];
  for (const t of CONTROLLER_EXTRAS) {
    if (t.when && !t.when(D)) continue;
    for (const p of t.each ? t.each(D) : [null]) instances.push([t, p]);
  }
  for (const [t, p] of rng.shuffle(instances)) {
    if (f.lines() + routes.length + 5 >= target) break;
    t.gen(f, D, p);
    routes.push(p ? t.routeFor(p) : t.route);
  }
  const routeLines = routes
    .map(
      ([method, path, name]) =>
        `    { method: "${method}", path: "/${D.route}${path}", handler: (req) => this.${name}(req) },`,
    )
    .join("\n");
  c.methods.unshift(`routes(): RouteDefinition[] {
  return [
${routeLines}
  ];
}`);
  return f;
}

// ---------------------------------------------------------------------------
// events.ts (optional)
// ---------------------------------------------------------------------------

function genEvents(rng, D, withCache) {
  const { E, e } = D;
  const f = new TsFile(`src/domains/${D.dir}/${D.dir}.events.ts`);
  f.use("node:events", "EventEmitter");
  f.types(D.mod.types, `${E}Event`, `${E}Status`);
  f.top.push(`export type ${E}EventType = ${E}Event["type"];

export type ${E}EventHandler = (event: ${E}Event) => void;`);
  const c = f.klass(`export class ${E}EventBus`);
  c.fields.push("private readonly emitter = new EventEmitter();", `private readonly history: ${E}Event[] = [];`);
  c.ctorParams.push("private readonly historyLimit = 500");
  if (withCache) {
    f.use("lru-cache", "LRUCache");
    f.cacheSites++;
    const opts = rng.chance(0.5) ? "{ max: 10_000, ttl: 10 * 60_000 }" : "{ max: 10_000 }";
    c.fields.push(`private readonly seen = new LRUCache<string, true>(${opts});`);
  }
  f.method(`on(type: ${E}EventType, handler: ${E}EventHandler): () => void {
  this.emitter.on(type, handler);
  return () => {
    this.emitter.off(type, handler);
  };
}`);
  const dedupe = withCache
    ? `  const dedupeKey = \`\${event.type}:\${event.id}:\${event.at.getTime()}\`;
  if (this.seen.has(dedupeKey)) {
    return false;
  }
  this.seen.set(dedupeKey, true);
`
    : "";
  f.method(`emit(event: ${E}Event): boolean {
${dedupe}  this.history.push(event);
  if (this.history.length > this.historyLimit) {
    this.history.splice(0, this.history.length - this.historyLimit);
  }
  return this.emitter.emit(event.type, event);
}`);
  f.method(`recent(limit = 20, tenantId?: string): ${E}Event[] {
  const filtered = tenantId === undefined ? this.history : this.history.filter((event) => event.tenantId === tenantId);
  return filtered.slice(-limit).reverse();
}`);
  f.method(`countByType(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of this.history) {
    counts[event.type] = (counts[event.type] ?? 0) + 1;
  }
  return counts;
}`);
  f.method(`clear(): void {
  this.history.length = 0;
  this.emitter.removeAllListeners();
}`);
  f.bottom.push(`export function describe${E}Event(event: ${E}Event): string {
  switch (event.type) {
    case "${e}.created":
      return \`${D.label} \${event.id} created for tenant \${event.tenantId}\`;
    case "${e}.updated":
      return \`${D.label} \${event.id} updated (\${event.changes.join(", ")})\`;
    case "${e}.status_changed":
      return \`${D.label} \${event.id} moved from \${event.from} to \${event.to}\`;
    case "${e}.deleted":
      return \`${D.label} \${event.id} deleted\`;
  }
}`);
  f.bottom
    .push(`export function ${e}StatusChanged(id: string, tenantId: string, from: ${E}Status, to: ${E}Status): ${E}Event {
  return { type: "${e}.status_changed", id, tenantId, from, to, at: new Date() };
}`);
  f.bottom.push(`export function ${e}Updated(id: string, tenantId: string, changes: string[]): ${E}Event {
  return { type: "${e}.updated", id, tenantId, changes, at: new Date() };
}`);
  return f;
}

// ---------------------------------------------------------------------------
// keys.ts, registries, main.ts
// ---------------------------------------------------------------------------

function genKeys(domains) {
  const f = new TsFile("src/cache/keys.ts");
  f.top.push(`export const KEY_VERSION = "v3";

export function buildKey(...parts: Array<string | number>): string {
  return [KEY_VERSION, ...parts.map((part) => String(part))].join(":");
}`);
  for (const D of domains.filter((d) => d.cached)) {
    f.top.push(`export const ${D.e}Key = (id: string): string => buildKey("${D.e}", id);
export const ${D.e}ListKey = (tenantId: string, page: number): string => buildKey("${D.e}", "list", tenantId, page);
export const ${D.e}StatsKey = (tenantId: string): string => buildKey("${D.e}", "stats", tenantId);
export const ${D.e}HashKey = (id: string): string => buildKey("${D.e}", "h", id);`);
  }
  return f;
}

function genRegistry(n, group) {
  const f = new TsFile(`src/app/modules-${n}.ts`);
  f.types("@/shared/db", "Database");
  f.types("@/infra/logger", "Logger");
  f.types("@/shared/http", "RouteDefinition");
  const body = [];
  for (const D of group) {
    f.values(D.mod.repo, `${D.E}Repository`);
    f.values(D.mod.service, `${D.E}Service`);
    f.values(D.mod.controller, `${D.E}Controller`);
    body.push(`  const ${D.e}Service = new ${D.E}Service(new ${D.E}Repository(db), logger.child({ module: "${D.label}" }));
  routes.push(...new ${D.E}Controller(${D.e}Service).routes());`);
  }
  f.top.push(`export function registerModules${n}(db: Database, logger: Logger): RouteDefinition[] {
  const routes: RouteDefinition[] = [];
${body.join("\n")}
  return routes;
}`);
  return f;
}

function genMain(groupCount) {
  const f = new TsFile("src/main.ts");
  f.values("@/shared/db", "Database");
  f.values("@/infra/logger", "createLogger");
  f.values("@/infra/config", "loadConfig");
  f.values("@/shared/http", "matchPath", "notFound");
  f.types("@/shared/http", "HttpRequest", "HttpResponse", "RouteDefinition");
  const calls = [];
  for (let i = 1; i <= groupCount; i++) {
    f.values(`@/app/modules-${i}`, `registerModules${i}`);
    calls.push(`    ...registerModules${i}(db, logger),`);
  }
  f.top.push(`export interface App {
  routes: RouteDefinition[];
  handle(req: HttpRequest): Promise<HttpResponse>;
}

export function buildApp(): App {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { service: "synthetic-backend", env: config.env });
  const db = new Database();
  const routes: RouteDefinition[] = [
${calls.join("\n")}
  ];
  logger.info("routes registered", { count: routes.length });
  return {
    routes,
    handle(req: HttpRequest): Promise<HttpResponse> {
      for (const route of routes) {
        if (route.method !== req.method) {
          continue;
        }
        const params = matchPath(route.path, req.path);
        if (params) {
          return route.handler({ ...req, params: { ...req.params, ...params } });
        }
      }
      return Promise.resolve(notFound(\`no route for \${req.method} \${req.path}\`));
    },
  };
}`);
  return f;
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

export function generateProject({ lines = 100_000, out, seed = 1, quiet = false } = {}) {
  const outDir = resolve(out ?? join(REPO_ROOT, "bench", ".generated", `project-${lines}`));
  const rng = new Rng(seed * 1_000_003 + 17);
  const files = new Map();
  let total = 0;
  const add = (path, content) => {
    files.set(path, content);
    total += lineCount(content) - 1;
  };
  for (const [path, content] of Object.entries(sharedFiles())) add(path, content);
  const stats = { files: 0, cacheFiles: 0, cacheSites: 0 };
  const addFile = (file) => {
    add(file.path, file.render());
    if (file.cacheSites > 0) {
      stats.cacheFiles++;
      stats.cacheSites += file.cacheSites;
    }
  };

  const reserve = 600; // keys.ts, registries and main.ts
  const domains = [];
  const AVG_DOMAIN = 1400;
  while (total + reserve < lines) {
    const D = makeDomain(rng, domains.length);
    domains.push(D);
    const remaining = lines - reserve - total;
    const scale = remaining < AVG_DOMAIN ? Math.max(0.35, remaining / AVG_DOMAIN) : 1;
    const size = (min, max) => Math.round(rng.int(min, max) * scale);
    const related = domains.length > 1 ? rng.sample(domains.slice(0, -1), Math.min(2, domains.length - 1)) : [];
    addFile(genTypes(D));
    addFile(genValidators(rng, D, size(130, 230)));
    addFile(genUtils(rng, D, size(150, 340), rng.chance(0.15)));
    addFile(genRepository(rng, D, size(160, 320), rng.chance(0.3)));
    addFile(genService(rng, D, size(200, 400), rng.chance(0.35), related));
    addFile(genController(rng, D, size(150, 300)));
    if (rng.chance(0.45)) addFile(genEvents(rng, D, rng.chance(0.3)));
  }
  addFile(genKeys(domains));
  const GROUP = 40;
  let groups = 0;
  for (let i = 0; i < domains.length; i += GROUP) {
    groups++;
    addFile(genRegistry(groups, domains.slice(i, i + GROUP)));
  }
  addFile(genMain(groups));
  stats.files = files.size;

  // Write (only ever delete a directory this generator created).
  if (existsSync(outDir)) {
    if (!existsSync(join(outDir, MARKER))) {
      throw new Error(`refusing to overwrite ${outDir}: it was not created by this generator (no ${MARKER})`);
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
  for (const [path, content] of files) {
    const abs = join(outDir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  writeFileSync(
    join(outDir, "tsconfig.json"),
    `${JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022"],
          types: ["node"],
          skipLibCheck: true,
          noEmit: true,
        },
        include: ["src"],
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(outDir, "package.json"),
    `${JSON.stringify({ name: `synthetic-backend-${lines}`, version: "0.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  const generatorHash = createHash("sha256")
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest("hex")
    .slice(0, 16);
  const meta = {
    generatorVersion: GENERATOR_VERSION,
    generatorHash,
    seed,
    requestedLines: lines,
    lines: total,
    files: stats.files,
    domains: domains.length,
    cacheFiles: stats.cacheFiles,
    cacheFilePercent: Math.round((stats.cacheFiles / stats.files) * 1000) / 10,
    cacheSites: stats.cacheSites,
    cachedDomains: domains.filter((d) => d.cached).length,
  };
  writeFileSync(join(outDir, MARKER), `${JSON.stringify(meta, null, 2)}\n`);
  if (!quiet) {
    console.log(
      `generated ${outDir}: ${meta.files} files, ${meta.lines} lines, ${meta.domains} domains, ` +
        `${meta.cacheFiles} files (${meta.cacheFilePercent}%) with ${meta.cacheSites} cache sites`,
    );
  }
  return { outDir, meta };
}

export function generatorHash() {
  return createHash("sha256")
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest("hex")
    .slice(0, 16);
}

export const PROJECT_MARKER = MARKER;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      lines: { type: "string", default: "100000" },
      out: { type: "string" },
      seed: { type: "string", default: "1" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log("usage: node bench/analyzer/generate-project.mjs [--lines 100000] [--out DIR] [--seed 1] [--quiet]");
    process.exit(0);
  }
  const lines = Number.parseInt(values.lines, 10);
  const seed = Number.parseInt(values.seed, 10);
  if (!Number.isInteger(lines) || lines < 5_000) {
    console.error("--lines must be an integer >= 5000");
    process.exit(2);
  }
  if (!Number.isInteger(seed)) {
    console.error("--seed must be an integer");
    process.exit(2);
  }
  generateProject({ lines, out: values.out, seed, quiet: values.quiet });
}
