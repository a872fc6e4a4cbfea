/**
 * Typed `getCredentials`: each provider declares what its credentials
 * request and response are, by declaration merging next to its declaration.
 */

/**
 * Short-lived credentials by provider name: the request each provider takes
 * and the credentials it returns. Every provider, built-in or third party,
 * adds its entry by declaration merging, next to its `defineProvider`.
 *
 * @example
 * ```ts
 * declare module "secrets-loader/provider" {
 *   interface CredentialsMap {
 *     mem: CredentialsEntry<{ role: string }, { token: string }>;
 *   }
 * }
 * const { token } = await secrets.getCredentials("mem", { role: "reader" });
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface CredentialsMap {}

/**
 * One entry of {@link CredentialsMap}: what a provider's `getCredentials` takes and returns.
 *
 * @example
 * ```ts
 * type Mine = CredentialsEntry<{ role: string }, { token: string }>;
 * ```
 */
export interface CredentialsEntry<R, C> {
  /** The request. */
  request: R;
  /** The credentials returned. */
  credentials: C;
}
