/**
 * The Azure provider's doctor facet: what the environment says about the
 * credential chain, and the guidance texts. Loaded only by the CLI.
 */

import type { DoctorFacet } from "../../src/provider/index.js";
import { azureSettings, chainLinks } from "./chain.js";
import type { AzureProvider } from "./runtime.js";
import type { AzureProviderOptions } from "./types.js";

/**
 * The Azure doctor facet.
 *
 * @example
 * ```ts
 * azureDoctor.inspectEnvironment?.({ AZURE_CLIENT_SECRET: "…" }, {}).kind; // "long-lived"
 * ```
 */
export const azureDoctor: DoctorFacet<AzureProvider> = {
  guidance: {
    leastPrivilege:
      'Assign the "Key Vault Secrets User" role scoped to the vault (or to single secrets), to a managed identity for the app.',
    ipRestrictions:
      "Enable the Key Vault firewall (selected networks) or a private endpoint, and disable public network access.",
    shortLived:
      "Use a managed identity or workload identity federation (AZURE_FEDERATED_TOKEN_FILE) instead of a client secret.",
  },
  evidence: {
    // Key Vault has no rotation of its own for secrets: an expiresOn is the date that
    // forces one (the rotation check's age reads updatedOn through describe()).
    rotation: async (provider) =>
      provider.describedWithoutExpiry().map((what) => ({
        status: "warn" as const,
        evidence: `azure: ${what} has no expiresOn`,
        fix: "Set an expiration date (expiresOn) on the secret and rotate it before then; an expired secret is refused by the provider, so a missed rotation shows.",
      })),
  },
  inspectEnvironment(env, options) {
    // The provider's own chain order: workload identity, managed identity, the Azure CLI,
    // and a client secret last (a short-lived identity wins when both are configured).
    const settings = azureSettings(options as AzureProviderOptions, env as NodeJS.ProcessEnv);
    const links = chainLinks(settings);
    if (options.credential) {
      return { kind: "unknown", evidence: "azure: a credential of the application's own" };
    }
    if (links[0] === "workloadIdentity") {
      return {
        kind: "configured",
        evidence: "workload identity federation, AZURE_FEDERATED_TOKEN_FILE",
      };
    }
    if (
      links[0] === "managedIdentity" &&
      (settings.managedIdentityEndpoint || settings.managedIdentity)
    ) {
      return { kind: "configured", evidence: "a managed identity endpoint is present" };
    }
    if (links.includes("clientSecret")) {
      return {
        kind: "long-lived",
        evidence:
          "azure: AZURE_CLIENT_SECRET is set (a long-lived client secret; used unless an Azure CLI login answers first)",
      };
    }
    if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
      return { kind: "long-lived", evidence: "azure: a client certificate is used (long-lived)" };
    }
    return {
      kind: "unknown",
      evidence: "azure: the credential chain (CLI login, managed identity) was not inspected",
    };
  },
};
