/**
 * Public shapes of the GCP provider. `GcpAuthClient` is the part of
 * `google-auth-library`'s `AuthClient` the provider uses, declared structurally so these
 * declarations do not depend on the Google packages (optional peers).
 */

import type { ReferenceRule } from "../../src/provider/index.js";

/**
 * The part of a `google-auth-library` `AuthClient` the provider needs: request headers
 * for a URL. Any `GoogleAuth` client, `Impersonated`, `ExternalAccountClient` or
 * `OAuth2Client` fits.
 *
 * @example
 * ```ts
 * gcpProvider({ authClient: await new GoogleAuth({ scopes }).getClient() });
 * ```
 */
export interface GcpAuthClient {
  /** The headers (the bearer token) to send with a request to `url`. */
  getRequestHeaders(url?: string): Promise<Headers | Record<string, string>>;
}

/**
 * Impersonate a service account for every Secret Manager read and as the default
 * target of `getCredentials("gcp")`.
 *
 * @example
 * ```ts
 * gcpProvider({ impersonate: { targetPrincipal: "reader@acme-prod.iam.gserviceaccount.com" } });
 * ```
 */
export interface GcpImpersonation {
  /** The service account's email. */
  targetPrincipal: string;
  /** The delegation chain, each an email, in order. */
  delegates?: readonly string[];
  /** Scopes; default `https://www.googleapis.com/auth/cloud-platform`. */
  scopes?: string | readonly string[];
  /** Token lifetime in seconds (or a duration such as `"15m"`); default 3600 s. */
  lifetime?: number | string;
}

/**
 * What `getCredentials("gcp", request)` takes. With `audience`, an ID token is issued
 * (`generateIdToken`) instead of an access token.
 *
 * @example
 * ```ts
 * const { accessToken } = await secrets.getCredentials("gcp", {
 *   targetPrincipal: "deployer@acme-prod.iam.gserviceaccount.com",
 *   scopes: ["https://www.googleapis.com/auth/cloud-platform"],
 * });
 * ```
 */
export interface GcpCredentialsRequest extends Partial<GcpImpersonation> {
  /** Issue an ID token for this audience (a Cloud Run URL, an IAP client id). */
  audience?: string;
  /** With `audience`: include the service account's email in the ID token. */
  includeEmail?: boolean;
}

/**
 * What `getCredentials("gcp", request)` returns: an access token, or an ID token when the
 * request named an `audience`.
 *
 * @example
 * ```ts
 * const { accessToken, expiresAt } = await secrets.getCredentials("gcp", { targetPrincipal });
 * ```
 */
export interface GcpCredentials {
  /** The OAuth 2.0 access token (absent for an ID-token request). */
  readonly accessToken?: string;
  /** The ID token (only for a request with `audience`). */
  readonly idToken?: string;
  /** When the token expires (epoch ms). */
  readonly expiresAt: number;
}

/**
 * Options of `gcpProvider()`. With none, Application Default Credentials decide
 * (`GOOGLE_APPLICATION_CREDENTIALS`, the gcloud file, the metadata server) and the
 * default project comes from `GOOGLE_CLOUD_PROJECT` or the credentials.
 *
 * @example
 * ```ts
 * gcpProvider({ projectId: "acme-prod", concurrency: 16 });
 * ```
 */
export interface GcpOptions {
  /** The project for references that name none. */
  projectId?: string;
  /** An authorised client to use as is; then ADC is not consulted. */
  authClient?: GcpAuthClient;
  /** An ADC-style JSON file to use instead of the ambient one. */
  keyFilename?: string;
  /** Impersonate this service account for every read. */
  impersonate?: GcpImpersonation;
  /** An official `SecretManagerServiceClient` to use as is (then our REST path is off). */
  client?: unknown;
  /** Secret Manager endpoint; default `https://secretmanager.googleapis.com`. */
  endpoint?: string;
  /** Regional endpoint template with `{location}`; default `https://secretmanager.{location}.rep.googleapis.com`. */
  regionalEndpoint?: string;
  /** IAM Credentials endpoint; default `https://iamcredentials.googleapis.com`. */
  iamCredentialsEndpoint?: string;
  /** How many reads `load()` runs at once; default 16. */
  concurrency?: number;
  /**
   * Whether the endpoint sends `dataCrc32c` with each payload; default true, as Secret
   * Manager always does, and an answer without one is refused. Set false only for an
   * endpoint that sends none (an emulator): a checksum that is sent is still verified.
   */
  endpointSendsChecksum?: boolean;
}

/**
 * What kind of source credentials the provider runs on, for the doctor and for
 * `policy.requireShortLived`.
 *
 * @example
 * ```ts
 * const source: GcpSourceKind = "external_account"; // short-lived
 * ```
 */
export type GcpSourceKind =
  | "service_account" // a JSON key: long-lived
  | "authorized_user" // a gcloud user login: a refresh token, long-lived
  | "external_account" // workload identity federation: short-lived
  | "impersonated_service_account"
  | "metadata" // GCE / Cloud Run / GKE metadata server: short-lived
  | "injected" // `authClient` given by the caller
  | "unknown";

/**
 * Internal contract between the provider's runtime (Secret Manager reads) and its
 * authentication layer (`auth/`): one instance per provider, shared by every read.
 *
 * @example
 * ```ts
 * const auth = createGcpAuth(options, ctx);
 * const headers = await (await auth.client()).getRequestHeaders(url);
 * ```
 */
export interface GcpAuth {
  /** The client every Secret Manager read uses (impersonated when `impersonate` is set). */
  client(signal?: AbortSignal): Promise<GcpAuthClient>;
  /** The project for references that name none; always resolved, never left to the library. */
  projectId(signal?: AbortSignal): Promise<string>;
  /** The source credentials' kind and whether they are long-lived. */
  source(): Promise<{ kind: GcpSourceKind; longLived: boolean; principal?: string }>;
}

/**
 * What the doctor facet reads from a GCP provider instance, typed through
 * the declaration: its auth layer, options and reference rule.
 *
 * @example
 * ```ts
 * const facet: DoctorFacet<GcpProviderInternals> = { guidance, evidence: { "least-privilege": async ({ gcpAuth }) => [] } };
 * ```
 */
export interface GcpProviderInternals {
  /** The provider's auth layer (for the doctor's permission checks). */
  readonly gcpAuth: GcpAuth;
  /** The options the provider was created with. */
  readonly gcpOptions: GcpOptions;
  /** The `gcp-sm` rule, to normalise a configured reference's path. */
  readonly gcpRule?: ReferenceRule;
}
