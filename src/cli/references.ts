/**
 * How the CLI names schemes and shows references. Every reference that
 * reaches a message, a table, `--json` or `--sarif` goes through
 * {@link showReference}: a parsed reference is shown in its canonical form,
 * anything else (a value pasted where a reference belongs) only as the core's
 * `displayReference` allows, never whole.
 */

import { builtins, type Composition, displayReference, SchemeTable } from "../index.js";
import { parseReferenceWith } from "../provider/index.js";
import type { Declarations } from "./doctor/providers.js";

/**
 * The schemes a config's references may use (the composition's, by default
 * the built-in providers'), then their aliases (`bao` for `vault`).
 */
export function knownSchemes(composition: Composition = builtins): string[] {
  const aliases = composition.providers.flatMap((p) => Object.keys(p.declaration.aliases ?? {}));
  return [...composition.schemes(), ...aliases];
}

/**
 * The scheme rules of every provider the config can use (built-ins and its
 * provider modules), or undefined when they conflict (the client reports that).
 */
export function schemeTable(declarations: Declarations): SchemeTable | undefined {
  try {
    const table = new SchemeTable();
    for (const [name, p] of declarations) table.add(p.declaration, name);
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
    return parseReferenceWith(raw, table ?? builtins.table).canonical;
  } catch {
    return displayReference(raw);
  }
}

export { displayReference };
