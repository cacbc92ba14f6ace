// The editor's analysis process (dist/analysis-server.cjs, built by `npm run build`) over real IPC.
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import type { AnalysisRequest, AnalysisResponse } from "../../analyzer/src/model/analysis-protocol";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const DEMO = path.join(REPO_ROOT, "examples", "cache-demo");
let server: ChildProcess;

function send(request: AnalysisRequest): Promise<AnalysisResponse> {
  return new Promise((resolve) => {
    const onMessage = (message: AnalysisResponse) => {
      if (message.id !== request.id) return;
      server.off("message", onMessage);
      resolve(message);
    };
    server.on("message", onMessage);
    server.send(request);
  });
}

before(() => {
  server = fork(path.join(REPO_ROOT, "dist", "analysis-server.cjs"), [], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
});
after(() => {
  server.disconnect();
});

test("close for a folder without a session releases nothing and analyses nothing", async () => {
  // The server used to treat a close without a session as "analyse this folder" and answer with its snapshot.
  // (IPC drops fields whose value is undefined: the answer is `{ id }` alone.)
  const response = await send({ id: 1, method: "close", root: DEMO });
  assert.deepEqual(response, { id: 1 });
});

test("after a close, an update of the folder analyses it afresh", async () => {
  const first = await send({ id: 3, method: "analyzeAll", root: DEMO });
  assert.ok(first.snapshot && first.snapshot.findings.length > 0);
  assert.deepEqual(await send({ id: 4, method: "close", root: DEMO }), { id: 4 });
  const again = await send({ id: 5, method: "update", root: DEMO, files: [] });
  assert.equal(again.snapshot?.findings.length, first.snapshot.findings.length);
});
