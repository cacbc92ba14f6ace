// Identifiers the manifest (package.json `contributes`) declares, in one place.

export const COMMANDS = {
  refresh: "cachewise.refresh",
  runFullProfile: "cachewise.runFullProfile",
  switchConnection: "cachewise.switchConnection",
  addConnection: "cachewise.addConnection",
  setPassword: "cachewise.setPassword",
  analyzeWorkspace: "cachewise.analyzeWorkspace",
  showOutput: "cachewise.showOutput",
  copyKey: "cachewise.copyKey",
  openKeyValue: "cachewise.openKeyValue",
  revealWriter: "cachewise.revealWriter",
  revealFamily: "cachewise.revealFamily",
  deleteKey: "cachewise.deleteKey",
  setKeyTtl: "cachewise.setKeyTtl",
  loadMore: "cachewise.loadMore",
  sortFamilies: "cachewise.sortFamilies",
} as const;

/** The id of one of the extension's commands. */
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const VIEWS = {
  families: "cachewise.families",
  keyspace: "cachewise.keyspace",
} as const;

/** VS Code's command that opens the Cachewise sidebar (the view container `cachewise` of the manifest). */
export const SHOW_SIDEBAR_COMMAND = "workbench.view.extension.cachewise";

export const CONTEXT_KEYS = {
  hasConnection: "cachewise:hasConnection",
  connected: "cachewise:connected",
  hasFamilies: "cachewise:hasFamilies",
} as const;

/** The URI scheme of read-only value documents opened from the Keyspace view. */
export const VALUE_SCHEME = "cachewise-value";

/** Diagnostic `source` of the analyzer's findings and of the live-keyspace mismatches. */
export const DIAGNOSTIC_SOURCE = "cachewise";
export const LIVE_DIAGNOSTIC_SOURCE = "cachewise (live)";
