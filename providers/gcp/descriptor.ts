/**
 * The `gcp` provider's descriptor: `gcp-sm://` (Secret Manager) references and their rule.
 */

import type { ProviderDescriptor } from "../../src/provider/index.js";
import { gcpSm } from "./rules.js";
import type { GcpOptions } from "./types.js";

/**
 * The `gcp` provider: GCP Secret Manager.
 *
 * @example
 * ```ts
 * import { gcpDescriptor } from "secrets-loader/providers/gcp";
 * gcpDescriptor.scheme; // "gcp-sm"
 * ```
 */
export const gcpDescriptor: ProviderDescriptor<GcpOptions> = {
  name: "gcp",
  scheme: "gcp-sm",
  rules: { "gcp-sm": gcpSm },
  // Application Default Credentials and GOOGLE_CLOUD_PROJECT at first use; google-auth-library loads then.
  create: async (context, options) =>
    (await import("./runtime.js")).createGcpProvider(context, options, gcpSm),
  doctor: async () => (await import("./doctor.js")).gcpDoctor,
};
