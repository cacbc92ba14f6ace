// Cachewise: Add Redis Connection. Asks for a URL and a name; writes user settings only.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const addConnectionCommand = defineCommand({
  id: COMMANDS.addConnection,
  run: ({ connections }) => connections.addConnection(),
});
