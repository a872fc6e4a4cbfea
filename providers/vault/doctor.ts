/**
 * The Vault provider's doctor facet: who the token is (policies, TTL,
 * renewable; administrator when it holds the root policy or a policy that
 * grants sudo or everything on "*"), what the options and environment say
 * about the token, and the guidance texts. Loaded only by the CLI.
 */

import type { DoctorFacet } from "../../src/provider/index.js";
import type { VaultProvider } from "./runtime.js";

// The policy reading lives in policy.ts: the runtime's identity() loads it too.
export { adminGrant } from "./policy.js";

/**
 * The Vault doctor facet.
 *
 * @example
 * ```ts
 * vaultDoctor.inspectEnvironment?.({}, { auth: { method: "approle" } }).kind; // "configured"
 * ```
 */
export const vaultDoctor: DoctorFacet<VaultProvider> = {
  guidance: {
    leastPrivilege:
      'Give the app\'s role a policy like: path "secret/data/app/*" { capabilities = ["read"] }; never the root policy, sudo, or everything on "*".',
    ipRestrictions:
      "Set token_bound_cidrs / secret_id_bound_cidrs on the app's AppRole or auth role.",
    shortLived:
      "Log in with AppRole, JWT/OIDC or Kubernetes auth to get TTL'd, renewable tokens instead of a long-lived static token.",
  },

  inspectEnvironment(env, options) {
    const method = (options.auth as { method?: unknown } | undefined)?.method;
    if (typeof method === "string" && method !== "token") {
      return { kind: "configured", evidence: `logs in with ${method}, which issues TTL'd tokens` };
    }
    if (env.VAULT_TOKEN || method === "token") {
      return {
        kind: "unknown",
        evidence: "vault: a static token is configured; its TTL was not looked up",
      };
    }
    return { kind: "unknown", evidence: "vault: no auth configured" };
  },
};
