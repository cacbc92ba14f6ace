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
    message.includes("can't run this command")
  );
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
