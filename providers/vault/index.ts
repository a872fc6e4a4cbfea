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

// The guard comes through the root: the provider and the client then share one module
// graph, which the bundler keeps in one chunk (fewer files to load at start-up).
import { assertServerRuntime } from "../../src/index.js";
import { bindProvider } from "../../src/provider/index.js";
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
