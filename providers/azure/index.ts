/**
 * The `azure` provider: Azure Key Vault secrets (`azure-kv://`) through
 * `@azure/keyvault-secrets`, and Entra ID access tokens
 * (`getCredentials("azure", { scopes })`) through `@azure/identity`. Both
 * packages load on first use.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { azureProvider } from "secrets-loader/providers/azure";
 *
 * const secrets = createSecrets({ providers: { azure: azureProvider() } });
 * const key = await secrets.getSecret("azure-kv://acme-kv/stripe-key");
 * ```
 * @packageDocumentation
 */

// The guard comes through the root: the provider and the client then share one module
// graph, which the bundler keeps in one chunk (fewer files to load at start-up).
import { assertServerRuntime } from "../../src/index.js";
import { type BoundProvider, bindProvider } from "../../src/provider/index.js";
import { azureDescriptor } from "./descriptor.js";
import type { AzureProviderOptions } from "./types.js";

assertServerRuntime();

export type { AzureChainLink } from "./chain.js";
export { azureDescriptor } from "./descriptor.js";
export type { AzureProvider } from "./runtime.js";
export type {
  AzureAccessToken,
  AzureCredentials,
  AzureCredentialsRequest,
  AzureProviderOptions,
  AzureTokenCredential,
} from "./types.js";

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
 * @throws `ConfigError` (`INVALID_CONFIG`) for an option of the wrong type.
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
export function azureProvider(
  options: AzureProviderOptions = {},
): BoundProvider<AzureProviderOptions> {
  return bindProvider(azureDescriptor, options);
}
