/**
 * The `gcp` provider's public entry. Only its descriptor exists so far:
 * references validate, and creating the provider fails with NO_PROVIDER
 * until it lands.
 *
 * @example
 * ```ts
 * import { gcpDescriptor } from "secrets-loader/providers/gcp";
 * gcpDescriptor.name; // "gcp"
 * ```
 * @packageDocumentation
 */

// The guard comes through the root: the provider and the client then share one module
// graph, which the bundler keeps in one chunk (fewer files to load at start-up).
import { assertServerRuntime } from "../../src/index.js";
import { bindProvider } from "../../src/provider/index.js";
import { gcpDescriptor } from "./descriptor.js";
import type { GcpOptions } from "./types.js";

assertServerRuntime();

export { type GcpCredentialsSource, gcpAuthClient } from "./auth/auth-client.js";
export { gcpDescriptor } from "./descriptor.js";
export type {
  GcpAuthClient,
  GcpCredentials,
  GcpCredentialsRequest,
  GcpImpersonation,
  GcpOptions,
} from "./types.js";

/**
 * The gcp provider, for `createSecrets({ providers })`. Not implemented yet:
 * its first use fails with a `NoProviderError` that says so.
 *
 * @example
 * ```ts
 * createSecrets({ providers: { gcp: gcpProvider() } });
 * ```
 */
export function gcpProvider(options: GcpOptions = {}) {
  return bindProvider(gcpDescriptor, options);
}
