// require-cache-ttl on a class that is given a TTL and never passes it to its writes (issue 13, recall: a schema
// cache whose configured TTL had no effect). Written in our own words: each reported case beside twins that stay
// silent because the TTL reaches the store, the class uses it itself, or the held object takes no TTL or is no cache.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** A project store with a per-entry TTL on `set` (seconds, 300 by default), a read and a delete. */
const TENANT_STORE = [
  "export class TenantStore {",
  "  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();",
  "  get(key: string) {",
  "    const entry = this.entries.get(key);",
  "    return entry && entry.expiresAt > Date.now() ? entry.value : undefined;",
  "  }",
  "  set(key: string, value: unknown, ttlSeconds = 300) {",
  "    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });",
  "  }",
  "  delete(key: string) {",
  "    this.entries.delete(key);",
  "  }",
  "}",
];

const PRICE_BOOK_HEAD = [
  ...TENANT_STORE,
  "export class PriceBook {",
  "  constructor(private readonly store: TenantStore, private readonly ttlSeconds: number) {}",
  "  async refresh(prices: number[]) {",
  "    if (this.ttlSeconds <= 0) return;",
];

ruleTester.run("require-cache-ttl", rules["require-cache-ttl"]!, {
  valid: [
    {
      name: "the write passes the TTL the class was given",
      filename: FILENAME,
      code: lines(...PRICE_BOOK_HEAD, '    this.store.set("prices", prices, this.ttlSeconds);', "  }", "}"),
    },
    {
      name: "the class uses its TTL itself: a deadline stored with the value",
      filename: FILENAME,
      code: lines(
        ...PRICE_BOOK_HEAD,
        '    this.store.set("prices", { prices, until: Date.now() + this.ttlSeconds * 1000 });',
        "  }",
        "}",
      ),
    },
    {
      name: "the held store's write takes no TTL",
      filename: FILENAME,
      code: lines(
        "export class Shelf {",
        "  private readonly items = new Map<string, unknown>();",
        "  get(key: string) { return this.items.get(key); }",
        "  set(key: string, value: unknown) { this.items.set(key, value); }",
        "  delete(key: string) { this.items.delete(key); }",
        "}",
        "export class Catalogue {",
        "  constructor(private readonly shelf: Shelf, private readonly ttl: number) {}",
        "  put(items: string[]) {",
        "    if (!this.ttl) return;",
        '    this.shelf.set("items", items);',
        "  }",
        "}",
      ),
    },
    {
      name: "a base class: a subclass may pass the TTL on",
      filename: FILENAME,
      code: lines(
        ...PRICE_BOOK_HEAD,
        '    this.store.set("prices", prices);',
        "  }",
        "}",
        "export class DatedPriceBook extends PriceBook {",
        "  constructor(store: TenantStore, private readonly lifetimeTtl: number) {",
        "    super(store, lifetimeTtl);",
        "  }",
        "}",
      ),
    },
    {
      name: "the held object writes with a retention but is no cache (nothing reads or deletes)",
      filename: FILENAME,
      code: lines(
        "export class Journal {",
        "  readonly lines: string[] = [];",
        "  set(event: string, detail: unknown, ttl: number) { this.lines.push(`${event} ${String(detail)} ${ttl}`); }",
        "}",
        "export class Recorder {",
        "  constructor(private readonly journal: Journal, private readonly ttl: number) {}",
        "  note(detail: string) {",
        "    if (this.ttl > 0) this.journal.set('note', detail);",
        "  }",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a TTL kept in a parameter property, only tested, and left out of the store's write",
      filename: FILENAME,
      code: lines(...PRICE_BOOK_HEAD, '    this.store.set("prices", prices);', "  }", "}"),
      errors: [{ messageId: "classTtlUnused", line: 18, column: 5 }],
    },
    {
      name: "a store reached through the arguments the class is constructed with",
      filename: FILENAME,
      code: lines(
        ...TENANT_STORE,
        "class HolidayCache {",
        "  private ttl: number;",
        "  private store: any;",
        "  constructor(store: any, ttl = 3600) {",
        "    this.ttl = Number(ttl);",
        "    this.store = store;",
        "  }",
        "  save(days: string[]) {",
        "    if (!this.ttl) return;",
        '    return this.store.set("holidays", days);',
        "  }",
        "}",
        "export const holidays = new HolidayCache(new TenantStore(), 600);",
      ),
      errors: [{ messageId: "classTtlUnused", line: 23, column: 12 }],
    },
  ],
});
