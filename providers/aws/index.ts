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

import type {
  FetchContext,
  FetchedSecret,
  IssuedCredentials,
  ParsedRef,
  ProviderIdentity,
  SecretMetadata,
  SecretProvider,
} from "../../src/types.js";
import { AwsClients } from "./clients.js";
import { type AwsProviderOptions, resolveAwsConfig } from "./config.js";
import { issueCredentials, planStsCall } from "./credentials.js";
import {
  type AccessKeyAgeReport,
  accessKeyAge,
  describeParameter,
  describeSecret,
} from "./describe.js";
import { type BatchState, batchGetSecretValues, getSecretValue } from "./secrets-manager.js";
import { getParameter, getParameters } from "./ssm.js";
import type { AwsCredentialIdentity } from "./types.js";
import { callerIdentity } from "./whoami.js";

export type { AwsProviderOptions, AwsService } from "./config.js";
export type { AccessKeyAgeReport, AccessKeyInfo } from "./describe.js";
export { type AwsCredentialsProviderOptions, awsCredentialsProvider } from "./identity.js";
export type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  AwsCredentialsRequest,
} from "./types.js";
export { isAuthFailure, type WithSecretOptions, withSecret } from "./with-secret.js";

/**
 * The object {@link awsProvider} returns: a {@link SecretProvider} plus
 * `accessKeyAge()` for the doctor.
 *
 * @example
 * ```ts
 * const aws = (await secrets.provider("aws")) as AwsProvider;
 * const report = await aws.accessKeyAge();
 * ```
 */
export interface AwsProvider extends SecretProvider {
  /** Always `"aws"`. */
  readonly name: "aws";
  /** Issues STS credentials; see {@link AwsCredentialsRequest}. */
  getCredentials(
    request: unknown,
    ctx: FetchContext,
  ): Promise<IssuedCredentials<AwsCredentialIdentity>>;
  /** Rotation metadata (`aws-sm://`) or parameter dates (`aws-ssm://`). */
  describe(ref: ParsedRef, ctx: FetchContext): Promise<SecretMetadata>;
  /**
   * Age of the IAM access keys of the base identity (IAM `ListAccessKeys` for
   * the caller's own user), where permitted.
   *
   * @example
   * ```ts
   * const { permitted, keys } = await aws.accessKeyAge();
   * const stale = keys.filter((k) => k.status === "Active" && k.ageDays > 90);
   * ```
   */
  accessKeyAge(): Promise<AccessKeyAgeReport>;
  /**
   * Who reads the secrets (STS GetCallerIdentity, signed like the reads), with
   * its kind (`root`, `iam-user`, `assumed-role` ...), whether the credentials
   * are short-lived, and its attached managed policies where IAM allows.
   *
   * @example
   * ```ts
   * const id = await aws.identity();
   * if (id.admin) console.warn(`${id.principal} has administrator rights`);
   * ```
   */
  identity(ctx?: FetchContext): Promise<ProviderIdentity>;
}

/**
 * Creates the AWS provider. With no options it is configured from the
 * standard variables: `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_PROFILE`,
 * `AWS_ROLE_ARN` (+ `AWS_WEB_IDENTITY_TOKEN_FILE`), `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`/`_SSM`/`_STS`/`_IAM`.
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
export function awsProvider(options: AwsProviderOptions = {}): AwsProvider {
  const config = resolveAwsConfig(options);
  const clients = new AwsClients(config, options);
  const state: BatchState = { smBatchUnavailable: false, ssmBatchUnavailable: false };

  async function checkPolicy(ref: ParsedRef, ctx: FetchContext): Promise<void> {
    if (!ctx.policy.requireShortLived) return;
    const { client } =
      ref.scheme === "aws-ssm"
        ? await clients.ssm(ref.options.region)
        : await clients.secretsManager(ref.options.region);
    await clients.assertShortLived(ctx, client, ref.raw);
  }

  return {
    name: "aws",
    scheme: ["aws-sm", "aws-ssm"],

    async getSecret(ref: ParsedRef, ctx: FetchContext): Promise<FetchedSecret> {
      clients.use(ctx);
      await checkPolicy(ref, ctx);
      return ref.scheme === "aws-ssm" ? getParameter(clients, ref) : getSecretValue(clients, ref);
    },

    async getSecrets(
      refs: readonly ParsedRef[],
      ctx: FetchContext,
    ): Promise<Array<FetchedSecret | Error>> {
      clients.use(ctx);
      const results: Array<FetchedSecret | Error> = new Array(refs.length);
      const sm: number[] = [];
      const ssm: number[] = [];
      refs.forEach((r, i) => {
        (r.scheme === "aws-ssm" ? ssm : sm).push(i);
      });
      // Refused references get their own error; the credential lookup behind
      // the check is memoised by the SDK, so checking each one costs nothing.
      const allowed = async (indices: number[]) => {
        const refused = await Promise.all(
          indices.map((i) =>
            checkPolicy(refs[i] as ParsedRef, ctx).then(
              () => undefined,
              (e: Error) => e,
            ),
          ),
        );
        return indices.filter((i, k) => {
          const e = refused[k];
          if (e) results[i] = e;
          return !e;
        });
      };
      const run = async (
        indices: number[],
        fetch: (rs: ParsedRef[]) => Promise<Array<FetchedSecret | Error>>,
      ) => {
        const ok = await allowed(indices);
        if (ok.length === 0) return;
        const out = await fetch(ok.map((i) => refs[i] as ParsedRef));
        ok.forEach((i, k) => {
          results[i] = out[k] as FetchedSecret | Error;
        });
      };
      await Promise.all([
        run(sm, (rs) => batchGetSecretValues(clients, rs, state)),
        run(ssm, (rs) => getParameters(clients, rs, state)),
      ]);
      return results;
    },

    async getCredentials(
      request: unknown,
      ctx: FetchContext,
    ): Promise<IssuedCredentials<AwsCredentialIdentity>> {
      clients.use(ctx);
      const call = planStsCall(request, config.role);
      const { sdk, client } = await clients.sts(call.region);
      return issueCredentials(call, sdk, client, clients.region(call.region));
    },

    async describe(ref: ParsedRef, ctx: FetchContext): Promise<SecretMetadata> {
      clients.use(ctx);
      return ref.scheme === "aws-ssm"
        ? describeParameter(clients, ref)
        : describeSecret(clients, ref);
    },

    accessKeyAge(): Promise<AccessKeyAgeReport> {
      return accessKeyAge(clients);
    },

    identity(ctx?: FetchContext): Promise<ProviderIdentity> {
      if (ctx) clients.use(ctx);
      return callerIdentity(clients);
    },

    close(): Promise<void> {
      return clients.close();
    },
  };
}
