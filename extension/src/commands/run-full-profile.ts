// Cachewise: Run Full Profile. A complete SCAN of the keyspace, with progress and cancel.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const runFullProfileCommand = defineCommand({
  id: COMMANDS.runFullProfile,
  run: ({ profiles }) => profiles.runFullProfile(),
});
