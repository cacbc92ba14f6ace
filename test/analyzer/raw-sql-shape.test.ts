// Raw SQL recognised by the statement's text on a receiver no known driver backs, and kv.js reached through the global
// object: the facts extraction records (the rules' view is in test/eslint-plugin/raw-sql-service.test.ts and
// test/parity/raw-sql-service.test.ts).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { createProgram, createDefaultProject, ts } from "../../analyzer/src/cli/load-projects";
import { extractFileModel } from "../../analyzer/src/extract/extract-file";
import { isSqlStatement } from "../../analyzer/src/extract/entities/sql";
import type { ExtractionHost } from "../../analyzer/src/extract/host";
import { writeProject } from "../helpers";

describe("SQL statements by their shape", () => {
  it("takes whole statements, in capitals or in lower case, after comments", () => {
    for (const text of [
      "UPDATE `user` SET `email` = ?, `token` = NULL WHERE `id` = ?",
      "update users u set name = $1 where u.id = $2",
      "DELETE FROM sessions WHERE user_id = ?",
      "INSERT IGNORE INTO audit_log (user_id, action) VALUES (?, ?)",
      "REPLACE INTO settings SET name = ?, value = ?",
      "SELECT id, name FROM apps WHERE uid = ? LIMIT 1",
      "-- the row as the cache keeps it\n  SELECT * FROM users WHERE id = ?",
    ])
      assert.equal(isSqlStatement(text), true, text);
  });

  it("leaves sentences and fragments that only mention a table", () => {
    for (const text of [
      "Select a file from the list",
      "Update accounts set by an administrator",
      "update the user",
      "Deleted from cache",
      "SELECT 1",
      "user:{id} was updated",
      "WHERE id = ?",
    ])
      assert.equal(isSqlStatement(text), false, text);
  });
});

describe("extraction on a project's own database service and a global kv.js store", () => {
  const dir = writeProject("raw-sql-shape", {
    "src/boot.js": `const Kv = require("@heyputer/kv.js");\nfunction start() {\n  global.store = new Kv();\n}\nmodule.exports = { start };\n`,
    "src/users.js": [
      "async function rename(services, id, name) {",
      '  const db = services.get("database");',
      '  await db.write("UPDATE `users` SET `name` = ? WHERE `id` = ?", [name, id]);',
      '  const rows = await db.read("SELECT * FROM `users` WHERE `id` = ?", [id]);',
      '  db.log("Update users set up by hand", [id]);',
      '  store.set("user:" + id, rows[0], { EX: 90 });',
      "}",
      "module.exports = { rename };",
      "",
    ].join("\n"),
  });
  const files = [path.join(dir, "src", "boot.js"), path.join(dir, "src", "users.js")];
  const program = createProgram(createDefaultProject(files), 1_000_000, []);
  const host = { ts, program, checker: program.getTypeChecker() } as unknown as ExtractionHost;
  const model = extractFileModel(host, program.getSourceFile(files[1]!) as never);

  it("records the statements' tables and columns, with the driver not identified, and nothing for a sentence", () => {
    assert.deepEqual(
      model.entityAccesses.map((access) => ({
        entity: access.entity,
        operation: access.operation,
        action: access.action,
        orm: access.orm,
        fields: access.fields,
        unidentifiedDriver: access.unidentifiedDriver,
        line: access.span.line,
      })),
      [
        {
          entity: "user",
          operation: "write",
          action: "UPDATE",
          orm: "sql",
          fields: ["name"],
          unidentifiedDriver: true,
          line: 3,
        },
        {
          entity: "user",
          operation: "read",
          action: "SELECT",
          orm: "sql",
          fields: undefined,
          unidentifiedDriver: true,
          line: 4,
        },
      ],
    );
  });

  it("reads a bare name as the kv.js store the program assigns to `global.store`, with its `{ EX }` in seconds", () => {
    const write = model.sites.find((site) => site.operation === "write");
    assert.equal(write?.library, "kv-js");
    assert.equal(write?.key?.pattern, "user:{id}");
    assert.deepEqual(write?.ttl, { ...write?.ttl, kind: "set", ms: 90_000 });
  });
});
