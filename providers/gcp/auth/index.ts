/**
 * The GCP provider's authentication layer: source credentials, impersonation, the
 * default project, `policy.requireShortLived`, and short-lived tokens for
 * `getCredentials("gcp", …)`. The runtime (Secret Manager reads) uses `createGcpAuth`;
 * `google-auth-library` loads on first use only.
 *
 * @example
 * ```ts
 * const auth = createGcpAuth(options, ctx);
 * const provider = {
 *   getCredentials: (request, call) => issueGcpCredentials(auth, options, request, call, ctx),
 * };
 * ```
 * @packageDocumentation
 */

export { createGcpAuth } from "./create.js";
export { gcpCredentialsLabel, issueGcpCredentials } from "./credentials.js";
