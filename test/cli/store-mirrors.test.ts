// A project key-value store recognised as a cache's source of truth by the key the cache shares with it
// (test/fixtures/store-mirrors, also in test/parity/store-mirrors.test.ts): what the finding says, and what the
// family inventory lists as the family's entity.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, runCliCaptured } from "../helpers";

const PROJECT = path.join(FIXTURES, "store-mirrors");

interface Message {
  ruleId: string | null;
  line: number;
  message: string;
}

describe("cache families that mirror a key-value store's keys", () => {
  it("says that the store was recognised by the key the cache shares with it", () => {
    const run = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    const admin = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).find((result) =>
      result.filePath.endsWith("admin.js"),
    )!;
    assert.deepEqual(
      admin.messages.map((message) => `${message.line} ${message.message}`),
      [
        "23 `store.deleteKeys` writes the key `team:{name}:members`, and the cache family `cache team:{name}:members` keeps a copy of that key: it is filled with what `store.getListItems` reads under the same key at src/teams/members.js:9, which makes this store its source of truth. Nothing on this path invalidates `cache team:{name}:members`: readers see the old value until the entry is evicted (max 5000 entries). Delete `cache team:{name}:members` after the write, here or in a function this path calls.",
      ],
    );
  });

  it("says which fill holds the store's own value under the key another fill computes", () => {
    const run = runCliCaptured(["check", ".", "--format", "json"], PROJECT);
    const tree = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).find((result) =>
      result.filePath.endsWith("tree.js"),
    )!;
    assert.deepEqual(
      tree.messages.map((message) => `${message.line} ${message.message}`),
      [
        "40 This fill writes `team:{team}:children` with a value it computes from what `store.getListItems` reads, but `cache team:root:children` is filled under the same keys with what `store.getListItems` reads under the key itself (src/teams/tree.js:14): two different values under one key, so a read gets whichever was cached first. Give this value a key of its own.",
      ],
    );
  });

  it("lists the store's key as the entity of the mirroring family only", () => {
    const families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], PROJECT).stdout) as Array<{
      pattern: string;
      entities: Array<{ name?: string; displayName?: string } | string>;
      invalidations: Array<{ location: string }>;
    }>;
    const members = families.find((family) => family.pattern === "team:{name}:members")!;
    const size = families.find((family) => family.pattern === "team:{name}:size")!;
    assert.equal(JSON.stringify(members.entities).includes("store.getListItems team:{name}:members"), true);
    assert.deepEqual(size.entities, []);
    // `cache.del(names.map(…))` is read as a delete of each key of the list.
    assert.deepEqual(
      members.invalidations.map((ref) => ref.location),
      ["src/teams/mixins/admin.js:8", "src/teams/mixins/join.js:15"],
    );
  });
});
