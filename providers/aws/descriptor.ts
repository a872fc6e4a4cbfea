/**
 * The `aws` provider's descriptor: `aws-sm://` (Secrets Manager) and
 * `aws-ssm://` (SSM Parameter Store) references and their rules. Imports no
 * AWS SDK: the provider and each SDK client load on first use.
 */

import type { ProviderDescriptor } from "../../src/provider/index.js";
import type { AwsProviderOptions } from "./config.js";
import { awsSm, awsSsm } from "./rules.js";

/**
 * The `aws` provider: Secrets Manager, SSM Parameter Store and STS credentials.
 *
 * @example
 * ```ts
 * import { awsDescriptor } from "secrets-loader/providers/aws";
 * awsDescriptor.scheme; // ["aws-sm", "aws-ssm"]
 * ```
 */
export const awsDescriptor: ProviderDescriptor<AwsProviderOptions> = {
  name: "aws",
  scheme: ["aws-sm", "aws-ssm"],
  rules: { "aws-sm": awsSm, "aws-ssm": awsSsm },
  // Configured from AWS_REGION, AWS_PROFILE, AWS_ROLE_ARN, AWS_ENDPOINT_URL ... at first use.
  create: async (context, options) =>
    (await import("./runtime.js")).createAwsProvider(context, options),
  doctor: async () => (await import("./doctor.js")).awsDoctor,
};
