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
import { type BoundProvider, bindProvider } from "../../src/provider/index.js";
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
 * @param options - {@link GcpOptions}, all optional: `projectId` (else
 *   `GOOGLE_CLOUD_PROJECT`, the credentials' project, the metadata server),
 *   `authClient` (an authorised client of your own) or `keyFilename`, `impersonate`
 *   (`{ targetPrincipal, scopes, delegates, lifetime }`: every read runs as that
 *   service account), `client` (an existing `SecretManagerServiceClient`, used as
 *   is), `endpoint`, `regionalEndpoint` and `iamCredentialsEndpoint` (other hosts),
 *   `concurrency` (parallel reads of `load()`). See the GCP guide (docs/providers/gcp.md).
 * @returns A provider for `gcp-sm://`, and for `getCredentials("gcp", request)`.
 * @throws `ConfigError` (`INVALID_CONFIG`) for an option of the wrong type,
 *   or no project for a reference that names none. Reads through it fail with a `SecretsError` whose `code` is `MISSING_DEPENDENCY` (the SDK is not installed: the error names the package and the install command), `NOT_FOUND`, `ACCESS_DENIED` (names the permission or role to grant), `THROTTLED` (after the SDK's retries), `UNAVAILABLE` (network failure, outage, or the call's deadline), `INVALID_VALUE` (`#field` or type mismatch), or
 *   `POLICY_VIOLATION` (a service-account JSON key under `policy.requireShortLived`).
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
export function gcpProvider(options: GcpOptions = {}): BoundProvider<GcpOptions> {
  return bindProvider(gcpDescriptor, options);
}
