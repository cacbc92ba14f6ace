// A project's own database service, looked up at run time, that takes whole SQL statements (`db.write("UPDATE …")`),
// and a kv.js store published on the global object (bench/accuracy/notes/recall-c-pass4.md), in our own words: the
// statement's text says which table is read and written whatever the receiver, and the store is the value the program
// assigns to `globalThis.accountsKv`. A positive beside a twin that stays silent. The CommonJS form (`global.x = …` in
// one module, the bare name in others) is in test/parity/raw-sql-service.test.ts.
import { rules } from "../../eslint-plugin/src/index";
import { FILENAME, createRuleTester, lines } from "./rule-tester";

const ruleTester = createRuleTester();

/** A kv.js store on the global object, and accounts read through the database service and cached for five minutes. */
const accountsCache = [
  'import Kv from "@heyputer/kv.js";',
  "declare global {",
  "  var accountsKv: any;",
  "}",
  "declare const services: { lookup(name: string): any };",
  "export function boot() {",
  "  globalThis.accountsKv = new Kv();",
  "}",
  "export async function findAccount(id: string) {",
  "  const hit = accountsKv.get(`account:${id}`);",
  "  if (hit) return hit;",
  '  const db = services.lookup("database");',
  '  const rows = await db.read("SELECT * FROM accounts WHERE id = ?", [id]);',
  "  accountsKv.set(`account:${id}`, rows[0], { EX: 300 });",
  "  return rows[0];",
  "}",
  "export function forgetAccount(id: string) {",
  "  accountsKv.del(`account:${id}`);",
  "}",
];

ruleTester.run("require-invalidation-on-write", rules["require-invalidation-on-write"]!, {
  valid: [
    {
      name: "an UPDATE through the database service followed by the delete of the cached row",
      filename: FILENAME,
      code: lines(
        ...accountsCache,
        "export async function rename(id: string, name: string) {",
        '  await services.lookup("database").write("UPDATE accounts SET name = ? WHERE id = ?", [name, id]);',
        "  forgetAccount(id);",
        "}",
      ),
    },
    {
      name: "a sentence that starts like an UPDATE is not a statement",
      filename: FILENAME,
      code: lines(
        ...accountsCache,
        "export function announce(log: { write(text: string): void }) {",
        '  log.write("Update accounts set by an administrator");',
        "}",
      ),
    },
    {
      name: "a write to a table no family holds",
      filename: FILENAME,
      code: lines(
        ...accountsCache,
        "export async function audit(id: string) {",
        '  await services.lookup("database").write("INSERT INTO audit_log (account_id) VALUES (?)", [id]);',
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "an UPDATE through the database service that leaves the cached row",
      filename: FILENAME,
      code: lines(
        ...accountsCache,
        "export async function rename(id: string, name: string) {",
        '  await services.lookup("database").write("UPDATE accounts SET name = ? WHERE id = ?", [name, id]);',
        "}",
      ),
      errors: [{ messageId: "missingInvalidation", line: 21 }],
    },
    {
      name: "a DELETE in lower case, a statement all the same",
      filename: FILENAME,
      code: lines(
        ...accountsCache,
        "export async function close(id: string) {",
        '  await services.lookup("database").write("delete from accounts where id = ?", [id]);',
        "}",
      ),
      errors: [{ messageId: "missingInvalidation", line: 21 }],
    },
  ],
});

ruleTester.run("require-cache-ttl", rules["require-cache-ttl"]!, {
  valid: [
    {
      name: "a kv.js write with `{ EX }` expires",
      filename: FILENAME,
      code: lines(...accountsCache),
    },
    {
      name: "a kv.js write with `{ PX }` expires",
      filename: FILENAME,
      code: lines(
        ...accountsCache,
        "export function rememberLocale(id: string, locale: string) {",
        "  accountsKv.set(`locale:${id}`, locale, { PX: 60_000 });",
        "}",
      ),
    },
  ],
  invalid: [
    {
      name: "a kv.js write with no expiry on a store that has none is kept forever",
      filename: FILENAME,
      code: lines(
        ...accountsCache,
        "export function rememberLocale(id: string, locale: string) {",
        "  accountsKv.set(`locale:${id}`, locale);",
        "}",
      ),
      errors: [{ messageId: "inProcessForever", line: 21 }],
    },
  ],
});
