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

import { assertServerRuntime } from "../../src/provider/index.js";

assertServerRuntime();

export type { AzureChainLink } from "./chain.js";
export { azureProvider } from "./declaration.js";
export type { AzureProvider } from "./runtime.js";
export type {
  AzureAccessToken,
  AzureCredentials,
  AzureCredentialsRequest,
  AzureProviderOptions,
  AzureTokenCredential,
} from "./types.js";
