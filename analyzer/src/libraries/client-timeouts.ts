// How a client construction's options are read for require-client-timeouts, and the small arithmetic the
// libraries' outage-wait models share. What each library does (its defaults, which options bound the wait) lives
// in its own adapter, as data.
import type { ClientOptions, ClientOptionValue } from "../model/cache-model";
import type { ArgumentReader, ClientSetting, OptionsView, OutageWaitModel } from "./adapter";

/**
 * The options of a construction that the model names, as written. Options that cannot be read (a spread of an
 * unknown object, a variable, an options argument that is not an object literal, a URL whose query may set
 * options) make the result opaque: the rule then says nothing.
 */
export function readClientOptions(read: ArgumentReader, model: OutageWaitModel, method: string): ClientOptions {
  const unsupported = model.unsupported[method];
  if (unsupported !== undefined) return { given: {}, opaque: true, unsupported };
  const views: OptionsView[] = [];
  let opaque = false;
  const indexes = model.optionsArgument === "any" ? read.args.map((_, index) => index) : [model.optionsArgument];
  for (const index of indexes) {
    const argument = read.args[index];
    if (!argument) continue;
    if (read.isSpread(argument)) {
      opaque = true;
      continue;
    }
    if (read.isPrimitive(argument)) {
      // `redis://host:6379?commandTimeout=…`: a URL's query can set options too.
      if (read.string(argument)?.includes("?")) opaque = true;
      continue;
    }
    const view = read.optionsOf(argument);
    if (view.opaque) opaque = true;
    views.push(view);
  }
  const given: Record<string, ClientOptionValue> = {};
  for (const path of Object.keys(model.options)) {
    for (const view of views) {
      const found = readPath(read, view, path);
      if (found === "opaque") opaque = true;
      else if (found) given[path] = found;
    }
  }
  return { given, opaque };
}

/** An option by path (`socket.connectTimeout`), "opaque" when an object on the way cannot be read. */
function readPath(read: ArgumentReader, view: OptionsView, path: string): ClientOptionValue | "opaque" | undefined {
  const [head, ...rest] = path.split(".");
  const value = view.get(head!);
  if (!value) return undefined;
  if (rest.length === 0) return read.optionValue(value);
  const inner = read.optionsOf(value);
  if (inner.opaque) return "opaque";
  return readPath(read, inner, rest.join("."));
}

/** The option as in force: its value given (a number, a boolean, null), or the library's default. */
export function settingOf(
  model: Pick<OutageWaitModel, "options">,
  given: ClientOptions["given"],
  option: string,
): ClientSetting {
  const spec = model.options[option]!;
  const value = given[option];
  const unit = spec.unit ? { unit: spec.unit } : {};
  if (!value) return { option, value: spec.default, given: false, ...unit };
  if (value.kind === "number" || value.kind === "boolean") return { option, value: value.value, given: true, ...unit };
  return { option, value: null, given: true, ...unit };
}

/** The number in force for an option (given or default), or undefined when it is given and does not fold. */
export function numberOf(
  model: Pick<OutageWaitModel, "options">,
  given: ClientOptions["given"],
  option: string,
): number | undefined {
  const value = given[option];
  if (!value) {
    const fallback = model.options[option]!.default;
    return typeof fallback === "number" ? fallback : undefined;
  }
  return value.kind === "number" ? value.value : undefined;
}

/** Whether an option is given with a value that is not `null`/`undefined` written out. */
export function isSet(given: ClientOptions["given"], option: string): boolean {
  const value = given[option];
  return value !== undefined && value.kind !== "null";
}
