// Cachewise: Set Redis Password. Stores a connection's password in the editor's secret storage.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const setPasswordCommand = defineCommand({
  id: COMMANDS.setPassword,
  run: ({ connections }, name?: string) => connections.setPassword(name),
});
