/** The check of the `azure` provider's options as a JSON config gives them (loaded by the CLI only). */

import { z } from "zod";
import { type OptionsCheck, optionsCheck } from "../../src/provider/index.js";

const text = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(1, { error: `must not be empty (${what})` });
const flag = z.boolean({ error: "must be true or false" });
const count = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .nonnegative({ error: `must be 0 or more (${what})` });

const AzureOptions = z.looseObject({
  tenantId: text("a tenant id").optional(),
  clientId: text("an application (client) id").optional(),
  clientSecret: text("a client secret").optional(),
  authorityHost: text("a URL").optional(),
  federatedTokenFile: text("a file path").optional(),
  managedIdentity: z
    .union([flag, text("a user-assigned identity's client id")], {
      error: "must be true, false or a user-assigned identity's client id",
    })
    .optional(),
  azureCli: flag.optional(),
  vaultUrlTemplate: text(
    'a URL template with {vault}, such as "https://{vault}.vault.azure.net"',
  ).optional(),
  disableChallengeResourceVerification: flag.optional(),
  disableInstanceDiscovery: flag.optional(),
  maxRetries: count("retries per request, such as 3").optional(),
  concurrency: count("reads in parallel, such as 8")
    .positive({ error: "must be greater than 0 (reads in parallel, such as 8)" })
    .optional(),
});

/**
 * Checks `providers.azure` options.
 *
 * @example
 * ```ts
 * checkAzureOptions({ azureCli: "yes" }); // { path: ["azureCli"], message: "must be true or false" }
 * ```
 */
export const checkAzureOptions: OptionsCheck = optionsCheck(AzureOptions);
