/**
 * The provider's short-lived tokens as a `google-auth-library` client, for any Google
 * client (Storage, Pub/Sub, BigQuery, a `SecretManagerServiceClient`).
 */

import type { GcpAuthClient, GcpCredentialsRequest } from "../types.js";
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
 * The result is typed as {@link GcpAuthClient} by default, so this package's
 * declarations compile without `google-auth-library` installed; name the
 * library's type to get it: `gcpAuthClient<OAuth2Client>(secrets, request)`
 * (the object is a real `OAuth2Client`, which calling this needs installed).
 *
 * @typeParam Client - The type to see the client as: `OAuth2Client` from
 *   `google-auth-library`, or the default {@link GcpAuthClient}.
 * @param secrets - A secrets client whose `gcp` provider issues the tokens.
 * @param request - Whose token: `{ targetPrincipal, scopes, delegates, lifetime }`
 *   (default: the provider's `impersonate` target, else its own identity). An ID
 *   token request (`audience`) is refused with a `TypeError`.
 * @throws `MISSING_DEPENDENCY` when `google-auth-library` is not installed.
 *
 * @example
 * ```ts
 * import { Storage } from "@google-cloud/storage";
 * import type { OAuth2Client } from "google-auth-library";
 * const authClient = await gcpAuthClient<OAuth2Client>(secrets, { targetPrincipal: "uploader@acme-prod.iam.gserviceaccount.com" });
 * const storage = new Storage({ authClient });
 * ```
 */
export async function gcpAuthClient<Client extends GcpAuthClient = GcpAuthClient>(
  secrets: GcpCredentialsSource,
  request: GcpCredentialsRequest = {},
): Promise<Client> {
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
  return client as unknown as Client;
}
