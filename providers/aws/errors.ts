/**
 * AWS SDK errors -> the core's typed errors. The SDK error is kept as
 * `cause`; messages name the secret, the region and the AWS error code, and
 * are built from those names only (AWS error messages never carry values, but
 * nothing of the response body is copied here anyway).
 */

import {
  AccessDeniedError,
  ConfigError,
  ExpiredError,
  NotFoundError,
  networkFailure,
  ProviderError,
  SecretsError,
  sameCodeFor,
  ThrottledError,
  UnavailableError,
} from "../../src/provider/index.js";

/** What was being done when the error happened, for the message. */
export interface AwsErrorContext {
  /** The reference as written, when there is one. */
  reference?: string;
  /** What was asked for, e.g. `secret "prod/db"` or `AssumeRole for arn:...`. */
  subject: string;
  /** The region, when known. */
  region?: string;
}

const NOT_FOUND = new Set([
  "ResourceNotFoundException",
  "ParameterNotFound",
  "ParameterVersionNotFound",
  "ParameterVersionLabelNotFound",
  "NoSuchEntity",
  "NoSuchEntityException",
]);
const DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnauthorizedOperation",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "NotAuthorized",
]);
const EXPIRED = new Set(["ExpiredTokenException", "ExpiredToken", "RequestExpired"]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ThrottledException",
  "SlowDown",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "TooManyUpdates",
]);
const UNAVAILABLE = new Set([
  "InternalServiceError",
  "InternalServiceErrorException",
  "InternalFailure",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);
const KMS = new Set([
  "DecryptionFailure",
  "DecryptionFailureException",
  "KMSAccessDeniedException",
  "KMSDisabledException",
  "KMSInvalidStateException",
  "KMSNotFoundException",
  "InvalidKeyId",
  "InvalidCiphertextException",
]);

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** The AWS error code of an SDK error (`name`, or `Code` for query protocols). */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as SdkErrorLike & { Code?: string };
  return e.name && e.name !== "Error" ? e.name : (e.Code ?? e.code);
}

/** The HTTP status of an SDK error, when a response was received. */
export function httpStatus(err: unknown): number | undefined {
  return (err as SdkErrorLike | null)?.$metadata?.httpStatusCode;
}

function where(ctx: AwsErrorContext): string {
  return ctx.region ? ` in ${ctx.region}` : "";
}

/**
 * Maps an AWS SDK (or network) error to the core's typed errors, keeping it as
 * `cause` and naming the secret in the message.
 *
 * @internal
 */
export function toSecretsError(err: unknown, ctx: AwsErrorContext): SecretsError {
  // Already typed, e.g. the role session's AssumeRole failed inside the SDK's
  // credential resolution. Each read gets its own error that names what it
  // read, with the role's error (which names the role) as the cause.
  if (SecretsError.is(err)) {
    if (err.reference !== undefined || ctx.reference === undefined) return err;
    return sameCodeFor(err, { provider: "aws", subject: ctx.subject, reference: ctx.reference });
  }
  const base = {
    provider: "aws",
    cause: err,
    ...(ctx.reference ? { reference: ctx.reference } : {}),
  };
  const code = awsErrorCode(err) ?? "UnknownError";
  const status = httpStatus(err);
  const msg = (err as SdkErrorLike | null)?.message ?? "";
  const tag = `(${code}${status ? `, HTTP ${status}` : ""})`;

  if (NOT_FOUND.has(code)) {
    return new NotFoundError({
      ...base,
      message: `aws: ${ctx.subject} was not found${where(ctx)} ${tag}. Check the name, the version selector and the region.`,
    });
  }
  if (code === "InvalidRequestException" && /delet/i.test(msg)) {
    return new NotFoundError({
      ...base,
      message: `aws: ${ctx.subject} is deleted or scheduled for deletion${where(ctx)} ${tag}. Restore it with RestoreSecret, or stop referencing it.`,
    });
  }
  if (code === "InvalidRequestException") {
    return new ProviderError({
      ...base,
      message: `aws: ${ctx.subject} cannot be read in its current state${where(ctx)} ${tag}; for example a version that is pending or has no value. Check the secret's versions and stages.`,
    });
  }
  if (KMS.has(code)) {
    return new AccessDeniedError({
      ...base,
      message: `aws: ${ctx.subject} could not be decrypted with its KMS key${where(ctx)} ${tag}. Grant the caller kms:Decrypt on the secret's key, and check the key is enabled.`,
    });
  }
  if (EXPIRED.has(code)) {
    return new ExpiredError({
      ...base,
      message: `aws: the credentials used for ${ctx.subject} have expired ${tag}. Refresh the session (aws sso login, a new role session) and retry.`,
    });
  }
  if (DENIED.has(code) || status === 403) {
    return new AccessDeniedError({
      ...base,
      message: `aws: access denied to ${ctx.subject}${where(ctx)} ${tag}. Grant the caller's role the action on this resource (see the least-privilege policy in node_modules/secrets-loader/docs/providers/aws.md#iam-permissions-least-privilege).`,
    });
  }
  if (THROTTLED.has(code) || status === 429) {
    return new ThrottledError({
      ...base,
      message: `aws: throttled while reading ${ctx.subject}${where(ctx)} ${tag}, after the SDK's retries. Lower the call rate or raise the cache maxAge.`,
    });
  }
  if (code === "CredentialsProviderError" || /could not load credentials/i.test(msg)) {
    return new ConfigError({
      ...base,
      message: `aws: no AWS credentials were found for ${ctx.subject} ${tag}. Set AWS_PROFILE, AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, or run with an instance or task role.`,
    });
  }
  if (/region is missing/i.test(msg)) {
    return new ConfigError({
      ...base,
      message: `aws: no region is configured for ${ctx.subject}. Set AWS_REGION, awsProvider({ region }), or ?region= on the reference.`,
    });
  }
  const network = networkFailure(err);
  if (network) {
    return new UnavailableError({
      ...base,
      message: `aws: could not reach the endpoint for ${ctx.subject}${where(ctx)} (${network}). Check the network, the endpoint URL and the region, then retry.`,
    });
  }
  if (
    UNAVAILABLE.has(code) ||
    (status !== undefined && status >= 500) ||
    (err as SdkErrorLike | null)?.$fault === "server"
  ) {
    return new UnavailableError({
      ...base,
      message: `aws: the service failed while reading ${ctx.subject}${where(ctx)} ${tag}. Retry later.`,
    });
  }
  return new ProviderError({
    ...base,
    message: `aws: reading ${ctx.subject}${where(ctx)} failed ${tag}.`,
  });
}
