// The one wrapper around every command handler: a failure is reported once (the caller logs it and
// shows one notification) and never escapes. A rejection that escaped would be lost when the
// command runs from a tree item or an event, or shown a second time by VS Code's own
// "command failed" notification when it runs from the palette. Plain TypeScript, tested without an editor.

/** Reports a failed command; called exactly once per failure. */
export type CommandErrorReporter = (commandId: string, error: unknown) => void;

/** The handler, made safe: it resolves to the handler's result, or to undefined after reporting its error. */
export function guardCommand<Args extends unknown[], Result>(
  commandId: string,
  handler: (...args: Args) => Result | Promise<Result>,
  report: CommandErrorReporter,
): (...args: Args) => Promise<Result | undefined> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      try {
        report(commandId, error);
      } catch {
        // Reporting must not turn one failure into an unhandled rejection.
      }
      return undefined;
    }
  };
}

/** The message of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
