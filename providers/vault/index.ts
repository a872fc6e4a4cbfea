/**
 * The `vault` provider's public entry. Only its descriptor exists so far:
 * references validate, and creating the provider fails with NO_PROVIDER
 * until it lands.
 *
 * @example
 * ```ts
 * import { vaultDescriptor } from "secrets-loader/providers/vault";
 * vaultDescriptor.name; // "vault"
 * ```
 * @packageDocumentation
 */

import { assertServerRuntime, bindProvider } from "../../src/provider/index.js";
import { vaultDescriptor } from "./descriptor.js";

assertServerRuntime();

export { vaultDescriptor } from "./descriptor.js";

/**
 * The vault provider, for `createSecrets({ providers })`. Not implemented yet:
 * its first use fails with a `NoProviderError` that says so.
 *
 * @example
 * ```ts
 * createSecrets({ providers: { vault: vaultProvider() } });
 * ```
 */
export function vaultProvider(options: Record<string, unknown> = {}) {
  return bindProvider(vaultDescriptor, options);
}
