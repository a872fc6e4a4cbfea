/** The scheme table of the built-in providers, built once from their descriptors. */

import { BUILTIN_PROVIDERS } from "../builtins.js";
import { SchemeTable } from "./table.js";

let table: SchemeTable | undefined;

/**
 * The built-in providers' schemes, rules and aliases.
 *
 * @example
 * ```ts
 * builtinTable().resolve("bao")?.scheme; // "vault"
 * ```
 */
export function builtinTable(): SchemeTable {
  if (!table) {
    const t = new SchemeTable();
    for (const d of BUILTIN_PROVIDERS) t.add(d, d.name);
    table = t;
  }
  return table;
}
