// Cachewise: Analyze Workspace. Analyses every workspace folder from scratch.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const analyzeWorkspaceCommand = defineCommand({
  id: COMMANDS.analyzeWorkspace,
  run: ({ analysis }) => analysis.analyzeAll(),
});
