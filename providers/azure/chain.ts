/**
 * The credential chain: which links are configured, in which order, and the
 * `@azure/identity` credentials behind them. Workload identity first, then
 * managed identity, then the Azure CLI, and a client secret last: a
 * short-lived identity wins over a long-lived secret left in the environment
 * (`DefaultAzureCredential` tries environment secrets first).
 */

import type { AzureProviderOptions, AzureTokenCredential } from "./types.js";

/**
 * One link of the credential chain, in the order tried.
 *
 * @example
 * ```ts
 * const first: AzureChainLink = "workloadIdentity";
 * ```
 */
export type AzureChainLink = "workloadIdentity" | "managedIdentity" | "azureCli" | "clientSecret";

/** The options merged with the standard variables. */
export interface AzureSettings {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  authorityHost?: string;
  federatedTokenFile?: string;
  managedIdentity?: boolean | string;
  azureCli: boolean;
  disableInstanceDiscovery: boolean;
  /** An App Service / Functions / Container Apps endpoint is present. */
  managedIdentityEndpoint: boolean;
}

/**
 * The options, with the standard variables for what they leave out.
 *
 * @internal
 */
export function azureSettings(
  options: AzureProviderOptions,
  env: NodeJS.ProcessEnv = process.env,
): AzureSettings {
  const pick = (v: string | undefined, name: string) => v ?? (env[name] || undefined);
  const s: AzureSettings = {
    azureCli: options.azureCli ?? true,
    disableInstanceDiscovery: options.disableInstanceDiscovery ?? false,
    managedIdentityEndpoint: Boolean(env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT),
  };
  const tenantId = pick(options.tenantId, "AZURE_TENANT_ID");
  const clientId = pick(options.clientId, "AZURE_CLIENT_ID");
  const clientSecret = pick(options.clientSecret, "AZURE_CLIENT_SECRET");
  const authorityHost = pick(options.authorityHost, "AZURE_AUTHORITY_HOST");
  const federatedTokenFile = pick(options.federatedTokenFile, "AZURE_FEDERATED_TOKEN_FILE");
  if (tenantId) s.tenantId = tenantId;
  if (clientId) s.clientId = clientId;
  if (clientSecret) s.clientSecret = clientSecret;
  if (authorityHost) s.authorityHost = authorityHost;
  if (federatedTokenFile) s.federatedTokenFile = federatedTokenFile;
  if (options.managedIdentity !== undefined) s.managedIdentity = options.managedIdentity;
  return s;
}

/**
 * The links to try, in order. A link appears only when configured, except
 * that managed identity (the VM's IMDS) is tried when nothing else is.
 *
 * @example
 * ```ts
 * chainLinks(azureSettings({}, { AZURE_CLIENT_SECRET: "…", AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" }));
 * // ["azureCli", "clientSecret"]
 * ```
 */
export function chainLinks(s: AzureSettings): AzureChainLink[] {
  const links: AzureChainLink[] = [];
  const app = Boolean(s.tenantId && s.clientId);
  if (s.federatedTokenFile && app) links.push("workloadIdentity");
  const mi = s.managedIdentity;
  const noneElse = links.length === 0 && !(s.clientSecret && app);
  if (
    mi === true ||
    typeof mi === "string" ||
    (mi === undefined && (s.managedIdentityEndpoint || noneElse))
  ) {
    links.push("managedIdentity");
  }
  if (s.azureCli) links.push("azureCli");
  if (s.clientSecret && app) links.push("clientSecret");
  return links;
}

/** A credential, its links, and the link that issued the last token (for the doctor). */
export interface BuiltChain {
  credential: AzureTokenCredential;
  links: AzureChainLink[];
  /** The link that issued the last token, once one has. */
  used(): AzureChainLink | undefined;
}

/**
 * The `@azure/identity` credential for the links (imported by the caller).
 * `policy.requireShortLived` is the client's to enforce (auth-class.ts classifies the chain).
 *
 * @internal
 */
export function buildChain(
  identity: typeof import("@azure/identity"),
  s: AzureSettings,
): BuiltChain {
  const links = chainLinks(s);
  const common = {
    ...(s.authorityHost ? { authorityHost: s.authorityHost } : {}),
    ...(s.disableInstanceDiscovery ? { disableInstanceDiscovery: true } : {}),
  };
  const make = (link: AzureChainLink) => {
    switch (link) {
      case "workloadIdentity":
        return new identity.WorkloadIdentityCredential({
          tenantId: s.tenantId as string,
          clientId: s.clientId as string,
          tokenFilePath: s.federatedTokenFile as string,
          ...common,
        });
      case "managedIdentity": {
        const id = typeof s.managedIdentity === "string" ? s.managedIdentity : undefined;
        return id
          ? new identity.ManagedIdentityCredential({ clientId: id })
          : new identity.ManagedIdentityCredential();
      }
      case "azureCli":
        return new identity.AzureCliCredential(s.tenantId ? { tenantId: s.tenantId } : {});
      case "clientSecret":
        return new identity.ClientSecretCredential(
          s.tenantId as string,
          s.clientId as string,
          s.clientSecret as string,
          common,
        );
    }
  };
  const credentials = links.map(make);
  let used: AzureChainLink | undefined;
  // As ChainedTokenCredential (an unavailable link passes to the next, a refusal stops),
  // but remembering which link answered.
  const credential: AzureTokenCredential = {
    async getToken(scopes, options) {
      const unavailable: string[] = [];
      for (const [i, c] of credentials.entries()) {
        try {
          const t = await c.getToken(typeof scopes === "string" ? scopes : [...scopes], options);
          used = links[i];
          return t;
        } catch (err) {
          if ((err as { name?: string } | null)?.name !== "CredentialUnavailableError") throw err;
          unavailable.push(`${links[i]}: ${(err as Error).message.split("\n")[0]}`);
        }
      }
      throw new identity.CredentialUnavailableError(
        `no link of the credential chain is available (${unavailable.join("; ")})`,
      );
    },
  };
  return { credential, links, used: () => used };
}
