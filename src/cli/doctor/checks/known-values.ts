/**
 * What items 1-3 say about the app's own values (`known-value` findings):
 * which references could not be checked, and which were too short to search.
 */

import { MIN_MASKED_LENGTH } from "../../masking.js";
import type { ResolvedValues } from "../../scan/resolve-values.js";
import { type CheckResult, manual } from "../types.js";

/**
 * The fix shown for a `known-value` finding.
 *
 * @example
 * ```ts
 * fail(evidence, KNOWN_VALUE_FIX);
 * ```
 */
export const KNOWN_VALUE_FIX =
  "One of the app's own secret values is written here: rotate it at its provider, remove it, and read it at runtime with getSecret().";

/**
 * `manual` results for references whose values were not searched (providers
 * unreachable, offline), so the item cannot pass on them; empty otherwise
 * (and when the config has no references).
 *
 * @example
 * ```ts
 * results.push(...valuesNotChecked(await ctx.values(), ctx.options.offline, "the working tree", 2));
 * ```
 */
export function valuesNotChecked(
  values: ResolvedValues | undefined,
  offline: boolean | undefined,
  where: string,
  references: number,
): CheckResult[] {
  if (references === 0) return [];
  if (offline) {
    return [
      manual(
        `the references' own values were not searched in ${where} (--offline)`,
        "Run the doctor without --offline (or `secrets scan --values`) where the providers are reachable.",
      ),
    ];
  }
  if (!values || values.unresolved.length === 0) return [];
  const listed = values.unresolved.map((u) => `${u.name} (${u.code})`).join(", ");
  return [
    manual(
      `could not check ${where} for the values of ${listed}: not resolved`,
      "Make the providers reachable (see item 11) and run the doctor again, or run `secrets scan --values` where they are.",
    ),
  ];
}

/**
 * A note for a pass: how many values were searched, and which were too short.
 *
 * @example
 * ```ts
 * pass(`scanned 12 files: no keys${valuesNote(values)}`);
 * ```
 */
export function valuesNote(values: ResolvedValues | undefined): string {
  if (!values) return "";
  const searched = values.references - values.unresolved.length - values.tooShort.length;
  const short = values.tooShort.length
    ? `; not searched, shorter than ${MIN_MASKED_LENGTH} characters: ${values.tooShort.join(", ")}`
    : "";
  return searched > 0 || short ? ` (and the values of ${searched} reference(s)${short})` : "";
}
