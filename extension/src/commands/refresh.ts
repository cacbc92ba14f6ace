// Cachewise: Refresh. Re-lists the Keyspace view, re-reads the live figures, redraws the Families view.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const refreshCommand = defineCommand({
  id: COMMANDS.refresh,
  async run({ keyspace, profiles, families }) {
    keyspace.refresh();
    await profiles.refresh();
    families.refresh();
  },
});
