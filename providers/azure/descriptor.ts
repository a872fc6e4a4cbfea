/**
 * The `azure` provider's descriptor: `azure-kv://` (Key Vault) references and their rule.
 */

import { notImplemented, type ProviderDescriptor } from "../../src/provider/index.js";
import { azureKv } from "./rules.js";

/**
 * The `azure` provider: Azure Key Vault.
 *
 * @example
 * ```ts
 * import { azureDescriptor } from "secrets-loader/providers/azure";
 * azureDescriptor.scheme; // "azure-kv"
 * ```
 */
export const azureDescriptor: ProviderDescriptor = {
  name: "azure",
  scheme: "azure-kv",
  rules: { "azure-kv": azureKv },
  // The provider itself has not landed yet: references validate, reads fail clearly.
  create: notImplemented("azure"),
  doctor: async () => (await import("./doctor.js")).azureDoctor,
};
