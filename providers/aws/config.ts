/**
 * Ambient configuration: the provider's options merged with the standard AWS
 * environment variables, resolved once, without any I/O or SDK import.
 */

import { ConfigError } from "../../src/provider/index.js";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "./types.js";

/**
 * The AWS services this provider calls, as keys of {@link AwsProviderOptions.endpoints}.
 *
 * @example
 * ```ts
 * const endpoints: Partial<Record<AwsService, string>> = { sts: "https://sts.eu-west-1.amazonaws.com" };
 * ```
 */
export type AwsService = "secretsManager" | "ssm" | "sts" | "iam";

/**
 * Options of {@link awsProvider}. Every field is optional: unset fields come
 * from the standard environment variables, then from the AWS SDK's own
 * defaults (shared config files, container and instance roles).
 *
 * @example
 * ```ts
 * awsProvider({
 *   region: "eu-west-1",
 *   roleArn: "arn:aws:iam::123456789012:role/app-secrets-reader",
 *   roleSessionName: "checkout-api",
 * });
 * ```
 */
export interface AwsProviderOptions {
  /** Region. Default: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the SDK's profile config. */
  region?: string;
  /** Shared-config profile. Default: `AWS_PROFILE`. */
  profile?: string;
  /**
   * Base credentials. Default: the AWS SDK's default chain. With a role
   * configured they are used only to call `sts:AssumeRole`.
   */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * A role to read secrets with: every Secrets Manager and SSM call is signed
   * with this role's STS credentials, never with the base keys.
   * Default: `AWS_ROLE_ARN`.
   */
  roleArn?: string;
  /** Session name for `roleArn`. Default: `AWS_ROLE_SESSION_NAME`, then `secrets-loader-<pid>`. */
  roleSessionName?: string;
  /** External id for `roleArn`'s trust policy. */
  externalId?: string;
  /** Session length for `roleArn`, in seconds. Default: STS's (3,600). */
  durationSeconds?: number;
  /**
   * OIDC token file for `roleArn` (`AssumeRoleWithWebIdentity`), re-read on
   * every refresh. Default: `AWS_WEB_IDENTITY_TOKEN_FILE`.
   */
  webIdentityTokenFile?: string;
  /** One endpoint for every service (stand-ins, VPC endpoints). Default: `AWS_ENDPOINT_URL`. */
  endpoint?: string;
  /**
   * Per-service endpoints. Default: `AWS_ENDPOINT_URL_SECRETS_MANAGER`,
   * `AWS_ENDPOINT_URL_SSM`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`.
   */
  endpoints?: Partial<Record<AwsService, string>>;
  /** Attempts per call with the SDK's standard retry mode (jittered backoff on throttling). Default 3. */
  maxAttempts?: number;
  /** Use `BatchGetSecretValue` / `GetParameters` in `load()`. Default `true`. */
  batch?: boolean;
  /**
   * Extra AWS SDK client configuration merged into every client (a
   * `requestHandler`, a `logger` ...). Region, endpoint and credentials above win.
   */
  clientConfig?: Record<string, unknown>;
  /** Environment to read instead of `process.env` (tests). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The role secrets are read with, when one is configured. */
export interface AmbientRole {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  durationSeconds?: number;
  webIdentityTokenFile?: string;
}

/** Options and environment merged. */
export interface ResolvedAwsConfig {
  region?: string;
  profile?: string;
  role?: AmbientRole;
  endpoints: Partial<Record<AwsService, string>>;
  maxAttempts: number;
  batch: boolean;
}

const ENDPOINT_VARS: Record<AwsService, string> = {
  secretsManager: "AWS_ENDPOINT_URL_SECRETS_MANAGER",
  ssm: "AWS_ENDPOINT_URL_SSM",
  sts: "AWS_ENDPOINT_URL_STS",
  iam: "AWS_ENDPOINT_URL_IAM",
};

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** An option that must be text, checked so a wrong type reads as a sentence, not a TypeError. */
function option(name: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") {
    throw new ConfigError({
      provider: "aws",
      message: `aws: ${name} must be a string (got ${v === null ? "null" : typeof v}).`,
    });
  }
  return nonEmpty(v);
}

function checkEndpoint(name: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigError({
      provider: "aws",
      message: `aws: ${name} must be an absolute URL such as https://secretsmanager.eu-west-1.amazonaws.com (got ${JSON.stringify(url)}).`,
      cause,
    });
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ConfigError({
      provider: "aws",
      message: `aws: ${name} must use http or https (got ${JSON.stringify(parsed.protocol)}).`,
    });
  }
  return url;
}

/**
 * Checks a role ARN and session name, naming the setting at fault.
 *
 * @internal
 */
