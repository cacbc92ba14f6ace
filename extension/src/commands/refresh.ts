// Cachewise: Refresh. Re-lists the Keyspace view, re-reads the live figures (Redis, and Memcached when set) and the
// run-time figures from Prometheus, redraws the Families view.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const refreshCommand = defineCommand({
  id: COMMANDS.refresh,
  async run({ keyspace, profiles, memcached, families, metrics }) {
    keyspace.refresh();
    await Promise.all([profiles.refresh(), memcached?.refresh(), metrics.refresh()]);
    families.refresh();
  },
});
