// Families at run time: read from the file `cachewise families --format json` writes, matched with the keyspace
// matcher (the client's key prefix included), and a key that matches no family counted under `unmatched`.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { createFamilyResolver, instrument, loadFamilies, UNMATCHED_FAMILY } from "../../runtime/src/index";
import { runCliCaptured, writeProject } from "../helpers";
import { createTestMeter, operationSample as op, operationSamples } from "./meter";

/** The demo's families file, written by the real CLI (removed after the file's tests). */
function writeDemoFamilies(): string {
  const run = runCliCaptured(["families", "examples/cache-demo", "--format", "json"]);
  assert.equal(run.code, 0, run.stderr);
  const dir = writeProject("runtime-families", { "families.json": run.stdout });
  return path.join(dir, "families.json");
}

const DEMO_FAMILIES = writeDemoFamilies();

test("loadFamilies reads the demo's families file; the resolver matches keys as `cachewise keyspace` does", () => {
  const families = loadFamilies(DEMO_FAMILIES);
  const redis = families.filter((f) => f.kind === "redis").map((f) => f.label);
  assert.deepEqual(redis.sort(), [
    "demo:rate:{ip}",
    "demo:session:{token}",
    "demo:storefront:banners",
    "demo:user-sessions:{userId}",
    "demo:user:{id}",
  ]);
  const resolve = createFamilyResolver(
    families.filter((f) => f.kind === "redis"),
    { keyPrefix: "demo:" },
  );
  assert.equal(resolve("user:42"), "demo:user:{id}");
  assert.equal(resolve("user-sessions:42"), "demo:user-sessions:{userId}");
  assert.equal(resolve("session:a:b"), "demo:session:{token}");
  assert.equal(resolve("queue:emails"), UNMATCHED_FAMILY);
  assert.equal(resolve("user:"), "demo:user:{id}"); // a hole matches empty text, as in the keyspace matcher
  assert.equal(resolve("user:\u202e"), "demo:user:{id}"); // compared in display form
  assert.equal(createFamilyResolver(families)("demo:user:1"), "demo:user:{id}"); // no prefix given: the full key
});

test("10,000 random keys: every matching key under its family, every other one under `unmatched`, nothing else", async () => {
  const families = loadFamilies(DEMO_FAMILIES);
  const meter = createTestMeter();
  // A Redis-shaped client whose reads always miss; the prefix is read from options.keyPrefix as ioredis has it.
  const client = instrument(
    { options: { keyPrefix: "demo:" }, get: async (_key: string) => null },
    { library: "ioredis", families, meterProvider: meter.provider },
  );
  let seed = 17;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const text = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 0x2000))).join("");
  const expected = new Map<string, number>();
  const prefixes: Array<[string, string]> = [
    ["user:", "demo:user:{id}"],
    ["session:", "demo:session:{token}"],
    ["rate:", "demo:rate:{ip}"],
    ["user-sessions:", "demo:user-sessions:{userId}"],
  ];
  for (let i = 0; i < 10_000; i++) {
    const pick = Math.floor(random() * 6);
    let key: string;
    let family: string;
    if (pick < prefixes.length) {
      [key, family] = [prefixes[pick]![0] + text(1 + Math.floor(random() * 20)), prefixes[pick]![1]];
    } else {
      // Random text that starts with no family's literal prefix.
      do key = text(1 + Math.floor(random() * 30));
      while (prefixes.some(([prefix]) => key.startsWith(prefix)));
      family = UNMATCHED_FAMILY;
    }
    expected.set(family, (expected.get(family) ?? 0) + 1);
    await client.get(key);
  }
  const samples = operationSamples(await meter.samples());
  assert.deepEqual(
    samples,
    Object.fromEntries([...expected].map(([family, count]) => [op(family, "get", "miss"), count]).sort()),
  );
  assert.equal(Object.keys(samples).length, 5); // four families and `unmatched`: the series do not grow with the keys
  assert.equal(
    Object.values(samples).reduce((a, b) => a + b, 0),
    10_000,
  );
});

test("a families file that is not the JSON of `cachewise families` is refused", () => {
  const dir = writeProject("runtime-families-bad", { "families.json": '{"rows": 3}' });
  assert.throws(() => loadFamilies(path.join(dir, "families.json")), /expected the JSON array/);
});
