/**
 * Environment variable prefixes that frameworks inline into client bundles.
 */

/**
 * Prefixes that frameworks inline into client bundles. A variable with one of
 * them is public by construction, so it can never hold a secret.
 *
 * @example
 * ```ts
 * import { PUBLIC_ENV_PREFIXES } from "secrets-loader";
 * const leaky = Object.keys(process.env).filter((k) => PUBLIC_ENV_PREFIXES.some((p) => k.startsWith(p)));
 * ```
 */
export const PUBLIC_ENV_PREFIXES = [
  "NEXT_PUBLIC_",
  "VITE_",
  "REACT_APP_",
  "EXPO_PUBLIC_",
  "PUBLIC_",
  "GATSBY_",
  "NUXT_PUBLIC_",
] as const;

/**
 * The public prefix `name` starts with, if any (case-insensitive).
 *
 * @example
 * ```ts
 * publicPrefixOf("NEXT_PUBLIC_STRIPE_KEY"); // "NEXT_PUBLIC_"
 * ```
 */
export function publicPrefixOf(name: string): string | undefined {
  const upper = name.toUpperCase();
  return PUBLIC_ENV_PREFIXES.find((p) => upper.startsWith(p));
}
