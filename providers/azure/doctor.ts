/**
 * The Azure provider's doctor facet: what the environment says about the
 * credential chain, and the guidance texts. Loaded only by the CLI.
 */

import type { DoctorFacet } from "../../src/provider/index.js";

/**
 * The Azure doctor facet.
 *
 * @example
 * ```ts
 * azureDoctor.inspectEnvironment?.({ AZURE_CLIENT_SECRET: "…" }, {}).kind; // "long-lived"
 * ```
 */
export const azureDoctor: DoctorFacet = {
  guidance: {
    leastPrivilege:
      'Assign the "Key Vault Secrets User" role scoped to the vault (or to single secrets), to a managed identity for the app.',
    ipRestrictions:
      "Enable the Key Vault firewall (selected networks) or a private endpoint, and disable public network access.",
    shortLived:
      "Use a managed identity or workload identity federation (AZURE_FEDERATED_TOKEN_FILE) instead of a client secret.",
  },
  inspectEnvironment(env) {
    // The credential chain tries a client secret in the environment first.
    if (env.AZURE_CLIENT_SECRET) {
      return {
        kind: "long-lived",
        evidence: "azure: AZURE_CLIENT_SECRET is set (a long-lived client secret)",
      };
    }
    if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
      return { kind: "long-lived", evidence: "azure: a client certificate is used (long-lived)" };
    }
    if (env.AZURE_FEDERATED_TOKEN_FILE) {
      return {
        kind: "configured",
        evidence: "workload identity federation, AZURE_FEDERATED_TOKEN_FILE",
      };
    }
    if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT) {
      return { kind: "configured", evidence: "a managed identity endpoint is present" };
    }
    return {
      kind: "unknown",
      evidence: "azure: the credential chain (CLI login, managed identity) was not inspected",
    };
  },
};
