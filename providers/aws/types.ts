/**
 * Public shapes of the AWS provider. The credential types mirror the AWS SDK
 * v3's `AwsCredentialIdentity` and `AwsCredentialIdentityProvider`
 * structurally, so they plug into any v3 client without this package's
 * declarations depending on `@smithy/types`.
 */

import type {
  CallContext,
  Issued,
  ParsedRef,
  ProviderIdentity,
  ProviderOperations,
  SecretMetadata,
} from "../../src/provider/index.js";

/**
 * AWS credentials, shaped as the AWS SDK v3's `AwsCredentialIdentity`.
 *
 * @example
 * ```ts
 * // Typed through CredentialsMap: no type argument, no cast.
 * const creds: AwsCredentialIdentity = await secrets.getCredentials("aws", { roleArn });
 * creds.expiration; // Date: when STS says they expire
 * ```
 */
export interface AwsCredentialIdentity {
  /** Access key id (`ASIA…` for temporary credentials). */
  readonly accessKeyId: string;
  /** Secret access key. */
  readonly secretAccessKey: string;
  /** Session token; present on every temporary credential. */
  readonly sessionToken?: string;
  /** When the credentials expire. */
  readonly expiration?: Date;
  /** The credential scope, when STS returns one. */
  readonly credentialScope?: string;
  /** The AWS account id, when known. */
  readonly accountId?: string;
}

/**
 * A function returning credentials, accepted as `credentials` by every AWS SDK
 * v3 client (the SDK's `AwsCredentialIdentityProvider`).
 *
 * @example
 * ```ts
 * const provider: AwsCredentialIdentityProvider = awsCredentialsProvider({ roleArn });
 * new SQSClient({ credentials: provider });
 * ```
 */
export type AwsCredentialIdentityProvider = (
  identityProperties?: Record<string, unknown>,
) => Promise<AwsCredentialIdentity>;

/**
 * Request of `getCredentials("aws", request)`: which STS call to make.
 *
 * - `roleArn` alone: `AssumeRole` with the base credentials.
 * - `roleArn` with `webIdentityTokenFile` or `webIdentityToken`: `AssumeRoleWithWebIdentity`.
 * - no `roleArn`: the role configured on the provider (options or `AWS_ROLE_ARN`),
 *   or else `GetSessionToken` for the base credentials.
 *
 * @example
 * ```ts
 * const request: AwsCredentialsRequest = {
 *   roleArn: "arn:aws:iam::123456789012:role/payments-reader",
 *   sessionName: "payments-api",
 *   externalId: "acme-7f3a",
 *   durationSeconds: 900,
 *   tags: { team: "payments" },
 * };
 * ```
 */
export interface AwsCredentialsRequest {
  /** Role to assume. */
  roleArn?: string;
  /** `RoleSessionName`, shown in CloudTrail. Default `secrets-loader-<pid>`. */
  sessionName?: string;
  /** `ExternalId` demanded by the role's trust policy (third-party access). */
  externalId?: string;
  /** Session length in seconds (AWS accepts 900 up to the role's maximum, at most 43,200). */
  durationSeconds?: number;
  /** Inline session policy (JSON text or an object) that narrows the role's permissions. */
  policy?: string | Record<string, unknown>;
  /** Managed policy ARNs that narrow the session further. */
  policyArns?: readonly string[];
  /** Session tags (`AssumeRole` only). */
  tags?: Readonly<Record<string, string>>;
  /** Tag keys passed on to chained role sessions. */
  transitiveTagKeys?: readonly string[];
  /** `SourceIdentity` recorded in CloudTrail. */
  sourceIdentity?: string;
  /** A file holding an OIDC token (EKS, CI); re-read on every refresh. */
  webIdentityTokenFile?: string;
  /** Returns an OIDC token; called on every refresh. */
  webIdentityToken?: () => string | Promise<string>;
  /** MFA device serial number or ARN (`AssumeRole` and `GetSessionToken`). */
  serialNumber?: string;
  /** Returns the current MFA code; called on every issue or refresh that needs one. */
  mfaCode?: (serialNumber: string) => string | Promise<string>;
  /** Region of the STS endpoint. Default: the provider's region. */
  region?: string;
}

/**
 * The AWS provider's operations (`await secrets.provider("aws")`), whose
 * credentials are STS identities.
 *
 * @example
 * ```ts
 * const aws = (await secrets.provider("aws")) as AwsProvider;
 * const meta = await secrets.describe("aws-sm://prod/db");
 * ```
 */
export interface AwsProvider extends ProviderOperations {
  /** Issues STS credentials; see {@link AwsCredentialsRequest}. */
  getCredentials(request: unknown, call: CallContext): Promise<Issued<AwsCredentialIdentity>>;
  /** Rotation metadata (`aws-sm://`) or parameter dates (`aws-ssm://`). */
  describe(ref: ParsedRef, call: CallContext): Promise<SecretMetadata>;
  /** STS GetCallerIdentity signed like the reads, and the attached policies where IAM permits. */
  identity(call?: CallContext): Promise<ProviderIdentity>;
}
