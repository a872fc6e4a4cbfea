/**
 * The `azure` provider's descriptor: `azure-kv://` (Key Vault) references and their rule.
 */

import type { ProviderDescriptor } from "../../src/provider/index.js";
import { azureKv } from "./rules.js";
import type { AzureProviderOptions } from "./types.js";

/**
 * The `azure` provider: Azure Key Vault.
 *
 * @example
 * ```ts
 * import { azureDescriptor } from "secrets-loader/providers/azure";
 * azureDescriptor.scheme; // "azure-kv"
 * ```
 */
export const azureDescriptor: ProviderDescriptor<AzureProviderOptions> = {
  name: "azure",
  scheme: "azure-kv",
  rules: { "azure-kv": azureKv },
  // Configured from the standard AZURE_* / IDENTITY_* variables at first use; SDKs load then.
  create: async (context, options) =>
    (await import("./runtime.js")).createAzureProvider(context, options),
  doctor: async () => (await import("./doctor.js")).azureDoctor,
};
