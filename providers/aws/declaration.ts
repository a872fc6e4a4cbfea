/**
 * The `aws` provider's declaration: `aws-sm://` (Secrets Manager) and
 * `aws-ssm://` (SSM Parameter Store) references and their rules, its typed
 * credentials, its optional SDK packages. Imports no AWS SDK: the provider
 * and each SDK client load on first use.
 */

import { type CredentialsEntry, defineProvider, type Provider } from "../../src/provider/index.js";
import type { AwsProviderOptions } from "./config.js";
import { awsSm, awsSsm } from "./rules.js";

import type { AwsCredentialIdentity, AwsCredentialsRequest, AwsProvider } from "./types.js";

declare module "../../src/provider/index.js" {
  interface CredentialsMap {
    /** AWS STS: AssumeRole, AssumeRoleWithWebIdentity or GetSessionToken. */
    aws: CredentialsEntry<AwsCredentialsRequest, AwsCredentialIdentity>;
  }
}

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
 * @throws `ConfigError` (`INVALID_CONFIG`), at first use, for an option of the wrong type or range.
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
export const awsProvider: Provider<AwsProviderOptions, AwsProvider> = defineProvider<
  AwsProviderOptions,
  AwsProvider
>({
  name: "aws",
  schemes: { "aws-sm": awsSm, "aws-ssm": awsSsm },
  suggestions: {
    "aws-secrets": "aws-sm",
    "aws-secretsmanager": "aws-sm",
    "aws-secrets-manager": "aws-sm",
    secretsmanager: "aws-sm",
    ssm: "aws-ssm",
    "aws-parameter-store": "aws-ssm",
    "aws-ps": "aws-ssm",
  },
  peers: {
    "@aws-sdk/client-secrets-manager": "aws-sm:// reads and batches",
    "@aws-sdk/client-ssm": "aws-ssm:// reads and batches",
    "@aws-sdk/client-sts":
      'getCredentials("aws", …), a configured role, and the doctor\'s identity',
    "@aws-sdk/client-iam": "the doctor only: attached policies and access-key age",
  },
  options: async () => (await import("./options-check.js")).checkAwsOptions,
  // Configured from AWS_REGION, AWS_PROFILE, AWS_ROLE_ARN, AWS_ENDPOINT_URL ... at first use.
  create: async (context, options) =>
    (await import("./runtime.js")).createAwsProvider(context, options),
  // The facet is typed by the operations with their doctor handle (a subtype of the public type).
  doctor: async () => (await import("./doctor.js")).awsDoctor,
  rotation: async () => (await import("./rotation/facet.js")).awsRotationWith(awsSm),
});
