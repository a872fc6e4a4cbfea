/**
 * The `azure` provider's public entry. Only its descriptor exists so far:
 * references validate, and creating the provider fails with NO_PROVIDER
 * until it lands.
 *
 * @example
 * ```ts
 * import { azureDescriptor } from "secrets-loader/providers/azure";
 * azureDescriptor.name; // "azure"
 * ```
 * @packageDocumentation
 */

// The guard comes through the root: the provider and the client then share one module
// graph, which the bundler keeps in one chunk (fewer files to load at start-up).
import { assertServerRuntime } from "../../src/index.js";
import { bindProvider } from "../../src/provider/index.js";
import { azureDescriptor } from "./descriptor.js";

assertServerRuntime();

export { azureDescriptor } from "./descriptor.js";

/**
 * The azure provider, for `createSecrets({ providers })`. Not implemented yet:
 * its first use fails with a `NoProviderError` that says so.
 *
 * @example
 * ```ts
 * createSecrets({ providers: { azure: azureProvider() } });
 * ```
 */
export function azureProvider(options: Record<string, unknown> = {}) {
  return bindProvider(azureDescriptor, options);
}
