// Plain data: the messages between the extension and its analysis process (Node IPC).
import type { WorkspaceSnapshot } from "./workspace-snapshot";

export type AnalysisRequest =
  | { id: number; method: "analyzeAll"; root: string; configFile?: string }
  | { id: number; method: "update"; root: string; configFile?: string; files: string[] }
  | { id: number; method: "close"; root: string };

export interface AnalysisResponse {
  id: number;
  snapshot?: WorkspaceSnapshot;
  error?: string;
}
