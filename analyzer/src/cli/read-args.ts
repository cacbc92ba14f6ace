// The one argv reader of the CLI's commands: `--flag value`, `--flag=value`, and a clear usage
// error when a value is missing. Each command keeps its own switch over the flags.

/** A usage mistake: the CLI prints its message and exits 2. */
export class UsageError extends Error {}

export interface ArgReader {
  /** The next argument split into flag and inline value (`--format=json`), or undefined at the end. */
  next(): { arg: string; flag: string; inline: string | undefined } | undefined;
  /** The flag's value: inline, or the next argument (which must not be another flag). */
  takeValue(flag: string, inline: string | undefined): string;
  /** An integer value of at least `min`. */
  takeInteger(flag: string, inline: string | undefined, min: number): number;
}

export function createArgReader(argv: readonly string[]): ArgReader {
  const args = [...argv];
  const takeValue = (flag: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const value = args.shift();
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return value;
  };
  return {
    next() {
      const arg = args.shift();
      if (arg === undefined) return undefined;
      const [flag, inline] =
        arg.startsWith("--") && arg.includes("=")
          ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
          : [arg, undefined];
      return { arg, flag, inline };
    },
    takeValue,
    takeInteger(flag, inline, min) {
      const text = takeValue(flag, inline);
      const value = /^\s*-?\d+\s*$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(value) || value < min)
        throw new UsageError(`${flag} expects an integer ≥ ${min}, got "${text}"`);
      return value;
    },
  };
}
