// The editor's analysis process: a child of the extension host that keeps one AnalysisSession
// per workspace folder in memory and answers requests over Node IPC. Running it apart keeps the
// compiler's memory and CPU out of the extension host, and a crash here never takes the editor down.
import { AnalysisSession } from "./analysis-session";
import type { AnalysisRequest, AnalysisResponse } from "../model/analysis-protocol";

const sessions = new Map<string, AnalysisSession>();

function handle(request: AnalysisRequest): AnalysisResponse {
  try {
    // A folder that was removed: release its session. A close for a folder without one has nothing to release
    // (and must not analyse it).
    if (request.method === "close") {
      sessions.delete(request.root);
      return { id: request.id, snapshot: undefined };
    }
    let session = sessions.get(request.root);
    if (!session || request.method === "analyzeAll") {
      session = new AnalysisSession({
        root: request.root,
        configFile: "configFile" in request ? request.configFile : undefined,
      });
      sessions.set(request.root, session);
      return { id: request.id, snapshot: session.analyzeAll() };
    }
    return { id: request.id, snapshot: session.update(request.files) };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

if (!process.send) {
  process.stderr.write("cachewise analysis server: start it with child_process.fork (it talks over IPC)\n");
  process.exit(2);
}
process.on("message", (message) => {
  const response = handle(message as AnalysisRequest);
  process.send!(response);
});
process.on("disconnect", () => process.exit(0));
