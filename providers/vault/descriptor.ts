/**
 * The `vault` provider's descriptor: `vault://` references (HashiCorp Vault
 * and OpenBao; `bao://` is the same scheme) and their rule.
 */

import { NoProviderError, type ProviderDescriptor } from "../../src/provider/index.js";
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
export const vaultDescriptor: ProviderDescriptor = {
  name: "vault",
  scheme: "vault",
  rules: { vault },
  aliases: { bao: "vault", openbao: "vault" },
  // The provider itself has not landed yet: references validate, reads fail clearly.
  create: async () => {
    throw new NoProviderError({
      provider: "vault",
      message:
        "vault: this provider is not implemented yet; its references validate, but reading them needs a provider registered with createSecrets({ providers: { vault: … } }).",
    });
  },
  doctor: async () => (await import("./doctor.js")).vaultDoctor,
};
