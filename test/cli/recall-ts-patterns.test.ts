// Issue 13, recall on TypeScript services, through the CLI: a callback Redis client whose commands are exported as
// promise functions (`promisify(client.get).bind(client)`, behind a switch that turns caching off, and reached
// through `import * as cache`), a delete of a row's bare field where every family of the store wraps such values in
// a key, a key that leaves out a filter of the query it caches, and a module variable that keeps the value built from
// the first call's arguments for every later call. The fixture test/fixtures/recall-ts is also in
// the parity test, so the ESLint host reports the same findings.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { FIXTURES, runCliCaptured } from "../helpers";

interface Message {
  ruleId: string | null;
  line: number;
  message: string;
}

describe("recall: promisified client commands, bare-value deletes and single-slot caches", () => {
  const dir = path.join(FIXTURES, "recall-ts");
  let messages: Array<{ at: string; message: string }> = [];
  let families: Array<{ pattern: string; invalidations: Array<{ location: string }> }> = [];
  before(() => {
    // The clients' offline-queue and fallback findings are not what this suite is about.
    const run = runCliCaptured(
      [
        "check",
        ".",
        "--format",
        "json",
        "--rule",
        "require-cache-fallback:off",
        "--rule",
        "require-client-timeouts:off",
      ],
      dir,
    );
    messages = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId)
        .map((m) => ({ at: `${m.ruleId} ${path.relative(dir, result.filePath)}:${m.line}`, message: m.message })),
    );
    families = JSON.parse(runCliCaptured(["families", ".", "--format", "json"], dir).stdout) as typeof families;
  });

  it("reports the positive twins and nothing on the negatives", () => {
    assert.deepEqual(messages.map((m) => m.at).sort(), [
      "no-unmatched-invalidation src/accounts/members.ts:22",
      "require-complete-cache-key src/labels/labels.ts:17",
      "require-complete-cache-key src/links/shortcuts.ts:25",
    ]);
  });

  it("reads the exported bound commands as the client's, through a namespace import", () => {
    const member = families.find((family) => family.pattern === "mbr:{emailOrToken}");
    assert.ok(member, `families: ${families.map((family) => family.pattern).join(", ")}`);
    // The twin's delete of the built key is the family's invalidation; the bare value's is not.
    assert.deepEqual(
      member.invalidations.map((site) => site.location),
      ["src/accounts/members.ts:27"],
    );
    assert.deepEqual(families.map((family) => family.pattern).sort(), [
      "mbr:{emailOrToken}",
      "owned:{slug}:{ownerId}",
      "shortcut:{slug}:{ownerId}",
    ]);
  });

  it("names the bare value and the family that wraps it", () => {
    const unmatched = messages.find((m) => m.at.startsWith("no-unmatched-invalidation"));
    assert.equal(
      unmatched?.message,
      "`del` deletes `member.email` itself, but every cache family of this store builds its keys around such a value (`mbr:{emailOrToken}`, written at src/accounts/members.ts:16): no entry is stored under the bare value, so this invalidation does nothing. Delete the key built from it.",
    );
  });

  it("names the inputs a single-slot cache ignores after its first call", () => {
    const slot = messages.find((m) => m.at === "require-complete-cache-key src/labels/labels.ts:17");
    assert.equal(
      slot?.message,
      "The module variable `builtLabels` caches one value for every call, but the value is computed from `base`, `language`, which each call passes: the cache has no key, so callers that pass something else get the first caller's value. Keep a value per input (a `Map` keyed by them), or compute it once from values that do not change between calls.",
    );
  });
});
