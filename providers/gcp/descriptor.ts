/**
 * The `gcp` provider's descriptor: `gcp-sm://` (Secret Manager) references and their rule.
 */

import { notImplemented, type ProviderDescriptor } from "../../src/provider/index.js";
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
  create: notImplemented("gcp"),
  doctor: async () => (await import("./doctor.js")).gcpDoctor,
};
