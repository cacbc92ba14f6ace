// require-client-timeouts through the CLI on test/fixtures/client-timeouts (also in the parity test): client options
// imported from another module are followed (a bound there silences the rule, a prefix alone does not), a property
// of a settings object is not, and a queue's client is left alone.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { FIXTURES, runCliCaptured } from "../helpers";

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
