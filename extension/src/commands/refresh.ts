// Cachewise: Refresh. Re-lists the Keyspace view, re-reads the live figures and the run-time figures from
// Prometheus, redraws the Families view.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const refreshCommand = defineCommand({
  id: COMMANDS.refresh,
  async run({ keyspace, profiles, families, metrics }) {
    keyspace.refresh();
    await Promise.all([profiles.refresh(), metrics.refresh()]);
    families.refresh();
  },
});
