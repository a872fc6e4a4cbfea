/**
 * The built-in providers: one line each. Everything else that knows about
 * providers (the zero-config client, the built-in schemes, the CLI's
 * scheme-to-provider map, the doctor's facets) derives from this list.
 * Descriptors import no SDK; each provider's code loads on first use.
 */

import { awsDescriptor } from "../providers/aws/descriptor.js";
import { azureDescriptor } from "../providers/azure/descriptor.js";
import { envDescriptor } from "../providers/env/descriptor.js";
import { gcpDescriptor } from "../providers/gcp/descriptor.js";
import { vaultDescriptor } from "../providers/vault/descriptor.js";
import type { ProviderDescriptor } from "./provider/descriptor.js";

/**
 * The built-in providers' descriptors.
 *
 * @example
 * ```ts
 * import { BUILTIN_PROVIDERS } from "secrets-loader";
 * BUILTIN_PROVIDERS.map((d) => d.name); // ["env", "aws", "vault", "gcp", "azure"]
 * ```
 */
export const BUILTIN_PROVIDERS: readonly ProviderDescriptor[] = [
  envDescriptor,
  awsDescriptor,
  vaultDescriptor,
  gcpDescriptor,
  azureDescriptor,
] as readonly ProviderDescriptor[];
