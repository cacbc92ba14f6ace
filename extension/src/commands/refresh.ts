// Cachewise: Refresh. Re-lists the Keyspace view, re-reads the live figures (Redis, and Memcached when set), redraws the Families view.
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const refreshCommand = defineCommand({
  id: COMMANDS.refresh,
  async run({ keyspace, profiles, memcached, families }) {
    keyspace.refresh();
    await Promise.all([profiles.refresh(), memcached?.refresh()]);
    families.refresh();
  },
});
