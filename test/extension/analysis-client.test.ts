// The analysis client against a small fake analysis process (plain Node over IPC, like the real
// dist/analysis-server.cjs): `close` releases a folder's session, and is only sent for a folder the
// running process holds a session for.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { AnalysisClient } from "../../extension/src/analysis/analysis-client";

// Answers like the real server, records every request next to itself; `/fail` answers an error, `/crash` exits.
const FAKE_SERVER = `
const fs = require("node:fs");
const path = require("node:path");
process.on("message", (request) => {
  fs.appendFileSync(path.join(__dirname, "received.jsonl"), JSON.stringify({ method: request.method, root: request.root }) + "\\n");
  if (request.root === "/crash") process.exit(3);
  if (request.root === "/fail") return process.send({ id: request.id, error: "no tsconfig" });
  if (request.method === "close") return process.send({ id: request.id });
  process.send({ id: request.id, snapshot: { root: request.root, findings: [] } });
});
process.on("disconnect", () => process.exit(0));
`;

describe("AnalysisClient.close", () => {
  let dir: string;
  let client: AnalysisClient | undefined;
  const received = (): Array<{ method: string; root: string }> => {
    const file = path.join(dir, "received.jsonl");
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  };
  const start = (name: string) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `cachewise-client-${name}-`));
    fs.writeFileSync(path.join(dir, "server.cjs"), FAKE_SERVER);
    client = new AnalysisClient({ serverPath: path.join(dir, "server.cjs"), maxOldSpaceMb: 64, timeoutMs: 20_000 });
    return client;
  };
  const stop = () => {
    client?.dispose();
    client = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  };

  after(() => client?.dispose());

  it("sends close for an analysed folder, after its analysis, and only once", async () => {
    const analysis = start("analysed");
    try {
      await analysis.analyzeAll("/a");
      await analysis.analyzeAll("/b");
      assert.equal(await analysis.close("/a"), true);
      assert.equal(await analysis.close("/a"), false, "the session is already released");
      assert.deepEqual(received(), [
        { method: "analyzeAll", root: "/a" },
        { method: "analyzeAll", root: "/b" },
        { method: "close", root: "/a" },
      ]);
    } finally {
      stop();
    }
  });

  it("queues close behind a running analysis of the same folder", async () => {
    const analysis = start("queued");
    try {
      const analysing = analysis.analyzeAll("/a");
      const closing = analysis.close("/a");
      await analysing;
      assert.equal(await closing, true);
      assert.deepEqual(
        received().map((r) => r.method),
        ["analyzeAll", "close"],
      );
    } finally {
      stop();
    }
  });

  it("sends nothing for a folder the process never analysed, and starts no process for it", async () => {
    const analysis = start("unknown");
    try {
      assert.equal(await analysis.close("/never"), false);
      await analysis.analyzeAll("/a");
      await assert.rejects(analysis.analyzeAll("/fail"), /no tsconfig/);
      assert.equal(await analysis.close("/fail"), false);
      assert.deepEqual(received(), [
        { method: "analyzeAll", root: "/a" },
        { method: "analyzeAll", root: "/fail" },
      ]);
    } finally {
      stop();
    }
  });

  it("forgets the sessions of a process that exited: the restarted one holds none", async () => {
    const analysis = start("restart");
    try {
      await analysis.analyzeAll("/a");
      await assert.rejects(analysis.analyzeAll("/crash"), /exited/);
      assert.equal(await analysis.close("/a"), false);
      assert.deepEqual(
        received().map((r) => `${r.method} ${r.root}`),
        ["analyzeAll /a", "analyzeAll /crash"],
      );
    } finally {
      stop();
    }
  });
});