export function checkRole(where: string, roleArn: string, sessionName?: string): void {
  if (!ROLE_ARN.test(roleArn)) {
    throw new ConfigError({
      provider: "aws",
      message: `aws: ${where} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME, got ${JSON.stringify(roleArn)}).`,
    });
  }
  if (sessionName !== undefined && !SESSION_NAME.test(sessionName)) {
    throw new ConfigError({
      provider: "aws",
      message: `aws: a role session name has 2-64 letters, digits and =,.@_+- (got ${JSON.stringify(sessionName)}).`,
    });
  }
}

/** The default role session name: short, legal, and traceable to a process in CloudTrail. */
export function defaultSessionName(): string {
  return `secrets-loader-${process.pid}`;
}

/**
 * Merges options with the standard environment variables.
 *
 * - region: `region`, `AWS_REGION`, `AWS_DEFAULT_REGION` (else the SDK's profile config);
 * - role: `roleArn` or `AWS_ROLE_ARN`; with `AWS_WEB_IDENTITY_TOKEN_FILE` it is assumed
 *   with web identity, otherwise with `AssumeRole` over the base credentials;
 * - endpoints: per-service variables win over `AWS_ENDPOINT_URL`; both are
 *   ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`, as in the SDK.
 *
 * @internal
 */
export function resolveAwsConfig(
  options: AwsProviderOptions = {},
  env: Readonly<Record<string, string | undefined>> = options.env ?? process.env,
): ResolvedAwsConfig {
  if (options === null || typeof options !== "object") {
    throw new ConfigError({
      provider: "aws",
      message: "aws: the provider's options must be an object.",
    });
  }
  for (const key of ["externalId"] as const) option(key, options[key]);
  const region =
    option("region", options.region) ??
    nonEmpty(env.AWS_REGION) ??
    nonEmpty(env.AWS_DEFAULT_REGION);
  const profile = option("profile", options.profile) ?? nonEmpty(env.AWS_PROFILE);
  const ignoreEnvEndpoints = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true";
  const shared =
    option("endpoint", options.endpoint) ??
    (ignoreEnvEndpoints ? undefined : nonEmpty(env.AWS_ENDPOINT_URL));
  const endpoints: Partial<Record<AwsService, string>> = {};
  for (const service of Object.keys(ENDPOINT_VARS) as AwsService[]) {
    const variable = ENDPOINT_VARS[service];
    const fromOptions = option(`endpoints.${service}`, options.endpoints?.[service]);
    const fromEnv = ignoreEnvEndpoints ? undefined : nonEmpty(env[variable]);
    const url = fromOptions ?? fromEnv ?? shared;
    if (url !== undefined) {
      const name = fromOptions
        ? `endpoints.${service}`
        : fromEnv
          ? variable
          : options.endpoint
            ? "endpoint"
            : "AWS_ENDPOINT_URL";
      endpoints[service] = checkEndpoint(name, url);
    }
  }

  let role: AmbientRole | undefined;
  const roleArn = option("roleArn", options.roleArn) ?? nonEmpty(env.AWS_ROLE_ARN);
  if (roleArn !== undefined) {
    const sessionName =
      option("roleSessionName", options.roleSessionName) ??
      nonEmpty(env.AWS_ROLE_SESSION_NAME) ??
      defaultSessionName();
    checkRole(options.roleArn ? "roleArn" : "AWS_ROLE_ARN", roleArn, sessionName);
    // The environment's token file belongs to the environment's role (IRSA, CI
    // OIDC): an explicit, different roleArn is assumed with AssumeRole instead.
    const roleFromEnv =
      nonEmpty(options.roleArn) === undefined || options.roleArn === env.AWS_ROLE_ARN;
    const tokenFile =
      option("webIdentityTokenFile", options.webIdentityTokenFile) ??
      (roleFromEnv ? nonEmpty(env.AWS_WEB_IDENTITY_TOKEN_FILE) : undefined);
    role = { roleArn, sessionName };
    if (tokenFile !== undefined) role.webIdentityTokenFile = tokenFile;
    if (options.externalId !== undefined) role.externalId = options.externalId;
    if (options.durationSeconds !== undefined) role.durationSeconds = options.durationSeconds;
  } else if (options.webIdentityTokenFile !== undefined) {
    throw new ConfigError({
      provider: "aws",
      message:
        "aws: webIdentityTokenFile needs a role to assume; set roleArn (or AWS_ROLE_ARN) as well.",
    });
  }

  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new ConfigError({
      provider: "aws",
      message: `aws: maxAttempts must be a whole number from 1 to 20 (got ${JSON.stringify(options.maxAttempts)}).`,
    });
  }
  const resolved: ResolvedAwsConfig = { endpoints, maxAttempts, batch: options.batch !== false };
  if (region !== undefined) resolved.region = region;
  if (profile !== undefined) resolved.profile = profile;
  if (role !== undefined) resolved.role = role;
  return resolved;
}
