/**
 * The `azure` provider's declaration: `azure-kv://` (Key Vault) references
 * and their rule, its typed credentials, its optional packages.
 */

import { type CredentialsEntry, defineProvider, type Provider } from "../../src/provider/index.js";
import { azureKv } from "./rules.js";
import type { AzureProvider } from "./runtime.js";
import type { AzureCredentials, AzureCredentialsRequest, AzureProviderOptions } from "./types.js";

declare module "../../src/provider/index.js" {
  interface CredentialsMap {
    /** Azure: an Entra ID access token for `{ scopes }`. */
    azure: CredentialsEntry<AzureCredentialsRequest, AzureCredentials>;
  }
}

/**
 * The Azure provider, for `createSecrets({ providers })`. With no options the
 * standard variables choose the identity, tried in this order: workload
 * identity (`AZURE_FEDERATED_TOKEN_FILE`), managed identity
 * (`IDENTITY_ENDPOINT`, else the VM's), the Azure CLI, and a client secret
 * (`AZURE_CLIENT_SECRET`) last.
 *
 * - `azure-kv://<vault>/<secret>[/<version>][#field]`: a vault name maps to
 *   `https://<vault>.vault.azure.net` (see `vaultUrlTemplate`), a host is used as given.
 * - `getCredentials("azure", { scopes })`: `{ token, expiresAt, expiresOnTimestamp }`,
 *   from the same memo entry as the provider's own Key Vault tokens: one token
 *   request for any number of callers, refreshed before it expires.
 *
 * @param options - {@link AzureProviderOptions}, all optional: `credential` (any
 *   `TokenCredential`; then `@azure/identity` is never loaded), or `tenantId`,
 *   `clientId`, `clientSecret`, `federatedTokenFile`, `managedIdentity`,
 *   `authorityHost`, `azureCli` (override the standard variables);
 *   `vaultUrlTemplate` (sovereign clouds), `concurrency` (batch reads, default 8), `maxRetries`,
 *   `disableChallengeResourceVerification`, `disableInstanceDiscovery`. See the
 *   Azure guide (docs/providers/azure.md).
 * @returns A provider for `azure-kv://`, and for `getCredentials("azure", { scopes })`.
 * @throws `ConfigError` (`INVALID_CONFIG`), at first use, for an option of the wrong type.
 *   Reads through it fail with a `SecretsError` whose `code` is `MISSING_DEPENDENCY` (the SDK is not installed: the error names the package and the install command), `NOT_FOUND`, `ACCESS_DENIED` (names the permission or role to grant), `THROTTLED` (after the SDK's retries), `UNAVAILABLE` (network failure, outage, or the call's deadline), `INVALID_VALUE` (`#field` or type mismatch), `EXPIRED` (outside the secret's `notBefore` / `expiresOn`), or
 *   `POLICY_VIOLATION` (a client secret under `policy.requireShortLived`).
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { azureProvider } from "secrets-loader/providers/azure";
 *
 * const secrets = createSecrets({ providers: { azure: azureProvider() } });
 * const db = await secrets.getSecret("azure-kv://acme-kv/db#password");
 * const { token } = await secrets.getCredentials("azure", { scopes: "https://storage.azure.com/.default" });
 * ```
 */
export const azureProvider: Provider<AzureProviderOptions, AzureProvider> = defineProvider<
  AzureProviderOptions,
  AzureProvider
>({
  name: "azure",
  schemes: { "azure-kv": azureKv },
  suggestions: {
    azure: "azure-kv",
    "azure-keyvault": "azure-kv",
    keyvault: "azure-kv",
    akv: "azure-kv",
  },
  peers: {
    "@azure/identity":
      'signing in (workload or managed identity, the Azure CLI, a client secret) and getCredentials("azure", …)',
    "@azure/keyvault-secrets": "azure-kv:// reads",
  },
  options: async () => (await import("./options-check.js")).checkAzureOptions,
  // Configured from the standard AZURE_* / IDENTITY_* variables at first use; SDKs load then.
  create: async (context, options) =>
    (await import("./runtime.js")).createAzureProvider(context, options),
  doctor: async () => (await import("./doctor.js")).azureDoctor,
});
