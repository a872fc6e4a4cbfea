/**
 * `policy.requireShortLived`, enforced in one place: the client asks the
 * provider what it authenticates with (its `authClass`) before a read and
 * refuses long-lived material here, so no provider can forget the policy.
 */

import { PolicyViolationError } from "../errors.js";
import type { AuthClass } from "../provider/operations.js";
import type { SecretsPolicy } from "../types.js";

/** What a provider without an `authClass` hook is. */
const UNCLASSIFIED_WHAT = "credentials the provider does not classify (it has no authClass hook)";
export const UNCLASSIFIED: AuthClass = { class: "unknown", what: UNCLASSIFIED_WHAT };

/**
 * Throws the policy's refusal for `auth`, if any: `long-lived` under
 * `requireShortLived`, `unknown` under `"strict"`; `short-lived` and `none`
 * pass.
 */
export function enforceShortLived(
  mode: SecretsPolicy["requireShortLived"],
  provider: string,
  auth: AuthClass,
  reference?: string,
): void {
  if (mode !== true && mode !== "strict") return;
  const what = reference ? ` to read ${reference}` : " reads";
  if (auth.class === "long-lived") {
    throw new PolicyViolationError({
      provider,
      ...(reference ? { reference } : {}),
      message: `${provider}: policy.requireShortLived refuses${what} with ${auth.what}: it does not expire by itself. Fix: ${auth.instead}.`,
    });
  }
  if (auth.class === "unknown" && mode === "strict") {
    throw new PolicyViolationError({
      provider,
      ...(reference ? { reference } : {}),
      message: `${provider}: policy.requireShortLived "strict" refuses${what} with ${auth.what}: it could not be classified as short-lived. Fix: use credentials the provider recognises as short-lived, or set requireShortLived: true to allow unclassified credentials.`,
    });
  }
}

/** A provider's answer checked by type: anything else is `unknown`. */
export function checkedAuthClass(value: unknown): AuthClass {
  const v = value as Partial<Record<string, unknown>> | null;
  if (v === null || typeof v !== "object") return UNCLASSIFIED;
  switch (v.class) {
    case "none":
    case "short-lived":
      return v as AuthClass;
    case "long-lived":
      return {
        class: "long-lived",
        what: typeof v.what === "string" ? v.what : "long-lived credentials",
        instead:
          typeof v.instead === "string" ? v.instead : "use credentials that expire by themselves",
      };
    case "unknown":
      return { class: "unknown", what: typeof v.what === "string" ? v.what : UNCLASSIFIED_WHAT };
    default:
      return UNCLASSIFIED;
  }
}
