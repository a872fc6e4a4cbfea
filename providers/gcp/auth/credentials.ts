/**
 * `getCredentials("gcp", request)`: an access token (IAM Credentials
 * `generateAccessToken`) or an ID token (`generateIdToken`) for a service account,
 * impersonated over the source credentials and held in the client's memo: one token
 * request for any number of callers, replaced ahead of its expiry.
 */

import type { Impersonated } from "google-auth-library";
import {
  type CallContext,
  type Issued,
  type ProviderContext,
  raceSignal,
} from "../../../src/provider/index.js";
import type { GcpAuth, GcpCredentials, GcpCredentialsRequest, GcpOptions } from "../types.js";
import { type ImpersonationSpec, impersonationSpec, internalsOf } from "./create.js";
import { toGcpAuthError } from "./errors.js";

/** An ID token's `exp` (epoch ms), read from its payload; undefined for an opaque token. */
function idTokenExpiry(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as {
      exp?: unknown;
    };
    return typeof claims.exp === "number" ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

async function accessToken(imp: Impersonated): Promise<GcpCredentials> {
  // A new token each time the memo asks: the memo decides when to refresh, not the
  // library's own cache. The client keeps the new token, so reads through it share it.
  const { credentials } = await imp.refreshAccessToken();
  if (!credentials.access_token || !credentials.expiry_date) {
    throw new Error("generateAccessToken answered without accessToken or expireTime");
  }
  return { accessToken: credentials.access_token, expiresAt: credentials.expiry_date };
}

async function idToken(
  imp: Impersonated,
  audience: string,
  includeEmail: boolean,
): Promise<GcpCredentials> {
  const token = await imp.fetchIdToken(audience, { includeEmail });
  // Google's ID tokens live one hour; an unreadable one is kept no longer.
  return { idToken: token, expiresAt: idTokenExpiry(token) ?? Date.now() + 3_600_000 };
}

/** The request with the provider's `impersonate` option as its defaults. */
function normalise(
  options: GcpOptions,
  request: GcpCredentialsRequest,
): { spec: ImpersonationSpec; audience?: string; includeEmail: boolean } {
  const spec = impersonationSpec(request, options.impersonate);
  return {
    spec,
    ...(request.audience ? { audience: request.audience } : {}),
    includeEmail: request.includeEmail ?? false,
  };
}

/**
 * A label for events and audit logs: the kind of token and the target, never a token.
 *
 * @example
 * ```ts
 * gcpCredentialsLabel({}, { targetPrincipal: "deployer@p.iam.gserviceaccount.com" }); // "gcp:access-token deployer@p.iam.gserviceaccount.com"
 * ```
 */
export function gcpCredentialsLabel(options: GcpOptions, request: unknown): string {
  try {
    const r = normalise(options, (request ?? {}) as GcpCredentialsRequest);
    return r.audience
      ? `gcp:id-token ${r.spec.target} for ${r.audience}`
      : `gcp:access-token ${r.spec.target}`;
  } catch {
    return "gcp:token";
  }
}

/**
 * Issues short-lived credentials for `getCredentials("gcp", request)`: an access token
 * for `request.targetPrincipal` (default: the provider's `impersonate` target), or an ID
 * token when the request names an `audience`. Held in `ctx.memo`, so one token request
 * serves every concurrent caller; `expiresAt` lets the client's cache replace it ahead of
 * its expiry. Waits no longer than `call.signal` allows.
 *
 * @example
 * ```ts
 * const issued = await issueGcpCredentials(auth, options, { targetPrincipal: "deployer@p.iam.gserviceaccount.com" }, call, ctx);
 * issued.value.accessToken; // "ya29…"
 * ```
 */
export async function issueGcpCredentials(
  auth: GcpAuth,
  options: GcpOptions,
  request: GcpCredentialsRequest,
  call: CallContext,
  ctx: ProviderContext,
): Promise<Issued<GcpCredentials>> {
  const internal = internalsOf(auth);
  const { spec, audience, includeEmail } = normalise(options, request ?? {});
  // The memo key names the token (it shows in events); never a token or a secret.
  const via = spec.delegates.length ? `, via ${spec.delegates.join(" ")}` : "";
  const key = audience
    ? `gcp:id-token ${spec.target} for ${audience}${includeEmail ? " with email" : ""}${via}`
    : `gcp:access-token ${spec.target} (${[...spec.scopes].sort().join(" ")}, ${spec.lifetimeSeconds}s${via})`;
  const subject = audience
    ? `an ID token of ${spec.target} for ${audience}`
    : `an access token of ${spec.target}`;
  let value: GcpCredentials;
  try {
    value = await raceSignal(
      ctx.memo<GcpCredentials>(key, async (signal) => {
        const imp = await internal.impersonated(spec, signal);
        const v = await raceSignal(
          audience ? idToken(imp, audience, includeEmail) : accessToken(imp),
          signal,
        );
        return { value: v, expiresAt: v.expiresAt };
      }),
      call.signal,
    );
  } catch (err) {
    throw toGcpAuthError(err, {
      subject,
      target: spec.target,
      permission: audience
        ? "iam.serviceAccounts.getOpenIdToken"
        : "iam.serviceAccounts.getAccessToken",
    });
  }
  return { value, expiresAt: value.expiresAt };
}
