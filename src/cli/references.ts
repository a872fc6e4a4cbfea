/**
 * How the CLI names schemes and shows references. Every reference that
 * reaches a message, a table, `--json` or `--sarif` goes through
 * {@link showReference}: a parsed reference is shown in its canonical form,
 * anything else (a value pasted where a reference belongs) only as the core's
 * `displayReference` allows, never whole.
 */

import { BUILTIN_PROVIDERS, builtinSchemes, displayReference, parseReference } from "../index.js";

/**
 * The schemes a config's references may use (the built-in providers'), then
 * their aliases (`bao` for `vault`).
 */
export function knownSchemes(): string[] {
  const aliases = BUILTIN_PROVIDERS.flatMap((d) => Object.keys(d.aliases ?? {}));
  return [...builtinSchemes(), ...aliases];
}

/**
 * A reference as it may be shown anywhere.
 */
export function showReference(raw: string): string {
  try {
    return parseReference(raw).canonical;
  } catch {
    return displayReference(raw);
  }
}

export { displayReference };
