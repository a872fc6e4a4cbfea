/**
 * Public shapes of the Azure provider. `AzureAccessToken` mirrors
 * `@azure/core-auth`'s `AccessToken` structurally, so these declarations do
 * not depend on the Azure packages (optional peers).
 */

/**
 * An Entra ID access token, shaped as `@azure/core-auth`'s `AccessToken`.
 *
 * @example
 * ```ts
 * const { token, expiresOnTimestamp } = await secrets.getCredentials("azure", {
 *   scopes: "https://storage.azure.com/.default",
 * });
 * ```
 */
export interface AzureAccessToken {
  /** The bearer token. */
  readonly token: string;
  /** When it expires (epoch ms). */
  readonly expiresOnTimestamp: number;
  /** When Entra ID suggests refreshing it (epoch ms), when it says. */
  readonly refreshAfterTimestamp?: number;
  /** The token type, `"Bearer"`. */
  readonly tokenType?: "Bearer" | "pop";
}

/**
 * What `getCredentials("azure", request)` returns: the access token with its
 * expiry as `expiresAt` too (the same epoch ms as `expiresOnTimestamp`), so it
 * is both the kit's credentials shape and an `AccessToken`.
 *
 * @example
 * ```ts
 * const { token, expiresAt } = await secrets.getCredentials("azure", {
 *   scopes: "https://storage.azure.com/.default",
 * });
 * ```
 */
export interface AzureCredentials extends AzureAccessToken {
  /** When the token expires (epoch ms), equal to `expiresOnTimestamp`. */
  readonly expiresAt: number;
}

/**
 * What `getCredentials("azure", request)` takes: the scopes of the token.
 *
 * @example
 * ```ts
 * const request: AzureCredentialsRequest = { scopes: ["https://management.azure.com/.default"] };
 * ```
 */
export interface AzureCredentialsRequest {
  /** One scope or several, such as `"https://vault.azure.net/.default"`. */
  scopes: string | readonly string[];
  /** A tenant other than the credential's own, when the credential allows it. */
  tenantId?: string;
}

/**
 * The part of `@azure/core-auth`'s `TokenCredential` the provider uses, so a
 * caller can pass any Azure credential (then `@azure/identity` is never loaded).
 *
 * @example
 * ```ts
 * azureProvider({ credential: new ManagedIdentityCredential() });
 * ```
 */
export interface AzureTokenCredential {
  /** Gets a token for the scopes. */
  getToken(
    scopes: string | string[],
    options?: { abortSignal?: AbortSignal; tenantId?: string },
  ): Promise<AzureAccessToken | null>;
}

/**
 * Options of `azureProvider()`. With none, the standard variables decide
 * (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`,
 * `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_AUTHORITY_HOST`, `IDENTITY_ENDPOINT`,
 * `IDENTITY_HEADER`), tried in the order workload identity, managed identity,
 * Azure CLI, client secret.
 *
 * @example
 * ```ts
 * azureProvider({ tenantId: "…", clientId: "…", federatedTokenFile: "/var/run/secrets/azure/tokens/azure-identity-token" });
 * ```
 */
export interface AzureProviderOptions {
  /** A credential of your own; `@azure/identity` is then never loaded. */
  credential?: AzureTokenCredential;
  /** The tenant; default `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** The app registration (or user-assigned managed identity); default `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** A client secret (long-lived; refused under `policy.requireShortLived`); default `AZURE_CLIENT_SECRET`. */
  clientSecret?: string;
  /** The Entra authority, e.g. `https://login.microsoftonline.us`; default `AZURE_AUTHORITY_HOST`. */
  authorityHost?: string;
  /** Workload identity's federated token file; default `AZURE_FEDERATED_TOKEN_FILE`. */
  federatedTokenFile?: string;
  /**
   * Use a managed identity: `true` (system-assigned, or `clientId`'s) or a
   * user-assigned identity's client id. Default: used when `IDENTITY_ENDPOINT`
   * or `MSI_ENDPOINT` is set, or when nothing else is configured.
   */
  managedIdentity?: boolean | string;
  /** Try the Azure CLI's login (developer machines); default `true`. */
  azureCli?: boolean;
  /**
   * The vault URL for a vault name: `{name}` is replaced. Default
   * `https://{name}.vault.azure.net`; e.g. `https://{name}.vault.usgovcloudapi.net`.
   * A reference naming a host (`azure-kv://kv.example.net/...`) uses `https://<host>`.
   */
  vaultUrlTemplate?: string;
  /**
   * Skip the check that the vault's 401 challenge names a resource matching
   * the vault's domain. Off by default; only for a vault behind a custom domain
   * or a local stand-in.
   */
  disableChallengeResourceVerification?: boolean;
  /** Skip Entra instance discovery (private clouds, stand-ins). Off by default. */
  disableInstanceDiscovery?: boolean;
  /** SDK retries for throttling and transient failures (honouring `Retry-After`); default 3. */
  maxRetries?: number;
  /** How many secrets one `load()` reads at once (per client); default 8. */
  concurrency?: number;
}
