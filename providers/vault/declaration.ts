/**
 * The `vault` provider's declaration: `vault://` references (HashiCorp Vault
 * and OpenBao; `bao://` is the same scheme) and their rule, its typed
 * credentials, its optional package.
 */

import { type CredentialsEntry, defineProvider, type Provider } from "../../src/provider/index.js";
import type { VaultProviderOptions } from "./options.js";
import { vault } from "./rules.js";
import type { VaultProvider } from "./runtime.js";
import type { VaultCredentials, VaultCredentialsRequest } from "./types.js";

declare module "../../src/provider/index.js" {
  interface CredentialsMap {
    /** Vault/OpenBao: a leased path such as `database/creds/<role>`; its data. */
    vault: CredentialsEntry<VaultCredentialsRequest, VaultCredentials>;
  }
}

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
 * @param options - {@link VaultProviderOptions}, all optional: `address` (else
 *   `VAULT_ADDR`), `namespace` (else `VAULT_NAMESPACE`), `auth` (`{ method: "token" }`
 *   by default; `approle`, `jwt` or `kubernetes` logins, renewed and revoked by the
 *   client), `kvVersion` (KV version by mount, else detected per mount), `renewAt` (share of a token's
 *   TTL after which it is renewed), `maxAttempts`. See the Vault guide
 *   (docs/providers/vault.md).
 * @returns A provider for `vault://` (`bao://`, `openbao://`), and for
 *   `getCredentials("vault", { path })`.
 * @throws `ConfigError` (`INVALID_CONFIG`), at first use, for an option of the wrong type,
 *   or a server certificate Node does not trust (add its CA with
 *   `NODE_EXTRA_CA_CERTS`). Reads through it fail with a `SecretsError` whose `code` is `MISSING_DEPENDENCY` (the SDK is not installed: the error names the package and the install command), `NOT_FOUND`, `ACCESS_DENIED` (names the permission or role to grant), `THROTTLED` (after the SDK's retries), `UNAVAILABLE` (network failure, outage, or the call's deadline), `INVALID_VALUE` (`#field` or type mismatch), or `EXPIRED` (a lease or token that
 *   could not be renewed).
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
export const vaultProvider: Provider<VaultProviderOptions, VaultProvider> = defineProvider<
  VaultProviderOptions,
  VaultProvider
>({
  name: "vault",
  schemes: { vault },
  aliases: { bao: "vault", openbao: "vault" },
  suggestions: { hashicorp: "vault", "hashicorp-vault": "vault" },
  peers: { "node-vault": "every request to Vault or OpenBao" },
  options: async () => (await import("./options-check.js")).checkVaultOptions,
  // Configured from VAULT_ADDR, VAULT_TOKEN (or ~/.vault-token) and VAULT_NAMESPACE at first use.
  create: async (context, options) =>
    (await import("./runtime.js")).createVaultProvider(context, options),
  doctor: async () => (await import("./doctor.js")).vaultDoctor,
});
