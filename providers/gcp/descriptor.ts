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
  create: async (ctx, options) => (await import("./runtime.js")).createGcpProvider(ctx, options),
  doctor: async () => (await import("./doctor.js")).gcpDoctor,
};
