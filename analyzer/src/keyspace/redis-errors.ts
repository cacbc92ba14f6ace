// Recognising Redis error replies by their stable prefixes and phrases.

function readMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Error replies of the raw RESP socket are plain `{ message }` values (no stack to capture).
  if (typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string")
    return (error as { message: string }).message;
  return String(error);
}

/** ACL denials: `NOPERM …`, and the wording Redis 7 uses for commands denied inside a script. */
export function isPermissionError(error: unknown): boolean {
  const message = readMessage(error);
  return (
    message.startsWith("NOPERM") ||
    message.includes("no permissions to run") ||
    message.includes("can't run this command") ||
    isKeyPermissionError(error)
  );
}

/**
 * A denial of the key, not of the command: the user's ACL key patterns do not cover it
 * (`NOPERM this user has no permissions to access one of the keys…`, 7.2's `No permissions to
 * access a key`, and the wording inside a script). SCAN lists such keys all the same.
 */
export function isKeyPermissionError(error: unknown): boolean {
  return /permissions to access (one of the keys|a key)|can't access at least one of the keys/i.test(
    readMessage(error),
  );
}

/** The connection broke: the server went away, reset it, or closed it while commands were pending. */
export function isConnectionLostError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED") return true;
  return /ECONNRESET|EPIPE|Connection is closed|Stream isn't writeable|connection to \S+ closed|socket hang up/i.test(
    readMessage(error),
  );
}

/**
 * A command the profile cannot do without (SCAN, TYPE, PTTL) is denied to the user. The message
 * names the server and the command.
 */
export class MissingPermissionError extends Error {
  /** The denied command, upper-case. */
  readonly command: string;
  constructor(server: string, command: string, reply: string) {
    super(
      `the user may not run ${command} on ${server} (${reply.split("\n")[0]}); a profile needs SCAN, TYPE and PTTL`,
    );
    this.name = "MissingPermissionError";
    this.command = command;
  }
}

/** The command does not exist here (old server, or renamed/disabled on a managed service). */
export function isUnknownCommandError(error: unknown): boolean {
  return /unknown command|unknown subcommand/i.test(readMessage(error));
}

export function isNoScriptError(error: unknown): boolean {
  return readMessage(error).startsWith("NOSCRIPT");
}

/** OBJECT IDLETIME under an LFU policy, or OBJECT FREQ under an LRU one. */
export function isEvictionPolicyError(error: unknown): boolean {
  return /maxmemory policy is (not )?selected/i.test(readMessage(error));
}

/** Why the script path cannot be used at all on this server (as opposed to a transient failure). */
export function isScriptUnavailableError(error: unknown): boolean {
  const message = readMessage(error);
  return (
    isUnknownCommandError(error) ||
    /Error compiling script|Unexpected flag|Unknown lua shebang|not allowed from script|script.*disabled/i.test(message)
  );
}

/** A cluster key that is not (or no longer) served by the node asked. */
export function isSlotMovedError(error: unknown): boolean {
  return /^(MOVED|ASK|CROSSSLOT|TRYAGAIN)|non local key|same slot/i.test(readMessage(error));
}

/**
 * Errors Redis gives before it runs a command (ACL, redirection, unknown command, no script,
 * server not ready): no key was looked up.
 */
export function isNotRunError(error: unknown): boolean {
  return (
    isPermissionError(error) ||
    isSlotMovedError(error) ||
    isNoScriptError(error) ||
    isUnknownCommandError(error) ||
    /^(CLUSTERDOWN|LOADING|BUSY|NOAUTH|MASTERDOWN|EXECABORT)\b|^ERR wrong number of arguments/.test(readMessage(error))
  );
}

/** A failed SCAN as the profile reports it: a denial names the server and the command. */
export function explainScanFailure(error: unknown, server: string): unknown {
  return isPermissionError(error) ? new MissingPermissionError(server, "SCAN", readMessage(error)) : error;
}
