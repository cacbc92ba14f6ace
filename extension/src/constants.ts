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
} as const;

export const VIEWS = {
  families: "cachewise.families",
  keyspace: "cachewise.keyspace",
} as const;

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
