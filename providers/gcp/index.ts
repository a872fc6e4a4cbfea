/**
 * The `gcp` provider: GCP Secret Manager secrets (`gcp-sm://`) over the REST API v1,
 * through one authorised `google-auth-library` client (loaded on first use) or the
 * caller's own `SecretManagerServiceClient`; and short-lived tokens
 * (`getCredentials("gcp", { targetPrincipal })`, impersonation and workload identity
 * federation).
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { gcpProvider } from "secrets-loader/providers/gcp";
 *
 * const secrets = createSecrets({ providers: { gcp: gcpProvider() } });
 * const key = await secrets.getSecret("gcp-sm://stripe-key");
 * ```
 * @packageDocumentation
 */

import { assertServerRuntime } from "../../src/provider/index.js";

assertServerRuntime();

export { type GcpCredentialsSource, type GcpTokenLike, gcpAuthClient } from "./auth/auth-client.js";
export { gcpProvider } from "./declaration.js";
export type { GcpProvider } from "./runtime.js";
export type {
  GcpAuthClient,
  GcpCredentials,
  GcpCredentialsRequest,
  GcpImpersonation,
  GcpOptions,
  GcpSourceKind,
} from "./types.js";
