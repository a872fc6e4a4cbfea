/**
 * The Vault provider's doctor facet: who the token is (policies, TTL,
 * renewable; administrator when it holds the root policy or a policy that
 * grants sudo or everything on "*"), what the options and environment say
 * about the token, and the guidance texts. Loaded only by the CLI.
 */

import type { DoctorFacet } from "../../src/provider/index.js";
import type { VaultProvider } from "./runtime.js";

const EVERYTHING = ["create", "read", "update", "delete", "list"];

/**
 * What makes an ACL policy an administrator's, in words, or undefined: `sudo`
 * on any path, or every capability (or `*`) on the path "*". Policies written
 * in HCL are read; JSON policies are not judged.
 *
 * @example
 * ```ts
 * adminGrant('path "*" { capabilities = ["sudo"] }'); // 'sudo on "*"'
 * adminGrant('path "secret/data/app/*" { capabilities = ["read"] }'); // undefined
 * ```
 */
export function adminGrant(hcl: string): string | undefined {
  const block = /path\s+"([^"]*)"\s*\{([^}]*)\}/g;
  for (let m = block.exec(hcl); m; m = block.exec(hcl)) {
    const path = m[1] ?? "";
    const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2] ?? "")?.[1] ?? "";
    const list = [...caps.matchAll(/"([^"]+)"/g)].map((c) => c[1] as string);
    if (list.includes("sudo")) return `sudo on "${path}"`;
    if (path === "*" && (list.includes("*") || EVERYTHING.every((c) => list.includes(c)))) {
      return 'every capability on "*"';
    }
  }
  return undefined;
}

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
