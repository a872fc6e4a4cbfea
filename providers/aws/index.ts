/**
 * The `aws` provider: `aws-sm://` (Secrets Manager) and `aws-ssm://` (SSM
 * Parameter Store) references, and short-lived STS credentials through
 * `getCredentials("aws", request)`. Each AWS SDK client is imported on first use.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { awsProvider } from "secrets-loader/providers/aws";
 *
 * const secrets = createSecrets({ providers: { aws: awsProvider({ region: "eu-west-1" }) } });
 * const password = await secrets.getSecret("aws-sm://prod/db#password");
 * ```
 * @packageDocumentation
 */

import { assertServerRuntime } from "../../src/provider/index.js";
import { useAwsSmRule } from "./rotation/runner.js";
import { awsSm } from "./rules.js";

assertServerRuntime();
useAwsSmRule(awsSm);

export type { AwsProviderOptions, AwsService } from "./config.js";
export { awsProvider } from "./declaration.js";
export { type AwsCredentialsProviderOptions, awsCredentialsProvider } from "./identity.js";
export type {
  GenerateContext,
  RotateSecretOptions,
  RotationContext,
  RotationEvent,
  RotationResult,
  RotationStep,
} from "./rotation/index.js";
export { pendingReference, RotationError, rotateSecret } from "./rotation/index.js";
export type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  AwsCredentialsRequest,
  AwsProvider,
} from "./types.js";
