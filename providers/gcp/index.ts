/**
 * The `gcp` provider: GCP Secret Manager (`gcp-sm://`) and short-lived tokens
 * (`getCredentials("gcp", { targetPrincipal })`, impersonation and workload identity
 * federation through `google-auth-library`, loaded on first use).
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { gcpProvider } from "secrets-loader/providers/gcp";
 * const secrets = createSecrets({ providers: { gcp: gcpProvider() } });
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

export { type GcpCredentialsSource, type GcpTokenLike, gcpAuthClient } from "./auth/auth-client.js";
export { gcpDescriptor } from "./descriptor.js";
export type {
  GcpAuthClient,
  GcpCredentials,
  GcpCredentialsRequest,
  GcpImpersonation,
  GcpOptions,
} from "./types.js";

/**
 * The GCP provider, for `createSecrets({ providers })`. With no options,
 * Application Default Credentials decide, and the default project comes from
 * `GOOGLE_CLOUD_PROJECT` or the credentials.
 *
 * @example
 * ```ts
 * createSecrets({
 *   providers: { gcp: gcpProvider({ impersonate: { targetPrincipal: "reader@acme-prod.iam.gserviceaccount.com" } }) },
 * });
 * ```
 */
export function gcpProvider(options: GcpOptions = {}) {
  return bindProvider(gcpDescriptor, options);
}
