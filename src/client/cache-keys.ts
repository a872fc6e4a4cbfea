/**
 * The one place that knows how cache entries are keyed: a secret by its
 * reference's source (`aws-sm://prod/db`), credentials and memoised auth
 * material by provider name and request, and ended leases by provider and
 * lease id. Everything that invalidates by provider or scheme asks here.
 */

import { stableKey } from "../stable-key.js";
import type { ParsedRef } from "../types.js";

/** NUL cannot appear in a reference or a provider name, so keys of different kinds never meet. */
const SEP = "\u0000";

/** A secret's entry: its reference's source, so all `#field`s and aliases share it. */
export function secretKey(parsed: ParsedRef): string {
  return parsed.source;
}

/** Credentials issued by `provider` for `request` (any JSON-like request, key order ignored). */
export function credentialsKey(provider: string, request: unknown): string {
  return `${provider}${SEP}${stableKey(request)}`;
}

/** A provider's memoised auth material (`context.memo(key, …)`). */
export function memoKey(provider: string, key: string): string {
  return `${provider}${SEP}${key}`;
}

/** A lease of `provider`, to end it exactly once. */
export function leaseKey(provider: string, leaseId: string): string {
  return `${provider}${SEP}${leaseId}`;
}

/** True for the credentials and memo entries of `provider`. */
export function ofProvider(provider: string): (key: string) => boolean {
  const prefix = `${provider}${SEP}`;
  return (key) => key.startsWith(prefix);
}

/** True for the secret entries of `scheme`. */
export function ofScheme(scheme: string): (key: string) => boolean {
  const prefix = `${scheme}://`;
  return (key) => key.startsWith(prefix);
}
