/**
 * The `vault` provider's descriptor: `vault://` references (HashiCorp Vault
 * and OpenBao; `bao://` is the same scheme) and their rule.
 */

import type { ProviderDescriptor } from "../../src/provider/index.js";
import type { VaultProviderOptions } from "./options.js";
import { vault } from "./rules.js";

/**
 * The `vault` provider: HashiCorp Vault and OpenBao.
 *
 * @example
 * ```ts
 * import { vaultDescriptor } from "secrets-loader/providers/vault";
 * vaultDescriptor.aliases; // { bao: "vault", openbao: "vault" }
 * ```
 */
export const vaultDescriptor: ProviderDescriptor<VaultProviderOptions> = {
  name: "vault",
  scheme: "vault",
  rules: { vault },
  aliases: { bao: "vault", openbao: "vault" },
  // Configured from VAULT_ADDR, VAULT_TOKEN (or ~/.vault-token) and VAULT_NAMESPACE at first use.
  create: async (context, options) =>
    (await import("./runtime.js")).createVaultProvider(context, options),
  doctor: async () => (await import("./doctor.js")).vaultDoctor,
};
