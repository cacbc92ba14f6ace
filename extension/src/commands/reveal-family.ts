// Reveals a family in the Families view (from a CodeLens or a hover link).
import { COMMANDS } from "../constants";
import { defineCommand } from "./command";

export const revealFamilyCommand = defineCommand({
  id: COMMANDS.revealFamily,
  async run({ families, familiesView }, id: string) {
    await families.reveal(familiesView, id);
  },
});
