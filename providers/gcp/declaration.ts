/**
 * The `gcp` provider's declaration: `gcp-sm://` (Secret Manager) references
 * and their rule, its typed credentials, its optional packages.
 */

import { type CredentialsEntry, defineProvider, type Provider } from "../../src/provider/index.js";
import { gcpSm } from "./rules.js";
import type { GcpProvider } from "./runtime.js";
import type { GcpCredentials, GcpCredentialsRequest, GcpOptions } from "./types.js";

declare module "../../src/provider/index.js" {
  interface CredentialsMap {
    /** GCP: an impersonated service account's access token, or an ID token for `{ audience }`. */
    gcp: CredentialsEntry<GcpCredentialsRequest, GcpCredentials>;
  }
}

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
 * @throws `ConfigError` (`INVALID_CONFIG`), at first use, for an option of the wrong type,
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
export const gcpProvider: Provider<GcpOptions, GcpProvider> = defineProvider<
  GcpOptions,
  GcpProvider
>({
  name: "gcp",
  schemes: { "gcp-sm": gcpSm },
  suggestions: {
    gcp: "gcp-sm",
    "gcp-secrets": "gcp-sm",
    "gcp-secret-manager": "gcp-sm",
    "google-sm": "gcp-sm",
  },
  peers: {
    "google-auth-library":
      "signing in (Application Default Credentials, impersonation, workload identity) and every REST read",
    "@google-cloud/secret-manager":
      "only when you pass your own SecretManagerServiceClient as client (never imported by the provider)",
  },
  options: async () => (await import("./options-check.js")).checkGcpOptions,
  // Application Default Credentials and GOOGLE_CLOUD_PROJECT at first use; google-auth-library loads then.
  create: async (context, options) =>
    (await import("./runtime.js")).createGcpProvider(context, options, gcpSm),
  // The facet is typed by the operations with their doctor handle (a subtype of the public type).
  doctor: async () => (await import("./doctor.js")).gcpDoctor,
});
