// Cachewise: Show Log. Opens the extension's output channel.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const showOutputCommand = defineCommand({
  id: COMMANDS.showOutput,
  run: ({ log }) => log.show(),
});
