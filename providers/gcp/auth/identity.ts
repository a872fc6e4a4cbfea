/**
 * Who the provider reads as, for the doctor: the source kind, the impersonated target,
 * and whether the credentials expire by themselves, confirmed by getting a token.
 */

import { type ProviderIdentity, raceSignal } from "../../../src/provider/index.js";
import type { GcpAuth, GcpOptions, GcpSourceKind } from "../types.js";

const KIND: Record<GcpSourceKind, string> = {
  service_account: "service-account-key",
  authorized_user: "user-refresh-token",
  external_account: "workload-identity-federation",
  impersonated_service_account: "impersonated",
  metadata: "metadata-server",
  injected: "injected-client",
  unknown: "unknown",
};

/**
 * The provider's identity. Settings alone prove nothing: a token is obtained through
 * the same client the reads use first (a refusal by policy or a failed exchange throws).
 *
 * @example
 * ```ts
 * const id = await gcpIdentity(auth, { impersonate: { targetPrincipal } }, signal);
 * id.kind; // "impersonated"
 * ```
 */
export async function gcpIdentity(
  auth: GcpAuth,
  options: GcpOptions,
  signal?: AbortSignal,
): Promise<ProviderIdentity> {
  const src = await auth.source();
  const client = await auth.client(signal);
  await raceSignal(Promise.resolve(client.getRequestHeaders()), signal);
  const impersonating = options.impersonate !== undefined;
  const kind = impersonating ? `impersonated (source: ${KIND[src.kind]})` : KIND[src.kind];
  const id: ProviderIdentity = { kind };
  if (src.principal) id.principal = src.principal;
  // An injected client or an unrecognised file: nothing to judge by.
  if (src.kind !== "injected" && src.kind !== "unknown") id.shortLived = !src.longLived;
  return id;
}
