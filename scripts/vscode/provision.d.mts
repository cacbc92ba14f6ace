// Types for provision.mjs, which stays plain JavaScript so that it runs with no build step.
export declare const NODE_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
/** Where the versioned installs live (`.cache/vscode/` unless CACHEWISE_VSCODE_CACHE is set). */
export declare const CACHE_DIR: string;

export interface CodeServerInstall {
  /** Node 24 binary that code-server requires. */
  nodeBin: string;
  /** `#!/usr/bin/env node` script: run it with `withNodeOnPath(nodeBin)`. */
  codeServerBin: string;
}

/** Installs what is missing (printing what it does and how long it took) and returns the binaries. */
export declare function ensureCodeServer(options?: {
  /** Default: stderr with a `[provision]` prefix. */
  log?: (message: string) => void;
  /** Say nothing when both installs are already cached (test runs start many servers). */
  quietWhenCached?: boolean;
}): Promise<CodeServerInstall>;

/** A copy of `env` whose PATH starts with Node 24's folder (and npm_config_nodedir pointing at its headers). */
export declare function withNodeOnPath(nodeBin: string, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
