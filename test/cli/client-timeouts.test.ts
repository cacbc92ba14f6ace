// require-client-timeouts through the CLI on test/fixtures/client-timeouts (also in the parity test): client options
// imported from another module are followed (a bound there silences the rule, a prefix alone does not), a property
// of a settings object is not, and a queue's client is left alone.
import assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, runCliCaptured, writeProject } from "../helpers";

interface Message {
  ruleId: string | null;
  line: number;
  column: number;
  message: string;
}

describe("require-client-timeouts on a project whose client options live in a settings module", () => {
  it("reports only the cache client whose imported options leave ioredis's defaults", () => {
    const dir = path.join(FIXTURES, "client-timeouts");
    const run = runCliCaptured(["check", ".", "--format", "json"], dir);
    assert.notEqual(run.code, 2, run.stderr);
    const findings = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId === "require-client-timeouts")
        .map((m) => ({ at: `${path.relative(dir, result.filePath)}:${m.line}:${m.column}`, message: m.message })),
    );
    assert.deepEqual(
      findings.map((f) => f.at),
      ["src/clients.ts:7:33"],
    );
    assert.match(findings[0]!.message, /^`sessionRedis` \(ioredis\) serves the cache `sess:session-view:\{id\}` with /);
    assert.match(findings[0]!.message, /10\.5 s at the start of an outage/);
  });
});

describe("require-client-timeouts without node_modules", () => {
  it("tells a URL from options by its shape: `process.env.X` and an address-named value are URLs, other values are options", () => {
    const directory = writeProject(
      "client-timeouts-untyped",
      {
        // No `types: ["node"]`, nothing installed: `process`, ioredis and the env module are unresolved.
        "tsconfig.json": JSON.stringify({
          compilerOptions: {
            target: "es2022",
            module: "nodenext",
            moduleResolution: "nodenext",
            strict: true,
            noEmit: true,
          },
          include: ["src"],
        }),
        "src/clients.ts": [
          'import Redis from "ioredis";',
          'import { env } from "@acme/env";',
          "export const users = new Redis(process.env.REDIS_URL!);",
          "export const teams = new Redis(env.CACHE_REDIS_URL);",
          "export const plans = new Redis(env.redisOptions);",
          "",
        ].join("\n"),
        "src/cache.ts": [
          'import { plans, teams, users } from "./clients.js";',
          "declare function load(id: string): Promise<string>;",
          ...["users", "teams", "plans"].flatMap((client) => [
            `export async function get_${client}(id: string) {`,
            `  const hit = await ${client}.get(\`${client}:\${id}\`);`,
            "  if (hit) return hit;",
            "  const value = await load(id);",
            `  await ${client}.set(\`${client}:\${id}\`, value, "EX", 60);`,
            "  return value;",
            "}",
          ]),
          "",
        ].join("\n"),
      },
      os.tmpdir(),
    );
    const run = runCliCaptured(["check", ".", "--format", "json"], directory);
    assert.notEqual(run.code, 2, run.stderr);
    const found = (JSON.parse(run.stdout) as Array<{ filePath: string; messages: Message[] }>).flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId === "require-client-timeouts")
        .map((m) => `${path.relative(directory, result.filePath)}:${m.line}`),
    );
    assert.deepEqual(found, ["src/clients.ts:3", "src/clients.ts:4"]);
  });
});
