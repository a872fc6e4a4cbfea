/**
 * How the CLI names schemes and shows references. Every reference that
 * reaches a message, a table, `--json` or `--sarif` goes through
 * {@link showReference}: a parsed reference is shown in its canonical form,
 * anything else (a value pasted where a reference belongs) only as the core's
 * `displayReference` allows, never whole.
 */

import { builtinSchemes, parseReference } from "../index.js";
import { displayReference } from "../reference/parse.js";

/**
 * The schemes a config's references may use.
 */
export function knownSchemes(): string[] {
  return builtinSchemes();
}

/** The lower-case scheme of `raw` (`"aws-sm"` for `aws-sm://...`), or undefined when it has none. */
export function schemeOf(raw: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw)?.[1]?.toLowerCase();
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
