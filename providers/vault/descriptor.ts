/**
 * The `vault` provider's descriptor: `vault://` references (HashiCorp Vault
 * and OpenBao; `bao://` is the same scheme) and their rule.
 */

import { notImplemented, type ProviderDescriptor } from "../../src/provider/index.js";
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
  create: notImplemented("vault"),
  doctor: async () => (await import("./doctor.js")).vaultDoctor,
};
