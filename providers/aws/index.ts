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

// The guard comes through the root: the provider and the client then share one module
// graph, which the bundler keeps in one chunk (fewer files to load at start-up).
import { assertServerRuntime } from "../../src/index.js";
import { bindProvider } from "../../src/provider/index.js";
import type { AwsProviderOptions } from "./config.js";
import { awsDescriptor } from "./descriptor.js";

assertServerRuntime();

export type { AwsProviderOptions, AwsService } from "./config.js";
export { awsDescriptor } from "./descriptor.js";
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
export type { AwsProvider } from "./runtime.js";
export type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  AwsCredentialsRequest,
} from "./types.js";

/**
 * The AWS provider, for `createSecrets({ providers })`. With no options it is
 * configured from the standard variables: `AWS_REGION`/`AWS_DEFAULT_REGION`,
 * `AWS_PROFILE`, `AWS_ROLE_ARN` (+ `AWS_WEB_IDENTITY_TOKEN_FILE`),
 * `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_SECRETS_MANAGER`/`_SSM`/`_STS`/`_IAM`.
 * The provider (and each SDK client) is created on first use.
 *
 * - `aws-sm://NAME_OR_ARN[?versionStage=|?versionId=][&region=][#field]`:
 *   SecretString, or SecretBinary as bytes.
 * - `aws-ssm:///PATH/NAME[:VERSION|:LABEL][?region=]`: decrypted; StringList
 *   comes back as a JSON array string.
 * - `load()` batches: BatchGetSecretValue (20 ids per call) and GetParameters
 *   (10 names), pages in parallel, with per-reference errors.
 * - With a role configured, secrets are read with the role's STS credentials;
 *   `policy.requireShortLived` refuses reads signed with long-lived keys.
 *
 * @example
 * ```ts
 * import { createSecrets } from "secrets-loader";
 * import { awsProvider } from "secrets-loader/providers/aws";
 *
 * const secrets = createSecrets({
 *   providers: { aws: awsProvider({ roleArn: "arn:aws:iam::123456789012:role/api-secrets" }) },
 *   policy: { requireShortLived: true },
 * });
 * const { DB_PASSWORD, STRIPE_KEY } = await secrets.load({
 *   DB_PASSWORD: "aws-sm://prod/db#password",
 *   STRIPE_KEY: "aws-ssm:///prod/stripe/secret-key",
 * });
 * ```
 */
export function awsProvider(options: AwsProviderOptions = {}) {
  return bindProvider(awsDescriptor, options);
}
