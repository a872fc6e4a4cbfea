/**
 * The `vault` provider: HashiCorp Vault and OpenBao through `node-vault`
 * (imported on first use). `vault://` KV v2 and v1 references, leased
 * dynamic secrets such as `database/creds/<role>`, and
 * `getCredentials("vault", { path })`, with tokens from `VAULT_TOKEN`,
 * AppRole, JWT/OIDC or Kubernetes logins kept alive by the client.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { vaultProvider } from "secrets-loader/providers/vault";
 *
 * const secrets = createSecrets({ providers: { vault: vaultProvider() } }); // VAULT_ADDR, VAULT_TOKEN
 * const password = await secrets.getSecret("vault://secret/app/db#password");
 * ```
 * @packageDocumentation
 */

import { assertServerRuntime, bindProvider } from "../../src/provider/index.js";
import { vaultDescriptor } from "./descriptor.js";
import type { VaultProviderOptions } from "./options.js";

assertServerRuntime();

export { vaultDescriptor } from "./descriptor.js";
export type {
  VaultAppRoleAuth,
  VaultAuthOptions,
  VaultJwtAuth,
  VaultKubernetesAuth,
  VaultProviderOptions,
  VaultTokenAuth,
} from "./options.js";
export type { VaultProvider } from "./runtime.js";
export type { VaultCredentials, VaultCredentialsRequest } from "./types.js";

/**
 * The Vault (and OpenBao) provider, for `createSecrets({ providers })`. With
 * no options it reads `VAULT_ADDR`, `VAULT_TOKEN` (else `~/.vault-token`) and
 * `VAULT_NAMESPACE`. The provider and `node-vault` load on first use.
 *
 * - `vault://<mount>/<path>[?version=N][#field]`: KV v2 or v1 (detected once per mount).
 * - `vault://database/creds/<role>#password`: a leased credential, renewed in
 *   place up to its max TTL, then re-issued; revoked once when dropped and on `close()`.
 * - `getCredentials("vault", { path: "database/creds/<role>" })`: the same lease and cache entry.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { vaultProvider } from "secrets-loader/providers/vault";
 *
 * const secrets = createSecrets({
 *   providers: {
 *     vault: vaultProvider({
 *       address: "https://vault.internal:8200",
 *       auth: { method: "approle", roleId: process.env.ROLE_ID ?? "", secretIdFile: "/run/secrets/secret-id" },
 *     }),
 *   },
 * });
 * const { username, password } = await secrets.getCredentials("vault", { path: "database/creds/readonly" });
 * ```
 */
export function vaultProvider(options: VaultProviderOptions = {}) {
  return bindProvider(vaultDescriptor, options);
}
