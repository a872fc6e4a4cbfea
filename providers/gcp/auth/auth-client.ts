/**
 * The provider's short-lived tokens as a `google-auth-library` client, for any Google
 * client (Storage, Pub/Sub, BigQuery, a `SecretManagerServiceClient`).
 */

import type { OAuth2Client } from "google-auth-library";
import type { GcpCredentialsRequest } from "../types.js";
import { loadGoogleAuth } from "./library.js";

/**
 * The part of a secrets client `gcpAuthClient` uses (`createSecrets()` returns one).
 *
 * @example
 * ```ts
 * const source: GcpCredentialsSource = createSecrets({ providers: { gcp: gcpProvider() } });
 * ```
 */
export interface GcpCredentialsSource {
  /** `secrets.getCredentials("gcp", request)`: a token and when it expires. */
  getCredentials(provider: "gcp", request?: GcpCredentialsRequest): Promise<GcpTokenLike>;
}

/**
 * What `gcpAuthClient` reads from `getCredentials("gcp")`.
 *
 * @example
 * ```ts
 * const t: GcpTokenLike = { accessToken: "ya29…", expiresAt: Date.now() + 3_600_000 };
 * ```
 */
export interface GcpTokenLike {
  /** The OAuth 2.0 access token. */
  readonly accessToken?: string;
  /** When it expires (epoch ms). */
  readonly expiresAt: number;
}

/**
 * An `OAuth2Client` whose access tokens come from `secrets.getCredentials("gcp", request)`:
 * the impersonated service account's token, held and renewed by the secrets client
 * (one token request for this client, `getCredentials` callers and the provider's own
 * reads alike). Pass it as `authClient` to any Google client.
 *
 * @example
 * ```ts
 * import { Storage } from "@google-cloud/storage";
 * const authClient = await gcpAuthClient(secrets, { targetPrincipal: "uploader@acme-prod.iam.gserviceaccount.com" });
 * const storage = new Storage({ authClient });
 * ```
 */
export async function gcpAuthClient(
  secrets: GcpCredentialsSource,
  request: GcpCredentialsRequest = {},
): Promise<OAuth2Client> {
  if (request.audience) {
    throw new TypeError("gcpAuthClient: an ID token (audience) is not an access token; omit it.");
  }
  const { OAuth2Client } = await loadGoogleAuth();
  const client = new OAuth2Client();
  // The library's hook for tokens managed elsewhere: asked whenever its copy is about to expire.
  client.refreshHandler = async () => {
    const c = await secrets.getCredentials("gcp", request);
    if (!c.accessToken) throw new Error("gcp: getCredentials returned no access token");
    return { access_token: c.accessToken, expiry_date: c.expiresAt };
  };
  return client;
}
