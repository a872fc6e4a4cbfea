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

// The guard comes through the root: the provider and the client then share one module
// graph, which the bundler keeps in one chunk (fewer files to load at start-up).
import { assertServerRuntime } from "../../src/index.js";
import { bindProvider } from "../../src/provider/index.js";
import { gcpDescriptor } from "./descriptor.js";
import type { GcpOptions } from "./types.js";

assertServerRuntime();

export { type GcpCredentialsSource, type GcpTokenLike, gcpAuthClient } from "./auth/auth-client.js";
export { gcpDescriptor } from "./descriptor.js";
export type { GcpProvider } from "./runtime.js";
export type {
  GcpAuthClient,
  GcpCredentials,
  GcpCredentialsRequest,
  GcpImpersonation,
  GcpOptions,
  GcpSourceKind,
} from "./types.js";

/**
 * The GCP provider, for `createSecrets({ providers })`. With no options, Application
 * Default Credentials sign in (`GOOGLE_APPLICATION_CREDENTIALS`, the gcloud login, the
 * metadata server) and references that name no project use `GOOGLE_CLOUD_PROJECT`
 * (else the credentials' project).
 *
 * - `gcp-sm://projects/<p>/secrets/<s>[/versions/<v>]`, `gcp-sm://<s>`, `gcp-sm://<s>@<v>`,
 *   where `<v>` is a number, `latest` (the default) or an alias;
 * - `gcp-sm://projects/<p>/locations/<l>/secrets/<s>...` reads from the regional endpoint;
 * - `#field` reads a JSON payload's field; `{ type: "binary" }` returns the payload's bytes.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { gcpProvider } from "secrets-loader/providers/gcp";
 *
 * const secrets = createSecrets({
 *   providers: {
 *     gcp: gcpProvider({
 *       projectId: "acme-prod",
 *       // optional: every read runs as this service account
 *       impersonate: { targetPrincipal: "reader@acme-prod.iam.gserviceaccount.com" },
 *     }),
 *   },
 * });
 * const { DB_PASSWORD, STRIPE_KEY } = await secrets.load({
 *   DB_PASSWORD: "gcp-sm://checkout-db#password",
 *   STRIPE_KEY: "gcp-sm://stripe-key@prod",
 * });
 * ```
 */
export function gcpProvider(options: GcpOptions = {}) {
  return bindProvider(gcpDescriptor, options);
}
