// One AdminServer command, and the reference's CommandResponse: the command's entries first, then
// "command" and "error" — unless the command put an "error" entry itself, which then keeps its
// place and its value (the reference's CommandResponse.toMap re-applies the data after adding
// the two keys; `leader` on a standalone server shows it: "error" comes before "command").

import type { JsonValue } from './json';
import type { AdminSource } from './source';

export interface CommandContext {
  source: AdminSource;
  /** URL query parameters, first value of each (the reference's kwargs). */
  args: ReadonlyMap<string, string>;
}

export interface AdminCommand {
  /** The primary name first, then the aliases. */
  readonly names: readonly string[];
  /** When true, the command answers an error while the server is not serving. */
  readonly serverRequired: boolean;
  run(c: CommandContext): Map<string, JsonValue>;
}

export function command(names: readonly string[], run: AdminCommand['run'], serverRequired = true): AdminCommand {
  return { names, serverRequired, run };
}

/** CommandResponse.toMap(). */
export function responseMap(commandName: string, error: string | null, data: ReadonlyMap<string, JsonValue> = new Map()): Map<string, JsonValue> {
  const m = new Map<string, JsonValue>(data);
  m.set('command', commandName);
  m.set('error', error);
  for (const [k, v] of data) m.set(k, v);
  return m;
}
