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
import { type BoundProvider, bindProvider } from "../../src/provider/index.js";
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
 * @param options - {@link AwsProviderOptions}, all optional: `region`, `profile`,
 *   `credentials` (base credentials, else the SDK's default chain), `roleArn`,
 *   `roleSessionName`, `externalId`, `durationSeconds` and `webIdentityTokenFile`
 *   (the role secrets are read with), `endpoint` / `endpoints` (`secretsManager`,
 *   `ssm`, `sts`, `iam`), `maxAttempts` (default 3). Each falls back to its
 *   standard variable. See the AWS guide (docs/providers/aws.md).
 * @returns A provider for `aws-sm://` and `aws-ssm://`, and for `getCredentials("aws", request)`.
 * @throws `ConfigError` (`INVALID_CONFIG`) for an option of the wrong type or range.
 *   Reads through it fail with a `SecretsError` whose `code` is `MISSING_DEPENDENCY` (the SDK is not installed: the error names the package and the install command), `NOT_FOUND`, `ACCESS_DENIED` (names the permission or role to grant), `THROTTLED` (after the SDK's retries), `UNAVAILABLE` (network failure, outage, or the call's deadline), `INVALID_VALUE` (`#field` or type mismatch), `EXPIRED`, or `POLICY_VIOLATION` (long-lived keys under
 *   `policy.requireShortLived`; names `AWS_ROLE_ARN` as the fix).
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
export function awsProvider(options: AwsProviderOptions = {}): BoundProvider<AwsProviderOptions> {
  return bindProvider(awsDescriptor, options);
}
