/**
 * A composition: a list of provider declarations turned into what the rest
 * of the package works from (the scheme table the parser takes, the default
 * registrations of `createSecrets`). The package root composes the built-ins;
 * a test or a tool composes any list through the same function.
 */

import type { Secrets, SecretsOptions } from "./api.js";
import { createClient } from "./client/secrets-client.js";
import type { AnyProvider } from "./provider/define.js";
import { parseReference as parseWith } from "./reference/parse.js";
import { SchemeTable } from "./reference/table.js";
import type { ParsedRef } from "./types.js";

/**
 * What {@link compose} returns: the providers, their scheme table, and a
 * parser and a client factory over them.
 *
 * @example
 * ```ts
 * const c: Composition = compose([...BUILTIN_PROVIDERS, memProvider]);
 * c.parseReference("mem://key").scheme; // "mem"
 * ```
 */
export interface Composition {
  /** The providers, in order; each is registered by default under its declaration's name. */
  readonly providers: readonly AnyProvider[];
  /** Their schemes, rules, aliases and suggestions. */
  readonly table: SchemeTable;
  /** Parses a reference against {@link Composition.table}. */
  parseReference(raw: string): ParsedRef;
  /** A client with these providers registered (unless `builtins: false`). */
  createSecrets(options?: SecretsOptions): Secrets;
  /** The main schemes, in order. */
  schemes(): string[];
}

/**
 * Composes providers: checks that no two share a name or a scheme, and
 * builds their scheme table once.
 *
 * @example
 * ```ts
 * import { BUILTIN_PROVIDERS, compose } from "secrets-loader";
 * const { createSecrets } = compose([...BUILTIN_PROVIDERS, memProvider]);
 * ```
 */
export function compose(providers: readonly AnyProvider[]): Composition {
  const table = new SchemeTable();
  const names = new Set<string>();
  for (const p of providers) {
    const { name } = p.declaration;
    if (names.has(name)) {
      throw new Error(`compose(): two providers are named "${name}"; give each its own name.`);
    }
    names.add(name);
    for (const scheme of Object.keys(p.declaration.schemes)) {
      if (table.resolve(scheme.toLowerCase())) {
        throw new Error(
          `compose(): provider "${name}" declares scheme "${scheme}", which another provider serves.`,
        );
      }
    }
    table.add(p.declaration, name);
  }
  const list = Object.freeze([...providers]);
  const composition = { providers: list, table };
  return Object.freeze({
    providers: list,
    table,
    parseReference: (raw: string) => parseWith(raw, table),
    createSecrets: (options: SecretsOptions = {}) => createClient(options, composition),
    schemes: () => table.schemes(),
  });
}
