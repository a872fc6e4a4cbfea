/** The check of the `aws` provider's options as a JSON config gives them (loaded by the CLI only). */

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
    .positive({ error: `must be greater than 0 (${what})` });

const AwsOptions = z.looseObject({
  region: text('an AWS region, such as "eu-west-1"').optional(),
  profile: text("a shared-config profile name").optional(),
  roleArn: text("an IAM role ARN").optional(),
  roleSessionName: text("a session name").optional(),
  externalId: text("the role's external id").optional(),
  durationSeconds: count("seconds, such as 3600").optional(),
  webIdentityTokenFile: text("a file path").optional(),
  endpoint: text("a URL").optional(),
  endpoints: z
    .record(z.string(), z.string({ error: "must be a string" }), {
      error: "must be an object of strings (service name to URL)",
    })
    .optional(),
  maxAttempts: count("attempts per call, such as 3").optional(),
  batch: flag.optional(),
  clientConfig: z
    .record(z.string(), z.unknown(), { error: "must be an object of AWS SDK client options" })
    .optional(),
});

/**
 * Checks `providers.aws` options.
 *
 * @example
 * ```ts
 * checkAwsOptions({ region: 3 }); // { path: ["region"], message: 'must be a string (an AWS region, such as "eu-west-1")' }
 * ```
 */
export const checkAwsOptions: OptionsCheck = optionsCheck(AwsOptions);
