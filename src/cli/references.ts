/**
 * How the CLI names schemes and shows references. Every reference that
 * reaches a message, a table, `--json` or `--sarif` goes through
 * {@link showReference}: a parsed reference is shown in its canonical form,
 * anything else (a value pasted where a reference belongs) only as the core's
 * `displayReference` allows, never whole.
 */

import {
  BUILTIN_PROVIDERS,
  builtinSchemes,
  displayReference,
  parseReference,
  SchemeTable,
} from "../index.js";
import type { Descriptors } from "./doctor/providers.js";

/**
 * The schemes a config's references may use (the built-in providers'), then
 * their aliases (`bao` for `vault`).
 */
export function knownSchemes(): string[] {
  const aliases = BUILTIN_PROVIDERS.flatMap((d) => Object.keys(d.aliases ?? {}));
  return [...builtinSchemes(), ...aliases];
}

/**
 * The scheme rules of every provider the config can use (built-ins and its
 * provider modules), or undefined when they conflict (the client reports that).
 */
export function schemeTable(descriptors: Descriptors): SchemeTable | undefined {
  try {
    const table = new SchemeTable();
    for (const d of descriptors.values()) table.add(d, d.name);
    return table;
  } catch {
    return undefined;
  }
}

/**
 * A reference as it may be shown anywhere: parsed with `table` (default: the
 * built-in schemes), else as `displayReference` allows.
 */
export function showReference(raw: string, table?: SchemeTable): string {
  try {
    return (table ? parseReference(raw, table) : parseReference(raw)).canonical;
  } catch {
    return displayReference(raw);
  }
}

export { displayReference };
