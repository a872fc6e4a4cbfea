/**
 * The `aws` provider's code: `aws-sm://` (Secrets Manager) and `aws-ssm://`
 * (SSM Parameter Store) references, and short-lived STS credentials through
 * `getCredentials("aws", request)`. Each AWS SDK client is imported on first use.
 */

import type {
  CallContext,
  Issued,
  ParsedRef,
  ProviderContext,
  ProviderIdentity,
  SecretMetadata,
} from "../../src/provider/index.js";
import { AwsClients } from "./clients.js";
import { type AwsProviderOptions, resolveAwsConfig } from "./config.js";
import { describeCall, issueCredentials, planStsCall } from "./credentials.js";
import { describeParameter, describeSecret } from "./describe.js";
import { type BatchState, batchGetSecretValues, getSecretValue } from "./secrets-manager.js";
import { getParameter, getParameters } from "./ssm.js";
import type { AwsCredentialIdentity, AwsProvider } from "./types.js";

export type { AwsProvider } from "./types.js";

/**
 * What the doctor facet is handed (typed by the declaration): the operations
 * and the SDK clients they sign with.
 */
export interface AwsOperations extends AwsProvider {
  /** The SDK clients, signed like the reads (key age). */
  readonly clients: AwsClients;
}

/**
 * Creates the AWS provider for a client (the descriptor's `create`). With no options it is configured from the
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
 * const aws = await createAwsProvider(context, { roleArn: "arn:aws:iam::123456789012:role/api-secrets" });
 * ```
 */
export async function createAwsProvider(
  context: ProviderContext,
  options: AwsProviderOptions = {},
): Promise<AwsOperations> {
  const config = resolveAwsConfig(options);
  const clients = new AwsClients(config, options, context);
  const state: BatchState = { smBatchUnavailable: false, ssmBatchUnavailable: false };

  return {
    clients,

    authClass: () => clients.authClass(),

    getSecret(ref: ParsedRef, call: CallContext): Promise<Issued> {
      return clients.within(call.signal, async () => {
        return ref.scheme === "aws-ssm" ? getParameter(clients, ref) : getSecretValue(clients, ref);
      });
    },

    getSecrets(refs: readonly ParsedRef[], call: CallContext): Promise<Array<Issued | Error>> {
      return clients.within(call.signal, async () => {
        const results: Array<Issued | Error> = new Array(refs.length);
        const sm: number[] = [];
        const ssm: number[] = [];
        refs.forEach((r, i) => {
          (r.scheme === "aws-ssm" ? ssm : sm).push(i);
        });
        const run = async (
          indices: number[],
          fetch: (rs: ParsedRef[]) => Promise<Array<Issued | Error>>,
        ) => {
          if (indices.length === 0) return;
          const out = await fetch(indices.map((i) => refs[i] as ParsedRef));
          indices.forEach((i, k) => {
            results[i] = out[k] as Issued | Error;
          });
        };
        await Promise.all([
          run(sm, (rs) => batchGetSecretValues(clients, rs, state)),
          run(ssm, (rs) => getParameters(clients, rs, state)),
        ]);
        return results;
      });
    },

    getCredentials(request: unknown, call: CallContext): Promise<Issued<AwsCredentialIdentity>> {
      const sts = planStsCall(request, config.role);
      return clients.within(call.signal, async () => {
        const { sdk, client } = await clients.sts(sts.region);
        return issueCredentials(sts, sdk, client, clients.region(sts.region));
      });
    },

    credentialsLabel(request: unknown): string {
      try {
        return `aws:${describeCall(planStsCall(request, config.role))}`;
      } catch {
        return "aws:credentials";
      }
    },

    describe(ref: ParsedRef, call: CallContext): Promise<SecretMetadata> {
      return clients.within(call.signal, () =>
        ref.scheme === "aws-ssm" ? describeParameter(clients, ref) : describeSecret(clients, ref),
      );
    },

    async identity(call?: CallContext): Promise<ProviderIdentity> {
      // Doctor-only code: loaded when asked.
      const { callerIdentity } = await import("./whoami.js");
      return call
        ? clients.within(call.signal, () => callerIdentity(clients))
        : callerIdentity(clients);
    },

    close(): Promise<void> {
      return clients.close();
    },
  };
}
