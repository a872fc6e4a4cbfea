/**
 * MINIMAL stand-in runtime (to be replaced by the Secret Manager runtime at merge): a
 * plain `:access` read, plus the wiring of the auth layer (credentials, describe,
 * identity) that the real runtime keeps.
 */

import {
  type CallContext,
  classifyFailure,
  type Issued,
  type ParsedRef,
  type ProviderContext,
  type SecretProvider,
} from "../../src/provider/index.js";
import { gcpIdentity } from "./auth/identity.js";
import { createGcpAuth, gcpCredentialsLabel, issueGcpCredentials } from "./auth/index.js";
import { describeGcpSecret, gcpSecretName } from "./metadata.js";
import type { GcpCredentialsRequest, GcpOptions, GcpProviderInternals } from "./types.js";

/**
 * Creates the GCP provider (the descriptor's `create`).
 *
 * @example
 * ```ts
 * const provider = await createGcpProvider(ctx, { projectId: "acme-prod" });
 * ```
 */
export async function createGcpProvider(
  ctx: ProviderContext,
  options: GcpOptions = {},
): Promise<SecretProvider & GcpProviderInternals> {
  const auth = createGcpAuth(options, ctx);
  return {
    name: "gcp",
    scheme: "gcp-sm",
    gcpAuth: auth,
    gcpOptions: options,
    async getSecret(ref: ParsedRef, call: CallContext): Promise<Issued> {
      const n = await gcpSecretName(auth, options, ref.path, call.signal);
      const url = `${n.endpoint}/v1/${n.secret}/versions/${n.version}:access`;
      const what = { provider: "gcp", subject: `secret "${n.secret}"`, reference: ref.raw };
      let res: Response;
      try {
        const headers = await (await auth.client(call.signal)).getRequestHeaders(url);
        res = await fetch(url, { headers, signal: call.signal });
      } catch (err) {
        throw classifyFailure(err, what);
      }
      const body = (await res.json()) as { name?: string; payload?: { data?: string } };
      if (!res.ok)
        throw classifyFailure(new Error(`HTTP ${res.status}`), what, { status: res.status });
      return {
        value: Buffer.from(body.payload?.data ?? "", "base64").toString("utf8"),
        ...(body.name ? { version: body.name.split("/").pop() as string } : {}),
      };
    },
    getCredentials: (request, call) =>
      issueGcpCredentials(auth, options, request as GcpCredentialsRequest, call, ctx),
    credentialsLabel: (request) => gcpCredentialsLabel(options, request),
    describe: (ref, call) => describeGcpSecret(auth, options, ref, call),
    identity: (call) => gcpIdentity(auth, options, call?.signal),
  };
}
