// Cachewise: Sort Families by Risk or Stale Reads. Switches the Families view between riskiest first and most stale
// reads first (the share of verified hits that were stale, from Prometheus).
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const sortFamiliesCommand = defineCommand({
  id: COMMANDS.sortFamilies,
  run({ families }) {
    families.setSort(families.sort === "risk" ? "staleReads" : "risk");
  },
});
