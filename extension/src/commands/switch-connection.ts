// Cachewise: Switch Redis Connection. Picks the active one among the configured connections.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const switchConnectionCommand = defineCommand({
  id: COMMANDS.switchConnection,
  run: ({ connections }) => connections.switchConnection(),
});
