/**
 * The `gcp` provider's descriptor: `gcp-sm://` (Secret Manager) references and their rule.
 */

import { NoProviderError, type ProviderDescriptor } from "../../src/provider/index.js";
import { gcpSm } from "./rules.js";

/**
 * The `gcp` provider: GCP Secret Manager.
 *
 * @example
 * ```ts
 * import { gcpDescriptor } from "secrets-loader/providers/gcp";
 * gcpDescriptor.scheme; // "gcp-sm"
 * ```
 */
export const gcpDescriptor: ProviderDescriptor = {
  name: "gcp",
  scheme: "gcp-sm",
  rules: { "gcp-sm": gcpSm },
  // The provider itself has not landed yet: references validate, reads fail clearly.
  create: async () => {
    throw new NoProviderError({
      provider: "gcp",
      message:
        "gcp: this provider is not implemented yet; its references validate, but reading them needs a provider registered with createSecrets({ providers: { gcp: … } }).",
    });
  },
  doctor: async () => (await import("./doctor.js")).gcpDoctor,
};
